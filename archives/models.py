"""The service archive (服务档案: one record per activity) and the units' requests (服务需求) with their time limits.

Confidential records: URLs use `uid`, never the sequential key. Writes go through archives/services.py.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huhang.models import TimeStampedModel
from huhang.search import BigramIndex, bigram_document
from huhang.vocabulary import TaskArea


class Activity(TimeStampedModel):
    """One service activity for a unit: who took part, what was done, what came of it, the measures it advanced."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("On-site visit")
        CONSULTATION = "consultation", _("Thematic consultation")
        BRIEFING = "briefing", _("Policy briefing")
        TRAINING = "training", _("Training")
        ROUTINE_CONTACT = "routine_contact", _("Routine contact")
        MATCHMAKING = "matchmaking", _("Matchmaking")

    uid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="activities")
    # The team serving the unit on the day it was recorded: reports count a team's work even after a reassignment.
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="activities"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    summary = models.TextField(_("what was done"))
    outcome = models.TextField(_("outcome"), blank=True)
    follow_ups = models.TextField(_("follow-ups"), blank=True)
    team_participants = models.ManyToManyField(
        "teams.Person", verbose_name=_("team members who took part"), blank=True, related_name="activities_served"
    )
    # Invited experts (the X of 1+2+X): an expert user sees exactly the activities they are invited to.
    experts = models.ManyToManyField(
        "teams.Person", verbose_name=_("invited experts"), blank=True, related_name="invited_activities"
    )
    unit_attendees = models.ManyToManyField(
        "units.UnitContact", verbose_name=_("the unit's attendees"), blank=True, related_name="activities"
    )
    other_attendees = models.CharField(
        _("other attendees of the unit"), max_length=200, blank=True, help_text=_("Names, separated by commas.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    # The log form's one-time token: the same form sent twice (a double tap on a slow phone) records one activity.
    submission_token = models.UUIDField(_("submission token"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("service activity")
        verbose_name_plural = _("service activities")
        indexes = [
            # The list's order, newest first, for the whole archive (the bureau) ...
            models.Index(fields=["-date", "-id"], name="activity_newest_first"),
            # ... and for a scope of a few units (a team, a unit's contact): scope first, then the same order.
            models.Index(fields=["unit", "-date", "-id"], name="activity_unit_newest_first"),
            models.Index(fields=["team", "-date"]),
            # The dashboard's and reports' activities per day and kind, read from the index alone.
            models.Index(fields=["date", "kind"], name="activity_date_kind"),
        ]
        constraints = [
            # A token is its recorder's: another user sending the same token records their own activity.
            models.UniqueConstraint(fields=["recorded_by", "submission_token"], name="activity_submitted_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()} {self.date}"


class ActivityMeasure(models.Model):
    """A measure of the unit's plan that the activity advanced, and the progress note it wrote on the measure."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="advances")
    measure = models.ForeignKey("plans.Measure", on_delete=models.PROTECT, related_name="activity_advances")
    progress_note = models.OneToOneField(
        "plans.ProgressNote", on_delete=models.PROTECT, related_name="activity_advance"
    )

    class Meta:
        ordering = ["activity", "measure"]
        verbose_name = _("measure advanced")
        verbose_name_plural = _("measures advanced")
        constraints = [models.UniqueConstraint(fields=["activity", "measure"], name="activitymeasure_once")]

    def __str__(self) -> str:
        return f"{self.activity} → {self.measure}"


class ActivityComment(TimeStampedModel):
    """An opinion posted on an activity (专家意见): by an expert invited to it, or by the serving team answering.
    The serving side reads them (bureau, team, invited experts); the unit does not (archives/scopes.py)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("opinion"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "created_at", "pk"]
        verbose_name = _("opinion on an activity")
        verbose_name_plural = _("opinions on activities")
        constraints = [models.CheckConstraint(name="activitycomment_not_empty", condition=~Q(text=""))]

    def __str__(self) -> str:
        return self.text[:40]


class RequestKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    GUIDANCE = "guidance", _("Professional guidance")
    PATENT_NAVIGATION = "patent_navigation", _("Patent navigation")
    PRE_EXAMINATION = "pre_examination", _("Fast pre-examination")
    PRIORITY_EXAMINATION = "priority_examination", _("Priority examination")
    COMMERCIALISATION = "commercialisation", _("Commercialisation services")
    MONITORING = "monitoring", _("Monitoring and early warning")
    ENFORCEMENT = "enforcement", _("Enforcement guidance")
    SERVICE_AGENCY = "service_agency", _("Matchmaking with service agencies")
    OTHER_DEPARTMENT = "other_department", _("Matters of other departments")


# The task area a request of each kind serves (the action plan, 主要任务 3, 4, 6 and 7). Consultation, guidance and
# other departments' matters can concern any area: they belong to none, so an area filter leaves them out.
REQUEST_KIND_AREAS: dict[str, TaskArea | None] = {
    RequestKind.CONSULTATION: None,
    RequestKind.GUIDANCE: None,
    RequestKind.PATENT_NAVIGATION: TaskArea.COORDINATED_INNOVATION,
    RequestKind.PRE_EXAMINATION: TaskArea.PORTFOLIO_LAYOUT,
    RequestKind.PRIORITY_EXAMINATION: TaskArea.PORTFOLIO_LAYOUT,
    RequestKind.COMMERCIALISATION: TaskArea.COMMERCIALISATION,
    RequestKind.MONITORING: TaskArea.PROTECTION,
    RequestKind.ENFORCEMENT: TaskArea.PROTECTION,
    RequestKind.SERVICE_AGENCY: TaskArea.COMMERCIALISATION,
    RequestKind.OTHER_DEPARTMENT: None,
}


# The kinds that are a service rather than an answer: they get the longer default limit.
SERVICE_KINDS = frozenset(
    {
        RequestKind.PATENT_NAVIGATION,
        RequestKind.PRE_EXAMINATION,
        RequestKind.PRIORITY_EXAMINATION,
        RequestKind.MONITORING,
        RequestKind.ENFORCEMENT,
    }
)
DEFAULT_ACCEPT_DAYS = 1
DEFAULT_ANSWER_DAYS = {"consultation": 5, "service": 15}


class ResponseLimit(TimeStampedModel):
    """The time limits of one request kind in working days, kept by the bureau (defaults from a data migration).

    A request copies its limits into due datetimes when it is submitted, so a later change applies to new requests.
    """

    kind = models.CharField(_("request kind"), max_length=24, choices=RequestKind.choices, unique=True)
    accept_days = models.PositiveSmallIntegerField(_("accept within (working days)"), default=DEFAULT_ACCEPT_DAYS)
    answer_days = models.PositiveSmallIntegerField(_("answer within (working days)"))

    history = HistoricalRecords()  # who changed a limit, and when: reports judge timeliness against it

    class Meta:
        ordering = ["kind"]
        verbose_name = _("response time limit")
        verbose_name_plural = _("response time limits")
        constraints = [
            models.CheckConstraint(
                name="responselimit_positive_and_ordered",
                condition=Q(accept_days__gte=1) & Q(answer_days__gte=F("accept_days")),
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class RequestQuerySet(models.QuerySet):
    def with_timeliness(self, *, now=None):
        """Adds `accept_met` and `answer_met`: True (clock stopped in time), False (stopped late, or still running
        past its due time) or None (still running, not yet due). Computed in SQL, so lists and reports filter on
        them."""
        now = now or timezone.now()

        def met(stopped: str, due: str) -> Case:
            return Case(
                When(**{f"{stopped}__isnull": False, f"{stopped}__lte": F(due)}, then=True),
                When(**{f"{stopped}__isnull": False}, then=False),
                When(**{f"{due}__lt": now}, then=False),
                default=None,
                output_field=models.BooleanField(null=True),
            )

        return self.annotate(
            accept_met=met("accepted_at", "accept_due_at"), answer_met=met("answered_at", "answer_due_at")
        )

    def past_due(self, *, now=None):
        """Requests with a clock still running after its due time: the figure on the home pages and in the lists."""
        now = now or timezone.now()
        return self.filter(
            Q(accepted_at__isnull=True, accept_due_at__lt=now) | Q(answered_at__isnull=True, answer_due_at__lt=now)
        )

    def accept_overdue(self, *, now=None):
        return self.filter(accepted_at__isnull=True, accept_due_at__lt=now or timezone.now())

    def answer_overdue(self, *, now=None):
        return self.filter(answered_at__isnull=True, answer_due_at__lt=now or timezone.now())


class Request(TimeStampedModel):
    """A unit's request (服务需求): raised by its contact, or logged on its behalf by its team.

    Two clocks run from submission, each stopped by an explicit event:
    - the accept clock stops when the team accepts (`accepted_at`); a first answer or a referral accepts too;
    - the answer clock stops at the first answer the unit can see, or at a referral (`answered_at`).
    Internal notes and the unit's own messages stop nothing. Reopening does not restart the clocks: timeliness is
    judged on the first response.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        REFERRED = "referred", _("Referred to another department")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    Kind = RequestKind

    uid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="requests")
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=RequestKind.choices)
    title = models.CharField(_("subject"), max_length=120)
    description = models.TextField(_("description"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    on_behalf = models.BooleanField(_("logged by the team on the unit's behalf"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    experts = models.ManyToManyField(
        "teams.Person", verbose_name=_("invited experts"), blank=True, related_name="invited_requests"
    )

    submitted_at = models.DateTimeField(_("submitted at"))
    received_on = models.DateField(_("counts as received on"))
    accept_due_at = models.DateTimeField(_("to be accepted by"))
    answer_due_at = models.DateTimeField(_("to be answered by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)

    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    rating_comment = models.TextField(_("comment"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # The form's one-time token: the same form sent twice (a double click) files one request.
    submission_token = models.UUIDField(_("submission token"), null=True, blank=True, editable=False)
    # The subject's bigrams (huhang/search.py), so that the list's search by a part of the subject is an index scan;
    # filled by request_search_document on every path that writes a subject.
    search_document = models.TextField(editable=False, blank=True, default="")

    # The search document is derived from the subject, which the history keeps.
    history = HistoricalRecords(excluded_fields=["search_document"])
    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [
            models.Index(fields=["-submitted_at", "-id"], name="request_newest_first"),  # the list's order
            models.Index(fields=["team", "status"]),
            models.Index(fields=["unit", "-submitted_at"]),
            BigramIndex(fields=["search_document"], name="request_search_document"),
            models.Index(fields=["accepted_at", "accept_due_at"]),
            models.Index(fields=["answered_at", "answer_due_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="request_rating_1_to_5", condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5)
            ),
            models.CheckConstraint(
                name="request_closed_iff_rated",
                condition=(Q(status="closed") & Q(rating__isnull=False) & Q(closed_at__isnull=False))
                | (~Q(status="closed") & Q(rating__isnull=True) & Q(closed_at__isnull=True)),
            ),
            models.CheckConstraint(
                name="request_answered_after_accepted",
                condition=Q(answered_at__isnull=True) | Q(accepted_at__isnull=False),
            ),
            # A token is its sender's: another user sending the same token files their own request.
            models.UniqueConstraint(fields=["raised_by", "submission_token"], name="request_submitted_once"),
        ]

    def __str__(self) -> str:
        return self.title


def request_search_document(title: str) -> str:
    """What `Request.search_document` holds for a subject: services and bulk paths (seed_scale) fill it with this."""
    return bigram_document(title)


class RequestMessage(TimeStampedModel):
    """One post in a request's exchange. An internal note (team side only) is never shown to the unit."""

    request = models.ForeignKey(Request, verbose_name=_("request"), on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("message"))
    is_internal = models.BooleanField(_("internal note"), default=False)
    # Whether this post stopped the answer clock (the first post the unit could see from the serving side).
    is_answer = models.BooleanField(_("answer"), default=False, editable=False)

    class Meta:
        ordering = ["request", "created_at", "pk"]
        verbose_name = _("request message")
        verbose_name_plural = _("request messages")
        constraints = [
            models.CheckConstraint(
                name="requestmessage_answer_is_visible", condition=Q(is_answer=False) | Q(is_internal=False)
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Referral(TimeStampedModel):
    """The request was referred (反馈对接) to another department; that department's reply is recorded here.

    Addressed either to the IP department of the unit's city or county (`division`: the officers whose jurisdiction
    covers it read the request and record the reply themselves) or to another department named in `department`
    (the serving team records its reply)."""

    request = models.ForeignKey(Request, verbose_name=_("request"), on_delete=models.CASCADE, related_name="referrals")
    division = models.ForeignKey(
        "units.Division",
        verbose_name=_("IP department of the division"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    department = models.CharField(_("department"), max_length=128, blank=True)
    contact = models.CharField(_("contact at the department"), max_length=128, blank=True)
    referred_on = models.DateField(_("referred on"))
    note = models.TextField(_("note to the unit"), blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+"
    )
    reply = models.TextField(_("the department's reply"), blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    reply_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reply recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "referred_on", "pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                name="referral_reply_is_dated", condition=Q(reply="", replied_on__isnull=True) | ~Q(reply="")
            ),
            # Addressed to a division's IP department or to another department by name: exactly one of the two.
            models.CheckConstraint(
                name="referral_one_addressee",
                condition=Q(division__isnull=False, department="") | (Q(division__isnull=True) & ~Q(department="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} → {self.addressee}"

    @property
    def addressee(self) -> str:
        """The department the request went to, as the pages name it."""
        return division_department(self.division) if self.division_id else self.department


def division_department(division) -> str:
    """The name of a city's or county's IP department (本市/县知识产权部门), e.g. 杭州市西湖区知识产权部门."""
    if division.city_id:
        return gettext("IP department of %(county)s, %(city)s") % {"county": division.name, "city": division.city.name}
    return gettext("IP department of %(city)s") % {"city": division.name}


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # Random, unguessable names: the uploader's file name may itself be confidential. Kept in original_name.
    token = uuid.uuid4().hex
    return f"attachments/{token[:2]}/{token}.{instance.extension}"


class Attachment(TimeStampedModel):
    """A file of an activity or of a request (optionally of one message in its exchange). Stored outside the web
    root under a random name; served only by archives.views.attachments.attachment_download after a scope check."""

    uid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    request = models.ForeignKey(
        Request, verbose_name=_("request"), on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    message = models.ForeignKey(
        RequestMessage,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(_("type"), max_length=8)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                name="attachment_exactly_one_parent",
                condition=(Q(activity__isnull=False) & Q(request__isnull=True))
                | (Q(activity__isnull=True) & Q(request__isnull=False)),
            ),
            models.CheckConstraint(
                name="attachment_message_belongs_to_request",
                condition=Q(message__isnull=True) | Q(request__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


def _staged_path(instance: "StagedUpload", filename: str) -> str:
    token = uuid.uuid4().hex
    return f"staged/{token[:2]}/{token}.{instance.extension}"


class StagedUpload(TimeStampedModel):
    """A file chosen on a form that came back with errors, kept so that it need not be chosen again: tied to its
    uploader and to the form's one-time submission token, attached when that form is sent successfully, and purged
    after a day if it never is (archives.tasks.purge_staged_uploads_task). Checked like an attachment when staged
    and again when attached."""

    uid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    token = models.UUIDField(_("submission token"))
    file = models.FileField(_("file"), upload_to=_staged_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(_("type"), max_length=8)
    size = models.PositiveBigIntegerField(_("size"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("staged file")
        verbose_name_plural = _("staged files")
        indexes = [models.Index(fields=["uploaded_by", "token"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return self.original_name
