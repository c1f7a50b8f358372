# The unit list at 100× (issue 14): a search by the start of a credit code served by an index, whatever the collation.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0006_unit_search_document_and_list_order"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="unit",
            index=models.Index(
                fields=["credit_code"], name="unit_credit_code_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ),
    ]
