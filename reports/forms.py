from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import django_filters
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from huhang.forms import DateInput
from huhang.models import ProgrammeSettings
from reports import feedback
from reports.drafting import TEXT_FIELDS
from reports.feedback import score_field_name
from reports.models import FeedbackQuestion, TeamReport
from reports.periods import Period
from teams.scopes import visible_teams_or_none
from units.filters import search_units

if TYPE_CHECKING:
    from django.forms import BoundField


# ProgrammeSettingsForm's groups of fields, here so that its Meta lists them too.
_PLAN_FIELDS = ["first_plans_due", "plan_due_days"]
# When reminders go out (reminders/finders.py), with the range each may take: a request's first limit is one working
# day (8 working hours), so a reminder two days ahead would come before the request does; a plan, a measure or a
# report reminded of months ahead is noise; and regular contact (常态化对接) is weeks, not days or years.
_REMINDER_BOUNDS = {
    "remind_request_hours": (1, 16),
    "remind_plan_days": (1, 60),
    "remind_measure_days": (1, 60),
    "remind_report_days": (1, 30),
    "remind_no_contact_days": (7, 180),
}
_REMINDER_FIELDS = list(_REMINDER_BOUNDS)
_WEIGHT_FIELDS = [
    "weight_plan",
    "weight_measures",
    "weight_contact",
    "weight_requests",
    "weight_satisfaction",
    "weight_feedback",
]


class ProgrammeSettingsForm(forms.ModelForm):
    """The programme's deadlines, when reminders go out and the scorecard's weights. The plan deadlines go through
    plans.services.plan_deadlines_update, which recomputes the open plans' due dates; the rest is saved as the form
    holds it (reports/views/home.py)."""

    PLAN_FIELDS = _PLAN_FIELDS
    REMINDER_FIELDS = _REMINDER_FIELDS
    REMINDER_BOUNDS = _REMINDER_BOUNDS
    WEIGHT_FIELDS = _WEIGHT_FIELDS
    # A report due more than a quarter after its half year is no use; and the units' feedback on a half year is asked
    # until its report is due, which must end before the next half year's last month (reports/feedback.py).
    REPORT_DUE_DAYS_MAX = 90
    WEIGHTS_TOTAL = 100

    class Meta:
        model = ProgrammeSettings
        fields = [*_PLAN_FIELDS, "report_due_days", *_REMINDER_FIELDS, *_WEIGHT_FIELDS]
        widgets = {"first_plans_due": DateInput()}
        labels = {
            "report_due_days": _("Days after the half year to submit its report"),
            "remind_request_hours": _("Working hours before a request's time limit"),
            "remind_plan_days": _("Days before a plan is due"),
            "remind_measure_days": _("Days before a measure is due"),
            "remind_report_days": _("Days before a half-year report is due"),
            "remind_no_contact_days": _("Days without contact with a unit"),
            "weight_plan": _("Plans approved on time"),
            "weight_measures": _("Measures completed on time"),
            "weight_contact": _("Regular contact with each unit"),
            "weight_requests": _("Requests answered in time"),
            "weight_satisfaction": _("Satisfaction with the answers to requests"),
            "weight_feedback": _("The units' half-yearly feedback"),
        }
        help_texts = {"report_due_days": ""}  # the page spells out the due dates the days give

    # What each reminder setting does, with its range (the bounds above).
    REMINDER_HELP = {
        "remind_request_hours": _(
            "The serving team is reminded this many working hours (9:00–17:00 on working days) before a request "
            "must be accepted or answered: from %(low)s to %(high)s."
        ),
        "remind_plan_days": _(
            "The team is reminded of a plan not yet approved this many days before it is due: from %(low)s to %(high)s."
        ),
        "remind_measure_days": _(
            "A measure's owner and the team leader are reminded: from %(low)s to %(high)s days ahead."
        ),
        "remind_report_days": _("The team is reminded of its half-year report: from %(low)s to %(high)s days ahead."),
        "remind_no_contact_days": _(
            "The team leader is reminded of a unit with no recorded service for this many days (regular contact, "
            "常态化对接): from %(low)s to %(high)s."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bound_range("report_due_days", 1, self.REPORT_DUE_DAYS_MAX)
        for name, (low, high) in self.REMINDER_BOUNDS.items():
            self._bound_range(name, low, high)
            self.fields[name].help_text = self.REMINDER_HELP[name] % {"low": low, "high": high}
        for name in self.WEIGHT_FIELDS:
            self._bound_range(name, 0, self.WEIGHTS_TOTAL)

    def _bound_range(self, name: str, low: int, high: int) -> None:
        """The field takes whole numbers from `low` to `high`; the model field's own wider bounds (0 for a
        positive integer) are dropped, so that a value out of range gets one message, with the range's end."""
        field = self.fields[name]
        field.min_value, field.max_value = low, high
        field.validators = [
            validator
            for validator in field.validators
            if not isinstance(validator, MinValueValidator | MaxValueValidator)
        ] + [MinValueValidator(low), MaxValueValidator(high)]
        field.widget.attrs.update(min=low, max=high)

    def clean(self):
        data = super().clean()
        weights = [data.get(name) for name in self.WEIGHT_FIELDS]
        if None not in weights and sum(weights) != self.WEIGHTS_TOTAL:
            self.add_error(
                None,
                ValidationError(
                    _("The weights add up to %(sum)s; they must make %(total)s."),
                    code="weights_total",
                    params={"sum": sum(weights), "total": self.WEIGHTS_TOTAL},
                ),
            )
        return data

    def _get_validation_exclusions(self):
        # The model's check constraint says the same as clean() above, in words no user should read: once clean()
        # has refused the weights, the model's check leaves them out.
        exclusions = super()._get_validation_exclusions()
        if self.has_error(NON_FIELD_ERRORS, code="weights_total"):
            exclusions.update(self.WEIGHT_FIELDS)
        return exclusions

    @property
    def deadline_fields(self) -> list[BoundField]:
        return [self[name] for name in [*self.PLAN_FIELDS, "report_due_days"]]

    @property
    def reminder_fields(self) -> list[BoundField]:
        return [self[name] for name in self.REMINDER_FIELDS]

    @property
    def weight_fields(self) -> list[BoundField]:
        return [self[name] for name in self.WEIGHT_FIELDS]

    def report_due_dates(self) -> tuple[datetime.date, datetime.date] | None:
        """The due dates the report days give a first and a second half year (of a year with no 29 February
        in its way): the days as typed when they are valid, else as saved."""
        days = self.cleaned_data.get("report_due_days") if self.is_bound and self.is_valid() else None
        if days is None:
            days = self.instance.report_due_days
        return Period(2025, 1).due_on(days), Period(2025, 2).due_on(days)


# --- the units' feedback (意见建议) -----------------------------------------------------------------------------------


class FeedbackForm(forms.Form):
    """A 1–5 rating for each question asked now, and the free text. The rules (the window, once per half year, the
    serving team, every question rated) are reports.services.feedback_give's; this form only reads the input."""

    text = forms.CharField(
        label=_("Opinions and suggestions"),
        required=False,
        max_length=feedback.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Optional. What went well, what should change, what your unit needs next (at most 2,000 characters)."
        ),
    )

    def __init__(self, *args, questions: list[FeedbackQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        scores = {
            score_field_name(question.pk): forms.TypedChoiceField(
                label=question.text,
                coerce=int,
                choices=feedback.SCORE_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Please rate this point.")},
            )
            for question in questions
        }
        self.fields = {**scores, "text": self.fields["text"]}

    @property
    def score_fields(self) -> list[BoundField]:
        return [self[score_field_name(question.pk)] for question in self.questions]

    @property
    def scores(self) -> dict[int, int]:
        return {question.pk: self.cleaned_data[score_field_name(question.pk)] for question in self.questions}


class FeedbackQuestionForm(forms.ModelForm):
    class Meta:
        model = FeedbackQuestion
        fields = ["text", "position", "is_active"]
        labels = {
            "text": _("Point to rate"),
            "position": _("Order"),
            "is_active": _("Asked of the units"),
        }
        help_texts = {
            "text": _("A short question the units answer from 1 (very dissatisfied) to 5 (very satisfied)."),
            "position": _("The points are asked in this order, smallest first."),
        }


class FeedbackFilter(django_filters.FilterSet):
    """The feedback list's filters: half year, unit (search), team (for readers of teams)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Unit name, credit code or pinyin initials")}),
    )
    period = django_filters.ChoiceFilter(label=_("Half year"), choices=[], empty_label=_("All"))
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=visible_teams_or_none, empty_label=_("All teams"))

    def __init__(self, *args, periods: list[Period], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["period"].extra["choices"] = [(period.code, period.label) for period in periods]
        request = kwargs.get("request")
        if request is None or not request.user.has_perm("teams.browse_teams"):
            del self.filters["team"]  # a unit contact reads their own feedback: no team or unit to choose
            del self.filters["q"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_units(queryset, value, prefix="unit__")


# --- half-year reports and typical cases ------------------------------------------------------------------------------

YES, NO = "yes", "no"


class TeamReportForm(forms.Form):
    """A report's five texts and the revision the editor's page was rendered with: reports.services.team_report_save
    refuses a save from a page older than the last save (optimistic locking), and the form then keeps the text."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, report: TeamReport, **kwargs):
        if "initial" not in kwargs:
            kwargs["initial"] = {"revision": report.revision} | {name: getattr(report, name) for name in TEXT_FIELDS}
        super().__init__(*args, **kwargs)
        for name in TEXT_FIELDS:
            self.fields[name] = forms.CharField(
                label=capfirst(TeamReport._meta.get_field(name).verbose_name),
                required=False,
                widget=forms.Textarea(attrs={"rows": 8, "data-testid": f"text-{name}"}),
            )
        self.fields["work_done"].help_text = _("Required to submit. Blank lines separate paragraphs.")
        self.fields["typical_cases"].help_text = _(
            "The draft lists the cases flagged on the typical cases page; rewrite it as you see fit."
        )
        self.order_fields([*TEXT_FIELDS, "revision"])

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in TEXT_FIELDS}


class ReportReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Comments for the team"),
        widget=forms.Textarea(attrs={"rows": 3, "data-testid": "return-comment"}),
        help_text=_("Say what the team should change; the team reads it with the returned report."),
    )


class ReportAcceptForm(forms.Form):
    comment = forms.CharField(
        label=_("Comments (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "data-testid": "accept-comment"}),
    )


class CaseFlagForm(forms.Form):
    why = forms.CharField(
        label=_("Why it is typical (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. a first PPH filing for the unit")}),
    )


class ReportPeriodFilter(django_filters.FilterSet):
    """The bureau's period page: the teams' reports by status and lateness, and a search of the team's name. The
    queryset is reports.selectors.period_reports_for_user's, annotated with `report_status` and `late`."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Team name")}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Report status"), choices=[], method="filter_status", empty_label=_("All")
    )
    late = django_filters.ChoiceFilter(
        label=_("Late"), choices=[(YES, _("Yes")), (NO, _("No"))], method="filter_late", empty_label=_("All")
    )

    def __init__(self, *args, **kwargs):
        from reports.selectors import NOT_STARTED_REPORT

        super().__init__(*args, **kwargs)
        self.filters["status"].extra["choices"] = [(NOT_STARTED_REPORT, _("Not started")), *TeamReport.Status.choices]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(name__icontains=value.strip()) if value.strip() else queryset

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(report_status=value)

    def filter_late(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(late=value == YES)


class CaseCandidateFilterForm(forms.Form):
    """The typical cases page's search and kind filter (the kinds of activities or of requests)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Unit name, credit code or text")}),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *kinds]

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name) or "" if self.is_valid() else ""
