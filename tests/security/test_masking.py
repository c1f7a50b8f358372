"""Contacts' phones and e-mails show in full only to the roles that call them; lists and exports mask them, and every
export of personal data is in the audit trail (PIPL; issue 13, item 6)."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from audit.models import Action, AuditEvent
from huhang.masking import mask_email, mask_phone, show_contact_details
from tests.factories import PersonFactory, TeamFactory, UserFactory, two_served_units
from tests.reminders.factories import EmailDeliveryFactory
from units.exporting import SHEET_TITLE, units_export
from units.importing import import_run
from units.models import Unit
from units.services import contact_save

PHONE, EMAIL = "13812345678", "wang.gong@example.com"
MASKED_PHONE, MASKED_EMAIL = "138****5678", "w****@example.com"
EXPORT = reverse("units:export")


@pytest.fixture
def contact(db, unit):
    return contact_save(unit=unit, name="王工", phone=PHONE, email=EMAIL, is_primary=True)


def sign_in(client, user) -> None:
    """Signed in with the second factor given, as staff must be (accounts/second_factor.py)."""
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def page(client, user, url):
    sign_in(client, user)
    return client.get(url)


def test_the_masks():
    assert (mask_phone(PHONE), mask_email(EMAIL)) == (MASKED_PHONE, MASKED_EMAIL)
    assert (mask_phone("0571-87654321"), mask_phone(""), mask_email("")) == ("057****4321", "", "")
    shown = show_contact_details([PersonFactory.build(phone=PHONE, email=EMAIL)], in_full=False)
    assert (shown[0].shown_phone, shown[0].shown_email) == (MASKED_PHONE, MASKED_EMAIL)


# --- The unit page ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.BUREAU, Role.TEAM_MEMBER, Role.UNIT_CONTACT])
def test_those_who_call_the_contacts_see_them_in_full_on_the_unit_page(client, users, unit, contact, role):
    two_served_units(users[Role.TEAM_MEMBER], unit)  # tom's team serves the unit
    response = page(client, users[role], reverse("units:detail", kwargs={"uid": unit.uid}))
    assert response.status_code == 200
    content = response.content.decode()
    assert PHONE in content
    assert EMAIL in content


def test_a_citys_officer_sees_the_contacts_masked(client, users, unit, contact):
    response = page(client, users[Role.OFFICER], reverse("units:detail", kwargs={"uid": unit.uid}))
    assert response.status_code == 200
    content = response.content.decode()
    assert MASKED_PHONE in content
    assert MASKED_EMAIL in content
    assert PHONE not in content
    assert EMAIL not in content


@pytest.mark.parametrize("role", [Role.EXPERT, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_roles_outside_the_unit_see_no_contact_at_all(client, users, unit, contact, role):
    response = page(client, users[role], reverse("units:detail", kwargs={"uid": unit.uid}))
    assert response.status_code in (403, 404)
    assert PHONE not in response.content.decode()


def test_a_team_member_whose_team_does_not_serve_the_unit_sees_nothing(client, users, unit, contact):
    response = page(client, users[Role.TEAM_MEMBER], reverse("units:detail", kwargs={"uid": unit.uid}))
    assert response.status_code == 404


def test_another_units_contact_and_anonymous_see_nothing(client, outsiders, unit, contact):
    url = reverse("units:detail", kwargs={"uid": unit.uid})
    assert client.get(url).status_code == 302
    assert page(client, outsiders[Role.UNIT_CONTACT], url).status_code in (302, 404)
    assert PHONE not in client.get(url).content.decode()


# --- The contacts export ----------------------------------------------------------------------------------------


def exported_contacts(response) -> list[tuple[str, str]]:
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook[SHEET_TITLE]
    headers = [cell.value for cell in sheet[2]]
    rows = [dict(zip(headers, values, strict=True)) for values in sheet.iter_rows(min_row=3, values_only=True)]
    return [(row["联系电话"], row["电子邮箱"]) for row in rows]


@pytest.mark.parametrize("role", [Role.BUREAU, Role.OFFICER])
def test_the_export_masks_phones_and_emails_by_default(client, users, contact, role):
    assert exported_contacts(page(client, users[role], EXPORT)) == [(MASKED_PHONE, MASKED_EMAIL)]


def test_the_bureau_exports_them_in_full_on_request_and_it_is_audited(client, users, contact):
    sign_in(client, users[Role.BUREAU])
    assert exported_contacts(client.get(EXPORT, {"contacts": "full"})) == [(PHONE, EMAIL)]
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert (event.user, event.object_type) == (users[Role.BUREAU], "units.unit")
    assert event.detail["contact_details"] == "full"
    assert event.detail["rows"] == 1
    assert {"contact_name", "phone", "email"} <= set(event.detail["fields"])
    assert PHONE not in str(event.detail)
    assert EMAIL not in str(event.detail)


def test_an_officer_asking_for_the_full_export_still_gets_it_masked(client, users, contact):
    sign_in(client, users[Role.OFFICER])
    assert exported_contacts(client.get(EXPORT, {"contacts": "full"})) == [(MASKED_PHONE, MASKED_EMAIL)]
    assert AuditEvent.objects.get(action=Action.EXPORT).detail["contact_details"] == "masked"


def test_every_export_is_audited_even_a_masked_one(client, users, contact):
    sign_in(client, users[Role.OFFICER])
    client.get(EXPORT)
    client.get(EXPORT, {"category": Unit.Category.OTHER})
    events = AuditEvent.objects.filter(action=Action.EXPORT, user=users[Role.OFFICER])
    assert sorted(event.detail["rows"] for event in events) == [0, 1]


def test_only_the_bureau_is_offered_the_full_export(client, users):
    assert 'data-testid="export-full"' in page(client, users[Role.BUREAU], reverse("units:list")).content.decode()
    assert 'data-testid="export-full"' not in page(client, users[Role.OFFICER], reverse("units:list")).content.decode()


def test_a_masked_export_imported_back_keeps_the_stored_phones_and_emails(contact, tmp_path):
    path = tmp_path / "masked.xlsx"
    with path.open("wb") as f:
        units_export(units=Unit.objects.all(), target=f)
    result = import_run(actor=None, path=path)
    assert (result.ok, result.problems) == (True, [])
    contact.refresh_from_db()
    assert (contact.phone, contact.email) == (PHONE, EMAIL)


# --- Teams and the outbox ---------------------------------------------------------------------------------------


def test_a_team_page_shows_the_members_details_to_the_bureau_and_the_team(client, users, unit):
    served = two_served_units(users[Role.TEAM_MEMBER], unit)
    leader = served["leader"]
    leader.phone, leader.email = PHONE, EMAIL
    leader.save()
    url = reverse("teams:detail", kwargs={"pk": served["team"].pk})
    for role in (Role.BUREAU, Role.TEAM_MEMBER):
        assert PHONE in page(client, users[role], url).content.decode()
    # Everyone else is refused the page (teams.browse_teams), and would see the details masked (teams/rules.py).
    assert page(client, users[Role.OFFICER], url).status_code in (403, 404)
    assert not users[Role.OFFICER].has_perm("teams.view_person_details")
    assert not users[Role.EXPERT].has_perm("teams.view_person_details")


def test_a_team_page_masks_the_details_for_a_role_without_the_right(rf, users, unit):
    from teams.selectors import team_seats_for_display

    team = TeamFactory(leader=PersonFactory(phone=PHONE, email=EMAIL))
    seats = team_seats_for_display(user=users[Role.OFFICER], team=team)
    leader = next(seat.person for seat in seats if seat.role == "leader")
    assert (leader.shown_phone, leader.shown_email) == (MASKED_PHONE, MASKED_EMAIL)


def test_the_outbox_shows_addresses_masked(client, users):
    EmailDeliveryFactory(user=UserFactory(email=EMAIL))
    content = page(client, users[Role.BUREAU], reverse("reminders:outbox")).content.decode()
    assert MASKED_EMAIL in content
    assert EMAIL not in content
