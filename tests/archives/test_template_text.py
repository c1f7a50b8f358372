"""The archive's pages speak Chinese: every visible sentence goes through the catalogue, and the punctuation written
into the templates around data is the full-width kind (：（）), never an English leftover like "Contact: {{ x }}"."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates" / "archives").glob("*.html"))

_COMMENT = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}", re.S)
_TRANSLATED = re.compile(r"\{%\s*blocktranslate\b.*?\{%\s*endblocktranslate\s*%\}", re.S)
_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|<script\b.*?</script>", re.S)
_TAG = re.compile(r"<[^>]*>", re.S)


def visible_literal_text(source: str) -> list[str]:
    """The text a template writes itself: what is left outside tags, template code and translated blocks."""
    text = _TAG.sub("\n", _CODE.sub("", _TRANSLATED.sub("\n", _COMMENT.sub("", source))))
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_the_check_finds_an_english_leftover():
    assert visible_literal_text('<div>{% translate "Contact" %}: {{ x }}</div>') == [":"]
    assert visible_literal_text("<span>({{ size }})</span>") == ["()"]
    assert visible_literal_text("<p>No file</p>") == ["No file"]
    assert visible_literal_text("<p>{% blocktranslate %}Contact: {{ x }}{% endblocktranslate %}（{{ y }}）</p>") == [
        "（）"
    ]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_no_english_text_or_ascii_punctuation_around_data(template):
    leftovers = [
        line
        for line in visible_literal_text(template.read_text(encoding="utf-8"))
        if re.search(r"[A-Za-z]{2,}|[:;()?!]", line)
    ]
    assert leftovers == []
