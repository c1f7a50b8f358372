"""Side-by-side differences between two versions of a plan, for the bureau's review (difflib).

Sections are sanitised HTML; they are compared as text (paragraphs as lines), character by character within a
changed line, because Chinese has no spaces to split words on. Everything is HTML-escaped before <del>/<ins> marks
are added, so the output is safe to render. Unchanged lines are folded (`SectionDiff.blocks`): the reviewer reads
the changes, and opens the rest only when needed.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString, mark_safe

_BLOCK_END = re.compile(r"</(p|li|h3|h4|blockquote)>|<br\s*/?>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def html_to_lines(text: str) -> list[str]:
    """The readable text of sanitised HTML, one line per paragraph or list item."""
    text = _LIST_ITEM.sub("- ", text or "")
    text = _BLOCK_END.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    return [line.strip() for line in text.split("\n") if line.strip()]


def _marked(text: str, tag: str) -> str:
    return f'<{tag} class="hh-diff-{tag}">{html.escape(text)}</{tag}>' if text else ""


def _line_pair(old: str, new: str) -> tuple[str, str]:
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(html.escape(old[i1:i2]))
            right.append(html.escape(new[j1:j2]))
            continue
        left.append(_marked(old[i1:i2], "del"))
        right.append(_marked(new[j1:j2], "ins"))
    return "".join(left), "".join(right)


@dataclass(frozen=True)
class DiffRow:
    kind: str  # equal, changed, added, removed
    old: SafeString
    new: SafeString
    item: Any = None  # what the new side's line stands for (a Measure), when the caller gave one


@dataclass(frozen=True)
class SameRun:
    """Consecutive unchanged lines, shown folded."""

    rows: list[DiffRow]
    kind: str = field(default="same", init=False)

    @property
    def count(self) -> int:
        return len(self.rows)


def folded(rows: Sequence[DiffRow]) -> list[DiffRow | SameRun]:
    """The rows with every run of unchanged lines folded into one SameRun; changed lines stay as they are."""
    blocks: list[DiffRow | SameRun] = []
    for row in rows:
        if row.kind != "equal":
            blocks.append(row)
        elif blocks and isinstance(blocks[-1], SameRun):
            blocks[-1].rows.append(row)
        else:
            blocks.append(SameRun([row]))
    return blocks


def _safe(markup: str) -> SafeString:
    """Marks text built here as safe: every piece of it went through html.escape (or is a <del>/<ins> tag)."""
    return mark_safe(markup)  # noqa: S308  # nosec B308 B703 # every piece escaped (docstring)


def diff_lines(old: Sequence[str], new: Sequence[str], new_items: Sequence[Any] | None = None) -> list[DiffRow]:
    """Rows of a side-by-side table: unchanged lines, changed lines (marked inside), added and removed lines.
    `new_items`, parallel to `new`, rides along on the rows that have a new side."""

    def item(j: int) -> Any:
        return new_items[j] if new_items is not None else None

    rows: list[DiffRow] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, list(old), list(new), autojunk=False).get_opcodes():
        if op == "equal":
            rows.extend(
                DiffRow("equal", _safe(html.escape(new[j])), _safe(html.escape(new[j])), item(j)) for j in range(j1, j2)
            )
            continue
        olds, news = list(old[i1:i2]), list(new[j1:j2])
        for k in range(max(len(olds), len(news))):
            before = olds[k] if k < len(olds) else None
            after = news[k] if k < len(news) else None
            if before is not None and after is not None:
                left, right = _line_pair(before, after)
                rows.append(DiffRow("changed", _safe(left), _safe(right), item(j1 + k)))
            elif before is not None:
                rows.append(DiffRow("removed", _safe(_marked(before, "del")), _safe("")))
            else:
                rows.append(DiffRow("added", _safe(""), _safe(_marked(after, "ins")), item(j1 + k)))
    return rows


@dataclass(frozen=True)
class SectionDiff:
    name: str
    label: str
    rows: list[DiffRow]

    @property
    def changed(self) -> bool:
        return any(row.kind != "equal" for row in self.rows)

    @property
    def blocks(self) -> list[DiffRow | SameRun]:
        return folded(self.rows)


def section_diffs(old, new, sections: Iterable[tuple[str, str]]) -> list[SectionDiff]:
    """Per section (name, label): `old` and `new` are anything with the section attributes (old may be None)."""
    return [
        SectionDiff(
            name=name,
            label=label,
            rows=diff_lines(
                html_to_lines(getattr(old, name, "") if old is not None else ""), html_to_lines(getattr(new, name))
            ),
        )
        for name, label in sections
    ]


def measure_line(measure) -> str:
    """One measure as one comparable line: area, content, owner, due date, status."""
    parts = [
        measure.get_area_display(),
        " ".join((measure.content or "").split()),
        measure.owner.name if measure.owner_id and measure.owner else "—",
        measure.due_on.isoformat() if measure.due_on else "—",
        measure.get_status_display(),
    ]
    return " · ".join(str(part) for part in parts)


def measures_diff(old: Iterable | None, new: Iterable, *, label: str = "") -> SectionDiff:
    """The measures list as one more section, a line per measure; each row with a new side carries its Measure."""
    new = list(new)
    rows = diff_lines([measure_line(m) for m in old or []], [measure_line(m) for m in new], new_items=new)
    return SectionDiff(name="measures", label=label, rows=rows)
