"""Loads Zhejiang's 11 cities and their county-level divisions from the shipped CSV."""

from django.db import migrations

from units.divisions import load_zhejiang_divisions


def load_divisions(apps, schema_editor):
    load_zhejiang_divisions(apps.get_model("units", "Division"))


def unload_divisions(apps, schema_editor):
    Division = apps.get_model("units", "Division")
    Division.objects.filter(level="county").delete()
    Division.objects.filter(level="city").delete()


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]

    operations = [migrations.RunPython(load_divisions, unload_divisions)]
