"""What each role may do with the pool and the teams, and who serves a unit (object-level reads: teams/scopes.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from accounts.access import is_bureau, is_team_member
from accounts.models import Role
from teams.scopes import units_served_by
from units.rules import record_unit_id

if TYPE_CHECKING:
    from accounts.models import User


@rules.predicate
def serves_record_unit(user: User, record) -> bool:
    """A team member whose team serves the unit of `record` (a unit, an activity or a request)."""
    if record is None or not (user.is_authenticated and user.role == Role.TEAM_MEMBER):
        return False
    return units_served_by(user).filter(unit_id=record_unit_id(record)).exists()


rules.add_perm("teams.manage_teams", is_bureau)  # personnel, teams, assignments
rules.add_perm("teams.browse_teams", is_bureau | is_team_member)
rules.add_perm("teams.view_own_teams", is_team_member)  # "My teams"
rules.add_perm("teams.view_workload", is_bureau)
# The pool's phones and e-mails in full: the bureau, which keeps the pool (the person pages are the bureau's only), and
# team members, who call their team's colleagues (a team page shows a member only their own teams). Any other role
# that may one day see a team page sees them masked (teams.selectors.team_seats_for_display).
rules.add_perm("teams.view_person_details", is_bureau | is_team_member)
