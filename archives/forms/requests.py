"""Forms of the request pages: raising a request, posting in its exchange, inviting an expert, referring it, recording
the department's reply, rating and closing it, reopening it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from archives.forms.fields import MultipleFileField, SubmissionTokenField
from archives.models import RequestKind, division_department
from huhang.forms import DateInput
from units.models import Division


class RequestForm(forms.Form):
    """`units` is the queryset the user may raise a request for; with one unit (a unit's contact) it is not asked."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, empty_label=_("Choose a unit"))
    kind = forms.ChoiceField(label=_("Kind of request"), choices=[("", _("Choose a kind")), *RequestKind.choices])
    title = forms.CharField(label=_("Subject"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you need, by when, and what has been done so far."),
    )
    files = MultipleFileField()
    submission_token = SubmissionTokenField()  # archives.services.request_submit's `token`

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if len(units) == 1:
            self.fields["unit"].initial = units[0]
            self.fields["unit"].widget = forms.HiddenInput()


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    internal = forms.BooleanField(
        label=_("Internal note (only the service side sees it; the unit does not)"), required=False
    )
    files = MultipleFileField()
    submission_token = SubmissionTokenField()  # the key of the files kept when the post is refused (views/staged.py)

    def __init__(self, *args, may_write_internal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_write_internal:
            del self.fields["internal"]


class ReferForm(forms.Form):
    """To the IP department of the unit's county or city (`divisions`, archives.selectors.referral_divisions), whose
    officers answer in the portal, or to another department by name. What is required of which, and the dates (not
    before the request, not in the future; here and in ReferralReplyForm), archives.services checks, on the field."""

    division = forms.ModelChoiceField(
        label=_("Refer to"),
        queryset=Division.objects.none(),
        required=False,
        blank=True,
        empty_label=_("Another department (name it below)"),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    department = forms.CharField(
        label=_("Other department"),
        max_length=128,
        required=False,
        help_text=_("Only for a department other than the IP departments above."),
    )
    contact = forms.CharField(
        label=_("Contact at the department"),
        max_length=128,
        required=False,
        help_text=_("Name and phone; required for another department."),
    )
    referred_on = forms.DateField(label=_("Referred on"), widget=DateInput())
    note = forms.CharField(label=_("Note to the unit"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, divisions: list[Division], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["division"]
        field.queryset = Division.objects.filter(pk__in=[division.pk for division in divisions]).select_related("city")
        field.queryset = field.queryset.order_by("-level", "code")  # the county's department first, then the city's
        field.label_from_instance = division_department

    def clean(self):
        data = super().clean()
        if data.get("division") is not None:
            data["department"] = ""  # a name typed before choosing an IP department is not a second addressee
        return data


class ReferralReplyForm(forms.Form):
    reply = forms.CharField(label=_("The department's reply"), widget=forms.Textarea(attrs={"rows": 3}))
    replied_on = forms.DateField(label=_("Replied on"), widget=DateInput())


class CloseForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the service?"),
        coerce=int,
        choices=[
            (5, _("5 – very satisfied")),
            (4, _("4 – satisfied")),
            (3, _("3 – acceptable")),
            (2, _("2 – dissatisfied")),
            (1, _("1 – very dissatisfied")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the request reopened?"), widget=forms.Textarea(attrs={"rows": 3}))
