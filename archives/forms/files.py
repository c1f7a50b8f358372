"""Several files in one form field (Django's documented pattern); each file is checked by archives/attachments.py
when the service stores it, so a form accepts any file and the service says why one is refused."""

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from archives.attachments import ALLOWED_TYPES


def _files_help_text() -> str:
    return gettext("PDF, Word, Excel, PowerPoint, JPG or PNG; at most %(size)d MB each.") % {
        "size": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
    }


# Fields are built when the form class is defined: the text is translated when it is shown, in the user's language.
_files_help = lazy(_files_help_text, str)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault("help_text", _files_help())
        accept = ",".join(f".{extension}" for extension in sorted(ALLOWED_TYPES))
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []
