"""The second-factor pages: the code at sign-in, the enrolment of an authenticator app, the recovery codes (shown
once, in answer to the POST that made them) and the user's own second-factor page. Thin: the rules are in
accounts/second_factor.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import second_factor
from accounts.forms import SecondFactorCodeForm
from huhang.forms import add_service_error

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _keeping_query(request: HttpRequest, name: str) -> str:
    """The URL of `name` with this request's query string (the `next` the middleware put there)."""
    query = request.GET.urlencode()
    return reverse(name) + ("?" + query if query else "")


def _recovery_codes_page(request: HttpRequest, codes: list[str], *, enrolled: bool) -> HttpResponse:
    """The one page that shows recovery codes: never stored to be shown again, never cached."""
    context = {"codes": codes, "enrolled": enrolled, "next": _next_url(request)}
    response = render(request, "accounts/second_factor_recovery_codes.html", context)
    add_never_cache_headers(response)
    return response


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """The code at sign-in, after the password."""
    if not second_factor.is_pending(request):
        return redirect(_next_url(request))
    if not second_factor.has_device(request.user):
        if second_factor.required_for(request.user):
            return redirect(_keeping_query(request, "accounts:second_factor_enrol"))
        request.session.pop(second_factor.PENDING_SESSION_KEY, None)  # the device was reset meanwhile
        return redirect(_next_url(request))
    form = SecondFactorCodeForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            second_factor.verify(request=request, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect(_next_url(request))
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    """Sets up an authenticator app: scan the QR code (or type the secret), then confirm with a first code."""
    if second_factor.has_device(request.user):
        if second_factor.is_pending(request):
            return redirect(_keeping_query(request, "accounts:second_factor_verify"))
        return redirect("accounts:second_factor")
    form = SecondFactorCodeForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            codes = second_factor.enrolment_confirm(request=request, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return _recovery_codes_page(request, codes, enrolled=True)
    enrolment = second_factor.enrolment_start(user=request.user)
    context = {
        "form": form,
        "enrolment": enrolment,
        "required": second_factor.required_for(request.user),
        "next": _next_url(request),
    }
    return render(request, "accounts/second_factor_enrol.html", context)


@never_cache
def overview(request: HttpRequest) -> HttpResponse:
    """The user's own second factor: whether it is set up, how many recovery codes are left, a new set."""
    user = request.user
    context = {
        "has_device": second_factor.has_device(user),
        "required": second_factor.required_for(user),
        "codes_left": second_factor.recovery_codes_left(user),
    }
    return render(request, "accounts/second_factor.html", context)


@require_POST
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    try:
        codes = second_factor.recovery_codes_renew(request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:second_factor")
    messages.success(request, _("Your new recovery codes are below; the old ones no longer work."))
    return _recovery_codes_page(request, codes, enrolled=False)
