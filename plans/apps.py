from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Service plans")

    def ready(self) -> None:
        from huhang import freshness
        from huhang.models import ProgrammeSettings

        # scopes: the read scopes of this app's models. The rest: what this app adds to a unit's timeline, page
        # and list, which units may not import (units/timeline.py, units/unit_page.py, units/unit_list.py), and to
        # lists of teams, which teams may not import (teams/team_figures.py).
        from plans import scopes, team_figures, timeline, unit_list, unit_page  # noqa: F401
        from plans.models import Plan, PlanVersion
        from teams.models import Assignment, Membership, Person
        from units.models import Division, ListingEvent, Unit

        # The overview's counts are cached under the version of the records they count (plans/selectors.py): what
        # they count, and what a team member's scope is made of.
        freshness.watch(
            Unit, ListingEvent, Division, ProgrammeSettings, Plan, PlanVersion, Assignment, Membership, Person
        )
