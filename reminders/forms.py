"""The forms of a user's own reminders: marking notifications read and choosing how each kind is e-mailed. They
read the input only; the writes are reminders/services.py's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reminders.kinds import EmailMode

if TYPE_CHECKING:
    from django.forms import BoundField

    from reminders.selectors import KindChoice


class IdListField(forms.Field):
    """Zero or more whole numbers, as checkboxes of the same name send them."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("The selection could not be read; reload the page and try again.")}

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            return sorted({int(item) for item in value})
        except (TypeError, ValueError) as bad:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from bad


class MarkReadForm(forms.Form):
    """ "Mark selected read" (the ticked ids) or "mark all read" (every unread notification of the user's own)."""

    ALL, SELECTED = "all", "selected"

    scope = forms.ChoiceField(choices=[(ALL, _("All")), (SELECTED, _("Selected"))])
    ids = IdListField(required=False)

    def notification_ids(self) -> list[int] | None:
        """The ids to mark, or None for all of them."""
        return None if self.cleaned_data["scope"] == self.ALL else self.cleaned_data["ids"]


class EmailPreferencesForm(forms.Form):
    """One choice per kind that can reach the user (reminders.selectors.email_choices_for_user): no e-mail, at once,
    or in the daily digest."""

    def __init__(self, *args, choices: list[KindChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_choices = choices
        for choice in choices:
            self.fields[choice.kind] = forms.ChoiceField(
                label=choice.label,
                choices=EmailMode.choices,
                initial=choice.mode,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={"required": _("Choose how this kind is e-mailed.")},
            )

    @property
    def rows(self) -> list[tuple[BoundField, KindChoice]]:
        return [(self[choice.kind], choice) for choice in self.kind_choices]

    def modes(self) -> dict[str, str]:
        return {choice.kind: self.cleaned_data[choice.kind] for choice in self.kind_choices}
