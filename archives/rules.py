"""What each role may do in the service archive and with requests (object-level reads: archives/scopes.py).
Object-level rules take the activity or the request (or, to record one, the unit; to reply to a referral, the
referral)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from accounts.access import is_bureau, is_expert, is_officer, is_team_member, is_unit_contact
from accounts.models import Role
from archives.selectors import officers_covering
from teams.rules import serves_record_unit
from units.rules import speaks_for_record_unit

if TYPE_CHECKING:
    from accounts.models import User


@rules.predicate
def addressed_officer(user: User, referral) -> bool:
    """An officer whose jurisdiction covers the division a referral is addressed to (a city officer covers the
    city and its counties; a county officer the county)."""
    if referral is None or not (user.is_authenticated and user.role == Role.OFFICER and user.division_id):
        return False
    division = referral.division
    return division is not None and user.division_id in (division.pk, division.city_id)


@rules.predicate
def records_department_reply(user: User, referral) -> bool:
    """The serving team records the reply of a department that does not answer in the portal: one named by hand,
    or a division's IP department none of whose officers has a login (the referral must not wait for ever)."""
    if referral is None or not serves_record_unit(user, referral.request):
        return False
    return referral.division_id is None or not officers_covering(referral.division).exists()


@rules.predicate
def invited_to_record(user: User, record) -> bool:
    """An expert invited to `record` (an activity or a request)."""
    if record is None or not (user.is_authenticated and user.role == Role.EXPERT):
        return False
    return record.experts.filter(user=user).exists()


# The archive list: officers do not see the archive (it is the team's working record); the scope narrows the rows.
# Every programme role reads the requests of its scope; the administrators read none (三员分立).
rules.add_perm("archives.browse_requests", is_bureau | is_officer | is_team_member | is_expert | is_unit_contact)
rules.add_perm("archives.browse_activities", is_bureau | is_team_member | is_expert | is_unit_contact)

rules.add_perm("archives.record_activity", serves_record_unit)  # object: the unit
rules.add_perm("archives.change_activity", serves_record_unit)
rules.add_perm("archives.comment_activity", serves_record_unit | invited_to_record)
rules.add_perm("archives.raise_request", speaks_for_record_unit | serves_record_unit)  # object: the unit
rules.add_perm("archives.handle_request", serves_record_unit)  # accept, answer, note, refer, invite an expert
rules.add_perm("archives.reply_request", serves_record_unit | invited_to_record | speaks_for_record_unit)
rules.add_perm("archives.reply_referral", addressed_officer | records_department_reply)  # object: the referral
rules.add_perm("archives.close_request", speaks_for_record_unit)  # rate and close, or reopen
rules.add_perm("archives.manage_response_limits", is_bureau)
