"""The programme settings row exists from the start, with the action plan's defaults."""

from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("huhang", "ProgrammeSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("huhang", "0001_programme_settings")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
