"""A login for one of a unit's contacts, made from the unit's page by the bureau: the role unit contact, bound to the
unit and to the contact, with the contact's name, e-mail and phone (accounts.services.user_create)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.forms import NewLoginForm
from accounts.models import Role
from accounts.services import user_create
from accounts.views import new_password_page
from huhang.forms import add_service_error
from units.selectors import unit_get_for_user

if TYPE_CHECKING:
    import uuid

    from django.http import HttpRequest, HttpResponse


def contact_login_create(request: HttpRequest, uid: uuid.UUID, contact_id: int) -> HttpResponse:
    # 404 outside the user's scope comes first, so a 403 never confirms that a unit exists.
    unit = unit_get_for_user(user=request.user, uid=uid, for_write=True)
    if not request.user.has_perm("accounts.create_programme_logins"):
        raise PermissionDenied
    contact = get_object_or_404(unit.contacts, pk=contact_id)
    unit_url = reverse("units:detail", kwargs={"uid": unit.uid})
    form = NewLoginForm(request.POST or None, name=contact.name)
    if form.is_bound and form.is_valid():
        try:
            with transaction.atomic():  # a refusal leaves nothing behind, inside the request's own transaction
                new = user_create(
                    actor=request.user,
                    username=form.cleaned_data["username"],
                    role=Role.UNIT_CONTACT,
                    full_name=contact.name,
                    email=contact.email,
                    phone=contact.phone,
                    unit=unit,
                    contact=contact,
                )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return new_password_page(request, new, back_url=unit_url + "#contacts")
    context = {
        "form": form,
        "heading": _("A login for %(name)s of %(unit)s") % {"name": contact.name, "unit": unit.name},
        "details": [
            (_("Unit"), unit.name),
            (_("Name"), contact.name),
            (_("Position"), contact.position),
            (_("Phone"), contact.phone),
            (_("E-mail"), contact.email),
            (_("Role"), Role.UNIT_CONTACT.label),
        ],
        "breadcrumbs": [(_("Key units"), reverse("units:list")), (unit.name, unit_url)],
        "cancel_url": unit_url + "#contacts",
        "existing": getattr(contact, "login", None),
    }
    return render(request, "accounts/login_new.html", context)
