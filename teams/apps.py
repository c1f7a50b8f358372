from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Service teams")

    def ready(self) -> None:
        # scopes: the read scopes of this app's models. The rest: what this app adds to a unit's timeline, page
        # and list, which units may not import (units/timeline.py, units/unit_page.py, units/unit_list.py).
        from teams import scopes, timeline, unit_list, unit_page  # noqa: F401
