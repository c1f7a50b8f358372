from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Service teams")

    def ready(self) -> None:
        from huhang import freshness

        # scopes: the read scopes of this app's models. The rest: what this app adds to a unit's timeline, page
        # and list, which units may not import (units/timeline.py, units/unit_page.py, units/unit_list.py).
        from teams import scopes, timeline, unit_list, unit_page  # noqa: F401
        from teams.models import Person

        # The personnel list's organisation choices are cached under the version of the records (teams/selectors.py).
        freshness.watch(Person)
