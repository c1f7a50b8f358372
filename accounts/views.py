"""The administrators' logins list (三员分立: the system administrator creates staff and administrator logins,
disables and enables them; the security administrator resets passwords and second factors, ends sessions, moves a
login to another role or scope and unlocks locked usernames), and the password page. Thin: reads in
accounts/selectors.py, writes in accounts/services.py and accounts/second_factor.py.

The logins of unit contacts and of the personnel pool are created from their own pages (units/login_views.py,
teams/login_views.py), which show the new password through `new_password_page` below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from rules.contrib.views import PermissionRequiredMixin, permission_required

from accounts import second_factor, selectors, services, sessions
from accounts.filters import LoginFilter
from accounts.forms import RoleChangeForm, StaffLoginForm
from accounts.models import PASSWORD_MAX_AGE
from huhang.forms import add_service_error
from huhang.pagination import PAGE_SIZE

if TYPE_CHECKING:
    from django.contrib.auth.forms import PasswordChangeForm
    from django.http import HttpRequest, HttpResponse

    from accounts.services import NewPassword


def new_password_page(request: HttpRequest, new: NewPassword, *, back_url: str, reset: bool = False) -> HttpResponse:
    """The one page that shows an initial password: rendered in answer to the POST that made it (no redirect, so it
    is never stored to be shown later) and never cached."""
    context = {
        "login": new.user,
        "password": new.password,
        "reset": reset,
        "back_url": back_url,
        "login_url": request.build_absolute_uri(reverse("accounts:login")),
    }
    response = render(request, "accounts/login_password.html", context)
    add_never_cache_headers(response)
    return response


class LoginListView(PermissionRequiredMixin, FilterView):
    permission_required = "accounts.view_logins"
    raise_exception = True
    filterset_class = LoginFilter
    paginate_by = PAGE_SIZE
    template_name = "accounts/login_list.html"
    strict = False

    def get_queryset(self):
        return selectors.login_list_for_user(user=self.request.user)


@permission_required("accounts.manage_logins", raise_exception=True)
def login_create(request: HttpRequest) -> HttpResponse:
    """A login for bureau staff, an officer or an administrator; contacts and the pool get theirs from their own
    pages (the bureau's)."""
    form = StaffLoginForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            new = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return new_password_page(request, new, back_url=reverse("accounts:login_list"))
    return render(request, "accounts/login_create.html", {"form": form})


def _back_to_list(request: HttpRequest) -> HttpResponse:
    """Back to the list as it was filtered and paged."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = reverse("accounts:login_list")
    return redirect(target)


def _set_active(request: HttpRequest, pk: int, *, is_active: bool) -> HttpResponse:
    login = selectors.login_get_for_user(user=request.user, pk=pk, permission="accounts.manage_logins")
    try:
        services.user_set_active(actor=request.user, user=login, is_active=is_active, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        message = (
            _("The login %(username)s is enabled again.")
            if is_active
            else _("The login %(username)s is disabled; its sessions have ended.")
        )
        messages.success(request, message % {"username": login.username})
    return _back_to_list(request)


@require_POST
def login_disable(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, is_active=False)


@require_POST
def login_enable(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, is_active=True)


@require_POST
def login_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    login = selectors.login_get_for_user(user=request.user, pk=pk, permission="accounts.manage_credentials")
    try:
        new = services.user_password_reset(actor=request.user, user=login, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_list(request)
    return new_password_page(request, new, back_url=reverse("accounts:login_list"), reset=True)


@require_POST
def login_second_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    login = selectors.login_get_for_user(user=request.user, pk=pk, permission="accounts.manage_credentials")
    try:
        second_factor.second_factor_reset(actor=request.user, user=login, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "The second factor of %(username)s is reset and their sessions have ended; they set up an "
                "authenticator app at their next login."
            )
            % {"username": login.username},
        )
    return _back_to_list(request)


@require_POST
def login_sessions_end(request: HttpRequest, pk: int) -> HttpResponse:
    login = selectors.login_get_for_user(user=request.user, pk=pk, permission="accounts.manage_credentials")
    try:
        ended = services.user_sessions_end(actor=request.user, user=login, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(count)d sessions of %(username)s have ended.") % {"count": ended, "username": login.username},
        )
    return _back_to_list(request)


def login_role_change(request: HttpRequest, pk: int) -> HttpResponse:
    """The security administrator moves a login to another programme role or scope."""
    login = selectors.login_get_for_user(user=request.user, pk=pk, permission="accounts.manage_credentials")
    credit_code = login.unit.credit_code if login.unit else ""
    initial = {"role": login.role, "division": login.division, "credit_code": credit_code}
    form = RoleChangeForm(request.POST or None, initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_change_role(
                actor=request.user,
                user=login,
                role=data["role"],
                division=data["division"],
                unit=data["unit"],
                request=request,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The role of %(username)s is changed.") % {"username": login.username})
            return _back_to_list(request)
    return render(request, "accounts/login_role.html", {"form": form, "login": login})


@permission_required("accounts.manage_credentials", raise_exception=True)
def lockout_list(request: HttpRequest) -> HttpResponse:
    """The usernames locked out now by repeated failed logins, for the security administrator to unlock."""
    context = {
        "lockouts": selectors.lockouts_for_user(user=request.user),
        "address_lockouts": selectors.address_lockouts_for_user(user=request.user),
        "limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.LOGIN_IP_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "accounts/lockout_list.html", context)


@require_POST
@permission_required("accounts.manage_credentials", raise_exception=True)
def lockout_unlock(request: HttpRequest) -> HttpResponse:
    """Unlocks the username, or the client address, named in the form."""
    username, ip_address = request.POST.get("username", ""), request.POST.get("ip_address", "")
    if services.lockout_clear(actor=request.user, username=username, ip_address=ip_address, request=request):
        messages.success(request, _("%(name)s can log in again.") % {"name": username or ip_address})
    return redirect("accounts:lockout_list")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, writing through the service; after the change forced by an initial password, the user goes on
    to their home page."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Why the middleware sent a staff user here; an initial password has its own explanation in the template.
        if request.user.password_expired() and not request.user.must_change_password:
            messages.warning(
                request,
                _(
                    "Your password is more than %(days)d days old. Staff logins change their password at least "
                    "every %(days)d days: choose a new one to continue."
                )
                % {"days": PASSWORD_MAX_AGE.days},
            )
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        forced = self.request.user.must_change_password
        try:
            services.user_password_change(user=form.user, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        old_key = self.request.session.session_key
        update_session_auth_hash(self.request, form.user)  # this session stays, under a new id; the others end
        sessions.password_changed(self.request, old_key=old_key)
        if forced:
            messages.success(self.request, _("Your password has been set. Welcome!"))
            return redirect("home")
        return redirect(self.get_success_url())
