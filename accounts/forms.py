"""The login form and the forms that create logins. They check input only; the rules live in accounts/services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import BUSINESS_ROLES, Role, User
from accounts.selectors import username_suggestion
from huhang.text import normalise_identifier

USERNAME_HELP = _(
    "Suggested from the name in pinyin; you may change it. Letters, digits and @ . + - _ only; the user types it to "
    "log in."
)


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is wrong. Both are case-sensitive."),
        "inactive": _("This account has been disabled. Please contact the provincial IP bureau."),
    }


def _username_field(initial: str = "", *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("Username"), max_length=150, initial=initial, required=required, help_text=USERNAME_HELP
    )


class NewLoginForm(forms.Form):
    """A login for a unit's contact or a person of the pool: name, e-mail and phone come from them; the username is
    suggested and may be changed, and a person's role (team member or expert) may be chosen."""

    def __init__(
        self, *args: Any, name: str, roles: list[Role] | None = None, role: Role | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"] = _username_field(username_suggestion(name=name))
        if roles:
            self.fields["role"] = forms.ChoiceField(
                label=_("Role"),
                choices=[(r.value, r.label) for r in roles],
                initial=role,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                help_text=_(
                    "A team member reads the units of the teams in which they hold a seat; an expert only the "
                    "activities and requests they are invited to."
                ),
            )


# The logins the system administrator creates on the logins list: the staff, who are in neither the unit list nor the
# pool, and the three administrators (三员分立).
STAFF_LOGIN_ROLES = [Role.BUREAU, Role.OFFICER, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]


class StaffLoginForm(forms.Form):
    """A login for bureau staff, a city or county officer or an administrator."""

    full_name = forms.CharField(label=_("Full name"), max_length=64)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(role.value, role.label) for role in STAFF_LOGIN_ROLES],
        initial=Role.OFFICER,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    division = forms.ModelChoiceField(
        label=_("Jurisdiction"),
        queryset=User.objects.none(),  # the divisions, set per form: see __init__
        required=False,
        empty_label=_("Choose the city or county"),
        help_text=_("An officer's city or county; they read the units there. Leave empty for bureau staff."),
    )
    username = _username_field(required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The divisions belong to units, above this app: reached through the field, never imported.
        divisions = User._meta.get_field("division").related_model
        self.fields["division"].queryset = divisions.objects.select_related("city")
        self.fields["username"].help_text = _(
            "Leave empty to use the name in pinyin. Letters, digits and @ . + - _ only."
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("role") == Role.OFFICER and not cleaned.get("division"):
            self.add_error("division", _("Choose the officer's city or county."))
        if cleaned.get("role") != Role.OFFICER:
            cleaned["division"] = None
        if not cleaned.get("username") and cleaned.get("full_name"):
            cleaned["username"] = username_suggestion(name=cleaned["full_name"])
        return cleaned


class SecondFactorCodeForm(forms.Form):
    """The 6-digit code of the authenticator app, or (at sign-in) one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True, "spellcheck": "false"}
        ),
    )


class RoleChangeForm(forms.Form):
    """A login's business role and its binding; the rules (which role needs which binding) are the service's."""

    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(role.value, role.label) for role in BUSINESS_ROLES],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    division = forms.ModelChoiceField(
        label=_("Jurisdiction"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Choose the city or county"),
        help_text=_("An officer's city or county only."),
    )
    # A code, not a list of units: 三员分立 — the security administrator reads no business record, the list of key
    # units included; the code comes with the request to move the login.
    credit_code = forms.CharField(
        label=_("Unit's unified social credit code"),
        max_length=32,
        required=False,
        help_text=_("A unit contact's unit only: the 18 characters of the unit's code."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Divisions and units belong to the units app, above this one: reached through the fields, never imported.
        self.fields["division"].queryset = User._meta.get_field("division").related_model.objects.select_related("city")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        role = cleaned.get("role")
        cleaned["unit"] = None
        if role == Role.OFFICER and not cleaned.get("division"):
            self.add_error("division", _("Choose the officer's city or county."))
        if role == Role.UNIT_CONTACT:
            code = normalise_identifier(cleaned.get("credit_code") or "").upper()
            units = User._meta.get_field("unit").related_model.objects
            cleaned["unit"] = units.filter(credit_code=code).first() if code else None
            if cleaned["unit"] is None:
                self.add_error("credit_code", _("No key unit has this code."))
        return cleaned
