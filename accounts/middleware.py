"""A login created or reset by the bureau starts with an initial password that two people know: until its owner
chooses their own, every page sends them to the password page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

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
        if not (user is not None and user.is_authenticated and user.must_change_password):
            return None
        if not getattr(view_func, "login_required", True) or request.resolver_match.view_name in ALLOWED_VIEWS:
            return None
        target = reverse("accounts:password_change")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)
