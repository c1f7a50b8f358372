"""Widgets whose HTML is built in Python, for the pages drawn on every request.

Django renders a `<select>` through a template per option: the unit list's county filter (90 options) cost more than
its 25 rows. This Select renders the same markup in one pass, and each list of choices' options once per language
(cached): a request only marks its selected options. It is named `Select` so that forms and the `bootstrap` filter
treat it as Django's (`widget_type` "select")."""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import SafeString

from huhang.html import escape, format_html


@functools.lru_cache(maxsize=256)
def _rendered_options(choices: tuple) -> tuple:
    """The options of `choices` (values and labels as text, in the page's language), rendered once: a filter's
    choices are the same on every request. A group is (None, "<optgroup …>", its options, "</optgroup>")."""
    rendered = []
    for value, label in choices:
        if isinstance(label, tuple):
            opening = format_html('<optgroup label="{}">', value)
            rendered.append((None, opening, _rendered_options(label), "</optgroup>"))
        else:
            rendered.append((value, f'<option value="{escape(value)}"', f">{escape(label)}</option>"))
    return tuple(rendered)


def _as_text(choices) -> tuple:
    """The choices with their values and labels as text, hashable: the key of their rendered options. A lazy label
    becomes its translation, so each language has its own."""
    text = []
    for value, label in choices:
        if isinstance(label, list | tuple):  # a group: (name, [(value, label), …])
            text.append((str(value), _as_text(label)))
        else:
            text.append(("" if value is None else str(value), str(label)))
    return tuple(text)


def _options(rendered: tuple, selected: set[str]) -> str:
    pieces = []
    for option in rendered:
        if option[0] is None:
            pieces.extend((option[1], _options(option[2], selected), option[3]))
        else:
            value, before, after = option
            pieces.append(f"{before} selected{after}" if value in selected else f"{before}{after}")
    return "".join(pieces)


class Select(forms.Select):
    """Django's Select, the same HTML, built without a template per option (an option has no attribute but
    `selected`, as Django's own options)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer=None) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)  # `required` comes from the bound field, as for Django's
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        options = _options(_rendered_options(_as_text(self.choices)), set(self.format_value(value)))
        # Safe: the name escaped here, the attributes by flatatt, the options' labels when first rendered.
        return SafeString(f'<select name="{escape(name)}"{flatatt(attrs)}>{options}</select>')  # nosec B703
