"""Officers answer what is referred to them: a request referred to the IP department of the unit's county or city is
read by the officers whose jurisdiction covers that division, who record the reply themselves; the team records the
replies of other departments (and of a division none of whose officers has a login); the thread shows the reply."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from archives import selectors, services
from archives.models import Referral, Request, division_department
from archives.scopes import visible_referrals, visible_requests
from archives.workflow import RECORD_REPLY, request_actions
from tests.factories import RequestFactory, UserFactory, division

TODAY = timezone.localdate()


def url(name, req, **kwargs):
    return reverse(f"archives:{name}", kwargs={"uid": req.uid, **kwargs})


@pytest.fixture
def officers(viewers):
    """杭州市's officer (olivia), 西湖区's (the unit's county), 滨江区's (the next county) and 宁波市's (oscar)."""
    return {
        "city": viewers["officer"],
        "county": UserFactory(username="xihu", officer=True, division=division("330106")),
        "next_county": UserFactory(username="binjiang", officer=True, division=division("330108")),
        "other_city": viewers["officer_out"],
    }


@pytest.fixture
def req(world, viewers, unit):
    req = RequestFactory(unit=unit, actor=viewers["contact"], title="跨区侵权线索", kind="enforcement")
    services.request_invite_expert(actor=None, request=req, expert=world["eve"])
    return req


def in_page_language(function, *args):
    """What `function` says in the pages' language (a test client's request may leave another one active)."""
    with translation.override(settings.LANGUAGE_CODE):
        return function(*args)


def refer(member, req, code: str | None = None, **kwargs) -> Referral:
    if code:
        kwargs["division"] = division(code)
    else:
        kwargs.setdefault("department", "杭州市市场监督管理局")
        kwargs.setdefault("contact", "李科长 0571-8888")
    kwargs.setdefault("referred_on", TODAY)
    return services.request_refer(actor=member, request=req, **kwargs)


# --- Who reads a referral and its request ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "readers"),
    [
        ("330106", {"city", "county"}),  # the unit's county: its officer and the city's
        ("330100", {"city", "county"}),  # the city: the county's officer reads the request of a unit in his county
    ],
)
def test_officers_of_the_jurisdiction_read_the_referral_and_its_request(viewers, officers, req, code, readers):
    referral = refer(viewers["member"], req, code)
    for name, officer in officers.items():
        assert visible_referrals(officer).filter(pk=referral.pk).exists() is (name in readers), name
        assert visible_requests(officer).filter(pk=req.pk).exists() is (name in readers), name


def test_a_referral_outside_the_officers_jurisdiction_is_not_visible(client, viewers, officers, req):
    refer(viewers["member"], req, "330106")
    for name in ("next_county", "other_city"):
        officer = officers[name]
        assert not visible_referrals(officer).exists(), name
        assert selectors.referrals_awaiting_reply_for_user(user=officer, limit=10) == [], name
        client.force_login(officer)
        assert client.get(url("request_detail", req)).status_code == 404, name


def test_the_addressed_officer_still_reads_the_request_after_the_unit_moves_away(viewers, officers, req, unit):
    """The scope's second branch: what was referred to an officer stays theirs, even outside their jurisdiction."""
    refer(viewers["member"], req, "330106")
    unit.division = division("330108")  # 滨江区
    unit.save()
    assert visible_requests(officers["county"]).filter(pk=req.pk).exists()
    assert visible_requests(officers["next_county"]).filter(pk=req.pk).exists()  # by jurisdiction now
    other = RequestFactory(unit=unit, actor=viewers["contact"])
    assert not visible_requests(officers["county"]).filter(pk=other.pk).exists()  # only what was referred


def test_the_other_roles_read_the_referrals_of_the_requests_they_read(viewers, req):
    referral = refer(viewers["member"], req, "330106")
    for name, sees in [
        ("bureau", True),
        ("member", True),
        ("expert", True),
        ("contact", True),
        ("member_other", False),
        ("expert_other", False),
        ("contact_other", False),
    ]:
        assert visible_referrals(viewers[name]).filter(pk=referral.pk).exists() is sees, name


# --- Who records the reply ---------------------------------------------------------------------------------------


def test_the_addressed_officers_record_the_reply_and_the_team_records_other_departments(viewers, officers, req):
    to_county = refer(viewers["member"], req, "330106")
    member = viewers["member"]
    by_name = Referral(request=req, department="省商务厅", contact="王", referred_on=TODAY, referred_by=member)
    to_city = Referral(request=req, division=division("330100"), referred_on=TODAY, referred_by=member)
    may = {
        "city": (True, False, True),  # (to the county, by name, to the city)
        "county": (True, False, False),
        "member": (False, True, False),
        "bureau": (False, False, False),
        "expert": (False, False, False),
        "contact": (False, False, False),
        "member_other": (False, False, False),
    }
    users = {**viewers, **officers}
    for name, expected in may.items():
        got = tuple(users[name].has_perm("archives.reply_referral", r) for r in (to_county, by_name, to_city))
        assert got == expected, name


def test_the_team_records_the_reply_when_no_officer_of_the_division_has_a_login(viewers, officers, req):
    referral = refer(viewers["member"], req, "330106")
    assert not viewers["member"].has_perm("archives.reply_referral", referral)
    for officer in (officers["city"], officers["county"]):
        officer.is_active = False
        officer.save()
    assert viewers["member"].has_perm("archives.reply_referral", referral)
    assert selectors.referrals_awaiting_reply_for_user(user=viewers["member"], limit=10) == [referral]


def test_the_waiting_list_in_sql_agrees_with_the_rule(viewers, officers, req, world):
    """referrals_awaiting_reply (the home pages, the list filter) and archives.reply_referral say the same."""
    member = viewers["member"]
    referrals = [refer(member, req, "330106")]
    for code in ("330100", None):
        other = RequestFactory(unit=req.unit, actor=viewers["contact"])
        referrals.append(refer(member, other, code))
    answered = RequestFactory(unit=req.unit, actor=viewers["contact"])
    done = refer(member, answered, "330106")
    done = services.referral_reply_record(actor=officers["county"], referral=done, reply="已办结", replied_on=TODAY)
    users = {**viewers, **officers}
    for name, user in users.items():
        waiting = {r.pk for r in selectors.referrals_awaiting_reply(user=user)}
        allowed = {r.pk for r in [*referrals, done] if not r.reply and user.has_perm("archives.reply_referral", r)}
        assert waiting == allowed, name
    assert len(selectors.referrals_awaiting_reply_for_user(user=officers["city"], limit=1)) == 1
    assert selectors.referral_count_awaiting_reply_for_user(user=officers["city"]) == 2
    assert selectors.referral_count_awaiting_reply_for_user(user=officers["county"]) == 1
    assert selectors.referral_count_awaiting_reply_for_user(user=member) == 1  # the one by name


def test_the_thread_offers_the_reply_form_to_those_who_record_it(client, viewers, officers, req):
    refer(viewers["member"], req, "330106")
    req.refresh_from_db()
    users = {**viewers, **officers}
    for name, offered in [
        ("city", True),
        ("county", True),
        ("member", False),
        ("bureau", False),
        ("expert", False),
        ("contact", False),
    ]:
        client.force_login(users[name])
        response = client.get(url("request_detail", req))
        assert response.status_code == 200
        assert (b'data-testid="referral-reply-form"' in response.content) is offered, name
        assert (RECORD_REPLY in request_actions(users[name], req)) is offered, name


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("city", 302),
        ("county", 302),
        ("member", 403),  # the addressed officers answer
        ("bureau", 403),
        ("expert", 403),
        ("contact", 403),
        ("next_county", 404),
        ("other_city", 404),
        ("member_other", 404),
        ("contact_other", 404),
        ("expert_other", 404),
    ],
)
def test_recording_the_reply_per_role(client, viewers, officers, req, viewer, status):
    referral = refer(viewers["member"], req, "330106")
    client.force_login({**viewers, **officers}[viewer])
    response = client.post(
        url("referral_reply", req, referral_id=referral.pk), {"reply": "已受理并立案。", "replied_on": TODAY}
    )
    assert response.status_code == status
    referral.refresh_from_db()
    req.refresh_from_db()
    assert (referral.reply == "已受理并立案。") is (status == 302)
    assert req.status == (Request.Status.ANSWERED if status == 302 else Request.Status.REFERRED)


def test_the_officers_reply_shows_on_the_thread_for_the_team_and_the_unit(client, viewers, officers, req):
    referral = refer(viewers["member"], req, "330106", note="请西湖区知识产权部门协助核查。")
    client.force_login(officers["county"])
    response = client.post(
        url("referral_reply", req, referral_id=referral.pk), {"reply": "已现场核查，移交执法。", "replied_on": TODAY}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.reply_recorded_by == officers["county"]
    assert referral.history.count() == 2
    for name in ("member", "contact", "bureau"):
        client.force_login(viewers[name])
        content = client.get(url("request_detail", req)).content.decode()
        assert "已现场核查，移交执法。" in content, name
        assert in_page_language(division_department, division("330106")) in content, name
    assert selectors.referrals_awaiting_reply_for_user(user=officers["county"], limit=10) == []


def test_the_teams_message_to_the_unit_leaves_the_referral_waiting_for_the_officer(viewers, officers, req):
    """Telling the unit "we have referred it" must not take the reply out of the addressed officers' hands."""
    referral = refer(viewers["member"], req, "330106")
    services.request_reply(actor=viewers["member"], request=req, text="已转西湖区知识产权部门核查，请留意答复。")
    req.refresh_from_db()
    assert req.status == Request.Status.REFERRED
    assert selectors.referrals_awaiting_reply_for_user(user=officers["county"], limit=10) == [referral]
    assert RECORD_REPLY in request_actions(officers["county"], req)
    services.referral_reply_record(actor=officers["county"], referral=referral, reply="已核查。", replied_on=TODAY)
    req.refresh_from_db()
    assert req.status == Request.Status.ANSWERED


def test_a_refused_reply_comes_back_on_the_thread(client, viewers, officers, req):
    referral = refer(viewers["member"], req, "330106")
    client.force_login(officers["city"])
    response = client.post(url("referral_reply", req, referral_id=referral.pk), {"reply": " ", "replied_on": TODAY})
    assert response.status_code == 400
    assert response.context["referral_reply_id"] == referral.pk
    assert response.context["referral_reply_form"].errors["reply"]


# --- Referring: the unit's city and county, or another department by name ----------------------------------------


def test_the_refer_form_offers_the_units_county_and_city_departments(client, viewers, req):
    client.force_login(viewers["member"])
    form = client.get(url("request_detail", req)).context["refer_form"]
    labels = [str(label) for value, label in form.fields["division"].choices]
    other = str(form.fields["division"].empty_label)
    county, city = (in_page_language(division_department, division(code)) for code in ("330106", "330100"))
    assert labels == [other, county, city]
    assert labels[1].startswith("杭州市西湖区") or labels[1].endswith("西湖区, 杭州市")  # zh-hans or the msgid
    assert "西湖区" not in labels[2]


def test_the_team_refers_to_the_county_department(client, viewers, req):
    client.force_login(viewers["member"])
    response = client.post(
        url("request_refer", req),
        {"division": "330106", "department": "顺手填的名称", "referred_on": TODAY.isoformat(), "note": "请协助"},
    )
    assert response.status_code == 302
    referral = req.referrals.get()
    assert (referral.division_id, referral.department, referral.contact) == ("330106", "", "")
    assert referral.addressee == in_page_language(division_department, division("330106"))
    req.refresh_from_db()
    assert req.status == Request.Status.REFERRED


def test_a_division_outside_the_units_city_and_county_is_refused(client, viewers, req, world):
    client.force_login(viewers["member"])
    response = client.post(url("request_refer", req), {"division": "330203", "referred_on": TODAY.isoformat()})
    assert response.status_code == 400
    assert response.context["refer_form"].errors["division"]
    with pytest.raises(ValidationError) as refused:
        refer(viewers["member"], req, "330108")  # 滨江区: the unit is in 西湖区
    assert [error.code for error in refused.value.error_dict["division"]] == ["division"]
    assert not req.referrals.exists()


def test_another_department_needs_its_name_and_a_contact(client, viewers, req):
    client.force_login(viewers["member"])
    response = client.post(url("request_refer", req), {"division": "", "referred_on": TODAY.isoformat()})
    assert response.status_code == 400
    assert response.context["refer_form"].errors["department"]
    response = client.post(url("request_refer", req), {"department": "省商务厅", "referred_on": TODAY.isoformat()})
    assert response.status_code == 400
    assert response.context["refer_form"].errors["contact"]
    with pytest.raises(ValidationError) as refused:
        services.request_refer(
            actor=viewers["member"], request=req, division=division("330106"), department="省商务厅", referred_on=TODAY
        )
    assert refused.value.code == "addressee"
    assert not req.referrals.exists()


def test_a_referral_cannot_be_dated_before_the_request(client, viewers, unit, world):
    submitted = datetime.datetime(2026, 10, 12, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    req = RequestFactory(unit=unit, actor=viewers["contact"], submitted_at=submitted)
    with pytest.raises(ValidationError) as refused:
        refer(viewers["member"], req, "330106", referred_on=datetime.date(2026, 10, 11))
    assert [error.code for error in refused.value.error_dict["referred_on"]] == ["date_order"]
    client.force_login(viewers["member"])
    response = client.post(url("request_refer", req), {"division": "330106", "referred_on": "2026-10-11"})
    assert response.status_code == 400
    errors = response.context["refer_form"].errors.as_data()["referred_on"]
    assert [error.code for error in errors] == ["date_order"]
    assert "2026-10-12" in errors[0].messages[0]
    assert refer(viewers["member"], req, "330106", referred_on=datetime.date(2026, 10, 12)).pk  # the same day is fine


# --- The officer finds what waits for them ----------------------------------------------------------------------


def test_the_request_list_filters_what_waits_for_the_users_reply(client, viewers, officers, req):
    refer(viewers["member"], req, "330106")
    other = RequestFactory(unit=req.unit, actor=viewers["contact"], title="商标咨询")
    list_url = reverse("archives:request_list")
    client.force_login(officers["county"])
    titles = {r.title for r in client.get(list_url, {"referral": "awaiting_me"}).context["page_obj"]}
    assert titles == {"跨区侵权线索"}
    assert {r.title for r in client.get(list_url).context["page_obj"]} == {"跨区侵权线索", other.title}
    client.force_login(viewers["member"])
    assert not client.get(list_url, {"referral": "awaiting_me"}).context["page_obj"].object_list
    for name, offered in [("bureau", False), ("contact", False), ("expert", False), ("member", True)]:
        client.force_login(viewers[name])
        assert ("referral" in client.get(list_url).context["filter"].form.fields) is offered, name


def test_the_timeline_names_the_division_department(client, viewers, officers, req, unit):
    referral = refer(viewers["member"], req, "330106")
    services.referral_reply_record(actor=officers["county"], referral=referral, reply="已处理", replied_on=TODAY)
    client.force_login(viewers["member"])
    page = client.get(reverse("units:detail", kwargs={"uid": unit.uid}))
    titles = {event.title for event in page.context["timeline"] if event.kind == "referral"}
    with translation.override(page.wsgi_request.LANGUAGE_CODE):
        department = division_department(division("330106"))
        assert titles == {
            gettext("%(department)s replied to the referral") % {"department": department},
            gettext("Request referred to %(department)s") % {"department": department},
        }
