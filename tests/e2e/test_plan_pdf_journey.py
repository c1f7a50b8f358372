"""The unit contact downloads the printed plan in force; the draft revision stays out of reach."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from tests.factories import PersonFactory, TeamFactory, assign
from tests.plans.test_pdf import build_plan


@pytest.mark.django_db(transaction=True)
def test_the_unit_contact_downloads_the_approved_plan_as_pdf(users, unit, login, live_server, page, tmp_path):
    assign(unit, TeamFactory(name="西湖护航队", leader=PersonFactory(name="汤组长", user=users[Role.TEAM_MEMBER])))
    plan = build_plan(unit, actor=users[Role.BUREAU], revise=True)  # v1 in force, v2 a draft
    approved_url = live_server.url + reverse("plans:pdf", kwargs={"uid": plan.uid, "number": 1})
    draft_url = live_server.url + reverse("plans:pdf", kwargs={"uid": plan.uid, "number": 2})
    login("uma")

    # The plan page's "print the plan" button prints the version in force, not the draft.
    page.goto(live_server.url + reverse("plans:detail", kwargs={"uid": plan.uid}))
    print_button = page.get_by_test_id("plan-pdf")
    expect(print_button).to_be_visible()
    expect(print_button).to_have_accessible_name("打印方案（PDF）")
    expect(print_button).to_have_attribute("href", reverse("plans:pdf", kwargs={"uid": plan.uid, "number": 1}))
    with page.expect_download() as download_info:
        print_button.click()
    download = download_info.value
    assert unit.name in download.suggested_filename
    assert download.suggested_filename.endswith(".pdf")
    path = tmp_path / "plan.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")

    # The same session cannot fetch the draft revision.
    assert page.request.get(draft_url).status == 404
    assert page.request.get(approved_url).headers["content-type"] == "application/pdf"
