from django import forms

from huhang.forms import DateInput
from huhang.models import ProgrammeSettings


class ProgrammeSettingsForm(forms.ModelForm):
    class Meta:
        model = ProgrammeSettings
        fields = ["first_plans_due", "plan_due_days"]
        widgets = {"first_plans_due": DateInput()}
