"""Widgets whose HTML is built in Python, for the pages drawn on every request.

Django renders a `<select>` through a template per option: the unit list's county filter (90 options) cost more than
its 25 rows. This Select renders the same markup in one pass. It is named `Select` so that forms and the `bootstrap`
filter treat it as Django's (`widget_type` "select")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def _options(choices, selected: set[str]) -> SafeString:
    def option(value, label) -> SafeString:
        if isinstance(label, list | tuple):  # a group: (name, [(value, label), …])
            return format_html('<optgroup label="{}">{}</optgroup>', value, _options(label, selected))
        value = "" if value is None else str(value)
        return format_html('<option value="{}"{}>{}</option>', value, " selected" if value in selected else "", label)

    return format_html_join("", "{}", ((option(value, label),) for value, label in choices))


class Select(forms.Select):
    """Django's Select, the same HTML, built without a template per option (an option has no attribute but
    `selected`, as Django's own options)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer=None) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)  # `required` comes from the bound field, as for Django's
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        options = _options(self.choices, set(self.format_value(value)))
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)
