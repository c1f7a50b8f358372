from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="planevent",
            name="snapshot",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="text as returned"),
        ),
    ]
