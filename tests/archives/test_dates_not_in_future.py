"""The archive records what has happened: an activity, a referral and a department's reply cannot be dated after
today. The rule is archives.services' (code "future", on the date's field); the forms show the services' error."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from archives import services
from archives.models import Activity, Referral
from tests.factories import ActivityFactory, RequestFactory


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def assert_future(refused: pytest.ExceptionInfo, field: str) -> None:
    assert [error.code for error in refused.value.error_dict[field]] == ["future"]


@pytest.fixture
def member(users):
    return users[Role.TEAM_MEMBER]


@pytest.fixture
def req(world, users, unit):
    return RequestFactory(unit=unit, actor=users[Role.UNIT_CONTACT])


def test_an_activity_cannot_be_dated_after_today(world, member, unit):
    with pytest.raises(ValidationError) as refused:
        services.activity_create(actor=member, unit=unit, date=tomorrow(), kind="visit", summary="走访。")
    assert_future(refused, "date")
    assert not Activity.objects.exists()
    today = services.activity_create(actor=member, unit=unit, date=timezone.localdate(), kind="visit", summary="走访。")
    assert today.date == timezone.localdate()


def test_an_activity_cannot_be_corrected_to_a_date_after_today(world, member, unit):
    activity = ActivityFactory(unit=unit, actor=member, date=datetime.date(2026, 9, 1))
    with pytest.raises(ValidationError) as refused:
        services.activity_update(actor=member, activity=activity, date=tomorrow(), kind="visit", summary="改。")
    assert_future(refused, "date")
    activity.refresh_from_db()
    assert activity.date == datetime.date(2026, 9, 1)


def test_a_referral_cannot_be_dated_after_today(member, req):
    with pytest.raises(ValidationError) as refused:
        services.request_refer(actor=member, request=req, department="科技局", contact="王", referred_on=tomorrow())
    assert_future(refused, "referred_on")
    assert not Referral.objects.exists()


def test_a_departments_reply_cannot_be_dated_after_today(member, req):
    referral = services.request_refer(
        actor=member, request=req, department="科技局", contact="王", referred_on=timezone.localdate()
    )
    with pytest.raises(ValidationError) as refused:
        services.referral_reply_record(actor=member, referral=referral, reply="已处理", replied_on=tomorrow())
    assert_future(refused, "replied_on")
    referral.refresh_from_db()
    assert (referral.reply, referral.replied_on) == ("", None)


# The forms show the services' error on the field, in the interface's language.


def test_the_activity_form_shows_the_services_refusal_of_a_future_date(client, viewers, unit, world):
    client.force_login(viewers["member"])
    response = client.post(
        f"{reverse('archives:activity_create')}?unit={unit.uid}",
        {"date": tomorrow().isoformat(), "kind": "visit", "summary": "走访。"},
    )
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["date"]] == ["future"]
    assert response.context["form"].errors["date"] == ["日期不能晚于今天：请在活动开展后再登记。"]
    assert response.context["form"].fields["date"].widget.attrs["max"] == timezone.localdate().isoformat()


def test_the_referral_reply_form_shows_the_services_refusal_of_a_future_date(client, viewers, req):
    referral = services.request_refer(
        actor=viewers["member"], request=req, department="科技局", contact="王", referred_on=timezone.localdate()
    )
    client.force_login(viewers["member"])
    response = client.post(
        reverse("archives:referral_reply", kwargs={"uid": req.uid, "referral_id": referral.pk}),
        {"reply": "已处理", "replied_on": tomorrow().isoformat()},
    )
    assert response.status_code == 400
    form = response.context["referral_reply_form"]
    assert [error.code for error in form.errors.as_data()["replied_on"]] == ["future"]
    assert form.errors["replied_on"] == ["日期不能晚于今天。"]


def test_the_refer_form_shows_the_services_refusal_of_a_future_date(client, viewers, req):
    client.force_login(viewers["member"])
    response = client.post(
        reverse("archives:request_refer", kwargs={"uid": req.uid}),
        {"department": "科技局", "contact": "王", "referred_on": tomorrow().isoformat()},
    )
    assert response.status_code == 400
    assert response.context["refer_form"].errors["referred_on"] == ["日期不能晚于今天。"]
