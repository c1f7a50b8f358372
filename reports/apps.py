from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # What this app adds to the unit list, which units may not import (units/unit_list.py).
        from reports import scopes, unit_list  # noqa: F401
