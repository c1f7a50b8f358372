"""The request pages: the list with deadlines, raising a request, the thread and each step, for every role."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archives import services
from archives.models import Request, RequestMessage
from tests.archives.conftest import EXE, PDF, upload
from tests.factories import PersonFactory, RequestFactory

LIST = reverse("archives:request_list")
TODAY = timezone.localdate().isoformat()  # the requests are submitted today: nothing about them is dated before
CREATE = reverse("archives:request_create")


def url(name, req, **kwargs):
    return reverse(f"archives:{name}", kwargs={"uid": req.uid, **kwargs})


@pytest.fixture
def requests(world, viewers, unit):
    """One request of `unit` (served by tom's team, eve invited) and one of the Ningbo unit."""
    here = RequestFactory(unit=unit, actor=viewers["contact"], title="专利布局咨询")
    services.request_invite_expert(actor=None, request=here, expert=world["eve"])
    there = RequestFactory(unit=world["ningbo"], actor=world["tina"], title="甬江侵权预警", kind="monitoring")
    return {"here": here, "there": there}


def titles(response):
    return {req.title for req in response.context["page_obj"]}


# --- The list ------------------------------------------------------------------------------------------------------

LIST_SCOPE = {
    "bureau": {"专利布局咨询", "甬江侵权预警"},
    "officer": {"专利布局咨询"},
    "officer_out": {"甬江侵权预警"},
    "member": {"专利布局咨询"},
    "member_other": {"甬江侵权预警"},
    "expert": {"专利布局咨询"},
    "expert_other": set(),
    "contact": {"专利布局咨询"},
    "contact_other": set(),
}


@pytest.mark.parametrize("viewer", LIST_SCOPE)
def test_the_list_shows_each_role_its_scope(client, viewers, requests, viewer):
    client.force_login(viewers[viewer])
    response = client.get(LIST)
    assert response.status_code == 200
    assert titles(response) == LIST_SCOPE[viewer]


def test_only_those_who_may_raise_see_the_button(client, viewers, requests):
    for viewer, button in [("contact", True), ("member", True), ("bureau", False), ("officer", False)]:
        client.force_login(viewers[viewer])
        assert (b'data-testid="raise-request"' in client.get(LIST).content) is button, viewer


def test_the_list_filters_by_status_kind_search_and_past_due(client, viewers, requests, world):
    client.force_login(viewers["bureau"])
    services.request_accept(actor=viewers["member"], request=requests["here"])
    assert titles(client.get(LIST, {"status": "accepted"})) == {"专利布局咨询"}
    assert titles(client.get(LIST, {"status": "open"})) == {"专利布局咨询", "甬江侵权预警"}
    assert titles(client.get(LIST, {"kind": "monitoring"})) == {"甬江侵权预警"}
    assert titles(client.get(LIST, {"q": "甬江"})) == {"甬江侵权预警"}  # the unit's name and the subject
    assert titles(client.get(LIST, {"q": "布局"})) == {"专利布局咨询"}
    Request.objects.filter(pk=requests["there"].pk).update(accept_due_at=timezone.now() - datetime.timedelta(hours=1))
    assert titles(client.get(LIST, {"overdue": "yes"})) == {"甬江侵权预警"}
    assert titles(client.get(LIST, {"overdue": "no"})) == {"专利布局咨询"}
    assert titles(client.get(LIST, {"team": world["other_team"].pk})) == {"甬江侵权预警"}


def test_a_past_due_request_is_flagged_in_the_list(client, viewers, requests):
    Request.objects.filter(pk=requests["here"].pk).update(accept_due_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(viewers["member"])
    content = client.get(LIST).content.decode()
    assert 'data-testid="past-due"' in content


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_runs_a_constant_number_of_queries(client, viewers, unit, world, count, django_assert_max_num_queries):
    for index in range(count):
        req = RequestFactory(unit=unit, actor=viewers["contact"])
        if index % 2:
            services.request_reply(actor=viewers["member"], request=req, text="已答复")
    client.force_login(viewers["member"])
    with django_assert_max_num_queries(12):
        response = client.get(LIST, {"o": "-answer_due"})
    assert len(response.context["page_obj"]) == min(count, 25)


# --- Raising a request ---------------------------------------------------------------------------------------------


def test_the_unit_contact_raises_a_request_with_a_file(client, viewers, unit, world):
    client.force_login(viewers["contact"])
    page = client.get(CREATE)
    assert page.status_code == 200
    assert page.context["form"].fields["unit"].widget.input_type == "hidden"  # their one unit, not asked
    response = client.post(
        CREATE,
        {
            "unit": unit.pk,
            "kind": "patent_navigation",
            "title": "产业专利导航",
            "description": "请开展光电产业专利导航。",
            "files": [upload("需求说明.pdf", PDF)],
        },
    )
    req = Request.objects.get(title="产业专利导航")
    assert response.status_code == 302
    assert response.url == url("request_detail", req)
    assert (req.unit, req.team, req.on_behalf) == (unit, world["team"], False)
    assert [a.original_name for a in req.attachments.all()] == ["需求说明.pdf"]


def test_a_refused_file_says_why_and_nothing_is_saved(client, viewers, unit, world):
    client.force_login(viewers["contact"])
    response = client.post(
        CREATE,
        {
            "unit": unit.pk,
            "kind": "consultation",
            "title": "咨询",
            "description": "内容",
            "files": [upload("a.pdf", EXE)],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Request.objects.exists()


def test_missing_fields_are_named(client, viewers, unit, world):
    client.force_login(viewers["contact"])
    response = client.post(CREATE, {"unit": unit.pk})
    assert set(response.context["form"].errors) == {"kind", "title", "description"}
    assert not Request.objects.exists()


def test_a_team_member_logs_a_request_on_a_served_units_behalf(client, viewers, unit, world):
    client.force_login(viewers["member"])
    page = client.get(CREATE, {"unit": str(unit.uid)})
    assert page.context["form"].initial["unit"] == unit
    client.post(CREATE, {"unit": unit.pk, "kind": "consultation", "title": "电话咨询", "description": "来电咨询。"})
    assert Request.objects.get(title="电话咨询").on_behalf


def test_a_team_member_cannot_log_for_a_unit_their_team_does_not_serve(client, viewers, world):
    client.force_login(viewers["member"])
    response = client.post(
        CREATE, {"unit": world["ningbo"].pk, "kind": "consultation", "title": "越权", "description": "x"}
    )
    assert "unit" in response.context["form"].errors
    assert not Request.objects.exists()


@pytest.mark.parametrize("viewer", ["bureau", "officer", "expert"])
def test_roles_that_do_not_raise_requests_are_refused(client, viewers, world, viewer):
    client.force_login(viewers[viewer])
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {}).status_code == 403


# --- The thread ----------------------------------------------------------------------------------------------------

DETAIL = {
    "bureau": 200,
    "officer": 200,
    "officer_out": 404,
    "member": 200,
    "member_other": 404,
    "expert": 200,
    "expert_other": 404,
    "contact": 200,
    "contact_other": 404,
}


@pytest.mark.parametrize("viewer", DETAIL)
def test_the_thread_per_role(client, viewers, requests, viewer):
    client.force_login(viewers[viewer])
    assert client.get(url("request_detail", requests["here"])).status_code == DETAIL[viewer]


def test_a_guessed_identifier_is_404(client, viewers, requests):
    client.force_login(viewers["bureau"])
    assert (
        client.get(
            reverse("archives:request_detail", kwargs={"uid": "00000000-0000-4000-8000-000000000000"})
        ).status_code
        == 404
    )


def test_each_role_gets_the_forms_for_what_it_may_do(client, viewers, requests):
    def forms(viewer):
        client.force_login(viewers[viewer])
        content = client.get(url("request_detail", requests["here"])).content.decode()
        names = ["accept", "reply-form", "invite-form", "refer-form", "close-form", "reopen-form"]
        return {name for name in names if f'data-testid="{name}"' in content}

    assert forms("member") == {"accept", "reply-form", "invite-form", "refer-form"}
    assert forms("expert") == {"reply-form"}
    assert forms("contact") == {"reply-form"}
    assert forms("bureau") == set()
    assert forms("officer") == set()


def test_internal_notes_never_reach_the_unit_or_the_officer(client, viewers, requests):
    req = requests["here"]
    services.request_reply(actor=viewers["member"], request=req, text="内部：需查询检索报告", internal=True)
    services.request_reply(actor=viewers["member"], request=req, text="答复：建议开展专利导航")
    for viewer, sees in [("member", True), ("expert", True), ("bureau", True), ("contact", False), ("officer", False)]:
        client.force_login(viewers[viewer])
        content = client.get(url("request_detail", req)).content.decode()
        assert ("需查询检索报告" in content) is sees, viewer
        assert "建议开展专利导航" in content


def test_the_team_accepts_and_answers(client, viewers, requests):
    req = requests["here"]
    client.force_login(viewers["member"])
    assert client.post(url("request_accept", req)).status_code == 302
    req.refresh_from_db()
    assert req.status == Request.Status.ACCEPTED
    assert req.accepted_by == viewers["member"]
    accepted_at = req.accepted_at
    again = client.post(url("request_accept", req), follow=True)  # a second accept says why, changes nothing
    assert [m.level_tag for m in again.context["messages"]][-1] == "error"
    req.refresh_from_db()
    assert req.accepted_at == accepted_at
    client.post(url("request_reply", req), {"text": "内部分析", "internal": "on"})
    req.refresh_from_db()
    assert req.answered_at is None
    assert req.status == Request.Status.IN_PROGRESS
    client.post(url("request_reply", req), {"text": "正式答复", "files": [upload("答复.pdf", PDF)]})
    req.refresh_from_db()
    assert req.status == Request.Status.ANSWERED
    assert req.answered_at is not None
    answer = RequestMessage.objects.get(text="正式答复")
    assert answer.is_answer
    assert answer.attachments.count() == 1


def test_an_empty_reply_is_refused_with_the_thread(client, viewers, requests):
    client.force_login(viewers["member"])
    response = client.post(url("request_reply", requests["here"]), {"text": "  "})
    assert response.status_code == 400
    assert response.context["reply_form"].errors["text"]
    assert not RequestMessage.objects.exists()


def test_a_reply_with_a_refused_file_saves_nothing(client, viewers, requests):
    client.force_login(viewers["member"])
    response = client.post(url("request_reply", requests["here"]), {"text": "答复", "files": [upload("x.docx", EXE)]})
    assert response.status_code == 400
    assert response.context["reply_form"].errors
    requests["here"].refresh_from_db()
    assert not RequestMessage.objects.exists()
    assert requests["here"].answered_at is None


def test_the_invited_experts_opinion_is_internal_by_default(client, viewers, requests):
    client.force_login(viewers["expert"])
    page = client.get(url("request_detail", requests["here"]))
    assert page.context["reply_form"].initial == {"internal": True}
    client.post(url("request_reply", requests["here"]), {"text": "专家意见", "internal": "on"})
    assert RequestMessage.objects.get(text="专家意见").is_internal


def test_the_unit_contact_cannot_write_internal_notes(client, viewers, requests):
    client.force_login(viewers["contact"])
    client.post(url("request_reply", requests["here"]), {"text": "补充材料", "internal": "on"})
    assert not RequestMessage.objects.get(text="补充材料").is_internal


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("contact", 403),
        ("expert", 403),
        ("bureau", 403),
        ("officer", 403),
        ("member_other", 404),
        ("contact_other", 404),
    ],
)
def test_only_the_serving_team_handles_a_request(client, viewers, requests, world, viewer, status):
    req = requests["here"]
    client.force_login(viewers[viewer])
    assert client.post(url("request_accept", req)).status_code == status
    assert client.post(url("request_invite_expert", req), {"expert": world["ed"].pk}).status_code == status
    refer = {"department": "市场监管局", "contact": "李科长", "referred_on": TODAY}
    assert client.post(url("request_refer", req), refer).status_code == status
    req.refresh_from_db()
    assert req.status == Request.Status.SUBMITTED
    assert not req.referrals.exists()


@pytest.mark.parametrize(
    ("viewer", "status"), [("officer", 403), ("bureau", 403), ("member_other", 404), ("expert_other", 404)]
)
def test_those_outside_the_exchange_cannot_post(client, viewers, requests, viewer, status):
    client.force_login(viewers[viewer])
    assert client.post(url("request_reply", requests["here"]), {"text": "x"}).status_code == status
    assert not RequestMessage.objects.exists()


def test_the_team_invites_an_expert_who_then_reads_the_request(client, viewers, requests, world):
    req = requests["there"]
    client.force_login(world["tina"])
    assert client.post(url("request_invite_expert", req), {"expert": world["ed"].pk}).status_code == 302
    client.force_login(viewers["expert_other"])
    assert client.get(url("request_detail", req)).status_code == 200


def test_an_unsigned_person_cannot_be_invited(client, viewers, requests):
    unsigned = PersonFactory(confidentiality_signed_on=None, name="未签署")
    client.force_login(viewers["member"])
    response = client.post(url("request_invite_expert", requests["here"]), {"expert": unsigned.pk})
    assert response.status_code == 400
    assert response.context["invite_form"].errors["expert"]
    assert not requests["here"].experts.filter(pk=unsigned.pk).exists()


def test_referral_and_the_departments_reply(client, viewers, requests):
    req = requests["here"]
    client.force_login(viewers["member"])
    response = client.post(
        url("request_refer", req),
        {
            "department": "杭州市市场监管局",
            "contact": "李科长 0571-8888",
            "referred_on": TODAY,
            "note": "已转办",
        },
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == Request.Status.REFERRED
    assert req.answered_at is not None
    referral = req.referrals.get()
    reply_url = url("referral_reply", req, referral_id=referral.pk)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    refused = client.post(reply_url, {"reply": "已处理", "replied_on": yesterday})  # before the referral
    assert refused.status_code == 400
    assert refused.context["referral_reply_id"] == referral.pk
    assert client.post(reply_url, {"reply": "已立案处理", "replied_on": TODAY}).status_code == 302
    req.refresh_from_db()
    referral.refresh_from_db()
    assert referral.history.count() == 2  # referred, then the reply recorded
    assert req.status == Request.Status.ANSWERED
    assert referral.reply == "已立案处理"
    client.force_login(viewers["contact"])
    content = client.get(url("request_detail", req)).content.decode()
    assert "杭州市市场监管局" in content
    assert "已立案处理" in content


def test_a_referral_dated_in_the_future_is_refused(client, viewers, requests):
    client.force_login(viewers["member"])
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url("request_refer", requests["here"]), {"department": "科技局", "contact": "王", "referred_on": tomorrow}
    )
    assert response.status_code == 400
    assert response.context["refer_form"].errors["referred_on"]
    assert not requests["here"].referrals.exists()


def test_a_reply_for_a_referral_of_another_request_is_404(client, viewers, requests, world):
    there = requests["there"]
    referral = services.request_refer(
        actor=world["tina"],
        request=there,
        department="宁波市科技局",
        contact="张",
        referred_on=timezone.localdate(),
    )
    client.force_login(viewers["member"])
    response = client.post(
        url("referral_reply", requests["here"], referral_id=referral.pk), {"reply": "x", "replied_on": TODAY}
    )
    assert response.status_code == 404


def test_the_unit_rates_and_closes_then_reopens(client, viewers, requests):
    req = requests["here"]
    services.request_reply(actor=viewers["member"], request=req, text="答复")
    client.force_login(viewers["contact"])
    assert b'data-testid="close-form"' in client.get(url("request_detail", req)).content
    refused = client.post(url("request_close", req), {"rating": "7"})
    assert refused.status_code == 400
    assert refused.context["close_form"].errors["rating"]
    assert client.post(url("request_close", req), {"rating": "5", "comment": "非常及时"}).status_code == 302
    req.refresh_from_db()
    assert (req.status, req.rating, req.rating_comment) == (Request.Status.CLOSED, 5, "非常及时")
    assert client.post(url("request_reopen", req), {"reason": " "}).status_code == 400
    assert client.post(url("request_reopen", req), {"reason": "仍有疑问"}).status_code == 302
    req.refresh_from_db()
    assert req.status == Request.Status.IN_PROGRESS
    assert req.rating is None
    assert req.reopen_count == 1


def test_a_request_not_yet_answered_cannot_be_closed(client, viewers, requests):
    client.force_login(viewers["contact"])
    response = client.post(url("request_close", requests["here"]), {"rating": "5"})
    assert response.status_code == 400
    assert response.context["close_form"].non_field_errors()


@pytest.mark.parametrize(("viewer", "status"), [("member", 403), ("bureau", 403), ("contact_other", 404)])
def test_only_the_units_contact_closes_or_reopens(client, viewers, requests, viewer, status):
    req = requests["here"]
    services.request_reply(actor=viewers["member"], request=req, text="答复")
    client.force_login(viewers[viewer])
    assert client.post(url("request_close", req), {"rating": "5"}).status_code == status
    assert client.post(url("request_reopen", req), {"reason": "x"}).status_code == status
    req.refresh_from_db()
    assert req.status == Request.Status.ANSWERED


def test_the_team_filter_is_offered_only_to_those_who_see_teams(client, viewers, requests):
    for viewer, offered in [("bureau", True), ("member", True), ("officer", False), ("contact", False)]:
        client.force_login(viewers[viewer])
        assert ("team" in client.get(LIST).context["filter"].form.fields) is offered, viewer
