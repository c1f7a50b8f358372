"""Forms of the archive pages. They check input; archives/services.py makes the changes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from archives.models import RequestKind


class ResponseLimitForm(forms.Form):
    kind = forms.ChoiceField(choices=RequestKind.choices, widget=forms.HiddenInput)
    accept_days = forms.IntegerField(label=_("Accept within (working days)"), min_value=1, max_value=60)
    answer_days = forms.IntegerField(label=_("Answer within (working days)"), min_value=1, max_value=120)

    def clean(self):
        data = super().clean()
        if data.get("accept_days") and data.get("answer_days") and data["answer_days"] < data["accept_days"]:
            self.add_error("answer_days", _("The answer cannot be due before the acceptance."))
        return data

    @property
    def kind_label(self) -> str:
        return RequestKind(self.initial.get("kind") or self.data.get(self.add_prefix("kind"))).label


ResponseLimitFormSet = forms.formset_factory(ResponseLimitForm, extra=0, min_num=len(RequestKind), validate_min=True)
