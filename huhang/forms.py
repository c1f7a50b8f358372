"""What every app's forms and views share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

Saved = TypeVar("Saved")


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Puts a service's ValidationError on the form: on its field when the form has it, otherwise above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def save_form(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], Saved],
    *,
    success: str | Callable[[Saved], str],
    redirect_to: Any,
    show_error: Callable[[forms.BaseForm, ValidationError], None] = add_service_error,
) -> HttpResponse | None:
    """The POST half of a form page: a bound, valid form goes to `save()` (a service call that reads the form's
    cleaned data). The service's refusal (ValidationError) lands on the form through `show_error` and None comes back,
    as it does for an unbound or invalid form, so that the page renders the form again. On success the message
    `success` is shown and the redirect to `redirect_to` returned; either may instead be a callable of what `save`
    returned (`redirect_to` then gives what django.shortcuts.redirect takes)."""
    if not (form.is_bound and form.is_valid()):
        return None
    try:
        saved = save()
    except ValidationError as error:
        show_error(form, error)
        return None
    messages.success(request, success(saved) if callable(success) else success)
    return redirect(redirect_to(saved) if callable(redirect_to) else redirect_to)


class DateInput(forms.DateInput):
    """The browser's date picker; ISO dates both ways."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
