"""What each role may do with the key units (object-level reads are the scopes': units/scopes.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from accounts.access import is_bureau, is_officer, is_team_member, is_unit_contact
from accounts.models import Role
from units.models import Unit

if TYPE_CHECKING:
    from accounts.models import User


def record_unit_id(record) -> int:
    """The unit a record belongs to (an activity, a request …); a unit is its own."""
    return record.pk if isinstance(record, Unit) else record.unit_id


@rules.predicate
def speaks_for_record_unit(user: User, record) -> bool:
    """The contact of the unit of `record` (a unit, an activity or a request)."""
    if record is None or not (user.is_authenticated and user.role == Role.UNIT_CONTACT and user.unit_id):
        return False
    return user.unit_id == record_unit_id(record)


rules.add_perm("units.browse_units", is_bureau | is_officer | is_team_member)
rules.add_perm("units.view_own_unit", is_unit_contact)
rules.add_perm("units.manage_units", is_bureau)  # create, edit, select, remove, import, contacts, IP profile
rules.add_perm("units.export_units", is_bureau | is_officer)
# Contacts' phones and e-mails in full (PIPL art. 6: no more than the purpose needs) for those who call them: the
# bureau, which keeps the list; the serving team (a team member reaches only the units their team serves, see the
# unit scope); the unit's own contact (their colleagues, whose details they keep up to date). Everyone else who may
# see a unit (a city's officer) sees them masked (huhang/masking.py); units.selectors.contacts_for_display applies it.
rules.add_perm("units.view_contact_details", is_bureau | is_team_member | speaks_for_record_unit)
# The list exported with the contacts unmasked: the bureau only, on request, and audited (units/excel_views.py).
rules.add_perm("units.export_contact_details", is_bureau)
