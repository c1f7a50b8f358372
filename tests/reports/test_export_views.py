"""The export pages per role: asking for an export, following its progress (htmx polling that stops when done),
downloading it under its Chinese name, and the list of one's own exports. A job is its creator's only: anyone else
gets 404; experts and unit contacts export nothing (403)."""

import urllib.parse

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role
from reports.exporting import jobs
from reports.models import ExportJob
from reports.periods import FIRST_PERIOD, Period
from tests.factories import UserFactory, team_led_by
from tests.reports.export_samples import sample_document

pytestmark = pytest.mark.django_db

EXPORTERS = [Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER]
NON_EXPORTERS = [Role.EXPERT, Role.UNIT_CONTACT]
FILENAME = "2026年上半年_全省_知识产权护航行动工作报告.xlsx"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def built(monkeypatch):
    monkeypatch.setattr(jobs, "export_document", lambda **kwargs: sample_document())


def job_of(user, *, status="queued", **fields) -> ExportJob:
    fields = {"kind": "province", "period": "2026H1", "format": "xlsx", **fields}
    return ExportJob.objects.create(created_by=user, status=status, **fields)


def finished_job(user) -> ExportJob:
    return jobs.export_run(job=job_of(user))


def post_export(client, captured, **data):
    with captured(execute=True):  # the task is queued when the request's transaction commits
        return client.post(reverse("reports:export_create"), {"kind": "province", "period": "2026H1", **data})


# --- Asking for an export ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", EXPORTERS)
def test_exporters_ask_for_an_export_and_land_on_its_ready_status(
    client, users, role, django_capture_on_commit_callbacks
):
    client.force_login(users[role])
    response = post_export(client, django_capture_on_commit_callbacks, format="xlsx")
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:export_status", kwargs={"uid": job.uid})
    assert (job.created_by, job.status, job.params) == (users[role], "done", {"city": None})


@pytest.mark.parametrize("role", NON_EXPORTERS)
def test_experts_and_unit_contacts_may_not_export(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("reports:export_list")).status_code == 403
    assert client.post(reverse("reports:export_create"), {"kind": "province", "period": "2026H1"}).status_code == 403
    assert not ExportJob.objects.exists()


def test_a_refused_export_comes_back_on_the_form(client, users, django_capture_on_commit_callbacks):
    client.force_login(users[Role.OFFICER])  # 杭州市
    response = post_export(client, django_capture_on_commit_callbacks, format="pdf", city="330200")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "city": [forms.ChoiceField.default_error_messages["invalid_choice"] % {"value": "330200"}]
    }
    assert not ExportJob.objects.exists()
    response = post_export(client, django_capture_on_commit_callbacks, format="docx")
    assert "format" in response.context["form"].errors


def test_a_team_member_exports_their_own_team_report_only(client, users, django_capture_on_commit_callbacks):
    member = users[Role.TEAM_MEMBER]
    own = team_led_by(member, "西湖团队")
    other = team_led_by(UserFactory(username="tina", team_member=True), "甬江团队")
    client.force_login(member)
    response = post_export(client, django_capture_on_commit_callbacks, kind="team", team=other.pk, format="xlsx")
    assert response.status_code == 200
    assert "team" in response.context["form"].errors
    response = post_export(client, django_capture_on_commit_callbacks, kind="team", team=own.pk, format="xlsx")
    assert response.status_code == 302
    assert ExportJob.objects.get().params == {"team": own.pk}


def test_the_buttons_of_a_report_page_post_the_report(client, users, django_capture_on_commit_callbacks):
    request = RequestFactory().get("/")
    request.user = users[Role.BUREAU]
    html = render_to_string(
        "reports/exports/_buttons.html", {"kind": "province", "period": "2026H1", "city": "330100"}, request=request
    )
    assert f'action="{reverse("reports:export_create")}"' in html
    for field in ('name="kind" value="province"', 'name="period" value="2026H1"', 'name="city" value="330100"'):
        assert field in html
    assert 'name="format" value="xlsx"' in html
    assert 'name="format" value="pdf"' in html
    assert 'name="team"' not in html


# --- Following it --------------------------------------------------------------------------------------------------


def test_a_running_export_is_polled_every_second_and_the_poll_stops_once_it_is_ready(client, users):
    bureau = users[Role.BUREAU]
    job = job_of(bureau, status="running", total=5, done=2)
    client.force_login(bureau)
    url = reverse("reports:export_status", kwargs={"uid": job.uid})
    page = client.get(url)
    assert page.status_code == 200
    assert page.templates[0].name == "reports/exports/export_status.html"
    card = client.get(url, headers={"HX-Request": "true"})
    assert [template.name for template in card.templates] == [
        "reports/exports/_job_card.html",
        "reports/exports/_status_badge.html",
    ]
    html = card.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert 'max="5" value="2"' in html
    assert gettext("Writing the file: step %(done)s of %(total)s.") % {"done": 2, "total": 5} in html

    ExportJob.objects.filter(pk=job.pk).update(status="queued")
    jobs.export_run(job=job)
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in html
    assert reverse("reports:export_download", kwargs={"uid": job.uid}) in html
    assert FILENAME in html


def test_a_failed_export_shows_why(client, users):
    job = job_of(users[Role.BUREAU], status="failed", error="导出失败的原因")
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("reports:export_status", kwargs={"uid": job.uid}))
    assert "导出失败的原因" in response.content.decode()
    assert reverse("reports:export_download", kwargs={"uid": job.uid}) not in response.content.decode()


# --- Downloading it ------------------------------------------------------------------------------------------------


def test_the_file_downloads_under_its_chinese_name(client, users):
    job = finished_job(users[Role.BUREAU])
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("reports:export_download", kwargs={"uid": job.uid}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + urllib.parse.quote(FILENAME)
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"PK")  # a zip: the xlsx


def test_the_file_can_go_through_the_reverse_proxy(client, users, settings):
    settings.SENDFILE_X_ACCEL = "/protected-media/"
    job = finished_job(users[Role.BUREAU])
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("reports:export_download", kwargs={"uid": job.uid}))
    assert response["X-Accel-Redirect"] == "/protected-media/" + job.file.name
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + urllib.parse.quote(FILENAME)


def test_nothing_to_download_before_it_is_ready(client, users):
    job = job_of(users[Role.BUREAU], status="running")
    client.force_login(users[Role.BUREAU])
    assert client.get(reverse("reports:export_download", kwargs={"uid": job.uid})).status_code == 404


# --- Only one's own ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*EXPORTERS, *NON_EXPORTERS])
def test_anyone_elses_export_is_404(client, users, role):
    owner = UserFactory(username="bob", bureau=True)
    job = finished_job(owner)
    client.force_login(users[role])
    assert client.get(reverse("reports:export_status", kwargs={"uid": job.uid})).status_code == 404
    assert client.get(reverse("reports:export_download", kwargs={"uid": job.uid})).status_code == 404
    if role in EXPORTERS:
        assert job.filename not in client.get(reverse("reports:export_list")).content.decode()


@pytest.mark.parametrize("role", EXPORTERS)
def test_each_exporter_follows_and_downloads_their_own(client, users, role):
    job = finished_job(users[role])
    client.force_login(users[role])
    assert client.get(reverse("reports:export_status", kwargs={"uid": job.uid})).status_code == 200
    assert client.get(reverse("reports:export_download", kwargs={"uid": job.uid})).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, users):
    job = finished_job(users[Role.BUREAU])
    login = reverse("accounts:login")
    for url in (
        reverse("reports:export_list"),
        reverse("reports:export_status", kwargs={"uid": job.uid}),
        reverse("reports:export_download", kwargs={"uid": job.uid}),
    ):
        assert client.get(url).url.startswith(login + "?next=")
    assert client.post(reverse("reports:export_create")).url.startswith(login + "?next=")


# --- The list ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_shows_ones_own_exports_in_a_constant_number_of_queries(
    client, users, count, django_assert_max_num_queries
):
    member = users[Role.TEAM_MEMBER]
    team = team_led_by(member, "西湖团队")
    for index in range(count):
        params = {"team": team.pk} if index % 2 else {"city": None}
        job_of(member, kind="team" if index % 2 else "province", params=params)
    job_of(users[Role.BUREAU])  # someone else's
    client.force_login(member)
    with django_assert_max_num_queries(10):  # session, user, permissions (2), form teams, count, page, teams; savepoint
        response = client.get(reverse("reports:export_list"))
    assert response.status_code == 200
    rows = response.context["page_obj"]
    assert rows.paginator.count == count
    assert len(rows.object_list) == min(count, 20)
    html = response.content.decode()
    assert html.count('data-testid="export-row"') == min(count, 20)
    assert gettext("Half-year report of %(team)s") % {"team": "西湖团队"} in html


def test_the_list_offers_the_choices_of_the_users_scope(client, users):
    client.force_login(users[Role.OFFICER])
    form = client.get(reverse("reports:export_list")).context["form"]
    assert [code for code, _name in form.fields["city"].choices] == ["", "330100"]
    assert "team" not in form.fields  # officers read no team report
    client.force_login(users[Role.BUREAU])
    form = client.get(reverse("reports:export_list")).context["form"]
    assert len(form.fields["city"].choices) == 12
    assert form.fields["period"].choices[-1] == ("2025H1", gettext("First half of %(year)s") % {"year": 2025})
    latest_ended = max(FIRST_PERIOD, Period.containing(timezone.localdate()).previous)
    assert form["period"].value() == latest_ended.code  # the half year being reported on
