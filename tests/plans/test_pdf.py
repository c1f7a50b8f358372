"""The printed plan: an A4 PDF with the unit's figures, sections and measures, in real Chinese glyphs, served only
to those who may read that version."""

import datetime
import re
import shutil
import subprocess
import time

import pytest
from django.urls import reverse

from accounts.models import Role
from plans import pdf
from plans.models import PlanVersion
from plans.services import measure_save, plan_approve, plan_revise, plan_sections_save, plan_start, plan_submit
from tests.factories import IPProfileFactory, PersonFactory, TeamFactory, assign

pytestmark = pytest.mark.django_db

PDFTOTEXT, PDFFONTS = shutil.which("pdftotext"), shutil.which("pdffonts")

STARTED = datetime.datetime(2025, 12, 1, 10, 0, tzinfo=datetime.UTC)
MEASURES = [
    ("protection", "建立商业秘密分级保护制度并开展全员培训"),
    ("policy_law", "解读护航行动专项政策，梳理可申报的支持项目"),
    ("portfolio_layout", "围绕光电芯片核心技术布局高价值专利组合"),
]
SECTIONS = {
    "ip_status": "<p>截至2025年底，单位拥有发明专利120件，PCT申请8件。</p>",
    "characteristics": "<p>以光电子基础研究为主，成果转化处于起步阶段。</p>",
    "weak_links": "<ul><li>专利布局分散</li><li>缺少专职知识产权人员</li></ul>",
    "main_needs": "<p>高价值专利培育与海外布局指导。</p>",
    "recommendations": "<p>建立知识产权管理体系，开展专利导航。</p>",
}


def build_plan(unit, *, actor=None, approve=True, revise=False):
    """A plan for `unit` written by its serving team: v1 approved (or left as a draft), optionally a v2 draft."""
    IPProfileFactory(unit=unit, as_of=datetime.date(2025, 3, 1), invention_patents=120, pct_applications=8)
    plan = plan_start(actor=actor, unit=unit)
    version = plan.working
    # Started in late 2025, so that measures falling due in 2026 are possible (plans.services.measure_save).
    PlanVersion.objects.filter(pk=version.pk).update(created_at=STARTED)
    version.refresh_from_db()
    version = plan_sections_save(actor=actor, version=version, revision=version.revision, **SECTIONS)
    owner = unit.assignments.get(end__isnull=True).team.memberships.get(role="leader").person
    for index, (area, content) in enumerate(MEASURES):
        measure_save(
            actor=actor,
            version=version,
            area=area,
            content=content,
            owner=owner,
            due_on=datetime.date(2026, 3 + index, 28),
        )
    if approve:
        plan_submit(actor=actor, version=version)
        plan_approve(actor=actor, version=version)
    if revise:
        plan_revise(actor=actor, plan=plan)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def serving_team(users, unit):
    team = TeamFactory(name="西湖护航队", leader=PersonFactory(name="汤组长", user=users[Role.TEAM_MEMBER]))
    assign(unit, team)
    return team


@pytest.fixture
def plan(serving_team, unit, users):
    """v1 approved and in force, v2 a draft revision."""
    return build_plan(unit, actor=users[Role.BUREAU], revise=True)


def _url(plan, number):
    return reverse("plans:pdf", kwargs={"uid": plan.uid, "number": number})


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "plan.pdf"
    path.write_bytes(content)
    return subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pdf_fonts(content: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    return subprocess.run([PDFFONTS, str(path)], capture_output=True, text=True, check=True).stdout


needs_poppler = pytest.mark.skipif(not (PDFTOTEXT and PDFFONTS), reason="poppler-utils is not installed")


@needs_poppler
def test_the_pdf_holds_the_unit_its_sections_figures_and_measures_in_chinese_glyphs(client, users, plan, tmp_path):
    client.force_login(users[Role.BUREAU])
    started = time.monotonic()
    response = client.get(_url(plan, 1))
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    assert elapsed < 10

    text = _pdf_text(content, tmp_path)
    assert "西湖光电实验室" in text
    for _, measure in MEASURES:
        assert measure[:12] in text.replace("\n", "")
    assert "发明专利120件" in text  # a section, sanitised HTML rendered as text
    assert "120" in text
    assert "汤组长" in text
    assert re.search(r"第\s*1\s*页\s*/\s*共\s*\d+\s*页", text)  # the page numbers in the margin box
    assert "2026-03-28" in text
    # Real glyphs, not tofu: the WenQuanYi font is embedded (pdffonts lists it with emb=yes).
    fonts = [line for line in _pdf_fonts(content, tmp_path).splitlines() if "WenQuanYi" in line]
    assert fonts
    assert all(" yes " in line for line in fonts)


@needs_poppler
def test_measures_are_grouped_by_task_area_in_the_action_plans_order(client, users, plan, tmp_path):
    client.force_login(users[Role.BUREAU])
    text = _pdf_text(b"".join(client.get(_url(plan, 1)).streaming_content), tmp_path).replace("\n", "")
    positions = [text.index(content[:10]) for _, content in MEASURES]
    # policy_law (2nd typed) comes first, portfolio_layout next, protection (typed first) last.
    assert positions[1] < positions[2] < positions[0]


def test_the_response_is_a_named_attachment_that_is_not_sniffed(client, users, plan):
    client.force_login(users[Role.BUREAU])
    response = client.get(_url(plan, 1))
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # RFC 5987: the unit's name percent-encoded in filename*
    assert "filename*=utf-8''" in disposition
    assert "%E8%A5%BF%E6%B9%96%E5%85%89%E7%94%B5%E5%AE%9E%E9%AA%8C%E5%AE%A4" in disposition  # 西湖光电实验室
    assert disposition.endswith("_%E7%AC%AC1%E7%89%88.pdf")  # …_第1版.pdf: no English in the name either


def test_the_unit_contact_and_the_officer_get_only_the_approved_version(client, users, plan):
    for role in (Role.UNIT_CONTACT, Role.OFFICER):
        client.force_login(users[role])
        assert client.get(_url(plan, 1)).status_code == 200, role
        assert client.get(_url(plan, 2)).status_code == 404, role  # the draft revision


def test_the_serving_team_and_the_bureau_get_every_version(client, users, plan):
    for role in (Role.TEAM_MEMBER, Role.BUREAU):
        client.force_login(users[role])
        assert client.get(_url(plan, 2)).status_code == 200, role


def test_experts_and_outsiders_get_404(client, users, outsiders, plan):
    for user in (users[Role.EXPERT], outsiders[Role.OFFICER], outsiders[Role.UNIT_CONTACT]):
        client.force_login(user)
        assert client.get(_url(plan, 1)).status_code == 404, user.username


def test_a_team_member_of_another_team_gets_404(client, plan):
    from tests.factories import UserFactory

    stranger = UserFactory(username="terry", team_member=True)
    TeamFactory(leader=PersonFactory(user=stranger))
    client.force_login(stranger)
    assert client.get(_url(plan, 1)).status_code == 404


def test_the_unit_contact_gets_404_for_a_plan_never_approved(client, users, serving_team, unit):
    plan = build_plan(unit, approve=False)
    client.force_login(users[Role.UNIT_CONTACT])
    assert client.get(_url(plan, 1)).status_code == 404


def test_a_missing_version_is_404(client, users, plan):
    client.force_login(users[Role.BUREAU])
    assert client.get(_url(plan, 9)).status_code == 404


def test_a_missing_font_fails_loudly_instead_of_printing_boxes(monkeypatch, plan, tmp_path):
    monkeypatch.setattr(pdf, "FONT_FILE", tmp_path / "missing.ttc")
    with pytest.raises(pdf.PdfFontMissing, match="install fonts-wqy-microhei"):
        pdf.plan_pdf(version=plan.in_force)
