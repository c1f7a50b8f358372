"""Forms of the plan pages. They check input only; the workflow's rules live in plans/services.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huhang.forms import DateInput
from huhang.typeahead import TypeaheadWidget
from huhang.vocabulary import TaskArea
from huhang.widgets import Select
from plans.models import SECTIONS, Measure, PlanVersion
from plans.sanitising import editable_text
from teams.models import Person

if TYPE_CHECKING:
    from django.db.models import QuerySet


def section_label(name: str) -> str:
    return PlanVersion._meta.get_field(name).verbose_name


class SectionsForm(forms.Form):
    """The five assessment sections, and the revision the editor started from (optimistic locking)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, version: PlanVersion | None = None, **kwargs: Any) -> None:
        if version is not None and "initial" not in kwargs:
            kwargs["initial"] = {"revision": version.revision} | {
                name: editable_text(getattr(version, name)) for name in SECTIONS
            }
        super().__init__(*args, **kwargs)
        for name in SECTIONS:
            self.fields[name] = forms.CharField(
                label=section_label(name),
                required=False,
                widget=forms.Textarea(attrs={"rows": 5, "data-testid": f"section-{name}"}),
                help_text=_("Blank lines separate paragraphs; start a line with “- ” for a list item."),
            )
        self.order_fields([*SECTIONS, "revision"])

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in SECTIONS}


class MeasureForm(forms.Form):
    # The selects render in one pass, without a template per option (huhang/widgets.py): the editor shows this form
    # on every page, and again for each measure edited in place.
    area = forms.ChoiceField(label=_("Task area"), choices=TaskArea.choices, widget=Select)
    content = forms.CharField(label=_("Measure"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=Person.objects.none())
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
    status = forms.ChoiceField(
        label=_("Status"), choices=Measure.Status.choices, initial=Measure.Status.NOT_STARTED, widget=Select
    )

    def __init__(
        self,
        *args: Any,
        candidates: QuerySet[Person],
        owner_url: str,
        measure: Measure | None = None,
        prefix: str | None = None,
        suggest_url: str | None = None,
        **kw: Any,
    ) -> None:
        if measure is not None and "initial" not in kw:
            kw["initial"] = {
                "area": measure.area,
                "content": measure.content,
                "owner": measure.owner_id,
                "due_on": measure.due_on,
                "status": measure.status,
            }
        super().__init__(*args, prefix=prefix, **kw)
        if measure is not None and measure.owner_id:
            # An owner who has since left the team stays selectable.
            candidates = Person.objects.filter(Q(pk__in=candidates.values("pk")) | Q(pk=measure.owner_id))
        # The pool runs to thousands: the owner is searched (a type-ahead of the plan's candidates), and the field
        # checks the one id it is given against the candidates, so no other id is accepted.
        owner = self.fields["owner"]
        owner.widget = TypeaheadWidget(owner_url, placeholder=_("Search by name"))
        owner.widget.is_required = False
        owner.queryset = candidates
        owner.label_from_instance = lambda person: person.name
        if suggest_url:
            # Choosing a task area asks for matching experts of the pool (plans/suggestions.py).
            self.fields["area"].widget.attrs.update(
                {
                    "hx-get": suggest_url,
                    "hx-trigger": "change",
                    "hx-target": "#expert-suggestions",
                    "hx-swap": "innerHTML",
                }
            )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What the team should change"),
        widget=forms.Textarea(attrs={"rows": 4, "data-testid": "return-comment"}),
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProgressForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(
        label=_("New status (optional)"),
        required=False,
        choices=[("", _("Unchanged")), *Measure.Status.choices],
        widget=Select,
    )
