"""The contacts of a unit removed from the list are anonymised CONTACT_RETENTION_DAYS after the removal
(units/retention.py): names, positions, phones and e-mails blanked in the rows and their history, the rows kept."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from audit.models import Action, AuditEvent
from tests.factories import UnitFactory, UserFactory
from units.models import UnitContact
from units.retention import contacts_purge
from units.services import contact_save, unit_remove, unit_reselect
from units.tasks import purge_contacts_task

TODAY = timezone.localdate()
DAYS = 365


def removed_unit(days_ago: int, **contact):
    unit = UnitFactory()
    saved = contact_save(unit=unit, name="王工", position="知识产权主管", phone="13812345678", email="w@example.com")
    contact_save(unit=unit, contact=saved, phone="13900000000")  # a second history row with the old phone
    unit_remove(actor=None, unit=unit, date=TODAY - datetime.timedelta(days=days_ago), reason="不再符合条件")
    return unit, saved


def blank(contact: UnitContact) -> bool:
    contact.refresh_from_db()
    return (contact.name, contact.position, contact.phone, contact.email) == ("", "", "", "")


@pytest.fixture(autouse=True)
def retention():
    with override_settings(CONTACT_RETENTION_DAYS=DAYS):
        yield


@pytest.mark.django_db
def test_contacts_of_a_unit_removed_longer_ago_than_the_retention_are_anonymised():
    unit, contact = removed_unit(DAYS)
    login = UserFactory(unit_contact=True, unit=unit, contact=contact, phone="13812345678", email="w@example.com")

    purged = contacts_purge()

    assert (purged.units, purged.contacts) == (1, 1)
    assert blank(contact)
    assert UnitContact.objects.filter(pk=contact.pk).exists()  # the row stays for what refers to it
    history = UnitContact.history.model.objects.filter(id=contact.pk)
    assert history.count() >= 2
    assert set(history.values_list("name", "position", "phone", "email")) == {("", "", "", "")}
    login.refresh_from_db()
    assert (login.phone, login.email) == ("", "")
    assert set(User.history.model.objects.filter(id=login.pk).values_list("phone", "email")) == {("", "")}
    event = AuditEvent.objects.get(action=Action.DELETE, unit_id=unit.pk)
    assert event.detail["anonymised_contacts"] == 1
    assert "13812345678" not in str(event.detail)


@pytest.mark.django_db
def test_contacts_within_the_retention_listed_or_selected_again_are_kept():
    _recent, recent = removed_unit(DAYS - 1)
    reselected_unit, reselected = removed_unit(DAYS + 30)
    unit_reselect(actor=None, unit=reselected_unit, date=TODAY, batch="2026年第二批")
    listed = contact_save(unit=UnitFactory(), name="李工", phone="13700000000")

    assert contacts_purge().contacts == 0

    for contact in (recent, reselected, listed):
        contact.refresh_from_db()
        assert contact.name
        assert contact.phone


@pytest.mark.django_db
def test_the_purge_is_idempotent_and_reported_by_the_command(capsys):
    removed_unit(DAYS + 1)
    removed_unit(DAYS + 100)
    call_command("purge_contacts")
    assert "2 contacts of 2 units anonymised" in capsys.readouterr().out
    call_command("purge_contacts")
    assert "0 contacts of 0 units anonymised" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action=Action.DELETE).count() == 2


@pytest.mark.django_db
def test_the_daily_task_purges_and_beat_schedules_it():
    _unit, contact = removed_unit(DAYS)
    assert purge_contacts_task.delay().get() == 1
    assert blank(contact)
    entry = settings.CELERY_BEAT_SCHEDULE["purge-contacts"]
    assert entry["task"] == "units.tasks.purge_contacts_task"


@pytest.mark.django_db
def test_the_retention_follows_the_setting():
    _unit, contact = removed_unit(30)
    with override_settings(CONTACT_RETENTION_DAYS=31):
        assert contacts_purge().contacts == 0
    with override_settings(CONTACT_RETENTION_DAYS=30):
        assert contacts_purge().contacts == 1
    assert blank(contact)
