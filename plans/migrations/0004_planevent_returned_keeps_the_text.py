from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_fill_returned_snapshots")]

    operations = [
        migrations.AddConstraint(
            model_name="planevent",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("action", "returned"), _negated=True), ("snapshot__isnull", False), _connector="OR"),
                name="planevent_returned_keeps_the_text",
            ),
        ),
    ]
