"""The gates a signed-in user passes on every request (MLPS 2.0 level 3), in the order of settings.MIDDLEWARE:

VerifiedSessionOTPMiddleware — whether this session gave the second factor (request.user.is_verified()).

SessionLimitsMiddleware — a session idle for 30 minutes or 10 hours old is signed out; a browser whose session a
newer login, a disabled login or a reset ended is told why (accounts/sessions.py).
SecondFactorRequiredMiddleware — until the second factor is given, only the code, enrolment and log-out pages.
PasswordChangeRequiredMiddleware — a login created or reset by an administrator starts with an initial password
that two people know: until its owner chooses their own, every page sends them to the password page. So does a
staff password older than 90 days (User.password_expired); the password page says which of the two it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from accounts import second_factor, sessions

if TYPE_CHECKING:
    from django.http import HttpRequest

# What a user who owes the session their second factor may reach: its pages, the way out and the language.
SECOND_FACTOR_VIEWS = {
    "accounts:second_factor_verify",
    "accounts:second_factor_enrol",
    "accounts:logout",
    "set_language",
}
# What a user with an initial password may still reach: the password page itself, the way out and the language
# (and the second factor's pages, which come first).
ALLOWED_VIEWS = {"accounts:password_change", "accounts:logout", "set_language", *SECOND_FACTOR_VIEWS}

EndReason = sessions.EndReason
# What the login page says to a browser whose session ended without its user signing out.
END_MESSAGES = {
    EndReason.IDLE: _("You were signed out after %(minutes)d minutes without activity. Please log in again."),
    EndReason.ABSOLUTE: _("You were signed out after %(hours)d hours. Please log in again."),
    EndReason.SUPERSEDED: _(
        "You were signed out because your account signed in elsewhere. A staff account has one session at a "
        "time; if that was not you, change your password and tell the security administrator."
    ),
    EndReason.DISABLED: _("You were signed out: your login has been disabled."),
    EndReason.CREDENTIALS: _(
        "You were signed out: the security administrator reset your password, second factor or role. Please log "
        "in again."
    ),
}


def _redirect(request: HttpRequest, target: str) -> HttpResponse:
    """A redirect, or for an htmx request HX-Redirect (a fragment must not be swapped for the target page). A
    fragment the target page itself asks for (the reminders bell) gets nothing: sending the page to itself would
    reload it without end."""
    if getattr(request, "htmx", False):
        if urlsplit(request.htmx.current_url_abs_path or "").path == urlsplit(target).path:
            return HttpResponse(status=204)
        return HttpResponseClientRedirect(target)
    return redirect(target)


def _end_message(reason: str) -> str:
    return str(END_MESSAGES[reason]) % {
        "minutes": int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60),
        "hours": int(settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() // 3600),
    }


def _is_htmx(request: HttpRequest) -> bool:
    # Before HtmxMiddleware has set request.htmx (this runs in __call__, ahead of it).
    return request.headers.get("HX-Request") == "true"


class VerifiedSessionOTPMiddleware(OTPMiddleware):
    """django-otp's OTPMiddleware (request.user.is_verified()) without its query on every request.

    django-otp reads the device named in the session on each request, to drop a verification whose device was
    deleted or unconfirmed since. Here the session is trusted instead: it is stored server-side, only
    django_otp.login writes the device into it (after a right code), and the one way a device goes — the security
    administrator's reset (accounts/second_factor.py) — ends the user's sessions in the same transaction. The
    device itself is read only if something asks for it (user.otp_device)."""

    def _verify_user_sync(self, request: HttpRequest, user):
        self._init_user_fields(user)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        if persistent_id:
            user.otp_device = SimpleLazyObject(lambda: self._device_from_persistent_id(persistent_id))
        return user


class SessionLimitsMiddleware:
    """After MessageMiddleware (it leaves a message for the login page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = sessions.expiry_reason(request)
            if reason is not None:
                sessions.end_current_session(request, reason)
                messages.warning(request, _end_message(reason))
                if _is_htmx(request):  # the whole page goes: it shows confidential records
                    return HttpResponseClientRedirect(reverse(settings.LOGIN_URL))
        elif (cookie := request.COOKIES.get(settings.SESSION_COOKIE_NAME)) and (
            reason := sessions.ended_reason(cookie)
        ) in END_MESSAGES:
            # The session was deleted from outside (accounts/sessions.py): the browser is anonymous now and its
            # cookie is dropped with this response, so the message is said once.
            messages.warning(request, _end_message(reason))
            if _is_htmx(request):
                return HttpResponseClientRedirect(reverse(settings.LOGIN_URL))
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        # A poll (sessions.not_user_activity) does not keep an unattended page signed in.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(view_func, "counts_as_activity", True):
            sessions.note_activity(request)


class SecondFactorRequiredMiddleware:
    """After OTPMiddleware and LoginRequiredMiddleware, before PasswordChangeRequiredMiddleware: the code first,
    then the password page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not getattr(view_func, "login_required", True):
            return None
        if request.resolver_match.view_name in SECOND_FACTOR_VIEWS or not second_factor.is_pending(request):
            return None
        target = reverse("accounts:second_factor_verify")
        if request.method == "GET" and not getattr(request, "htmx", False):
            target += "?" + urlencode({"next": request.get_full_path()})
        return _redirect(request, target)


class PasswordChangeRequiredMiddleware:
    """After AuthenticationMiddleware; public views (login_not_required) are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if not (user is not None and user.is_authenticated and (user.must_change_password or user.password_expired())):
            return None
        if not getattr(view_func, "login_required", True) or request.resolver_match.view_name in ALLOWED_VIEWS:
            return None
        return _redirect(request, reverse("accounts:password_change"))
