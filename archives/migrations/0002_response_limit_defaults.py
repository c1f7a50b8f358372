"""The default response time limits (working days), one row per request kind; the bureau may change them later."""

from django.db import migrations

ACCEPT_DAYS = 1
# Consultation kinds are answered within 5 working days, service kinds within 15.
ANSWER_DAYS = {
    "consultation": 5,
    "guidance": 5,
    "commercialisation": 5,
    "service_agency": 5,
    "other_department": 5,
    "patent_navigation": 15,
    "pre_examination": 15,
    "priority_examination": 15,
    "monitoring": 15,
    "enforcement": 15,
}


def add_defaults(apps, schema_editor):
    ResponseLimit = apps.get_model("archives", "ResponseLimit")
    for kind, answer_days in ANSWER_DAYS.items():
        ResponseLimit.objects.get_or_create(kind=kind, defaults={"accept_days": ACCEPT_DAYS, "answer_days": answer_days})


def remove_defaults(apps, schema_editor):
    apps.get_model("archives", "ResponseLimit").objects.filter(kind__in=ANSWER_DAYS).delete()


class Migration(migrations.Migration):
    dependencies = [("archives", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
