"""The review a reviewer can read: unchanged parts folded to one line that opens without script, changes in full;
the dates of the workflow (submitted, approved), not the rows' timestamps; every word in Chinese."""

import datetime
import re

import pytest
from django.urls import reverse

from accounts.models import Role
from plans import services
from plans.diff import DiffRow, SameRun, folded
from plans.models import PlanEvent, PlanVersion
from tests.factories import PlanFactory, approved_plan, ready, two_served_units

pytestmark = pytest.mark.django_db

Action = PlanEvent.Action


def _at(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day + "T10:00:00+08:00")


def _date_events(plan, action: str, day: str) -> None:
    PlanEvent.objects.filter(plan=plan, action=action).update(created_at=_at(day))


def _resubmitted(unit):
    """Five sections and a measure returned, then resubmitted with one section and one measure changed."""
    plan = PlanFactory(unit=unit)
    version = ready(plan)
    services.plan_sections_save(
        actor=None, version=version, revision=version.revision, weak_links="第一段\n\n第二段\n\n第三段\n\n第四段"
    )
    services.measure_save(actor=None, version=version, area="protection", content="建立维权机制")
    services.plan_submit(actor=None, version=version)
    services.plan_return(actor=None, version=version, comment="请细化")
    version.refresh_from_db()
    services.plan_sections_save(
        actor=None, version=version, revision=version.revision, weak_links="第一段\n\n第二段\n\n第三段（改）\n\n第四段"
    )
    services.measure_save(actor=None, version=version, area="policy_law", content="新增宣讲")
    services.plan_submit(actor=None, version=version)
    plan.refresh_from_db()
    return plan


def _review(client, users, plan):
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("plans:review", kwargs={"uid": plan.uid}))
    assert response.status_code == 200
    return response


def _between(text: str, start: str, end: str) -> str:
    """The markup from the element whose attribute is `start` to the next `end`."""
    begin = text.index(start)
    return text[text.rindex("<", 0, begin) : text.index(end, begin) + len(end)]


def test_unchanged_runs_fold_and_changed_lines_stay():
    rows = [DiffRow(kind, "", "") for kind in ["equal", "equal", "changed", "equal", "added", "removed"]]
    blocks = folded(rows)
    assert [b.kind for b in blocks] == ["same", "changed", "same", "added", "removed"]
    assert [b.count for b in blocks if isinstance(b, SameRun)] == [2, 1]


def test_unchanged_sections_are_one_line_that_opens_and_changes_show_in_full(client, users, unit):
    response = _review(client, users, _resubmitted(unit))
    page = response.text
    # An unchanged section: a closed <details> whose summary is its title, the text inside.
    ip_status = _between(page, 'data-testid="diff-ip_status"', "</details>")
    assert ip_status.startswith("<details")
    assert " open" not in ip_status.split(">")[0]
    assert "ip_status 的内容" in ip_status
    # The changed section: a table whose changed line is in full, the unchanged lines around it folded.
    weak_links = _between(page, 'data-testid="diff-weak_links"', "</section>")
    assert weak_links.startswith("<section")
    assert 'data-kind="changed"' in weak_links
    assert [int(n) for n in re.findall(r'data-testid="diff-same" data-count="(\d+)"', weak_links)] == [2, 1]
    assert weak_links.count("<details") == 2
    assert '<ins class="hh-diff-ins">（改）</ins>' in weak_links
    # The measures: the two unchanged ones folded into one line, the new one in full.
    measures = _between(page, 'data-testid="diff-measures"', "</section>")
    assert re.findall(r'data-testid="diff-same" data-count="(\d+)"', measures) == ["2"]
    assert "新增宣讲" in measures.split("</details>")[-1]
    assert "<script" not in page.split("<main", 1)[1].split("</main>")[0]  # no script: the strict CSP holds


def test_the_review_shows_when_the_version_was_submitted_and_returned_not_when_its_rows_were_stored(
    client, users, unit
):
    plan = _resubmitted(unit)
    first, last = PlanEvent.objects.filter(plan=plan, action=Action.SUBMITTED).order_by("pk")
    PlanEvent.objects.filter(pk=first.pk).update(created_at=_at("2026-03-02"))
    _date_events(plan, Action.RETURNED, "2026-03-09")
    PlanEvent.objects.filter(pk=last.pk).update(created_at=_at("2026-03-16"))
    response = _review(client, users, plan)
    assert response.context["version"].submitted_at.date() == datetime.date(2026, 3, 16)
    heading = response.text.split('data-testid="submitted-on"', 1)[1].split("</span>")[0]
    assert "2026-03-16" in heading
    assert "2026-03-09" in response.context["baseline"].label
    assert "2026-03-16提交的第1版" in response.text  # the submitted column's heading


def test_the_version_in_force_is_labelled_with_its_approval_day(client, users, unit):
    plan = approved_plan(unit)
    _date_events(plan, Action.APPROVED, "2025-05-12")
    services.plan_revise(actor=None, plan=plan)
    plan.refresh_from_db()
    services.plan_submit(actor=None, version=plan.working)
    response = _review(client, users, plan)
    assert response.context["baseline"].label == "现行第1版（2025-05-12批准）"


def test_the_plan_page_dates_its_versions_by_their_workflow(client, users, unit):
    plan = approved_plan(unit)
    _date_events(plan, Action.APPROVED, "2025-05-12")
    services.plan_revise(actor=None, plan=plan)
    _date_events(plan, Action.REVISED, "2026-02-03")
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("plans:detail", kwargs={"uid": plan.uid}))
    dates = dict(re.findall(r'data-testid="version-(\d)".*?data-testid="version-date">([^<]*)<', response.text, re.S))
    assert dates == {"2": "2026-02-03开始编制", "1": "2025-05-12批准"}
    assert "2025-05-12批准" in response.text.split('data-testid="in-force-date"', 1)[1].split("</span>")[0]
    today = PlanVersion.objects.get(pk=plan.in_force_id).updated_at.date().isoformat()
    assert today not in response.text.split('data-testid="versions"', 1)[1].split("</ul>")[0]


LEFTOVER = re.compile(r"\bv\d+\b|\b[Vv]ersion\b|\b(?:Before|Submitted|unchanged)\b")


def _main(response) -> str:
    """The visible text of the page's main part (tags, attributes and the CSRF tokens left out)."""
    main = response.text.split('<main id="main"', 1)[1].split("</main>")[0]
    return re.sub(r"<[^>]+>", " ", main)


def test_no_english_leftovers_on_the_plan_pages(client, users, unit):
    member = users[Role.TEAM_MEMBER]
    two_served_units(member, unit)
    plan = _resubmitted(unit)
    client.force_login(users[Role.BUREAU])
    pages = [
        reverse("plans:review", kwargs={"uid": plan.uid}),
        reverse("plans:detail", kwargs={"uid": plan.uid}),
        reverse("plans:queue"),
        reverse("plans:overview"),
    ]
    for url in pages:
        text = _main(client.get(url))
        assert not LEFTOVER.findall(text), (url, LEFTOVER.findall(text))
    assert "（第1版）" in _main(client.get(pages[0]))  # the history names the version in Chinese …
    assert "第1版" in _main(client.get(pages[2]))  # … and so does the queue


def test_the_pdf_names_its_version_in_chinese(users, unit):
    from plans.pdf import plan_pdf_filename

    plan = approved_plan(unit)
    assert plan_pdf_filename(version=plan.in_force) == f"{unit.name}_服务方案_第1版.pdf"
