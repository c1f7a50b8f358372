"""Forms of the service archive: logging an activity (quick, from a phone), correcting it, inviting an expert and
adding files. They check input; archives/services.py makes the changes and checks the files."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives.attachments import ALLOWED_TYPES
from archives.forms.fields import MultipleFileField, MultipleFileInput, SubmissionTokenField, expert_label
from archives.models import Activity
from archives.services import Advance
from huhang.forms import DateInput
from huhang.typeahead import MultipleTypeaheadWidget
from plans.models import Measure

if TYPE_CHECKING:
    from archives.selectors import ActivityChoices

# Big touch targets on a phone.
LARGE_FILES = MultipleFileInput(
    attrs={"accept": ",".join(f".{extension}" for extension in ALLOWED_TYPES), "class": "form-control-lg"}
)


def _checkboxes() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "form-check-input flex-shrink-0"})


class PeopleChoiceField(forms.MultipleChoiceField):
    """Checkboxes of people (or contacts) from a list the selector has read; cleans to those records."""

    def __init__(self, people: list, **kwargs: Any) -> None:
        self._people = {str(person.pk): person for person in people}
        choices = [(pk, self.label_from_instance(person)) for pk, person in self._people.items()]
        super().__init__(choices=choices, required=False, widget=_checkboxes(), **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(obj)

    def clean(self, value: Any) -> list:
        return [self._people[pk] for pk in super().clean(value)]


class ContactChoiceField(PeopleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.position}）" if obj.position else obj.name


class ExpertsChoiceField(forms.ModelMultipleChoiceField):
    """The invited experts, chosen by typing part of a name at `url` (the pool holds thousands at 100×, too many
    to list): the chosen ones as ticked boxes. Over the full queryset of experts one may invite
    (archives.selectors.activity_choices), so an id outside it is refused with the message below."""

    def __init__(self, experts, *, url: str, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Invited experts"))
        super().__init__(
            queryset=experts,
            required=False,
            widget=MultipleTypeaheadWidget(url, placeholder=_("Search by name or organisation")),
            error_messages={
                "invalid_choice": _(
                    "Choose the experts from the search: one of those sent cannot be invited to this unit's activities."
                ),
            },
            **kwargs,
        )

    def label_from_instance(self, obj: Any) -> str:
        return expert_label(obj)


RECORD_FIELDS = (
    "date",
    "kind",
    "summary",
    "outcome",
    "follow_ups",
    "team_participants",
    "experts",
    "unit_attendees",
    "other_attendees",
)


class ActivityForm(forms.Form):
    """The record of an activity: what the log form and the correction form share."""

    date = forms.DateField(label=_("Date"), widget=DateInput(attrs={"class": "form-control-lg"}))
    kind = forms.ChoiceField(
        label=_("Kind of activity"),
        choices=Activity.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select-lg"}),
    )
    summary = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 4, "data-testid": "summary"}),
        help_text=_("Whom you met, what was discussed or done."),
    )
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_ups = forms.CharField(
        label=_("Follow-ups"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the team or the unit will do next, and by when."),
    )
    other_attendees = forms.CharField(
        label=_("Other attendees of the unit"),
        required=False,
        max_length=200,
        help_text=_("Names, separated by commas."),
    )

    def __init__(self, *args: Any, choices: ActivityChoices, experts_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only a hint for the date picker: archives.services refuses a date in the future.
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["team_participants"] = PeopleChoiceField(choices.team_people, label=_("Team members who took part"))
        self.fields["unit_attendees"] = ContactChoiceField(choices.contacts, label=_("The unit's attendees"))
        self.fields["experts"] = ExpertsChoiceField(choices.experts, url=experts_url)
        self.order_fields(RECORD_FIELDS)

    def record(self) -> dict[str, Any]:
        """The keyword arguments of archives.services.activity_create and activity_update."""
        return {name: self.cleaned_data[name] for name in RECORD_FIELDS}


class ActivityCreateForm(ActivityForm):
    """Logging an activity: today by default, the user ticked as a participant, files, and the form's one-time
    token (`submission_token`, archives.services.activity_create's `token`)."""

    def __init__(self, *args: Any, choices: ActivityChoices, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("date", timezone.localdate)
        if choices.me is not None and choices.me in choices.team_people:
            kwargs["initial"].setdefault("team_participants", [str(choices.me.pk)])
        super().__init__(*args, choices=choices, **kwargs)
        self.fields["files"] = MultipleFileField(label=_("Files"))
        self.fields["submission_token"] = SubmissionTokenField()


class ActivityEditForm(ActivityForm):
    def __init__(self, *args: Any, activity: Activity, choices: ActivityChoices, **kwargs: Any) -> None:
        kwargs["initial"] = {
            "date": activity.date,
            "kind": activity.kind,
            "summary": activity.summary,
            "outcome": activity.outcome,
            "follow_ups": activity.follow_ups,
            "other_attendees": activity.other_attendees,
            "team_participants": [str(person.pk) for person in activity.team_participants.all()],
            "experts": [str(person.pk) for person in activity.experts.all()],
            "unit_attendees": [str(contact.pk) for contact in activity.unit_attendees.all()],
        }
        super().__init__(*args, choices=choices, **kwargs)


class MeasureAdvanceForm(forms.Form):
    """One measure of the plan in force on the log form: tick it, say what the activity did for it, mark it done."""

    advanced = forms.BooleanField(label=_("This activity advanced the measure"), required=False)
    note = forms.CharField(
        label=_("Progress"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("What this activity did for the measure")}),
    )
    done = forms.BooleanField(label=_("Mark the measure done"), required=False)

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, prefix=f"measure-{measure.pk}", **kwargs)
        self.measure = measure
        self.fields["advanced"].widget.attrs.update({"class": "form-check-input flex-shrink-0", "data-advance": ""})
        self.fields["done"].widget.attrs.update({"class": "form-check-input", "data-advance-implies": ""})
        self.fields["note"].widget.attrs.update({"data-advance-implies": ""})

    def clean(self):
        data = super().clean()
        note = (data.get("note") or "").strip()
        if data.get("advanced") and not note:
            self.add_error("note", _("Say what this activity did for the measure, or untick it."))
        elif not data.get("advanced") and (note or data.get("done")):
            self.add_error("advanced", _("Tick the measure to record its progress, or clear the note."))
        return data

    def advance(self) -> Advance | None:
        """The measure's progress for archives.services.activity_create, or None when it was not ticked."""
        if not self.cleaned_data.get("advanced"):
            return None
        if self.cleaned_data["done"]:
            status = Measure.Status.DONE
        elif self.measure.status == Measure.Status.NOT_STARTED:
            status = Measure.Status.IN_PROGRESS  # a measure that made progress has started
        else:
            status = None
        return Advance(measure=self.measure, note=self.cleaned_data["note"].strip(), status=status)


def measure_forms(measures: list[Measure], data: Any = None) -> list[MeasureAdvanceForm]:
    """One prefixed form per measure (`measure-<pk>-…`), so a posted value always names its measure."""
    return [MeasureAdvanceForm(data, measure=measure) for measure in measures]


class AttachForm(forms.Form):
    files = MultipleFileField(label=_("Files"), required=True)


class ActivityCommentForm(forms.Form):
    """An opinion on an activity (archives.services.activity_comment_add)."""

    text = forms.CharField(label=_("Your opinion"), widget=forms.Textarea(attrs={"rows": 4}))
