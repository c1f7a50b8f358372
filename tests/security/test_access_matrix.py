"""The access-control matrix (issue 13, item 8): every URL pattern × every viewer × a record outside their scope.

The world (tests/security/matrix_objects.py) has a target corner — a unit, its team, plan, activity, request, files,
report, feedback, reminders — and viewers who are all outside it: the bureau (outside only another user's bell,
exports and imports), an officer of another city, the leader and a core member of another team, an expert invited
elsewhere, another unit's contact, the three administrators and an anonymous visitor.

- A URL naming a target record answers an outsider 404, or 403 where the page is gated by role (or 405 for a method
  the view does not take) — and exactly what it answers for a record that does not exist, so the answer does not
  even tell that the record exists; an anonymous visitor is sent to the login page. The body holds none of the
  target's distinctive texts, and a POST changes nothing.
- A URL naming no record (lists, exports, dashboards) answers each viewer a refusal or a page that holds none of
  the target's texts: lists filter by scope.
- TABLE names every URL pattern of the project: a pattern added without a row fails
  test_the_matrix_covers_every_url_pattern.
- Fields a role may not set in its own forms are ignored or refused (the tests at the end).
- Django's admin is the system administrator's alone (test_the_admin_is_the_system_administrators_alone).

The world is built once for the module inside a transaction that is rolled back at its end; each test runs in a
savepoint of it, so what one request writes never reaches the next test.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.http import urlencode

from tests.security.matrix_objects import BUSINESS_SECRETS, PERIOD, VIEWERS, World, build_world, state

# --- The world, once per module -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, SENDFILE_X_ACCEL=""), transaction.atomic():
        built = build_world()
        built.baseline = state(built)
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def as_viewer(db, client, world):
    """`as_viewer(name)`: the test client signed in as that viewer (anonymous stays signed out)."""

    def sign_in(name: str):
        user = world.viewers[name]
        if user is not None:
            client.force_login(user)  # with the second factor given (tests/conftest.py)
        return client

    return sign_in


# --- What an answer may hold --------------------------------------------------------------------------------------

DENIED = {403, 404, 405}
ZIP_TYPES = ("spreadsheetml", "wordprocessingml", "application/zip")


def body_text(response) -> str:
    """The text of an answer, a download included (with its file name); an Office file (a zip) by the text of its
    parts."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    filename = unquote(response.get("Content-Disposition", ""))
    if any(kind in response.get("Content-Type", "") for kind in ZIP_TYPES) or content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                parts = [archive.read(name).decode("utf-8", "ignore") for name in archive.namelist()]
                return filename + "".join(parts)
        except zipfile.BadZipFile:
            pass
    return filename + content.decode("utf-8", "ignore")


def leaked(text: str, secrets: tuple[str, ...]) -> list[str]:
    """The secrets in `text`, as written or escaped in JSON."""
    return [secret for secret in secrets if secret in text or json.dumps(secret)[1:-1] in text]


def login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


# --- The table: every URL name → how to name a target record in it ------------------------------------------------

Builder = Callable[[World], dict[str, Any]]
CODE = "2026H2"  # the half year of the target team's report
BUREAU = frozenset({"bureau"})
SECURITY_ADMIN = frozenset({"security_admin"})
AUDIT_ADMIN = frozenset({"audit_admin"})


@dataclass(frozen=True)
class Row:
    """How the matrix requests one URL pattern.

    obj: the URL kwargs naming a target record (an object URL); kwargs: kwargs naming none (a half year's code);
    query: a query string naming a target record (`?unit=<uid>` of the create forms), requested besides the plain
    URL; reach: the viewers whose scope holds the target record (only checked for errors and others' own rows);
    sees_business: the viewers a list may show the target's business texts; owner: whose own record `obj` names,
    where no viewer reaches it; leaks: the cases that show what they must not, each marked xfail(strict=True) with
    its reason so that the fix is noticed."""

    obj: Builder | None = None
    kwargs: Builder | None = None
    query: Builder | None = None
    reach: frozenset[str] = frozenset()
    sees_business: frozenset[str] = BUREAU
    public: bool = False
    owner: str = ""  # the target's user whose own record `obj` names (an export, an upload, a notification)
    leaks: tuple[tuple[str, str], ...] = ()  # (viewer, reason): a known leak, xfail(strict=True) until it is fixed


def unit_uid(w):
    return {"uid": w.target["unit"].uid}


def plan_uid(w):
    return {"uid": w.target["plan"].uid}


def measure(w):
    return {"uid": w.target["plan"].uid, "measure_id": w.target["measure"].pk}


def contact(w):
    return {"uid": w.target["unit"].uid, "contact_id": w.target["contact"].pk}


def team_report(w):
    return {"team_id": w.target["team"].pk, "code": CODE}


def activity_uid(w):
    return {"uid": w.target["activity"].uid}


def request_uid(w):
    return {"uid": w.target["request"].uid}


def person_pk(w):
    return {"pk": w.target["leader_person"].pk}


def team_pk(w):
    return {"pk": w.target["team"].pk}


def login_pk(w):
    return {"pk": w.target["leader"].pk}


def import_uid(w):
    return {"uid": w.target["import_job"].uid}


def export_uid(w):
    return {"uid": w.target["export_job"].uid}


def robot(w):
    return {"team_id": w.target["team"].pk}


def code(value: str) -> Builder:
    return lambda w: {"code": value}


TABLE: dict[str, Row] = {
    # --- the home pages and the programme settings (reports/urls.py) ---
    "home": Row(),
    "my_measures": Row(),
    "programme_settings": Row(),
    # --- the half-year reports, typical cases, feedback, province report, scorecards, exports, dashboard ---
    "reports:team_report_list": Row(),
    "reports:period": Row(kwargs=code(CODE)),
    "reports:team_report": Row(obj=team_report, reach=BUREAU),
    "reports:team_report_edit": Row(obj=team_report, reach=BUREAU),
    "reports:team_report_redraft": Row(obj=team_report, reach=BUREAU),
    "reports:team_report_submit": Row(obj=team_report, reach=BUREAU),
    "reports:team_report_return": Row(obj=team_report, reach=BUREAU),
    "reports:team_report_accept": Row(obj=team_report, reach=BUREAU),
    "reports:case_candidates": Row(obj=team_report, reach=BUREAU),
    "reports:case_flag_activity": Row(obj=activity_uid, reach=BUREAU),
    "reports:case_flag_request": Row(obj=request_uid, reach=BUREAU),
    "reports:case_unflag": Row(obj=lambda w: {"uid": w.target["case"].uid}, reach=BUREAU),
    "reports:feedback_list": Row(),
    "reports:feedback_questions": Row(),
    # The points asked are every role's to read (they are asked of every unit): the page is the bureau's by role.
    "reports:feedback_question_edit": Row(obj=lambda w: {"pk": w.target["question"].pk}, reach=BUREAU),
    "reports:feedback_question_delete": Row(obj=lambda w: {"pk": w.target["question"].pk}, reach=BUREAU),
    "reports:feedback_give": Row(kwargs=code(CODE)),
    "reports:province_latest": Row(),
    "reports:province": Row(kwargs=code("2026H1")),
    "reports:scorecards_latest": Row(),
    "reports:scorecards": Row(kwargs=code("2026H1")),
    "reports:export_list": Row(),
    "reports:export_create": Row(),
    # Another bureau user's export: its creator's alone, the bureau's other staff included.
    "reports:export_status": Row(obj=export_uid, owner="bureau_user"),
    "reports:export_download": Row(obj=export_uid, owner="bureau_user"),
    "reports:dashboard": Row(),
    "reports:dashboard_xlsx": Row(),
    # --- the logins (accounts/urls.py) ---
    "accounts:login": Row(public=True),
    "accounts:logout": Row(),
    "accounts:password_change": Row(),
    "accounts:password_change_done": Row(),
    "accounts:login_list": Row(),
    "accounts:login_create": Row(),
    "accounts:login_disable": Row(obj=login_pk, reach=frozenset({"system_admin"})),
    "accounts:login_enable": Row(obj=login_pk, reach=frozenset({"system_admin"})),
    "accounts:login_password_reset": Row(obj=login_pk, reach=SECURITY_ADMIN),
    "accounts:login_second_factor_reset": Row(obj=login_pk, reach=SECURITY_ADMIN),
    "accounts:login_sessions_end": Row(obj=login_pk, reach=SECURITY_ADMIN),
    "accounts:login_role_change": Row(obj=login_pk, reach=SECURITY_ADMIN),
    "accounts:lockout_list": Row(),
    "accounts:lockout_unlock": Row(),
    # One's own second factor
    "accounts:second_factor": Row(),
    "accounts:second_factor_verify": Row(),
    "accounts:second_factor_enrol": Row(),
    "accounts:second_factor_recovery_codes": Row(),
    # --- the units (units/urls.py) ---
    "units:list": Row(),
    "units:create": Row(),
    "units:export": Row(),
    "units:import": Row(),
    "units:import_template": Row(),
    # Another bureau user's upload: its uploader's alone.
    "units:import_job": Row(obj=import_uid, owner="bureau_user"),
    "units:import_confirm": Row(obj=import_uid, owner="bureau_user"),
    "units:import_progress": Row(obj=import_uid, owner="bureau_user"),
    "units:detail": Row(obj=unit_uid, reach=BUREAU),
    "units:edit": Row(obj=unit_uid, reach=BUREAU),
    "units:remove": Row(obj=unit_uid, reach=BUREAU),
    "units:reselect": Row(obj=unit_uid, reach=BUREAU),
    "units:contact_create": Row(obj=unit_uid, reach=BUREAU),
    "units:contact_edit": Row(obj=contact, reach=BUREAU),
    "units:contact_delete": Row(obj=contact, reach=BUREAU),
    "units:contact_login_create": Row(obj=contact, reach=BUREAU),
    "units:ip_profile": Row(obj=unit_uid, reach=BUREAU),
    # --- the teams and the personnel pool (teams/urls.py) ---
    "teams:list": Row(),
    "teams:create": Row(),
    "teams:mine": Row(),
    "teams:workload": Row(),
    "teams:detail": Row(obj=team_pk, reach=BUREAU),
    "teams:edit": Row(obj=team_pk, reach=BUREAU),
    "teams:person_list": Row(),
    "teams:person_create": Row(),
    "teams:person_typeahead": Row(),
    "teams:team_typeahead": Row(),
    "teams:person_detail": Row(obj=person_pk, reach=BUREAU),
    "teams:person_edit": Row(obj=person_pk, reach=BUREAU),
    "teams:training_add": Row(obj=person_pk, reach=BUREAU),
    "teams:person_login_create": Row(obj=person_pk, reach=BUREAU),
    "teams:assign_units": Row(),
    "teams:assign_unit": Row(obj=unit_uid, reach=BUREAU),
    "teams:unassign_unit": Row(obj=unit_uid, reach=BUREAU),
    # --- the plans (plans/urls.py) ---
    "plans:overview": Row(),
    "plans:queue": Row(),
    "plans:start": Row(obj=unit_uid, reach=BUREAU),
    "plans:detail": Row(obj=plan_uid, reach=BUREAU),
    "plans:edit": Row(obj=plan_uid, reach=BUREAU),
    "plans:autosave": Row(obj=plan_uid, reach=BUREAU),
    "plans:submit": Row(obj=plan_uid, reach=BUREAU),
    "plans:review": Row(obj=plan_uid, reach=BUREAU),
    "plans:return": Row(obj=plan_uid, reach=BUREAU),
    "plans:approve": Row(obj=plan_uid, reach=BUREAU),
    "plans:revise": Row(obj=plan_uid, reach=BUREAU),
    "plans:measure_add": Row(obj=plan_uid, reach=BUREAU),
    "plans:measure_edit": Row(obj=measure, reach=BUREAU),
    "plans:measure_delete": Row(obj=measure, reach=BUREAU),
    "plans:measure_move": Row(obj=measure, reach=BUREAU),
    "plans:measure_progress": Row(obj=measure, reach=BUREAU),
    "plans:pdf": Row(obj=lambda w: {"uid": w.target["plan"].uid, "number": w.target["version"].number}, reach=BUREAU),
    "plans:suggest_experts": Row(obj=plan_uid, reach=BUREAU),
    "plans:owner_typeahead": Row(obj=plan_uid, reach=BUREAU),
    # --- the service archive and the requests (archives/urls.py) ---
    "archives:activity_list": Row(),
    "archives:activity_create": Row(query=lambda w: {"unit": w.target["unit"].uid}, reach=BUREAU),
    "archives:activity_form_expert_typeahead": Row(query=lambda w: {"unit": w.target["unit"].uid}, reach=BUREAU),
    "archives:activity_detail": Row(obj=activity_uid, reach=BUREAU),
    "archives:activity_edit": Row(obj=activity_uid, reach=BUREAU),
    "archives:activity_invite_expert": Row(obj=activity_uid, reach=BUREAU),
    "archives:activity_expert_typeahead": Row(obj=activity_uid, reach=BUREAU),
    "archives:activity_attach": Row(obj=activity_uid, reach=BUREAU),
    "archives:activity_comment": Row(obj=activity_uid, reach=BUREAU),
    "archives:request_list": Row(),
    "archives:request_create": Row(query=lambda w: {"unit": w.target["unit"].uid}, reach=BUREAU),
    "archives:request_detail": Row(obj=request_uid, reach=BUREAU),
    "archives:request_accept": Row(obj=request_uid, reach=BUREAU),
    "archives:request_reply": Row(obj=request_uid, reach=BUREAU),
    "archives:request_invite_expert": Row(obj=request_uid, reach=BUREAU),
    "archives:request_expert_typeahead": Row(obj=request_uid, reach=BUREAU),
    "archives:request_refer": Row(obj=request_uid, reach=BUREAU),
    "archives:referral_reply": Row(
        obj=lambda w: {"uid": w.target["request"].uid, "referral_id": w.target["referral"].pk}, reach=BUREAU
    ),
    "archives:request_close": Row(obj=request_uid, reach=BUREAU),
    "archives:request_reopen": Row(obj=request_uid, reach=BUREAU),
    "archives:attachment_download": Row(obj=lambda w: {"uid": w.target["attachment"].uid}, reach=BUREAU),
    "archives:response_limits": Row(),
    # --- the reminders (reminders/urls.py) ---
    "reminders:list": Row(),
    "reminders:bell": Row(),
    # The target leader's own notification: theirs alone.
    "reminders:open": Row(obj=lambda w: {"pk": w.target["notification"].pk}, owner="leader"),
    "reminders:mark_read": Row(),
    "reminders:preferences": Row(),
    "reminders:outbox": Row(),
    "reminders:resend": Row(obj=lambda w: {"pk": w.target["delivery"].pk}, reach=BUREAU),
    "reminders:robots": Row(),
    "reminders:robot_edit": Row(obj=robot, reach=BUREAU),
    "reminders:robot_test": Row(obj=robot, reach=BUREAU),
    # --- the audit trail (audit/urls.py) ---
    # The audit trail names the record of each event and carries the before/after of every change (issue 13,
    # item 4): reading it is the audit administrator's whole role, so the target's texts are theirs to see here.
    "audit:list": Row(sees_business=AUDIT_ADMIN),
    "audit:export": Row(sees_business=AUDIT_ADMIN),
    "audit:unit_reads": Row(),
    # --- the shared ground (huhang/urls.py) ---
    "set_language": Row(public=True),
    "healthz": Row(public=True),
}

# URL namespaces the table leaves out, each tested as a whole elsewhere in this module.
NOT_IN_TABLE = {
    "admin",  # Django's admin: test_the_admin_is_the_system_administrators_alone
}


def project_url_names(patterns=None, namespace: str = "") -> list[str]:
    names = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in NOT_IN_TABLE:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names.extend(project_url_names(entry.url_patterns, inner))
        else:
            names.append(f"{namespace}{entry.name}")
    return names


def test_the_matrix_covers_every_url_pattern():
    names = project_url_names()
    assert len(names) == len(set(names)), "two URL patterns share a name"
    missing = sorted(set(names) - set(TABLE))
    assert not missing, f"URL patterns the access matrix does not cover (add rows to TABLE): {missing}"
    gone = sorted(set(TABLE) - set(names))
    assert not gone, f"rows of TABLE for URL patterns that no longer exist: {gone}"


# --- The texts the matrix looks for are on the pages of those whose scope holds them -------------------------------
# Without this control the matrix could pass because a text was never rendered anywhere.

SHOWN_IN_SCOPE = [
    # (who reads it, URL name, kwargs, the text the page shows)
    ("bureau", "units:detail", unit_uid, "青山湖靶标实验室"),
    ("bureau", "units:detail", unit_uid, "靶标联系人甲"),
    ("bureau", "units:list", None, "青山湖靶标实验室"),
    ("bureau", "teams:detail", team_pk, "靶标护航队"),
    ("bureau", "teams:person_detail", person_pk, "靶标组长乙"),
    ("bureau", "plans:detail", plan_uid, "靶标方案现状陈述"),
    ("bureau", "plans:detail", plan_uid, "靶标举措专利导航"),
    ("bureau", "archives:activity_detail", activity_uid, "靶标走访纪要"),
    ("bureau", "archives:activity_detail", activity_uid, "靶标会议纪要"),
    ("bureau", "archives:request_detail", request_uid, "靶标专利布局需求"),
    ("bureau", "archives:request_detail", request_uid, "靶标需求详细说明"),
    ("bureau", "archives:request_detail", request_uid, "靶标转办说明"),
    ("bureau", "reports:team_report", team_report, "靶标半年工作总结"),
    ("bureau", "reports:case_candidates", team_report, "靶标典型案例理由"),
    ("bureau", "reports:feedback_list", None, "靶标单位意见建议"),
    ("bureau", "reminders:outbox", None, "靶标外发提醒"),
    ("leader", "reminders:list", None, "靶标组长专属提醒"),
    ("contact_user", "audit:unit_reads", None, "靶标专利布局需求"),
    ("bureau_user", "reports:export_status", export_uid, "靶标专属导出"),
    ("bureau_user", "reports:export_list", None, "export_job.uid"),
    ("bureau_user", "units:import_job", import_uid, "靶标专属名单"),
]


@pytest.mark.parametrize(
    ("reader", "name", "kwargs_of", "text"),
    SHOWN_IN_SCOPE,
    ids=[f"{name}-{text}" for _reader, name, _kwargs, text in SHOWN_IN_SCOPE],
)
def test_each_text_the_matrix_looks_for_is_shown_to_those_who_may_read_it(
    world, db, client, reader, name, kwargs_of, text
):
    user = world.viewers["bureau"] if reader == "bureau" else world.target[reader]
    client.force_login(user)
    if text.endswith(".uid"):  # a link to the record
        text = str(world.target[text.removesuffix(".uid")].uid)
    response = client.get(reverse(name, kwargs=kwargs_of(world) if kwargs_of else None))
    assert response.status_code == 200
    assert leaked(body_text(response), (text,)) == [text]


# --- Object URLs ---------------------------------------------------------------------------------------------------


def cases(names) -> list:
    """(name, viewer) for every viewer, with the id `name-viewer`; a known leak marked xfail(strict=True)."""
    params = []
    for name in sorted(names):
        leaks = dict(TABLE[name].leaks)
        for viewer in VIEWERS:
            marks = [pytest.mark.xfail(strict=True, reason=leaks[viewer])] if viewer in leaks else []
            params.append(pytest.param(name, viewer, id=f"{name}-{viewer}", marks=marks))
    return params


OBJECT_CASES = cases(name for name, row in TABLE.items() if row.obj or row.query)
LIST_CASES = cases(name for name, row in TABLE.items() if not row.obj)


def phantom(values: dict[str, Any]) -> dict[str, Any]:
    """The same kwargs naming records that do not exist (a half year's code is no record and stays)."""
    swapped = {}
    for key, value in values.items():
        if isinstance(value, uuid.UUID):
            swapped[key] = uuid.uuid4()
        elif isinstance(value, int):
            swapped[key] = 2_000_000_000 + len(swapped)
        else:
            swapped[key] = value
    return swapped


def object_urls(name: str, world: World) -> tuple[str, str]:
    """The URL naming the target record and the same URL naming a record that does not exist."""
    row = TABLE[name]
    if row.obj:
        values = row.obj(world)
        return reverse(name, kwargs=values), reverse(name, kwargs=phantom(values))
    url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
    values = row.query(world)
    query = "&".join(f"{key}={value}" for key, value in values.items())
    ghost = "&".join(f"{key}={value}" for key, value in phantom(values).items())
    return f"{url}?{query}", f"{url}?{ghost}"


def denials(user, url: str, method: str) -> int:
    from audit.models import Action, AuditEvent, Result

    events = AuditEvent.objects.filter(action=Action.DENIED, result=Result.DENIED, user=user, path=url)
    return sum(1 for detail in events.values_list("detail", flat=True) if detail.get("method") == method.upper())


@pytest.mark.parametrize(("name", "viewer"), OBJECT_CASES)
def test_a_record_outside_the_scope_is_neither_shown_nor_changed(world, as_viewer, name, viewer):
    client = as_viewer(viewer)
    url, ghost = object_urls(name, world)
    secrets = world.secrets_for(viewer, links=False)
    if viewer in TABLE[name].reach:
        # In this viewer's scope: the page works; only other users' own rows stay out of it.
        response = client.get(url)
        assert response.status_code < 500, url
        assert leaked(body_text(response), secrets) == [], url
        return
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        text = body_text(response)
        assert leaked(text, secrets) == [], f"{method.upper()} {url}"
        if viewer == "anonymous":
            assert login_redirect(response), f"{method.upper()} {url}"
            continue
        # A create form given a unit outside the scope ignores it and offers the user's own units (200).
        allowed = DENIED | {200} if TABLE[name].query else DENIED
        assert response.status_code in allowed, f"{method.upper()} {url}: {response.status_code}"
        if response.status_code in {403, 404}:
            # The probe is in the audit trail (issue 13, item 4: denied access), by whom and on which URL.
            assert denials(world.viewers[viewer], url, method) == 1, f"{method.upper()} {url} left no denial"
        # The same answer as for a record that does not exist: the refusal tells nothing of the record.
        assert getattr(client, method)(ghost).status_code == response.status_code, f"{method.upper()} {url}"
    assert state(world) == world.baseline, f"POST {url} changed the target corner"


@pytest.mark.parametrize("name", sorted(name for name, row in TABLE.items() if row.obj or row.query))
def test_each_record_the_matrix_names_is_there_for_those_whose_scope_holds_it(world, db, client, name):
    """The control of the refusals above: the URL names a real record, which its owner or a viewer whose scope holds
    it reaches (any answer but 404; a POST where the page takes only that, rolled back with the test)."""
    row = TABLE[name]
    user = world.target[row.owner] if row.owner else world.viewers[sorted(row.reach)[0]]
    client.force_login(user)
    url, _ghost = object_urls(name, world)
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    assert response.status_code != 404, url
    assert response.status_code < 500, url


def test_a_probe_through_a_query_string_is_in_the_audit_trail(world, as_viewer):
    client = as_viewer("member_other_team")
    url, _ghost = object_urls("archives:activity_create", world)
    assert client.get(url).status_code == 404
    assert denials(world.viewers["member_other_team"], url, "get") == 1


# --- URLs naming no record: lists, forms, exports, dashboards -------------------------------------------------------


def probe(world: World) -> str:
    """The query string of someone fishing for the target corner in a list's search and filters: its texts, its
    team, unit, city and county (a parameter a page does not take is ignored)."""
    target = world.target
    values = {
        "q": "靶标",
        "team": target["team"].pk,
        "unit": target["unit"].uid,
        "city": "330100",  # 杭州市
        "county": "330106",  # 西湖区
        "record": "requests",
        "period": CODE,
        "by": "person",
    }
    return "?" + urlencode(values)


@pytest.mark.parametrize(("name", "viewer"), LIST_CASES)
def test_a_page_naming_no_record_shows_none_outside_the_scope(world, as_viewer, name, viewer):
    row = TABLE[name]
    client = as_viewer(viewer)
    url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
    secrets = world.secrets_for(viewer)
    if viewer in row.sees_business:
        secrets = tuple(secret for secret in secrets if secret not in BUSINESS_SECRETS)
    if viewer == "anonymous":
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert leaked(body_text(response), secrets) == [], f"{method.upper()} {url}"
            assert row.public or login_redirect(response), f"{method.upper()} {url}"
        assert state(world) == world.baseline
        return
    for query in ("", probe(world)):
        response = client.get(url + query, follow=True)
        assert response.status_code in {200} | DENIED, url + query
        if response.status_code == 403 and not response.redirect_chain:  # a role-gated page: in the audit trail
            assert denials(world.viewers[viewer], url + query, "get") == 1, f"{url + query} left no denial"
        # Less what the query itself carries, which the page echoes (the language switch's `next`).
        fished = tuple(secret for secret in secrets if urlencode({"": secret})[1:] not in query)
        assert leaked(body_text(response), fished) == [], url + query
    # An empty form, refused or sent back with its errors; either way nothing of the target corner changes.
    response = client.post(url)
    assert response.status_code < 500, f"POST {url}"
    assert leaked(body_text(response), secrets) == [], f"POST {url}"
    assert state(world) == world.baseline, f"POST {url} changed the target corner"


# --- Django's admin -------------------------------------------------------------------------------------------------


def admin_urls(world: World) -> list[tuple[str, str]]:
    """(name, URL) of every named pattern of the admin; where a pattern names a record, the target team's leader's
    login (`object_id`, `id`) or authenticator (`pk`: django-otp's configuration and QR code pages)."""
    resolver = get_resolver()
    admin = next(entry for entry in resolver.url_patterns if getattr(entry, "namespace", None) == "admin")
    login = str(world.target["leader"].pk)
    device = str(world.target["device"].pk)
    values = {"object_id": login, "id": login, "pk": device, "content_type_id": "1", "app_label": "accounts"}
    urls = []
    for pattern in admin.url_patterns:
        entries = pattern.url_patterns if isinstance(pattern, URLResolver) else [pattern]
        for entry in entries:
            if entry.name is None:
                continue
            names = set(getattr(entry.pattern, "converters", {})) | set(entry.pattern.regex.groupindex)
            if names:
                urls.append((entry.name, reverse(f"admin:{entry.name}", kwargs={key: values[key] for key in names})))
            elif entry.pattern.regex.groups:  # unnamed groups (simple_history's view of a past version)
                urls.append((entry.name, reverse(f"admin:{entry.name}", args=[login, "1"])))
            else:
                urls.append((entry.name, reverse(f"admin:{entry.name}")))
    return urls


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_admin_is_the_system_administrators_alone(world, as_viewer, viewer):
    """Every page of the admin sends everyone but the system administrator away (to a login page, or 403/404), and
    none of its pages shows the system administrator a business record."""
    client = as_viewer(viewer)
    secrets = world.secrets_for(viewer)
    answers = {}
    for name, url in admin_urls(world):
        response = client.get(url)
        answers[name] = response.status_code
        assert response.status_code < 500, url
        if viewer == "system_admin":
            assert leaked(body_text(response), secrets) == [], url
            continue
        assert leaked(body_text(response), secrets) == [], url
        # Sent to a login page, or (the admin's logout) back to the admin's index, which sends them to its login.
        sent_away = response.status_code == 302 and response.url.split("?")[0] in {
            reverse("admin:login"),
            reverse("accounts:login"),
            reverse("admin:index"),
        }
        # The admin's own login page answers 200 ("signed in as …, not authorised"), its logout only to POST.
        assert sent_away or response.status_code in DENIED or name == "login", f"{url}: {response.status_code}"
    if viewer == "system_admin":
        assert answers["index"] == answers["accounts_user_changelist"] == 200


def test_the_admins_list_of_logins_names_no_unit(world, as_viewer):
    client = as_viewer("system_admin")
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    assert leaked(body_text(response), BUSINESS_SECRETS) == []


# --- Fields a role may not set --------------------------------------------------------------------------------------


@pytest.fixture
def leader(world, as_viewer):
    """The leader of the other team (甬江护航队), signed in."""
    return as_viewer("leader_other_team")


def test_an_activity_logged_with_another_units_fields_is_stored_for_the_own_unit(world, leader):
    from archives.models import Activity

    target, other = world.target, world.other
    response = leader.post(
        reverse("archives:activity_create") + f"?unit={other['unit'].uid}",
        {
            "date": "2026-11-20",
            "kind": "visit",
            "summary": "字段越权测试走访",
            # Fields the form does not have, naming the target corner
            "unit": target["unit"].pk,
            "unit_id": target["unit"].pk,
            "team": target["team"].pk,
            "recorded_by": target["leader"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get(summary="字段越权测试走访")
    assert (activity.unit, activity.team, activity.recorded_by) == (
        other["unit"],
        other["team"],
        world.viewers["leader_other_team"],
    )
    assert not Activity.objects.filter(unit=target["unit"]).exclude(pk=target["activity"].pk).exists()


def test_correcting_an_activity_cannot_move_it_to_another_unit_or_team(world, leader):
    from archives.models import Activity

    target, other = world.target, world.other
    response = leader.post(
        reverse("archives:activity_edit", kwargs={"uid": other["activity"].uid}),
        {
            "date": "2026-10-09",
            "kind": "visit",
            "summary": "更正后的纪要",
            "unit": target["unit"].pk,
            "team": target["team"].pk,
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(pk=other["activity"].pk)
    assert activity.summary == "更正后的纪要"  # the correction itself was taken
    assert (activity.unit, activity.team) == (other["unit"], other["team"])


@pytest.mark.parametrize("viewer", ["leader_other_team", "contact_other_unit"])
def test_a_request_cannot_be_raised_for_a_unit_outside_the_scope(world, as_viewer, viewer):
    from archives.models import Request

    client = as_viewer(viewer)
    target = world.target
    before = Request.objects.filter(unit=target["unit"]).count()
    response = client.post(
        reverse("archives:request_create"),
        {"unit": target["unit"].pk, "kind": "consultation", "title": "越权需求", "description": "越权需求说明"},
    )
    assert response.status_code in {200, 403, 404}  # the form refuses the choice, or the page the user
    assert Request.objects.filter(unit=target["unit"]).count() == before
    assert not Request.objects.filter(title="越权需求").exclude(unit=world.other["unit"]).exists()
    assert leaked(body_text(response), world.secrets_for(viewer)) == []


def test_a_unit_contacts_request_is_their_own_units_whatever_else_is_posted(world, as_viewer):
    from archives.models import Request

    client = as_viewer("contact_other_unit")
    target, other = world.target, world.other
    response = client.post(
        reverse("archives:request_create"),
        {
            "unit": other["unit"].pk,
            "kind": "consultation",
            "title": "本单位需求",
            "description": "说明",
            "team": target["team"].pk,
            "status": "closed",
            "raised_by": target["contact_user"].pk,
        },
    )
    assert response.status_code == 302
    request = Request.objects.get(title="本单位需求")
    assert (request.unit, request.team, request.raised_by) == (
        other["unit"],
        other["team"],
        world.viewers["contact_other_unit"],
    )
    assert request.status == "submitted"


def test_a_unit_contact_cannot_post_an_internal_note(world, as_viewer):
    from archives.models import RequestMessage

    client = as_viewer("contact_other_unit")
    request = world.other["request"]
    client.post(
        reverse("archives:request_reply", kwargs={"uid": request.uid}), {"text": "联系人留言", "internal": "on"}
    )
    assert not RequestMessage.objects.filter(request=request, is_internal=True).exists()


def _working_plan(world: World):
    """A new draft of the other unit's plan (its approved version stays in force)."""
    from plans import services as plan_services
    from plans.models import Plan

    plan = Plan.objects.get(unit=world.other["unit"])
    plan_services.plan_revise(actor=None, plan=plan)
    plan.refresh_from_db()
    return plan


def test_a_plans_sections_cannot_move_it_or_approve_it(world, leader):
    from plans.models import SECTIONS, Plan

    plan = _working_plan(world)
    version = plan.working
    target = world.target
    data = {name: f"{name}：修订内容" for name in SECTIONS} | {
        "revision": version.revision,
        "unit": target["unit"].pk,
        "plan": target["plan"].pk,
        "status": "approved",
        "number": 1,
    }
    response = leader.post(reverse("plans:edit", kwargs={"uid": plan.uid}), data)
    assert response.status_code == 302
    version.refresh_from_db()
    plan = Plan.objects.get(pk=plan.pk)
    assert "修订内容" in version.ip_status  # the sections were saved
    assert (plan.unit, version.plan_id, version.status) == (world.other["unit"], plan.pk, "draft")
    assert plan.in_force_id != version.pk


def test_a_measure_cannot_name_an_owner_outside_its_choices_or_another_plans_version(world, leader):
    from plans.models import Measure
    from tests.factories import PersonFactory

    plan = _working_plan(world)
    target = world.target
    url = reverse("plans:measure_add", kwargs={"uid": plan.uid})
    before = Measure.objects.filter(version=target["version"]).count()
    elsewhere = {"version": target["version"].pk, "new-version": target["version"].pk, "plan": target["plan"].pk}
    measure = {"new-area": "policy_law", "new-status": "not_started"}
    # An owner outside the choices (the serving team, and the pool's people bound by a confidentiality undertaking):
    # refused. Another team's leader is one of the pool's people, and may be asked as an expert.
    unbound = PersonFactory(name="未签保密承诺者", confidentiality_signed_on=None)
    leader.post(url, measure | elsewhere | {"new-content": "越权负责人举措", "new-owner": unbound.pk})
    assert not Measure.objects.filter(owner=unbound).exists()
    # Another plan's version: ignored, the measure is the own plan's
    leader.post(url, measure | elsewhere | {"new-content": "本队举措"})
    assert Measure.objects.get(content="本队举措").version_id == plan.working_id
    assert Measure.objects.filter(version=target["version"]).count() == before


def test_a_half_year_report_cannot_be_accepted_or_moved_by_its_team(world, leader):
    from reports import services as report_services
    from reports.models import TeamReport

    other_team = world.other["team"]
    report = report_services.team_report_for(team=other_team, period=PERIOD)
    data = {
        "work_done": "本队半年工作",
        "revision": report.revision,
        "status": "accepted",
        "team": world.target["team"].pk,
        "period": "2026H1",
    }
    response = leader.post(
        reverse("reports:team_report_edit", kwargs={"team_id": other_team.pk, "code": PERIOD.code}), data
    )
    assert response.status_code == 302
    report = TeamReport.objects.get(pk=report.pk)
    assert report.work_done == "本队半年工作"
    assert (report.team, report.period, report.status) == (other_team, PERIOD.code, "draft")
    response = leader.post(
        reverse("reports:team_report_accept", kwargs={"team_id": other_team.pk, "code": PERIOD.code}), {}
    )
    assert response.status_code in {403, 404}
    assert TeamReport.objects.get(pk=report.pk).status == "draft"


@pytest.mark.parametrize(
    ("url_name", "kwargs_of"),
    [
        ("plans:approve", lambda w: {"uid": w.other["plan"].uid}),
        ("plans:return", lambda w: {"uid": w.other["plan"].uid}),
        ("teams:edit", lambda w: {"pk": w.other["team"].pk}),
        ("units:edit", lambda w: {"uid": w.other["unit"].uid}),
        ("units:remove", lambda w: {"uid": w.other["unit"].uid}),
        ("teams:unassign_unit", lambda w: {"uid": w.other["unit"].uid}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_the_bureaus_decisions_on_its_own_records_are_refused_to_a_team(world, leader, url_name, kwargs_of):
    """The team's own unit, team and (submitted) plan: reading them is the team's, deciding on them the bureau's."""
    from plans import services as plan_services

    plan = _working_plan(world)
    version = plan.working
    plan_services.plan_submit(actor=None, version=version)
    before = state(world)
    response = leader.post(
        reverse(url_name, kwargs=kwargs_of(world)),
        {
            "comment": "自行批准",
            "name": "改名团队",
            "unit_name": "改名单位",
            "removed_on": "2026-11-30",
            "reason": "自行调出",
            "end": "2026-11-30",
        },
    )
    assert response.status_code in {403, 404}
    assert state(world) == before
    version.refresh_from_db()
    assert version.status == "submitted"


def test_a_request_cannot_be_referred_to_another_citys_officers(world, leader):
    """Referring to 杭州's IP department would open the Ningbo unit's request to 杭州's officers: the choices are the
    unit's own county and city."""
    from archives.models import Referral

    request = world.other["request"]
    response = leader.post(
        reverse("archives:request_refer", kwargs={"uid": request.uid}),
        {"division": "330100", "referred_on": timezone.localdate().isoformat(), "note": "越权转办"},
    )
    assert response.status_code in {400, 403}  # the form sent back with its error, or refused
    assert not Referral.objects.filter(request=request).exists()
    # The same form with the unit's own city is taken: the refusal above was the division's.
    response = leader.post(
        reverse("archives:request_refer", kwargs={"uid": request.uid}),
        {"division": "330200", "referred_on": timezone.localdate().isoformat(), "note": "本市转办"},
    )
    assert Referral.objects.get(request=request).division_id == "330200"


def test_a_units_feedback_is_on_its_own_unit_and_team_whatever_else_is_posted(world, as_viewer, monkeypatch):
    import datetime

    from reports.feedback import active_questions, score_field_name
    from reports.models import UnitFeedback

    # A day the feedback on PERIOD is taken (from its last month until its report is due).
    in_window = datetime.date(PERIOD.year, 12, 10)
    localdate = timezone.localdate

    def frozen_localdate(value=None, timezone=None):
        return in_window if value is None else localdate(value, timezone)

    monkeypatch.setattr(timezone, "localdate", frozen_localdate)
    client = as_viewer("contact_other_unit")
    target = world.target
    scores = {score_field_name(question.pk): 4 for question in active_questions()}
    response = client.post(
        reverse("reports:feedback_give", kwargs={"code": PERIOD.code}),
        scores
        | {
            "text": "本单位意见",
            "unit": target["unit"].pk,
            "team": target["team"].pk,
            "author": target["contact_user"].pk,
        },
    )
    assert response.status_code == 302
    given = UnitFeedback.objects.get(text="本单位意见")
    assert (given.unit, given.team, given.author) == (
        world.other["unit"],
        world.other["team"],
        world.viewers["contact_other_unit"],
    )
    assert UnitFeedback.objects.filter(unit=target["unit"]).count() == 1
