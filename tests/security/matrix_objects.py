"""The world of the access-control matrix (tests/security/test_access_matrix.py).

Two corners of the programme. The TARGET corner is what every viewer of the matrix must not reach: 青山湖靶标实验室
(杭州市西湖区) served by 靶标护航队, with an approved plan, an activity with an invited expert and a file, a request
referred to 杭州's IP department, a typical case, the team's half-year report, the unit's feedback, a reminder in the
bell of the team's leader, a DingTalk robot, an e-mail in the outbox, and another bureau user's export and import.
Every record carries a distinctive text (BUSINESS_SECRETS, PERSONAL_SECRETS) that no answer to an outsider may
contain.

The OTHER corner gives the viewers a life of their own: 甬江对照实验室 (宁波市海曙区) served by 甬江护航队,
whose leader and core member, invited expert and contact are the viewers "of another team", "uninvited" and "of
another unit".
"""

from __future__ import annotations

import datetime
from base64 import b32encode
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from archives import services as archive_services
from archives.models import Activity, Attachment, Referral, Request
from audit.models import Action
from audit.services import record as audit_record
from plans.models import Measure, Plan
from reminders.models import Delivery, Notification, TeamRobot
from reports import services as report_services
from reports.models import ExportJob, FeedbackQuestion, TeamReport, TypicalCase, UnitFeedback
from reports.periods import Period
from teams.models import Person, Team
from tests.factories import (
    ActivityFactory,
    RequestFactory,
    UnitContactFactory,
    UnitFactory,
    UserFactory,
    approved_plan,
    assign,
    division,
    expert_user,
    team_led_by,
)
from tests.reminders.factories import EmailDeliveryFactory, NotificationFactory, ReminderFactory, TeamRobotFactory
from units.models import ImportJob, Unit, UnitContact

# The viewers, each outside the target corner's scope, in the order of the matrix's ids.
VIEWERS = (
    "bureau",  # reads every business record, but not another user's bell, exports or imports
    "officer_other_city",  # 宁波市
    "leader_other_team",  # 甬江护航队's leader
    "member_other_team",  # 甬江护航队's core member
    "expert_uninvited",  # invited to 甬江护航队's activity, never to the target's
    "contact_other_unit",  # 甬江对照实验室's contact
    "system_admin",
    "security_admin",
    "audit_admin",
    "anonymous",
)

# Texts of the target corner's business records: none may reach a viewer but the bureau.
BUSINESS_SECRETS = (
    "青山湖靶标实验室",  # the unit
    "靶标联系人甲",  # its contact
    "13957112468",  # the contact's phone
    "靶标护航队",  # the team serving it
    "靶标组长乙",  # the team's leader in the pool
    "靶标方案现状陈述",  # the plan's sections
    "靶标举措专利导航",  # a measure
    "靶标走访纪要",  # an activity
    "靶标会议纪要",  # its file
    "靶标专利布局需求",  # a request
    "靶标需求详细说明",  # its description
    "靶标转办说明",  # its referral
    "靶标典型案例理由",  # a typical case
    "靶标半年工作总结",  # the team's half-year report
    "靶标单位意见建议",  # the unit's feedback
    "靶标外发提醒",  # an e-mail in the outbox
)
# Texts of one user's own rows (another bureau user's export and import, the target leader's bell): no one else,
# the bureau included, may see them.
PERSONAL_SECRETS = (
    "靶标组长专属提醒",
    "靶标专属导出",
    "靶标专属名单",
)

# The target's records with a public identifier (uid): the business ones, and one user's own.
BUSINESS_ROWS = ("unit", "plan", "activity", "attachment", "request", "case", "report")
PERSONAL_ROWS = ("export_job", "import_job")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PERIOD = Period(2026, 2)


@dataclass
class World:
    viewers: dict[str, User | None]
    target: dict[str, Any]
    other: dict[str, Any]
    # The rows whose every field a refused request must leave as it was (state()), and their state once built.
    watched: list[Model] = field(default_factory=list)
    baseline: tuple = ()

    def secrets_for(self, viewer: str, *, links: bool = True) -> tuple[str, ...]:
        """What an answer to `viewer` may not hold. `links`: the uids too, except on a page whose own URL carries
        one (it is echoed back, in the language switch's `next`, and tells nothing)."""
        # The target leader's authenticator secret, as its configuration shows it (hex) and as its QR code's URL
        # carries it (base32): no one's, the system administrator's included.
        key = self.target["device"].key
        device_secrets = (key, b32encode(bytes.fromhex(key)).decode())
        # The public identifiers of the target's records: a list that links to one has let it in.
        own_rows = tuple(str(self.target[name].uid) for name in PERSONAL_ROWS) if links else ()
        if viewer == "bureau":
            return device_secrets + PERSONAL_SECRETS + own_rows
        business_rows = tuple(str(self.target[name].uid) for name in BUSINESS_ROWS) if links else ()
        return device_secrets + BUSINESS_SECRETS + PERSONAL_SECRETS + own_rows + business_rows


# The models whose row counts a refused request must leave as they were.
COUNTED = (
    Unit,
    UnitContact,
    Team,
    Person,
    Plan,
    Measure,
    Activity,
    Attachment,
    Request,
    Referral,
    TypicalCase,
    TeamReport,
    UnitFeedback,
    ExportJob,
    ImportJob,
    Notification,
    Delivery,
    TeamRobot,
    FeedbackQuestion,
    User,
)


def state(world: World) -> tuple:
    """Everything a refused request must not change: the counts above and every field of the watched rows (one
    query for the counts, one per model for the rows: the matrix calls this after every POST)."""
    # The models' own table names, quoted: no input reaches this SQL.
    tables = [connection.ops.quote_name(model._meta.db_table) for model in COUNTED]
    counts_sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(counts_sql)
        counts = tuple(cursor.fetchone())
    by_model: dict[type[Model], list[int]] = {}
    for row in world.watched:
        by_model.setdefault(type(row), []).append(row.pk)
    rows = tuple(
        (model._meta.label, sorted(map(sorted_items, model.objects.filter(pk__in=pks).order_by().values())))
        for model, pks in by_model.items()
    )
    return counts, rows


def sorted_items(values: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted(values.items(), key=lambda item: item[0])


def _team_with_core(leader: User, core: User, name: str, leader_name: str) -> Team:
    team = team_led_by(leader, name)
    leader_person = team.memberships.get(role="leader").person
    leader_person.name = leader_name
    leader_person.save()
    core_person = team.memberships.filter(role="core").order_by("pk").first().person
    core_person.user = core
    core_person.save()
    return team


def build_world() -> World:
    """Builds both corners through the apps' services (as the demo does), in the caller's transaction."""
    today = timezone.localdate()
    bureau_recorder = UserFactory(username="mx_t_bureau", bureau=True)

    # --- the target corner (杭州市西湖区) ---
    unit = UnitFactory(name="青山湖靶标实验室", division=division("330106"))
    contact = UnitContactFactory(unit=unit, name="靶标联系人甲", phone="13957112468")
    t_contact = UserFactory(username="mx_t_contact", unit_contact=True, unit=unit)
    t_leader = UserFactory(username="mx_t_leader", team_member=True)
    t_core = UserFactory(username="mx_t_core", team_member=True)
    team = _team_with_core(t_leader, t_core, "靶标护航队", "靶标组长乙")
    assign(unit, team)
    plan = approved_plan(unit)
    version = plan.in_force
    version.__class__.objects.filter(pk=version.pk).update(ip_status="<p>靶标方案现状陈述</p>")
    measure = version.measures.first()
    Measure.objects.filter(pk=measure.pk).update(content="靶标举措专利导航")
    t_expert = expert_user("mx_t_expert")
    activity = ActivityFactory(
        unit=unit,
        actor=t_leader,
        date=datetime.date(2026, 9, 15),
        summary="靶标走访纪要：了解核心专利情况。",
        experts=[Person.objects.get(user=t_expert)],
        files=[SimpleUploadedFile("靶标会议纪要.pdf", PDF, content_type="application/pdf")],
    )
    attachment = activity.attachments.get()
    request = RequestFactory(unit=unit, actor=t_contact, title="靶标专利布局需求", description="靶标需求详细说明。")
    referral = archive_services.request_refer(
        actor=bureau_recorder, request=request, referred_on=today, division=division("330100"), note="靶标转办说明"
    )
    case = report_services.case_flag(actor=bureau_recorder, activity=activity, why="靶标典型案例理由")
    report = report_services.team_report_for(team=team, period=PERIOD)
    report = report_services.team_report_save(
        actor=t_leader, report=report, revision=report.revision, work_done="靶标半年工作总结"
    )
    feedback = UnitFeedback.objects.create(
        unit=unit, team=team, period=PERIOD.code, author=t_contact, text="靶标单位意见建议"
    )
    notification = NotificationFactory(user=t_leader, reminder=ReminderFactory(record=unit, title="靶标组长专属提醒"))
    delivery = EmailDeliveryFactory(user=t_leader, reminder=ReminderFactory(record=unit, title="靶标外发提醒"))
    robot = TeamRobotFactory(team=team)
    export_job = ExportJob.objects.create(
        created_by=bureau_recorder,
        kind="province",
        period="2026H1",
        format="xlsx",
        status=ExportJob.Status.DONE,
        filename="靶标专属导出.xlsx",
    )
    export_job.file.save("province.xlsx", ContentFile(b"an export"), save=True)
    # An import already run: confirming it again changes nothing (the owner's control needs no spreadsheet).
    import_job = ImportJob.objects.create(
        created_by=bureau_recorder,
        original_name="靶标专属名单.xlsx",
        status=ImportJob.Status.DONE,
        finished_at=timezone.now(),
    )
    device = TOTPDevice.objects.create(user=t_leader, name="authenticator", confirmed=True)
    # The bureau opened the unit's request: its contact sees who did (audit:unit_reads), no other unit's contact.
    read = audit_record(Action.READ, user=bureau_recorder, obj=request)
    question = FeedbackQuestion.objects.order_by("position", "pk").first() or FeedbackQuestion.objects.create(
        text="服务响应是否及时", position=1
    )

    # --- the other corner (宁波市海曙区) and the viewers ---
    other_unit = UnitFactory(name="甬江对照实验室", division=division("330203"))
    v_leader = UserFactory(username="mx_v_leader", team_member=True)
    v_member = UserFactory(username="mx_v_member", team_member=True)
    other_team = _team_with_core(v_leader, v_member, "甬江护航队", "甬江组长丙")
    assign(other_unit, other_team)
    other_plan = approved_plan(other_unit)
    v_expert = expert_user("mx_v_expert")
    v_contact = UserFactory(username="mx_v_contact", unit_contact=True, unit=other_unit)
    other_activity = ActivityFactory(
        unit=other_unit, actor=v_leader, date=datetime.date(2026, 10, 9), experts=[Person.objects.get(user=v_expert)]
    )
    other_request = RequestFactory(unit=other_unit, actor=v_contact, title="甬江商标咨询")

    viewers: dict[str, User | None] = {
        "bureau": UserFactory(username="mx_v_bureau", bureau=True),
        "officer_other_city": UserFactory(username="mx_v_officer", officer=True, division=division("330200")),
        "leader_other_team": v_leader,
        "member_other_team": v_member,
        "expert_uninvited": v_expert,
        "contact_other_unit": v_contact,
        "system_admin": UserFactory(username="mx_v_sysadmin", system_admin=True),
        "security_admin": UserFactory(username="mx_v_secadmin", security_admin=True),
        "audit_admin": UserFactory(username="mx_v_audadmin", audit_admin=True),
        "anonymous": None,
    }
    assert tuple(viewers) == VIEWERS
    target = {
        "unit": unit,
        "contact": contact,
        "contact_user": t_contact,
        "leader": t_leader,
        "leader_person": team.memberships.get(role="leader").person,
        "team": team,
        "plan": plan,
        "version": version,
        "measure": measure,
        "expert": t_expert,
        "activity": activity,
        "attachment": attachment,
        "request": request,
        "referral": referral,
        "case": case,
        "report": report,
        "feedback": feedback,
        "notification": notification,
        "delivery": delivery,
        "robot": robot,
        "export_job": export_job,
        "import_job": import_job,
        "question": question,
        "device": device,
        "read": read,
        "bureau_user": bureau_recorder,
    }
    other = {
        "unit": other_unit,
        "team": other_team,
        "plan": other_plan,
        "activity": other_activity,
        "request": other_request,
    }
    watched = [
        unit,
        contact,
        t_contact,
        t_leader,
        team,
        target["leader_person"],
        plan,
        version,
        measure,
        activity,
        attachment,
        request,
        referral,
        case,
        report,
        feedback,
        notification,
        delivery,
        robot,
        export_job,
        import_job,
        question,
        device,
        other_unit,
        other_team,
    ]
    return World(viewers=viewers, target=target, other=other, watched=watched)
