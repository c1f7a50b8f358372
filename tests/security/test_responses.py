"""No copy of what a signed-in user saw or downloaded is kept by a browser or a proxy: every response to an
authenticated user, and every download, says `Cache-Control: no-store` (huhang/cache_headers.py), whatever the view
set. The login page and the static files keep their own caching."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Role
from huhang.cache_headers import NoStoreMiddleware
from reports.exporting import jobs
from reports.models import ExportJob
from tests.archives.conftest import PDF, office_zip, upload
from tests.factories import ActivityFactory, approved_plan, two_served_units

pytestmark = pytest.mark.django_db

ROLES = [Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER, Role.EXPERT, Role.UNIT_CONTACT]
PAGES = [
    "home",
    "units:list",
    "archives:activity_list",
    "archives:request_list",
    "reminders:list",
    "accounts:password_change",
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SENDFILE_X_ACCEL = ""


def assert_not_stored(response) -> None:
    assert "no-store" in {directive.strip() for directive in response["Cache-Control"].split(",")}
    assert "public" not in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


# --- Pages ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
# Not "page": that is pytest-playwright's fixture, and a parameter of that name regroups the browser journeys.
@pytest.mark.parametrize("url_name", PAGES)
def test_every_page_a_signed_in_user_gets_is_not_stored(client, users, role, url_name):
    client.force_login(users[role])
    response = client.get(reverse(url_name))
    assert response.status_code in (200, 302, 403)  # refused or sent on (a unit contact to their unit): not stored
    assert_not_stored(response)


def test_redirects_not_found_pages_and_form_errors_of_a_signed_in_user_are_not_stored(client, users):
    client.force_login(users[Role.BUREAU])
    assert_not_stored(client.get(reverse("accounts:login")))  # signed in already: still the user's response
    assert_not_stored(client.get("/units/no-such-page/"))
    assert_not_stored(client.post(reverse("accounts:password_change"), {"old_password": "wrong"}))


def test_a_views_own_no_store_is_kept(client, users):
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("reminders:bell"))  # @never_cache: max-age=0, no-cache, no-store, …, private
    assert response["Cache-Control"].startswith("max-age=0")
    assert_not_stored(response)


@pytest.mark.parametrize("allowed", ["public, max-age=3600", "private, max-age=600", "no-cache"])
def test_caching_a_view_allowed_a_signed_in_user_is_overruled(users, allowed):
    request = RequestFactory().get("/")
    request.user = users[Role.BUREAU]

    def view(request):
        response = HttpResponse("机密")
        response["Cache-Control"] = allowed
        return response

    response = NoStoreMiddleware(view)(request)
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_the_login_page_keeps_djangos_never_cache_headers(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "max-age=0" in response["Cache-Control"]  # as LoginView sets it, not replaced
    assert not response.has_header("Pragma")


def test_an_anonymous_visitor_is_sent_to_log_in_without_a_no_store_mark(client):
    response = client.get(reverse("units:list"))
    assert response.status_code == 302
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("signed_in", [False, True])
def test_static_files_keep_their_caching(client, users, signed_in):
    if signed_in:
        client.force_login(users[Role.BUREAU])
    response = client.get("/static/css/huhang.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert not response.has_header("Pragma")


# --- Downloads, one per download view of every app -----------------------------------------------------------------


def assert_download_not_stored(response) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"]
    assert_not_stored(response)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body  # the file itself, not an empty answer


def test_the_unit_list_export_and_the_import_template(client, users):
    client.force_login(users[Role.BUREAU])
    assert_download_not_stored(client.get(reverse("units:export")))
    assert_download_not_stored(client.get(reverse("units:import_template")))


@pytest.mark.parametrize("viewer", [Role.BUREAU, Role.TEAM_MEMBER, Role.UNIT_CONTACT])
def test_an_attachment(client, users, unit, viewer):
    two_served_units(users[Role.TEAM_MEMBER], unit)
    activity = ActivityFactory(
        actor=users[Role.TEAM_MEMBER],
        unit=unit,
        files=[upload("纪要.pdf", PDF), upload("名单.xlsx", office_zip("xl/"))],
    )
    client.force_login(users[viewer])
    for attachment in activity.attachments.all():
        url = reverse("archives:attachment_download", kwargs={"uid": attachment.uid})
        assert_download_not_stored(client.get(url))


def test_an_attachment_through_the_reverse_proxy(client, users, unit, settings):
    """Served by nginx (X-Accel-Redirect): the headers of Django's empty answer are the ones nginx sends."""
    settings.SENDFILE_X_ACCEL = "/protected/"
    two_served_units(users[Role.TEAM_MEMBER], unit)
    activity = ActivityFactory(actor=users[Role.TEAM_MEMBER], unit=unit, files=[upload("纪要.pdf", PDF)])
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("archives:attachment_download", kwargs={"uid": activity.attachments.get().uid}))
    assert response.has_header("X-Accel-Redirect")
    assert_not_stored(response)


def test_the_printed_plan(client, users, unit):
    plan = approved_plan(unit)
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("plans:pdf", kwargs={"uid": plan.uid, "number": 1}))
    assert_download_not_stored(response)  # the view's own "private, no-store", with Pragma


@pytest.mark.parametrize("file_format", ["xlsx", "pdf"])
def test_a_report_export(client, users, file_format):
    job = ExportJob.objects.create(
        created_by=users[Role.BUREAU], status="queued", kind="province", period="2026H1", format=file_format
    )
    job = jobs.export_run(job=job)
    client.force_login(users[Role.BUREAU])
    assert_download_not_stored(client.get(reverse("reports:export_download", kwargs={"uid": job.uid})))


def test_the_dashboard_workbook(client, users):
    client.force_login(users[Role.BUREAU])
    assert_download_not_stored(client.get(reverse("reports:dashboard_xlsx")))


def test_a_download_is_not_stored_even_for_an_anonymous_request():
    """No download view answers anonymous visitors today; should one ever, its file is still not kept."""
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    file_response = NoStoreMiddleware(lambda r: FileResponse(iter([b"x"]), as_attachment=True, filename="a.pdf"))
    assert_not_stored(file_response(request))
    inline = HttpResponse(b"%PDF", content_type="application/pdf")
    inline["Content-Disposition"] = 'inline; filename="a.pdf"'
    assert_not_stored(NoStoreMiddleware(lambda r: inline)(request))
    page = NoStoreMiddleware(lambda r: HttpResponse("public"))(request)
    assert not page.has_header("Cache-Control")


def test_a_request_answered_before_authentication_is_left_alone():
    request = RequestFactory().get("/")  # no request.user: a middleware above answered first
    assert not NoStoreMiddleware(lambda r: HttpResponse("ok"))(request).has_header("Cache-Control")
