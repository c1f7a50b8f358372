"""A login created or reset by the bureau starts with an initial password that two people know: until its owner
chooses their own, every page sends them to the password page. So does a staff password older than 90 days
(User.password_expired, MLPS 2.0 level 3); the password page says which of the two it is."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

if TYPE_CHECKING:
    from django.http import HttpRequest

# What a user with an initial password may still reach: the password page itself, the way out and the language.
ALLOWED_VIEWS = {"accounts:password_change", "accounts:logout", "set_language"}


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
        target = reverse("accounts:password_change")
        if getattr(request, "htmx", False):
            # A fragment the password page itself asks for (the reminders bell) gets nothing: sending the page to
            # itself would reload it without end.
            if urlsplit(request.htmx.current_url_abs_path or "").path == target:
                return HttpResponse(status=204)
            return HttpResponseClientRedirect(target)
        return redirect(target)
