"""The plan's sections are rich text: paragraphs and lists, nothing that runs. nh3 (ammonia) does the cleaning."""

import html

import nh3

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "u", "h3", "h4", "blockquote"}


def sanitise(text: str) -> str:
    """Cleans what a team typed or pasted. Plain text becomes paragraphs, one per blank-line-separated block;
    HTML keeps only the allowed tags, without any attribute, so no script, style or link survives."""
    text = (text or "").strip()
    if not text:
        return ""
    if "<" not in text:
        blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
        return "".join("<p>" + html.escape(block).replace("\n", "<br>") + "</p>" for block in blocks)
    return nh3.clean(text, tags=ALLOWED_TAGS, attributes={}, link_rel=None, strip_comments=True).strip()
