"""Type-ahead choices: a long `<select>` (thousands of teams or people) becomes a search box that asks its app's
endpoint for the first TYPEAHEAD_LIMIT matches (htmx) and keeps the chosen id in a hidden input.

The form field stays a `ModelChoiceField` (or django-filter's `ModelChoiceFilter`) over the full *scoped* queryset,
so validation still refuses an id outside the reader's scope; the widget renders only the current choice's label
(one query for that object, never the queryset). Each app serves its own endpoint with `typeahead_response`, from its
own scoped selector and behind its own permission::

    team = django_filters.ModelChoiceFilter(queryset=visible_teams(user),
                                            widget=TypeaheadWidget(reverse_lazy("teams:team_typeahead")))

    @require_GET
    def team_typeahead(request):
        return typeahead_response(request, visible_teams(request.user), search=search_teams)

A widget assigned to a field after the field was built (`field.widget = TypeaheadWidget(...)`) learns the queryset
when the field's `queryset` is set afterwards, as Django's model choice fields do for any widget. Several choices
(a `ModelMultipleChoiceField`) take `MultipleTypeaheadWidget`: the chosen ones as ticked boxes above the search box.
The small behaviour (choose, clear, keyboard) is in static/js/huhang.js, since the Content-Security-Policy forbids
inline script.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from django.db.models import Model, QuerySet
    from django.http import HttpRequest, HttpResponse
    from django.utils.functional import Promise

TYPEAHEAD_LIMIT = 20  # matches shown at most; type more to narrow them down
DEFAULT_PLACEHOLDER = _("Type to search")


class TypeaheadWidget(forms.Widget):
    """A search box (htmx GET of `url?q=…`), the matches under it, and a hidden input holding the chosen id.

    `extra_choices` are fixed values shown as links beside the box, such as a filter's "not assigned"
    (value, label) — the field must accept them (django-filter's `null_value`)."""

    template_name = "huhang/typeahead_widget.html"
    input_type = "hidden"

    def __init__(
        self,
        url: str | Promise,
        *,
        placeholder: str | Promise = DEFAULT_PLACEHOLDER,
        extra_choices: Sequence[tuple[str, str | Promise]] = (),
        attrs: dict[str, Any] | None = None,
    ):
        super().__init__(attrs)
        self.url = url
        self.placeholder = placeholder
        self.extra_choices = tuple(extra_choices)

    def format_value(self, value: Any) -> str:
        if value is None or value == "":
            return ""
        return str(getattr(value, "pk", value))

    def current_label(self, value: str) -> str:
        """The label of the chosen value: one query for that object, within the field's (scoped) queryset."""
        if not value:
            return ""
        for extra_value, extra_label in self.extra_choices:
            if value == str(extra_value):
                return str(extra_label)
        choices = getattr(self, "choices", None)
        queryset = getattr(choices, "queryset", None)
        if queryset is None:
            return ""
        try:
            chosen = queryset.filter(pk=value).first()
        except (ValueError, TypeError, ValidationError):
            return ""
        if chosen is None:
            return ""
        return str(choices.field.label_from_instance(chosen))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["label"] = self.current_label(widget["value"])
        widget["url"] = str(self.url)
        widget["placeholder"] = self.placeholder
        widget["extra_choices"] = self.extra_choices
        widget["described_by"] = widget["attrs"].get("aria-describedby", "")
        return context

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer=None) -> str:
        # The project's templates (templates/huhang/), which the default form renderer does not search.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))

    def value_from_datadict(self, data, files, name: str) -> Any:
        return data.get(name)

    def use_required_attribute(self, initial: Any) -> bool:
        return False  # the hidden input carries the value, and a hidden input cannot be `required`


class MultipleTypeaheadWidget(TypeaheadWidget):
    """Several choices by type-ahead: the chosen ones as ticked checkboxes (chips) above the search box; a match
    chosen from the list adds its chip (static/js/huhang.js), unticking one drops it. For a
    `ModelMultipleChoiceField` over the full scoped queryset: the page renders only the chosen ones' labels (one
    query for them), never the queryset, and validation refuses an id outside it."""

    template_name = "huhang/typeahead_multiple_widget.html"
    input_type = "checkbox"  # the ticked boxes carry the values: a visible field, not one of the form's hidden ones
    allow_multiple_selected = True

    def format_value(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, str) or not hasattr(value, "__iter__"):
            value = [value]
        return [str(getattr(item, "pk", item)) for item in value if item not in (None, "")]

    def chosen(self, values: list[str]) -> list[tuple[str, str]]:
        """(value, label) of the chosen values that are in the field's (scoped) queryset, in the order given: one
        query for them all. A value outside the queryset is left out (the field's error says why)."""
        choices = getattr(self, "choices", None)
        queryset = getattr(choices, "queryset", None)
        if not values or queryset is None:
            return []
        try:
            found = {str(item.pk): item for item in queryset.filter(pk__in=values)}
        except (ValueError, TypeError, ValidationError):
            return []
        label = choices.field.label_from_instance
        return [(value, str(label(found[value]))) for value in dict.fromkeys(values) if value in found]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        widget["chosen"] = self.chosen(widget["value"])
        widget["url"] = str(self.url)
        widget["placeholder"] = self.placeholder
        widget["described_by"] = widget["attrs"].get("aria-describedby", "")
        return context

    def value_from_datadict(self, data, files, name: str) -> Any:
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name: str) -> bool:
        return False  # no box ticked sends nothing, which means "none"


def typeahead_response(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    search: Callable[[QuerySet, str], QuerySet],
    label: Callable[[Model], str] = str,
) -> HttpResponse:
    """The first TYPEAHEAD_LIMIT matches of `?q=` in `queryset` — already scoped to the reader by the caller —
    as the options a TypeaheadWidget shows; without a term, the first ones in the queryset's order."""
    term = request.GET.get("q", "").strip()
    matches = search(queryset, term) if term else queryset
    found = list(matches[: TYPEAHEAD_LIMIT + 1])
    return render(
        request,
        "huhang/typeahead_options.html",
        {
            "options": [(item.pk, label(item)) for item in found[:TYPEAHEAD_LIMIT]],
            "more": len(found) > TYPEAHEAD_LIMIT,
            "term": term,
        },
    )
