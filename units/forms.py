"""Forms of the unit pages. They check input; the services in units/services.py make the changes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huhang.forms import DateInput
from huhang.text import normalise_credit_code, normalise_text
from units.models import Division, IPProfile, Unit, UnitContact
from units.validators import normalise_phone


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "credit_code", "category", "division", "technical_field", "address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.filter(level=Division.Level.COUNTY).select_related("city")
        self.fields["credit_code"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def clean_name(self) -> str:
        return normalise_text(self.cleaned_data["name"])

    def clean_credit_code(self) -> str:
        # Before the model's validators run: people type codes in lower case, full width or with spaces.
        return normalise_credit_code(self.cleaned_data["credit_code"])


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

    def clean_phone(self) -> str:
        return normalise_phone(normalise_text(self.cleaned_data["phone"]))


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
