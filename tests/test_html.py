"""huhang/html.py: the hot loops' format_html gives Django's output to the byte, escaping what is not marked safe."""

import uuid

import pytest
from django.utils import html as django_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override

from huhang import html


class _Widget:
    def __html__(self) -> str:
        return "<input>"


VALUES = [
    "钱塘<实验室> & \"科技\" 'x'",
    mark_safe("<b>safe</b>"),
    gettext_lazy("On the list"),
    12,
    None,
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    _Widget(),
    "",
]


@pytest.mark.parametrize("value", VALUES)
def test_format_html_is_djangos(value):
    with override("zh-hans"):
        ours = html.format_html('<td title="{}">{}</td>', value, value)
        theirs = django_html.format_html('<td title="{}">{}</td>', value, value)
    assert ours == theirs
    assert isinstance(ours, SafeString)


def test_format_html_escapes_by_name_too():
    assert html.format_html('<a href="{url}">{name}</a>', url="/u/?a=1&b=2", name="<x>") == (
        '<a href="/u/?a=1&amp;b=2">&lt;x&gt;</a>'
    )
