from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _

# The apps whose records the dashboard counts (reports/caching.py): a write to any of their tables but these
# bookkeeping ones makes the cached figures out of date.
COUNTED_APPS = ["huhang", "units", "teams", "plans", "archives", "reports"]
NOT_COUNTED = {"units.importjob", "reports.exportjob", "archives.stagedupload"}


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from huhang import freshness

        # What this app adds to the unit list, which units may not import (units/unit_list.py).
        from reports import scopes, unit_list  # noqa: F401

        freshness.watch(
            *(
                model
                for label in COUNTED_APPS
                for model in apps.get_app_config(label).get_models()
                if model._meta.label_lower not in NOT_COUNTED
            )
        )
