"""A login for a person of the pool, made from their page by the bureau: the role team member (someone holding a
seat in a team) or expert (everyone else), then linked as the person's login, in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.forms import NewLoginForm
from accounts.models import Role
from accounts.services import user_create
from accounts.views import new_password_page
from huhang.forms import add_service_error
from teams import selectors, services

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

LOGIN_ROLES = [Role.TEAM_MEMBER, Role.EXPERT]


def person_login_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_detail(person=selectors.person_get_for_user(user=request.user, pk=pk))
    if not request.user.has_perm("accounts.create_programme_logins"):
        raise PermissionDenied
    seats = list(person.memberships.all())
    form = NewLoginForm(
        request.POST or None,
        name=person.name,
        roles=LOGIN_ROLES,
        role=Role.TEAM_MEMBER if seats else Role.EXPERT,
    )
    person_url = reverse("teams:person_detail", kwargs={"pk": person.pk})
    if form.is_bound and form.is_valid():
        try:
            with transaction.atomic():  # both or neither, inside the request's own transaction
                new = user_create(
                    actor=request.user,
                    username=form.cleaned_data["username"],
                    role=form.cleaned_data["role"],
                    full_name=person.name,
                    email=person.email,
                    phone=person.phone,
                )
                services.person_link_user(actor=request.user, person=person, user=new.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return new_password_page(request, new, back_url=person_url)
    seat_names = "、".join(f"{seat.team.name}（{seat.get_role_display()}）" for seat in seats)
    context = {
        "form": form,
        "heading": _("A login for %(name)s") % {"name": person.name},
        "details": [
            (_("Name"), person.name),
            (_("Kind"), person.get_kind_display()),
            (_("Organisation"), person.organisation),
            (_("Phone"), person.phone),
            (_("E-mail"), person.email),
            (_("Teams and seats"), seat_names),
        ],
        "breadcrumbs": [(_("Service personnel"), reverse("teams:person_list")), (person.name, person_url)],
        "cancel_url": person_url,
        "existing": person.user,
    }
    return render(request, "accounts/login_new.html", context)
