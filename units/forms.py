"""Forms of the unit pages. They check input; the services in units/services.py make the changes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huhang.forms import DateInput
from huhang.text import clean_text, normalise_identifier
from units.credit_code import normalise_credit_code, validate_credit_code
from units.models import Division, IPProfile, Unit, UnitContact
from units.validators import normalise_phone


class CreditCodeField(forms.CharField):
    """A credit code as people type it (in groups, lower case, full width) is normalised before it is checked, so
    the form takes what the import takes; the 18-character limit applies to the code, not to what was typed."""

    default_validators = [validate_credit_code]

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)  # the model field's 18, which `validate_credit_code` checks on the code itself
        super().__init__(**kwargs)
        self.widget.attrs.update(autocomplete="off", spellcheck="false", autocapitalize="characters", maxlength="40")

    def to_python(self, value) -> str:
        return normalise_credit_code(super().to_python(value))


class IdentifierEmailField(forms.EmailField):
    """An e-mail address typed in full width (ｉｐ＠ｅｘａｍｐｌｅ.ｃｏｍ) is folded before it is checked, as the import
    does it."""

    def to_python(self, value) -> str:
        return normalise_identifier(super().to_python(value))


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "credit_code", "category", "division", "technical_field", "address"]
        field_classes = {"credit_code": CreditCodeField}
        help_texts = {
            "credit_code": _("18 characters, as on the licence; spaces or hyphens between the groups are fine."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.filter(level=Division.Level.COUNTY).select_related("city")

    def clean_name(self) -> str:
        return clean_text(self.cleaned_data["name"])


class UnitCreateForm(UnitForm):
    selected_on = forms.DateField(label=_("Selected on"), widget=DateInput(), initial=timezone.localdate)
    batch = forms.CharField(label=_("Batch"), max_length=64, required=False, help_text=_("For example: 2025年第一批"))
    basis = forms.CharField(label=_("Basis of selection"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RemoveForm(forms.Form):
    date = forms.DateField(label=_("Removed on"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReselectForm(forms.Form):
    date = forms.DateField(label=_("Selected on"), widget=DateInput(), initial=timezone.localdate)
    batch = forms.CharField(label=_("Batch"), max_length=64, required=False)
    basis = forms.CharField(label=_("Basis of selection"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(forms.ModelForm):
    class Meta:
        model = UnitContact
        fields = ["name", "position", "phone", "email", "is_primary"]
        field_classes = {"email": IdentifierEmailField}

    def clean_phone(self) -> str:
        return normalise_phone(normalise_identifier(self.cleaned_data["phone"]))


class IPProfileForm(forms.ModelForm):
    class Meta:
        model = IPProfile
        fields = [
            "as_of",
            "invention_patents",
            "utility_models",
            "pct_applications",
            "trademarks",
            "ip_certified",
            "notes",
        ]
        widgets = {"as_of": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}
