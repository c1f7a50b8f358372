"""Fields and helpers every archive form shares: several files in one input, the one-time token of a form that
creates a record, and the placing of a service's refusal on the form."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from archives.attachments import ALLOWED_TYPES, UPLOAD_ERROR_CODES
from huhang.forms import add_service_error
from huhang.typeahead import TypeaheadWidget


def _files_help_text() -> str:
    return gettext("PDF, Word, Excel, PowerPoint, JPG or PNG, up to %(limit)s MB each. You can choose several.") % {
        "limit": round(settings.ATTACHMENT_MAX_BYTES / (1024 * 1024))
    }


# Fields are built when the form class is defined: the text is made when it is shown, in the user's language.
files_help_text = lazy(_files_help_text, str)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the list may be empty unless the field is required. Each file is checked by
    archives/attachments.py when a service stores it, so the form lets any file through and the service says why
    one is refused (naming the file, empty ones too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", files_help_text())
        kwargs.setdefault("allow_empty_file", True)
        accept = ",".join(f".{extension}" for extension in ALLOWED_TYPES)
        # Large: a big touch target on a phone.
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept, "class": "form-control-lg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class SubmissionTokenField(forms.UUIDField):
    """The hidden one-time token of a form that creates a record (archives.services' `token=`). A new one each time
    the empty form is shown; a form sent back with errors keeps its token, so however often it is sent, it creates
    one record. A missing or garbled token is no token: the record is created, only without that protection."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", uuid.uuid4)  # called once per form shown
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> uuid.UUID | None:
        try:
            return super().to_python(value)
        except ValidationError:
            return None


def add_archive_error(form: forms.Form, error: ValidationError) -> None:
    """A refused file is said on the files field; anything else as archives.services said it."""
    if getattr(error, "code", None) in UPLOAD_ERROR_CODES and "files" in form.fields:
        form.add_error("files", error)
    else:
        add_service_error(form, error)


def expert_label(person) -> str:
    """An expert as the invitation offers them: name and kind, e.g. 伊芙（智库专家）."""
    return f"{person.name}（{person.get_kind_display()}）"


class InviteExpertForm(forms.Form):
    """Invites one of `experts` (archives.selectors.invitable_experts) to an activity or a request, chosen by typing
    part of a name at `url` (the record's expert type-ahead): the pool holds thousands at 100×."""

    expert = forms.ModelChoiceField(label=_("Expert"), queryset=None, empty_label=_("Choose an expert"))

    def __init__(self, *args, experts, url: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["expert"]
        field.widget = TypeaheadWidget(url, placeholder=_("Search by name or organisation"))
        field.queryset = experts  # after the widget: it learns the queryset, to show the chosen one's label
        field.label_from_instance = expert_label
