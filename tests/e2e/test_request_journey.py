"""A unit's contact raises a request with an attachment; the serving team accepts it, invites an expert, who posts an
internal opinion, and answers it; the unit reads the answer (never the internal note) and closes it with a rating."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from archives.models import Request
from teams.models import Person
from tests.archives.conftest import PDF
from tests.factories import PersonFactory, TeamFactory, assign

OPINION = "建议先做自由实施（FTO）检索再定布局。"
ANSWER = "已完成检索分析，建议围绕光电芯片封装布局3件发明专利，详见附件。"


def log_in_as(page, login, username: str):
    page.context.clear_cookies()
    login(username)


@pytest.mark.django_db(transaction=True)
def test_a_request_from_raising_to_rating(users, unit, login, live_server, page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    team = TeamFactory(name="西湖护航团队")
    leader = team.memberships.get(role="leader").person
    leader.user = users[Role.TEAM_MEMBER]
    leader.save()
    assign(unit, team)
    PersonFactory(user=users[Role.EXPERT], kind=Person.Kind.LAWYER, name="伊律师")
    brief = tmp_path / "需求说明.pdf"
    brief.write_bytes(PDF)

    # The unit's contact raises a patent-layout consultation with a file.
    log_in_as(page, login, "uma")
    page.goto(live_server.url + "/archives/requests/new/")
    page.get_by_label("需求类型").select_option("consultation")
    page.get_by_label("主题").fill("光电芯片专利布局咨询")
    page.get_by_label("需求描述").fill("计划明年申请海外专利，请协助分析布局方向。")
    page.get_by_label("附件").set_input_files(str(brief))
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("request-title")).to_have_text("光电芯片专利布局咨询")
    expect(page.get_by_test_id("request-status")).to_have_attribute("data-status", "submitted")
    expect(page.get_by_test_id("attachment")).to_have_text("需求说明.pdf")
    request_url = page.url

    # The team leader sees it in the list, accepts it and invites the expert.
    log_in_as(page, login, "tom")
    page.goto(live_server.url + "/archives/requests/")
    page.get_by_role("link", name="光电芯片专利布局咨询").click()
    page.get_by_test_id("accept").click()
    expect(page.get_by_test_id("request-status")).to_have_attribute("data-status", "accepted")
    expect(page.get_by_test_id("accept-deadline").get_by_test_id("deadline")).to_have_attribute("data-met", "met")
    # The expert is searched in the pool (a type-ahead), never chosen from a list of it.
    page.get_by_test_id("typeahead-expert").fill("伊律师")
    page.locator("#id_expert-options").get_by_role("option", name="伊律师（知识产权律师）").click()
    page.wait_for_load_state("networkidle")  # the search's last answer in, before the form is sent
    page.get_by_test_id("invite").click()
    expect(page.get_by_test_id("experts")).to_contain_text("伊律师")

    # The expert reads the request and posts an internal opinion.
    log_in_as(page, login, "eve")
    page.goto(request_url)
    with page.expect_download() as download:
        page.get_by_test_id("attachment").click()
    assert download.value.suggested_filename == "需求说明.pdf"
    page.get_by_test_id("reply-form").get_by_role("textbox").fill(OPINION)
    page.get_by_test_id("post-reply").click()
    expect(page.get_by_test_id("internal-badge")).to_be_visible()

    # The leader answers the unit: the answer clock stops.
    log_in_as(page, login, "tom")
    page.goto(request_url)
    page.get_by_test_id("reply-form").get_by_role("textbox").fill(ANSWER)
    page.get_by_test_id("post-reply").click()
    expect(page.get_by_test_id("request-status")).to_have_attribute("data-status", "answered")
    expect(page.get_by_test_id("answer-deadline").get_by_test_id("deadline")).to_have_attribute("data-met", "met")

    # The unit reads the answer, never the internal opinion, and closes the request with a rating.
    log_in_as(page, login, "uma")
    page.goto(request_url)
    expect(page.get_by_test_id("post-text")).to_have_text([ANSWER])
    expect(page.get_by_text(OPINION)).to_have_count(0)
    page.get_by_label("4 – 满意").check()
    page.get_by_test_id("close-form").get_by_role("textbox").fill("答复专业及时。")
    page.get_by_test_id("close").click()
    expect(page.get_by_test_id("request-status")).to_have_attribute("data-status", "closed")
    expect(page.get_by_test_id("request-rating")).to_contain_text("4")
    closed = Request.objects.get()
    assert (closed.rating, closed.rating_comment) == (4, "答复专业及时。")
