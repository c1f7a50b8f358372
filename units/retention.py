"""How long the contacts of a unit removed from the list (调出) are kept: CONTACT_RETENTION_DAYS after the removal,
then their names, positions, phones and e-mails are blanked (PIPL art. 19: no longer than the purpose needs; art. 47:
erased once it is served). The rows stay, so that what refers to them keeps its meaning; their history rows are
blanked too, and the phones and e-mails of the contacts' logins. A unit selected again before the time is up keeps
its contacts.

Run daily by beat (units.tasks.purge_contacts_task) and by hand with `manage.py purge_contacts`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Role, User
from audit.models import Action
from audit.services import record
from units.models import ListingEvent, Unit, UnitContact

CONTACT_FIELDS = ("name", "position", "phone", "email")
LOGIN_FIELDS = ("phone", "email")


@dataclass(frozen=True)
class Purged:
    units: int
    contacts: int


def units_past_contact_retention(*, today: datetime.date | None = None) -> QuerySet[Unit]:
    """Units off the list whose last removal is CONTACT_RETENTION_DAYS old or older."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.CONTACT_RETENTION_DAYS)
    last_removal = ListingEvent.objects.filter(unit=OuterRef("pk"), kind=ListingEvent.Kind.REMOVED).order_by(
        "-date", "-created_at"
    )
    return (
        Unit.objects.filter(is_listed=False)
        .annotate(removed_on=Subquery(last_removal.values("date")[:1]))
        .filter(removed_on__lte=cutoff)
    )


def _not_blank(fields: tuple[str, ...]) -> dict[str, str]:
    return dict.fromkeys(fields, "")


@transaction.atomic
def contacts_purge(*, today: datetime.date | None = None) -> Purged:
    """Blanks the contacts of the units past retention; idempotent (blank rows are not counted again)."""
    units = list(units_past_contact_retention(today=today).select_for_update(of=("self",)))
    unit_ids = [unit.pk for unit in units]
    blank_contacts = _not_blank(CONTACT_FIELDS)
    contacts = UnitContact.objects.filter(unit_id__in=unit_ids).exclude(**blank_contacts)
    counts = dict.fromkeys(unit_ids, 0)
    for unit_id in contacts.values_list("unit_id", flat=True):
        counts[unit_id] += 1
    # update(): no new history row (it would hold the data being erased), and no model validation (a name is required
    # of a contact being entered, not of one anonymised).
    purged = contacts.update(**blank_contacts, updated_at=timezone.now())
    UnitContact.history.model.objects.filter(unit_id__in=unit_ids).exclude(**blank_contacts).update(**blank_contacts)
    blank_logins = _not_blank(LOGIN_FIELDS)
    logins = User.objects.filter(role=Role.UNIT_CONTACT, unit_id__in=unit_ids)
    User.history.model.objects.filter(id__in=logins.values("pk")).exclude(**blank_logins).update(**blank_logins)
    logins.exclude(**blank_logins).update(**blank_logins)
    for unit in units:
        if counts[unit.pk]:
            record(
                Action.DELETE,
                obj=unit,
                username="purge_contacts",
                detail={
                    "anonymised_contacts": counts[unit.pk],
                    "fields": list(CONTACT_FIELDS),
                    "removed_on": unit.removed_on.isoformat(),
                    "retention_days": settings.CONTACT_RETENTION_DAYS,
                },
            )
    return Purged(units=sum(1 for count in counts.values() if count), contacts=purged)
