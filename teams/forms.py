"""Forms of the pool, the teams and assignments. They check input only; the rules live in teams/services.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huhang.forms import DateInput
from huhang.typeahead import TypeaheadWidget
from huhang.vocabulary import TaskArea
from teams import selectors
from teams.models import Membership, Person, Team

if TYPE_CHECKING:
    from accounts.models import User


def _account_label(user: User) -> str:
    return f"{user.full_name}（{user.username}）" if user.full_name else user.username


PERSON_FIELDS = [
    "name",
    "kind",
    "organisation",
    "technical_fields",
    "phone",
    "email",
    "confidentiality_signed_on",
    "user",
    "is_active",
]


SEATS = ("leader", "first_core_member", "second_core_member")


class PersonForm(forms.Form):
    """A person of the pool. Labels and limits come from the model; the service validates and saves."""

    def __init__(self, *args: Any, person: Person | None = None, **kwargs: Any) -> None:
        if person is not None and "initial" not in kwargs:
            initial = forms.model_to_dict(person, fields=PERSON_FIELDS)
            initial["expertise"] = [e.area for e in person.expertise.all()]
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        model_fields = forms.fields_for_model(
            Person, fields=PERSON_FIELDS, widgets={"confidentiality_signed_on": DateInput()}
        )
        user_field = model_fields["user"]
        user_field.queryset = selectors.linkable_users(person=person)
        user_field.help_text = _("Optional: a team member's or expert's login account not linked to anyone yet.")
        user_field.empty_label = _("No login account")
        user_field.label_from_instance = _account_label
        for name in PERSON_FIELDS[:-2]:
            self.fields[name] = model_fields[name]
        self.fields["expertise"] = forms.MultipleChoiceField(
            label=_("Expertise (task areas)"),
            choices=TaskArea.choices,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            required=False,
        )
        self.fields["user"] = user_field
        self.fields["is_active"] = model_fields["is_active"]

    def service_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in [*PERSON_FIELDS, "expertise"]}


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Training"), max_length=128)
    attended_on = forms.DateField(label=_("Attended on"), widget=DateInput())


def _seat_field(label, **kwargs: Any) -> forms.ModelChoiceField:
    """A fixed seat, searched among the people who may take one (`teams:person_typeahead`): the pool runs to
    thousands, so it is never a list of them all; the field accepts only an id of `selectors.team_candidates()`."""
    widget = TypeaheadWidget(reverse_lazy("teams:person_typeahead"), placeholder=_("Search by name or organisation"))
    return forms.ModelChoiceField(label=label, queryset=Person.objects.none(), widget=widget, **kwargs)


class TeamForm(forms.Form):
    """Name and the fixed seats of a "1+2+X" team, chosen from people who may take a seat."""

    name = forms.CharField(label=_("Team name"), max_length=64)
    leader = _seat_field(_("Leader"))
    first_core_member = _seat_field(_("First core member"))
    second_core_member = _seat_field(
        _("Second core member"),
        help_text=_("Only active people who signed the confidentiality undertaking are found."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, team: Team | None = None, **kwargs: Any) -> None:
        if team is not None and "initial" not in kwargs:
            seats = list(selectors.team_seats(team=team))
            core = [s.person_id for s in seats if s.role == Membership.Role.CORE] + [None, None]
            kwargs["initial"] = {
                "name": team.name,
                "is_active": team.is_active,
                "leader": next((s.person_id for s in seats if s.role == Membership.Role.LEADER), None),
                "first_core_member": core[0],
                "second_core_member": core[1],
            }
        super().__init__(*args, **kwargs)
        candidates = selectors.team_candidates()
        for name in SEATS:
            self.fields[name].queryset = candidates
        if team is None:
            del self.fields["is_active"]  # a new team is active

    def service_values(self) -> dict[str, Any]:
        values = {
            "name": self.cleaned_data["name"],
            "leader": self.cleaned_data["leader"],
            "core_members": [self.cleaned_data["first_core_member"], self.cleaned_data["second_core_member"]],
        }
        if "is_active" in self.fields:
            values["is_active"] = self.cleaned_data["is_active"]
        return values


class AssignmentForm(forms.Form):
    """The team and the start of its service. The page renders the team as one radio button per row of the
    searchable, paginated table of teams (teams/_team_choices.html), never as a list of every team: the field only
    checks that the chosen one may take units."""

    team = forms.ModelChoiceField(
        label=_("Service team"),
        queryset=Team.objects.none(),
        error_messages={"required": _("Choose a team in the table.")},
    )
    start = forms.DateField(label=_("From"), widget=DateInput())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = selectors.assignable_teams(user=user)
        self.fields["start"].initial = timezone.localdate

    def chosen_team_id(self) -> str:
        """The submitted team, as the radio buttons' values are written, to check the right one again."""
        return str(self["team"].value() or "")


class BulkAssignmentForm(AssignmentForm):
    reassign = forms.BooleanField(
        label=_("Hand over units already served"),
        required=False,
        help_text=_("Their current team's service ends the day the new team starts; the history is kept."),
    )
