"""The plan's sections are rich text: paragraphs and lists, nothing that runs. nh3 (ammonia) does the cleaning.

Teams type plain text: blank lines separate paragraphs and lines starting with "- " make a list. `sanitise` turns
that into HTML and `editable_text` turns it back, so editing and saving again gives the same HTML.
"""

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "u", "h3", "h4", "blockquote"}
LIST_MARK = re.compile(r"^[-•·]\s+")
LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
# What `sanitise` makes of plain text: paragraphs with line breaks, and lists of plain items.
_PLAIN_BLOCK = re.compile(r"<p>(?:[^<]|<br>)*</p>|<ul>(?:<li>[^<]*</li>)+</ul>")


def _block_html(block: str) -> str:
    lines = [line.strip() for line in block.split("\n") if line.strip()]
    if all(LIST_MARK.match(line) for line in lines):
        return "<ul>" + "".join(f"<li>{html.escape(LIST_MARK.sub('', line))}</li>" for line in lines) + "</ul>"
    return "<p>" + "<br>".join(html.escape(line) for line in lines) + "</p>"


def sanitise(text: str) -> str:
    """Cleans what a team typed or pasted. Plain text becomes paragraphs and lists; HTML keeps only the allowed
    tags, without any attribute, so no script, style, event handler or link survives."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return ""
    if not LOOKS_LIKE_HTML.search(text):  # "专利数 < 100" is plain text
        blocks = [block for block in re.split(r"\n\s*\n", text) if block.strip()]
        return "".join(_block_html(block) for block in blocks)
    return nh3.clean(text, tags=ALLOWED_TAGS, attributes={}, link_rel=None, strip_comments=True).strip()


def editable_text(stored: str) -> str:
    """The text a team edits: plain paragraphs and lists go back to plain text; richer HTML is edited as HTML."""
    if not stored or _PLAIN_BLOCK.sub("", stored).strip():
        return stored or ""
    blocks = []
    for block in _PLAIN_BLOCK.findall(stored):
        if block.startswith("<ul>"):
            items = re.findall(r"<li>(.*?)</li>", block)
            blocks.append("\n".join(f"- {html.unescape(item)}" for item in items))
        else:
            blocks.append(html.unescape(block[3:-4].replace("<br>", "\n")))
    return "\n\n".join(blocks)
