"""HTML to clean note text: one function shared by rich-text cells and HTML print-outs.

Paragraph-like elements become paragraphs (separated by a blank line), ``<br>`` a line break,
table cells are separated by `` | ``; tags go, entities are decoded, whitespace inside a
paragraph collapses as a browser would show it, and scripts and styles are dropped.
"""
from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from errors import CaseLensError
from extractors.base import canonical_text

# Lexbor's parse time grows with the square of the nesting depth of container elements; a
# hostile file nested 200,000 deep would take minutes. Real exports nest a few dozen deep.
MAX_HTML_DEPTH = 1000

_PARAGRAPH = "\ue000"
_LINE = "\ue001"
_CELL = "\ue002"
_BLOCKS = (
    "p, div, li, ul, ol, dl, dt, dd, h1, h2, h3, h4, h5, h6, tr, table, thead, tbody, blockquote, "
    "section, article, header, footer, aside, nav, main, pre, hr, address, figure, figcaption, "
    "caption, form, fieldset, legend, details, summary, center"
)
_DROPPED = ["script", "style", "head", "template", "noscript", "object", "svg", "math"]
_NESTING = re.compile(
    r"<(/?)(?:div|span|section|article|blockquote|table|ul|ol|dl|font|main|aside|nav)\b", re.I
)
_HTML_MARKERS = re.compile(
    r"<\s*/?\s*(?:p|div|br|span|b|i|u|strong|em|ul|ol|li|table|tr|td|font|h[1-6]|html|body)\b[^<>]{0,500}>"
    r"|&(?:nbsp|amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-f]{1,6});",
    re.I,
)
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")


def looks_like_html(text: str) -> bool:
    """True when a cell's text is HTML markup (tags or entities) rather than plain text."""
    return _HTML_MARKERS.search(text, 0, 20_000) is not None


def check_nesting(markup: str, file_name: str) -> None:
    """Refuse markup nested deeper than ``MAX_HTML_DEPTH`` before the parser sees it."""
    depth = 0
    for match in _NESTING.finditer(markup):
        depth += -1 if match.group(1) else 1
        if depth > MAX_HTML_DEPTH:
            raise CaseLensError(
                "E109", file=file_name, detail=f"its HTML is nested more than {MAX_HTML_DEPTH} levels deep"
            )


def html_to_text(markup: str, file_name: str = "the file") -> str:
    """Clean canonical text from HTML: paragraphs kept, tags gone, entities decoded."""
    check_nesting(markup, file_name)
    for marker in (_PARAGRAPH, _LINE, _CELL):
        markup = markup.replace(marker, "")
    tree = LexborHTMLParser(markup)
    tree.strip_tags(_DROPPED)
    for node in tree.css(_BLOCKS):
        node.insert_before(_PARAGRAPH)
        node.insert_after(_PARAGRAPH)
    for node in tree.css("br"):
        node.insert_before(_LINE)
    for node in tree.css("td, th"):
        node.insert_before(_CELL)
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return ""
    raw = _SPACES.sub(" ", root.text(deep=True, separator=""))
    paragraphs: list[str] = []
    for block in raw.split(_PARAGRAPH):
        cells = [cell.strip(" ") for cell in block.split(_CELL)]
        block = " | ".join(cell for cell in cells if cell)
        lines = "\n".join(line.strip(" ") for line in block.split(_LINE)).strip("\n")
        if lines.strip():
            paragraphs.append(lines)
    return canonical_text("\n\n".join(paragraphs))
