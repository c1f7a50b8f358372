from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchivesConfig(AppConfig):
    name = "archives"
    verbose_name = _("Service archive")

    def ready(self) -> None:
        # scopes: the read scopes of this app's models. The rest: what this app adds to a unit's timeline, page
        # and list, which units may not import (units/timeline.py, units/unit_page.py, units/unit_list.py).
        from archives import scopes, timeline, unit_page  # noqa: F401
