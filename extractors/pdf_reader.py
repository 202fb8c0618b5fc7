"""PDF print-outs with a text layer: lines rebuilt into paragraphs, page furniture removed.

pypdf gives text fragments with their position. Fragments are put together into lines; lines
repeated at the top or bottom of most pages (running headers and footers) and page numbers are
dropped; lines are re-joined into paragraphs, a wrapped line joining the one before with a single
space. A new paragraph starts where the layout shows one: a new text block (each paragraph of a
generated PDF is its own block), a vertical gap wider than the line spacing, or a line that ends
short of the text width. The paragraphs then go through the same header splitter as every other
long document, so a note read from PDF has the text it has in TXT or DOCX.
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


@dataclass
class _PdfLine:
    text: str
    y: float
    block: tuple[float, ...]
    page: int


def _page_lines(page: PageObject, number: int) -> list[_PdfLine]:
    """The page's text as lines, in content order, each with its height and text block."""
    fragments: list[tuple[str, float, tuple[float, ...]]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: object) -> None:
        if text:
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            fragments.append((text, y, tuple(round(v, 1) for v in cm)))

    page.extract_text(visitor_text=visit)
    lines: list[_PdfLine] = []
    current: list[str] = []
    where: tuple[float, tuple[float, ...]] | None = None

    def flush() -> None:
        nonlocal current, where
        text = "".join(current).translate(_LIGATURES)
        if text.strip() and where is not None:
            lines.append(_PdfLine(_SPACES.sub(" ", text).strip(), where[0], where[1], number))
        current, where = [], None

    for text, y, block in fragments:
        if where is not None and abs(y - where[0]) > _SAME_LINE_POINTS and "".join(current).strip():
            flush()
        for index, piece in enumerate(text.split("\n")):
            if index:
                flush()
            if piece:
                if where is None and piece.strip():
                    where = (y, block)
                current.append(piece)
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

    def would_have_fitted(previous: _PdfLine, line: _PdfLine, share: float) -> bool:
        return len(previous.text) + 1 + len(_first_word(line.text)) < share * width

    paragraphs: list[Line] = []
    previous: _PdfLine | None = None
    previous_structural = False
    for line in all_lines:
        structural = match_header(line.text) is not None
        if previous is None or structural or previous_structural:
            starts = True
        elif line.page != previous.page:
            starts = would_have_fitted(previous, line, 0.9) or match_metadata(line.text) is not None
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
        return [_page_lines(page, number) for number, page in enumerate(reader.pages, start=1)]


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
