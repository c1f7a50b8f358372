"""Everyone's own e-mail preferences: per kind that can reach their role, no e-mail, at once or in the 9:00 digest;
the defaults shown as such; saved through reminders.services.email_preferences_set and used by the outbox."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import BUSINESS_ROLES, Role
from reminders.kinds import EmailMode, Kind, default_email_mode
from reminders.models import Delivery, EmailPreference
from reminders.occasions import Occasion
from reminders.selectors import KINDS_BY_ROLE
from reminders.services import planned_deliveries
from tests.reminders.factories import NotificationFactory, ReminderFactory

URL = reverse("reminders:preferences")
ROLES = list(BUSINESS_ROLES)  # the administrators receive no reminder of the programme


def _form_data(response) -> dict[str, str]:
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields}


def test_anonymous_users_are_sent_to_the_login_page(client, db):
    for response in (client.get(URL), client.post(URL, {Kind.NO_CONTACT: EmailMode.OFF})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert not EmailPreference.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_chooses_for_the_kinds_that_reach_it_with_the_defaults_shown(client, users, role):
    client.force_login(users[role])
    response = client.get(URL)
    assert response.status_code == 200
    kinds = [choice.kind for choice in response.context["form"].kind_choices]
    assert kinds == [kind for kind in Kind.values if kind in KINDS_BY_ROLE[role]]
    assert _form_data(response) == {kind: default_email_mode(kind) for kind in kinds}
    for kind in kinds:
        assert f'data-testid="kind-{kind}"' in response.text
        assert f'data-default="{default_email_mode(kind)}"' in response.text
    assert 'data-testid="quiet-hours"' in response.text
    for time in ("20:00", " 8:00", " 9:00"):
        assert time in response.text


def test_deadlines_default_to_the_digest_and_events_to_at_once(client, users):
    client.force_login(users[Role.TEAM_MEMBER])
    data = _form_data(client.get(URL))
    assert data[Kind.PLAN_DUE_SOON] == data[Kind.NO_CONTACT] == EmailMode.DIGEST
    assert data[Kind.REQUEST_RAISED] == data[Kind.REQUEST_MISSED] == EmailMode.AT_ONCE


@pytest.mark.parametrize("role", ROLES)
def test_a_choice_is_saved_and_comes_back(client, users, role):
    user = users[role]
    client.force_login(user)
    data = _form_data(client.get(URL))
    kind = next(iter(data))
    data[kind] = EmailMode.OFF
    response = client.post(URL, data)
    assert response.status_code == 302
    assert response.url == URL
    # Only the choice that differs from its kind's default is stored.
    assert list(EmailPreference.objects.filter(user=user).values_list("kind", "mode")) == [(kind, EmailMode.OFF)]
    assert _form_data(client.get(URL))[kind] == EmailMode.OFF


def test_choosing_the_default_again_removes_the_stored_choice(client, users):
    user = users[Role.TEAM_MEMBER]
    EmailPreference.objects.create(user=user, kind=Kind.NO_CONTACT, mode=EmailMode.AT_ONCE)
    client.force_login(user)
    data = _form_data(client.get(URL))
    assert data[Kind.NO_CONTACT] == EmailMode.AT_ONCE
    data[Kind.NO_CONTACT] = EmailMode.DIGEST
    client.post(URL, data)
    assert not EmailPreference.objects.filter(user=user).exists()


def test_a_kind_received_outside_the_role_is_offered_too_and_hidden_choices_are_kept(client, users):
    """An expert who owns a measure hears of it; a choice for a kind no longer shown survives a save."""
    user = users[Role.EXPERT]
    NotificationFactory(user=user, reminder=ReminderFactory(kind=Kind.MEASURE_DUE_SOON))
    EmailPreference.objects.create(user=user, kind=Kind.PLAN_RETURNED, mode=EmailMode.OFF)
    client.force_login(user)
    data = _form_data(client.get(URL))
    assert set(data) == {Kind.EXPERT_INVITED, Kind.MEASURE_DUE_SOON}
    data[Kind.MEASURE_DUE_SOON] = EmailMode.AT_ONCE
    client.post(URL, data)
    assert dict(EmailPreference.objects.filter(user=user).values_list("kind", "mode")) == {
        Kind.MEASURE_DUE_SOON: EmailMode.AT_ONCE,
        Kind.PLAN_RETURNED: EmailMode.OFF,
    }


@pytest.mark.parametrize("bad", ["never", "", None])
def test_a_bad_choice_is_refused_and_nothing_saved(client, users, bad):
    user = users[Role.UNIT_CONTACT]
    client.force_login(user)
    data = _form_data(client.get(URL)) | {Kind.FEEDBACK_OPEN: EmailMode.OFF}
    if bad is None:
        del data[Kind.REQUEST_ANSWERED]
    else:
        data[Kind.REQUEST_ANSWERED] = bad
    response = client.post(URL, data)
    assert response.status_code == 200
    assert Kind.REQUEST_ANSWERED in response.context["form"].errors
    assert not EmailPreference.objects.filter(user=user).exists()


def test_the_page_says_where_e_mails_go_or_that_no_address_is_set(client, users):
    user = users[Role.OFFICER]
    client.force_login(user)
    assert user.email in client.get(URL).text
    user.email = ""
    user.save()
    page = client.get(URL)
    assert 'data-testid="email-address"' in page.text
    assert page.context["user"].email == ""
    assert "@" not in page.text.split('data-testid="email-address"')[1].split("</p>")[0]


def test_the_outbox_follows_the_saved_choice(client, users, unit):
    """What the page saves is what reminders.services.planned_deliveries reads: off is skipped, digest waits."""
    user = users[Role.TEAM_MEMBER]
    client.force_login(user)
    data = _form_data(client.get(URL)) | {Kind.NO_CONTACT: EmailMode.OFF, Kind.REQUEST_RAISED: EmailMode.DIGEST}
    client.post(URL, data)
    now = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=timezone.get_current_timezone())  # a Wednesday, a working day

    def planned(kind: str) -> Delivery:
        occasion = Occasion(
            kind=kind, record=unit, occasion="", title="t", url="/units/", user_ids=frozenset({user.pk})
        )
        return planned_deliveries([occasion], now=now)[0]

    assert planned(Kind.NO_CONTACT).status == Delivery.Status.SKIPPED
    digest = planned(Kind.REQUEST_RAISED)
    assert (digest.status, digest.digest) == (Delivery.Status.PENDING, True)
    assert planned(Kind.REQUEST_MISSED).digest is False  # untouched: its default, at once
