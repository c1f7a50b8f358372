"""Sections are typed as plain text (paragraphs, "- " lists) and stored as clean HTML; nothing that runs survives."""

import pytest

from plans.sanitising import editable_text, sanitise


def test_plain_text_becomes_paragraphs_and_lists():
    assert sanitise("第一段\n第二行\n\n- 甲\n- 乙") == "<p>第一段<br>第二行</p><ul><li>甲</li><li>乙</li></ul>"


def test_a_less_than_sign_is_text_not_markup():
    assert sanitise("高价值专利 < 100件") == "<p>高价值专利 &lt; 100件</p>"


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script><p>ok</p>",
        '<p onclick="alert(1)">ok</p>',
        '<p><a href="javascript:alert(1)">ok</a></p>',
        '<img src=x onerror="alert(1)"><p>ok</p>',
        "<p style=\"background:url('javascript:x')\">ok</p>",
    ],
)
def test_nothing_that_runs_survives(typed):
    cleaned = sanitise(typed)
    assert "ok" in cleaned
    for forbidden in ("script", "onclick", "onerror", "javascript", "style", "<a", "<img"):
        assert forbidden not in cleaned


@pytest.mark.parametrize("typed", ["一段\n\n- 甲\n- 乙\n\n结尾", "第一行\n第二行", "a & b < c"])
def test_editing_and_saving_again_gives_the_same_html(typed):
    stored = sanitise(typed)
    assert editable_text(stored) == typed
    assert sanitise(editable_text(stored)) == stored


def test_richer_html_is_edited_as_html():
    stored = sanitise("<h3>标题</h3><p><strong>重点</strong></p>")
    assert editable_text(stored) == stored
