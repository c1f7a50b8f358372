from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("archives", "0006_list_orders_and_request_search"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["date", "kind"], name="activity_date_kind"),
        ),
    ]
