"""PDF print-outs with a text layer: lines rebuilt into paragraphs, page furniture removed.

pypdf gives text fragments with their position. Fragments are put together into lines; lines
repeated at the top or bottom of most pages (running headers and footers) and page numbers are
dropped; lines are re-joined into paragraphs, a wrapped line joining the one before with a single
space. A new paragraph starts where the layout shows one: a new text block (each paragraph of a
generated PDF is its own block), a vertical gap wider than the line spacing, or a line that ends
short of the text width. The paragraphs then go through the same header splitter as every other
long document, so a note read from PDF has the text it has in TXT or DOCX.

At a page break the block and the gap say nothing (a paragraph split over two pages is drawn as two
blocks too), so the line at the foot of the page decides. If the first word of the next page's line
would have fitted after it, the paragraph ended there. Widths are measured in points with the font's
own metrics (pypdf knows the widths of embedded fonts and of the 14 standard PDF fonts) against the
right edge of the text column. If the word would not have fitted, the line may have been wrapped or
may have ended its paragraph while nearly full: a line ending a sentence followed by a line starting
a capitalised one is read as a paragraph break, anything else as a wrapped line. Without metrics (an
unusual font) the reader falls back to counting characters.
"""
from __future__ import annotations

import io
import logging
import re
import statistics
import warnings
from collections import Counter
from dataclasses import dataclass

from pypdf import PageObject, PdfReader
from pypdf.errors import PyPdfError

try:  # pypdf's font metrics (pinned pypdf 7.1); the reader still works by character counts without them
    from pypdf.generic._font import Font as _PypdfFont
except ImportError:  # pragma: no cover - depends on the installed pypdf
    _PypdfFont = None

from errors import CaseLensError
from extractors.base import ReadResult
from extractors.headers import match_header, match_metadata
from extractors.long_document import Line, split_into_notes
from extractors.sniffing import Source

_PAGE_NUMBER = re.compile(
    r"^(?:page\s*\d{1,5}(?:\s*(?:of|/)\s*\d{1,5})?|\d{1,5}\s*(?:of|/)\s*\d{1,5}|[-–]\s*\d{1,5}\s*[-–])$", re.I
)
_BARE_NUMBER = re.compile(r"^\d{1,5}$")
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"})
# pypdf logs what it repairs in a damaged file, quoting the file's bytes, which can be note text;
# CaseLens logs must never hold note text, and the user learns of real damage from E109.
logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)

# Lines this close vertically are one line (fragments of one line may differ by rounding).
_SAME_LINE_POINTS = 2.0
# How many lines at each edge of a page may be running headers/footers.
_EDGE_LINES = 2
# Below the column's right edge by more than this (points), the next word would surely have fitted.
_EDGE_TOLERANCE = 1.5
_SENTENCE_END = re.compile(r"[.!?:;][\"')\]]*$")
_SENTENCE_START = re.compile(r"^[\"'(\[]*[A-Z0-9]")


class _Measure:
    """Text width in points for one font at one size (pypdf's metrics for that font)."""

    def __init__(self, font: object, size: float) -> None:
        self.font = font
        self.size = size

    def width(self, text: str) -> float:
        return self.font.get_text_width(text) * self.size / 1000.0


@dataclass
class _PdfLine:
    text: str
    y: float
    block: tuple[float, ...]
    page: int
    right: float | None = None  # x of the line's right end, when the font's metrics are known
    measure: _Measure | None = None  # the font of the line's last words


def _font_measure(font: object, size: object, fonts: dict[int, object | None]) -> _Measure | None:
    """A measure for a font resource, or None when its metrics cannot be read."""
    if _PypdfFont is None or font is None or not isinstance(size, (int, float)) or size <= 0:
        return None
    key = id(font)
    if key not in fonts:
        try:
            fonts[key] = _PypdfFont.from_font_resource(font)
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError):
            fonts[key] = None
    loaded = fonts[key]
    return _Measure(loaded, float(size)) if loaded is not None else None


def _page_lines(page: PageObject, number: int, fonts: dict[int, object | None]) -> list[_PdfLine]:
    """The page's text as lines, in content order, each with its height, text block and (when the
    font's metrics are known) where it ends on the right."""
    fragments: list[tuple[str, float, tuple[float, ...], float, _Measure | None]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: object) -> None:
        if text:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            fragments.append((text, y, tuple(round(v, 1) for v in cm), x, _font_measure(font, size, fonts)))

    page.extract_text(visitor_text=visit)
    lines: list[_PdfLine] = []
    current: list[str] = []
    where: tuple[float, tuple[float, ...]] | None = None
    right: float | None = None
    measure: _Measure | None = None

    def flush() -> None:
        nonlocal current, where, right, measure
        text = "".join(current).translate(_LIGATURES)
        if text.strip() and where is not None:
            lines.append(_PdfLine(_SPACES.sub(" ", text).strip(), where[0], where[1], number, right, measure))
        current, where, right, measure = [], None, None, None

    for text, y, block, x, fragment_measure in fragments:
        if where is not None and abs(y - where[0]) > _SAME_LINE_POINTS and "".join(current).strip():
            flush()
        for index, piece in enumerate(text.split("\n")):
            if index:
                flush()
            if piece:
                if where is None and piece.strip():
                    where = (y, block)
                current.append(piece)
                if piece.strip():
                    measure = fragment_measure
                    right = x + fragment_measure.width(piece.rstrip()) if fragment_measure is not None else None
    flush()
    return lines


def _furniture_key(line: _PdfLine) -> str:
    return _DIGITS.sub("#", line.text.lower())


def _is_structure(text: str) -> bool:
    return match_header(text) is not None or match_metadata(text) is not None


def _remove_furniture(pages: list[list[_PdfLine]]) -> list[list[_PdfLine]]:
    """Drop page numbers and lines repeated at the top or bottom of most pages."""
    edges: list[set[int]] = []
    seen_on: Counter[str] = Counter()
    for lines in pages:
        by_height = sorted(range(len(lines)), key=lambda i: lines[i].y)
        edge = set(by_height[:_EDGE_LINES]) | set(by_height[-_EDGE_LINES:])
        edges.append(edge)
        for key in {_furniture_key(lines[i]) for i in edge}:
            seen_on[key] += 1
    needed = max(2, (len(pages) + 1) // 2)
    running = {key for key, count in seen_on.items() if count >= needed}
    cleaned: list[list[_PdfLine]] = []
    for lines, edge in zip(pages, edges):
        kept = []
        for index, line in enumerate(lines):
            at_edge = index in edge
            if _PAGE_NUMBER.match(line.text) or (at_edge and _BARE_NUMBER.match(line.text)):
                continue
            if at_edge and _furniture_key(line) in running and not _is_structure(line.text):
                continue
            kept.append(line)
        cleaned.append(kept)
    return cleaned


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0]


def _paragraphs(pages: list[list[_PdfLine]]) -> list[Line]:
    """Join wrapped lines into paragraphs (see the module docstring for where one starts)."""
    all_lines = [line for lines in pages for line in lines]
    if not all_lines:
        return []
    lengths = sorted(len(line.text) for line in all_lines)
    width = lengths[int(len(lengths) * 0.9)] or 1
    gaps = [
        a.y - b.y
        for lines in pages
        for a, b in zip(lines, lines[1:])
        if a.block == b.block and 0 < a.y - b.y < 100
    ] or [a.y - b.y for lines in pages for a, b in zip(lines, lines[1:]) if 0 < a.y - b.y < 100]
    spacing = statistics.median(gaps) if gaps else 12.0

    rights = sorted(line.right for line in all_lines if line.right is not None)
    column_right = rights[int(len(rights) * 0.99)] if len(rights) >= 20 else None

    def would_have_fitted(previous: _PdfLine, line: _PdfLine, share: float) -> bool:
        return len(previous.text) + 1 + len(_first_word(line.text)) < share * width

    def ends_paragraph_at_page_foot(previous: _PdfLine, line: _PdfLine) -> bool:
        """Whether the last line of a page ended its paragraph (see the module docstring)."""
        if match_metadata(line.text) is not None:
            return True
        if column_right is None or previous.right is None or previous.measure is None:
            return would_have_fitted(previous, line, 0.9)
        needed = previous.right + previous.measure.width(" " + _first_word(line.text))
        if needed < column_right - _EDGE_TOLERANCE:
            return True
        return bool(_SENTENCE_END.search(previous.text) and _SENTENCE_START.match(line.text))

    paragraphs: list[Line] = []
    previous: _PdfLine | None = None
    previous_structural = False
    for line in all_lines:
        structural = match_header(line.text) is not None
        if previous is None or structural or previous_structural:
            starts = True
        elif line.page != previous.page:
            starts = ends_paragraph_at_page_foot(previous, line)
        else:
            starts = (
                line.block != previous.block
                or not 0 < previous.y - line.y < 1.5 * spacing
                or would_have_fitted(previous, line, 0.8)
            )
        if starts:
            paragraphs.append(Line(line.text, f"page {line.page}"))
        else:
            paragraphs[-1].text += " " + line.text
        previous, previous_structural = line, structural
    return paragraphs


def _read_pages(source: Source) -> list[list[_PdfLine]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(io.BytesIO(source.data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (PyPdfError, NotImplementedError, ValueError):
                opened = 0
            if not opened:
                raise CaseLensError("E106", file=source.name)
        fonts: dict[int, object | None] = {}
        return [_page_lines(page, number, fonts) for number, page in enumerate(reader.pages, start=1)]


def read_pdf(source: Source, mapping: dict[str, str]) -> ReadResult:
    """Read a PDF's text layer. E106 if it needs a password, E107 if it has no text (scanned)."""
    try:
        pages = _read_pages(source)
    except CaseLensError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, ZeroDivisionError) as error:
        raise CaseLensError("E109", file=source.name, detail=f"the PDF is damaged: {type(error).__name__}") from None
    if not pages:
        raise CaseLensError("E101", file=source.name)
    if not any(pages):
        raise CaseLensError("E107", file=source.name)
    paragraphs = _paragraphs(_remove_furniture(pages))
    return split_into_notes(paragraphs, source.name, "pdf")
