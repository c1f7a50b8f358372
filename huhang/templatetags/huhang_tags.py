"""Template helpers every app's pages use."""

from django import template
from django.core.paginator import Paginator
from django.forms import BoundField
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from huhang.html import format_html

register = template.Library()

_WIDGET_CLASSES = {
    "checkbox": "form-check-input",
    "radioselect": "form-check-input",
    "checkboxselectmultiple": "form-check-input",
    "select": "form-select",
    "selectmultiple": "form-select",
    "nullbooleanselect": "form-select",
}


@register.filter
def elided_pages(paginator: Paginator, number: int):
    """Page numbers around the current one, with ellipses, so a 1,000-page list stays one line."""
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)


@register.simple_tag(takes_context=True)
def page_link(context, number: int, param: str = "page", anchor: str = "") -> str:
    """The current URL's query string with `param` set to `number` (filters and sort kept): {% querystring %} with
    a parameter name chosen by the page, so a page with two lists pages each on its own."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}{anchor}"


@register.filter
def bootstrap(field: BoundField) -> str:
    """Renders a form field's widget with Bootstrap's classes, marked invalid when it has errors."""
    css = [_WIDGET_CLASSES.get(field.widget_type, "form-control")]
    if field.errors:
        css.append("is-invalid")
    attrs = {"class": " ".join([field.field.widget.attrs.get("class", ""), *css]).strip()}
    if field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_helptext"
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def sort_link(context, key: str, label) -> SafeString:
    """A sortable column's header (templates/includes/sort_header.html): a link that sorts by `key`, or by `-key`
    when the list is sorted by `key` already, back on the first page with the other parameters kept, and the arrow
    of the current direction. Built in Python: a list has a handful of them on every page."""
    query = context["request"].GET
    current = query.get("o")
    params = query.copy()
    params["o"] = f"-{key}" if current == key else key
    params.pop("page", None)
    arrow = ""
    if current == key:
        arrow = format_html(
            ' <i class="bi bi-sort-up" aria-hidden="true"></i><span class="visually-hidden">{}</span>',
            gettext("(ascending)"),
        )
    elif current == f"-{key}":
        arrow = format_html(
            ' <i class="bi bi-sort-down" aria-hidden="true"></i><span class="visually-hidden">{}</span>',
            gettext("(descending)"),
        )
    return format_html(
        '<a class="link-body-emphasis text-decoration-none" data-testid="sort-{}"\n   href="?{}">\n  {}{}\n</a>',
        key,
        params.urlencode(),
        label,
        arrow,  # "" or format_html's
    )
