"""The points the units are first asked to rate their team on (the bureau may change them)."""

from django.db import migrations

QUESTIONS = ["服务响应是否及时", "服务人员是否专业", "服务是否解决了实际问题", "对接沟通是否顺畅"]


def add_questions(apps, schema_editor):
    question = apps.get_model("reports", "FeedbackQuestion")
    if not question.objects.exists():
        question.objects.bulk_create(question(text=text, position=i) for i, text in enumerate(QUESTIONS, 1))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(add_questions, migrations.RunPython.noop)]
