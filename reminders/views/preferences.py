"""Everyone's own e-mail preferences: per kind that can reach them, no e-mail, at once, or in the 9:00 digest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import render
from django.utils.translation import gettext as _

from huhang.forms import save_form
from huhang.workdays import QUIET_FROM, QUIET_UNTIL, SENDING_RESUMES
from reminders import selectors
from reminders.forms import EmailPreferencesForm
from reminders.services import email_preferences_set

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


def email_preferences(request: HttpRequest) -> HttpResponse:
    choices = selectors.email_choices_for_user(user=request.user)
    form = EmailPreferencesForm(request.POST or None, choices=choices)

    def save() -> None:
        # The page shows the kinds of the user's role; a choice saved for another kind (a role changed since) stays.
        kept = selectors.email_modes_kept(user=request.user, shown={choice.kind for choice in choices})
        email_preferences_set(user=request.user, modes=kept | form.modes())

    redirected = save_form(
        request,
        form,
        save,
        success=_("Your e-mail preferences have been saved."),
        redirect_to="reminders:preferences",
    )
    return redirected or render(
        request,
        "reminders/email_preferences.html",
        {
            "form": form,
            "quiet_from": QUIET_FROM,
            "quiet_until": QUIET_UNTIL,
            "sending_resumes": SENDING_RESUMES,
        },
    )
