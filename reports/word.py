"""The chronology as a Word document, laid out the way chronologies are shared with a conference,
a court or a partner agency.

Landscape A4 (or the template's paper), "OFFICIAL-SENSITIVE" in header and footer, "Page N of
M", a title block, a provenance statement, optional summary and timeline picture, then the
chronology table whose header row repeats on every page.

Tables are written as WordprocessingML built in one pass and parsed once: python-docx's
cell-by-cell API takes minutes for a thousand styled rows, this takes well under a second.
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.section import _Footer, _Header
from docx.shared import Emu, Pt
from docx.text.paragraph import Paragraph

from errors import CaseLensError
from reports import template as templates
from reports.chronology import COLUMNS, Chronology, ExportResult, build_chronology
from reports.formatting import display_date
from store import audit
from store.connection import Case

MARKING_TEXT = "OFFICIAL-SENSITIVE"
SECTIONS = frozenset({"summary", "timeline"})
# Share of the text width each chronology column gets (No., Date, Age, Event, Source, Impact, Action).
COLUMN_SHARES = (0.04, 0.085, 0.07, 0.325, 0.16, 0.16, 0.16)
_HEADER_FILL = "DCE3EC"
_BORDER = "8C99A6"
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TWIPS_PER_EMU = 1 / 635
_TWIPS_PER_CHAR = 95  # average width of a 9 pt Calibri character, in twips
_KEEP_WHOLE_LINES = 12
_TAGS = re.compile(r"<[^>]+>")


def export_docx(
    case: Case,
    out_path: Path,
    *,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    key_only: bool = True,
    anonymise: bool = False,
    template: Path | None = None,
    event_ids: list[str] | None = None,
    sections: set[str] | frozenset[str] = frozenset(),
    timeline_png: bytes | None = None,
    prepared_by: str | None = None,
    redactions: Sequence[str] = (),
) -> ExportResult:
    """Write the chronology of ``case`` to ``out_path`` as .docx and record the export in the
    case's audit trail.

    ``event_ids``: export exactly these events (the app's selection or current filter);
    otherwise key events (significance 2–3), or every event with ``key_only=False``. Dates are
    inclusive. ``sections`` ⊆ {"summary", "timeline"} adds the case summary and the timeline
    picture (``timeline_png``, rendered by the caller). ``anonymise`` writes the anonymised
    variant; ``redactions`` are further words or phrases the worker chose to remove from it.
    Raises E401 (bad template) or E402 (cannot write ``out_path``).
    """
    unknown = set(sections) - SECTIONS
    if unknown:
        raise ValueError(f"unknown sections {sorted(unknown)}; choose from {sorted(SECTIONS)}")
    out_path = Path(out_path)
    document = templates.open_template(template)
    chronology = build_chronology(
        case, date_from=date_from, date_to=date_to, key_only=key_only, anonymise=anonymise,
        event_ids=event_ids, with_summary="summary" in sections, redactions=tuple(redactions),
    )
    if anonymise and prepared_by:
        prepared_by = chronology.clean(prepared_by)
    write_document(
        document, chronology,
        timeline_png=timeline_png if "timeline" in sections else None,
        prepared_by=prepared_by,
    )
    save_document(document, out_path)
    with case.transaction():
        audit.record(case, "export", {
            "format": "docx",
            "filter": chronology.filter,
            "anonymised": anonymise,
            "count": len(chronology.entries),
            "file": str(out_path),
            "sections": sorted(sections),
            "template": str(template) if template else None,
        })
    return ExportResult(len(chronology.entries), out_path)


def save_document(document: DocumentObject, out_path: Path) -> None:
    """Save through a temporary file in the same folder, so a failure never leaves half a file."""
    try:
        handle, temp_name = tempfile.mkstemp(prefix=".caselens-", suffix=".docx", dir=out_path.parent)
    except OSError as exc:
        raise CaseLensError("E402", file=out_path, detail=exc.strerror or exc) from exc
    os.close(handle)
    try:
        document.save(temp_name)
        os.replace(temp_name, out_path)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise CaseLensError("E402", file=out_path, detail=exc.strerror or exc) from exc


def write_document(
    document: DocumentObject,
    chronology: Chronology,
    *,
    timeline_png: bytes | None = None,
    prepared_by: str | None = None,
) -> None:
    """Lay the chronology out in ``document`` (a template opened by ``open_template``)."""
    _add_marking(document)
    width = _text_width(document)
    _title_block(document, chronology, prepared_by, width)
    document.add_paragraph(chronology.provenance(), style=templates.TABLE_TEXT).paragraph_format.space_after = Pt(6)
    if chronology.summary is not None:
        _summary(document, chronology, width)
    if timeline_png:
        document.add_paragraph("Timeline", style=templates.HEADING_1)
        _picture(document, timeline_png, width)
    heading = document.add_paragraph("Chronology", style=templates.HEADING_1)
    heading.paragraph_format.page_break_before = chronology.summary is not None or bool(timeline_png)
    if chronology.entries:
        rows = [_chronology_row(entry.cells(), entry.event_type) for entry in chronology.entries]
        _append_table(document, list(COLUMNS), rows, _widths(width, COLUMN_SHARES))
    else:
        document.add_paragraph("No events match the chosen filter.")


# --- header, footer, title ----------------------------------------------------------------------

def _add_marking(document: DocumentObject) -> None:
    """The protective marking at the top and bottom of every page, and "Page N of M" (unless
    the template's footer numbers its pages already). A later section whose header or footer
    follows the previous one's is left to inherit it, so a template's logo is never lost."""
    for index, section in enumerate(document.sections):
        headers = [section.header]
        footers = [section.footer]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
            footers.append(section.first_page_footer)
        if document.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
            footers.append(section.even_page_footer)
        for header in headers:
            if index and header.is_linked_to_previous:
                continue
            if not any(MARKING_TEXT in p.text for p in header.paragraphs):
                _marking_paragraph(header, first=True)
        for footer in footers:
            if index and footer.is_linked_to_previous:
                continue
            if not any(MARKING_TEXT in p.text for p in footer.paragraphs):
                _marking_paragraph(footer, first=False)
            if not footer._element.xpath(".//w:instrText[contains(., 'PAGE')] | .//w:fldSimple[contains(@w:instr, 'PAGE')]"):
                _page_numbers(footer)


def _marking_paragraph(part: _Header | _Footer, *, first: bool) -> None:
    """The marking in its own centred paragraph: the header's empty first paragraph when there
    is one (a new header has one), else a new one after the template's content (e.g. a logo)."""
    paragraphs = part.paragraphs
    if first and paragraphs and not paragraphs[0].text.strip() and not _has_drawing(paragraphs[0]):
        paragraph = paragraphs[0]
    else:
        paragraph = part.add_paragraph()
    paragraph.style = templates.MARKING
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(MARKING_TEXT)


def _has_drawing(paragraph: Paragraph) -> bool:
    return bool(paragraph._p.xpath(".//w:drawing | .//w:pict"))


def _page_numbers(footer: _Footer) -> None:
    paragraph = footer.add_paragraph(style=templates.SMALL)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:t xml:space="preserve">Page </w:t></w:r>'
    ))
    for field in ("PAGE", "NUMPAGES"):
        for xml in (
            '<w:fldChar w:fldCharType="begin"/>',
            f'<w:instrText xml:space="preserve"> {field} </w:instrText>',
            '<w:fldChar w:fldCharType="separate"/>',
            "<w:t>1</w:t>",
            '<w:fldChar w:fldCharType="end"/>',
        ):
            paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}>{xml}</w:r>'))
        if field == "PAGE":
            paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> of </w:t></w:r>'))


def _title_block(document: DocumentObject, chronology: Chronology, prepared_by: str | None, width: int) -> None:
    document.add_paragraph(chronology.title, style=templates.TITLE)
    heading = "Chronology of significant events"
    if chronology.anonymised:
        heading += " (anonymised)"
    document.add_paragraph(heading, style=templates.HEADING_2)
    children = "\n".join(
        f"{s.name} ({'DOB ' + s.dob if s.dob and not s.dob.startswith('born') else s.dob})" if s.dob else s.name
        for s in chronology.subjects
    ) or "Not recorded"
    contents = _contents_text(chronology)
    rows = [
        ("Child" if len(chronology.subjects) <= 1 else "Children", children),
        ("Period covered", chronology.period),
        ("Contents", contents),
        ("Prepared by", prepared_by or ""),
        ("Date prepared", display_date(date.today().isoformat())),
    ]
    body = [
        [(_paragraphs(name, bold=True)), _paragraphs(value)] for name, value in rows
    ]
    _append_table(document, None, body, _widths(width, (0.16, 0.84)), borders=False, cell_style=templates.TABLE_TEXT)


def _contents_text(chronology: Chronology) -> str:
    described = chronology.filter
    if "selection" in described:
        what = f"Events chosen in CaseLens ({len(chronology.entries)})"
    elif described.get("key_only"):
        what = f"Key events: significant and critical ({len(chronology.entries)})"
    else:
        what = f"All recorded events ({len(chronology.entries)})"
    return what


# --- summary and timeline -----------------------------------------------------------------------

def _summary(document: DocumentObject, chronology: Chronology, width: int) -> None:
    summary = chronology.summary
    assert summary is not None
    document.add_paragraph("Summary", style=templates.HEADING_1)
    parts = [
        ("People and household", summary.family, (0.25, 0.3, 0.15, 0.3)),
        ("Professionals and agencies", summary.professionals, (0.2, 0.2, 0.2, 0.22, 0.18)),
        ("Risks by category (current, about the child's household)", summary.risks, (0.4, 0.12, 0.12, 0.18, 0.18)),
        ("Strengths", summary.strengths, (0.46, 0.14, 0.2, 0.2)),
        ("Gaps: what the notes do not say", summary.gaps, (0.5, 0.5)),
    ]
    for heading, rows, shares in parts:
        document.add_paragraph(heading, style=templates.HEADING_2)
        if not rows:
            document.add_paragraph("None recorded.", style=templates.TABLE_TEXT)
            continue
        columns = list(rows[0])
        body = [[_paragraphs(row[c]) for c in columns] for row in rows]
        _append_table(document, columns, body, _widths(width, shares))


def _picture(document: DocumentObject, png: bytes, width: int) -> None:
    section = document.sections[-1]
    max_height = int((section.page_height - section.top_margin - section.bottom_margin) * 0.75)
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    try:
        # a little narrower than the text so no renderer pushes it past the margin
        shape = paragraph.add_run().add_picture(io.BytesIO(png), width=Emu(int(width * 0.97)))
    except Exception as exc:  # python-docx raises its own error types for unreadable images
        raise ValueError(f"the timeline picture is not a readable PNG ({exc})") from exc
    if shape.height > max_height:
        shape.width = Emu(int(shape.width * max_height / shape.height))
        shape.height = Emu(max_height)


# --- tables as XML --------------------------------------------------------------------------------

def _text_width(document: DocumentObject) -> int:
    """The width between the margins of the last section, in EMU."""
    section = document.sections[-1]
    return int(section.page_width - section.left_margin - section.right_margin)


def _widths(width_emu: int, shares: Sequence[float]) -> list[int]:
    """Column widths in twips (what table XML uses) from shares of the text width."""
    total = sum(shares)
    twips = int(width_emu * _TWIPS_PER_EMU)
    return [int(twips * share / total) for share in shares]


def _run(text: str, *, bold: bool = False) -> str:
    clean = escape(_INVALID_XML.sub("", text))
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{clean}</w:t></w:r>'


def _paragraphs(text: str, *, bold: bool = False) -> list[str]:
    """A cell's text as runs per paragraph (one paragraph per line)."""
    lines = (text or "").split("\n")
    return [_run(line, bold=bold) if line else "" for line in lines]


def _chronology_row(cells: tuple[str, ...], event_type: str) -> list[list[str]]:
    """One chronology row; the event cell's type goes in bold on its own line."""
    row = [_paragraphs(text) for text in cells]
    if event_type:
        summary = cells[3][len(event_type) + 2:] if cells[3].startswith(f"{event_type}: ") else cells[3]
        row[3] = [_run(event_type, bold=True), *_paragraphs(summary)]
    return row


def _estimated_lines(row: list[list[str]], widths: list[int]) -> int:
    """Roughly how many lines the tallest cell of a row takes (9 pt text)."""
    tallest = 0
    for paragraphs, width in zip(row, widths):
        per_line = max(width // _TWIPS_PER_CHAR, 1)
        lines = sum(max(1, -(-len(_TAGS.sub("", runs)) // per_line)) for runs in paragraphs or [""])
        tallest = max(tallest, lines)
    return tallest


def _append_table(
    document: DocumentObject,
    header: list[str] | None,
    rows: list[list[list[str]]],
    widths: list[int],
    *,
    borders: bool = True,
    cell_style: str = templates.TABLE_TEXT,
) -> None:
    """Append a table (fixed column widths; the header row repeats on each page and never
    splits; body rows may break across pages) built as one XML string."""
    text_style = templates.style_id(document, cell_style)
    head_style = templates.style_id(document, templates.TABLE_HEADING)
    border_xml = ""
    if borders:
        edges = "".join(
            f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="{_BORDER}"/>'
            for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        border_xml = f"<w:tblBorders>{edges}</w:tblBorders>"
    parts = [
        # tblPr children in the order the schema requires (Word rejects other orders)
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'{border_xml}<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="70" w:type="dxa"/>'
        '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="70" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0"'
        ' w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        "".join(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    cell_props = [f'<w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>' for w in widths]
    if header is not None:
        head_props = [
            f'<w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:shd w:val="clear" w:color="auto" w:fill="{_HEADER_FILL}"/></w:tcPr>'
            for w in widths
        ]
        parts.append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>')
        for props, name in zip(head_props, header):
            parts.append(f'<w:tc>{props}<w:p><w:pPr><w:pStyle w:val="{head_style}"/></w:pPr>{_run(name)}</w:p></w:tc>')
        parts.append("</w:tr>")
    paragraph_start = f'<w:p><w:pPr><w:pStyle w:val="{text_style}"/></w:pPr>'
    for row in rows:
        # A short row moves whole to the next page rather than leaving a line or two behind;
        # a tall one may break across pages (the header row repeats above its remainder).
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>" if _estimated_lines(row, widths) <= _KEEP_WHOLE_LINES
                     else "<w:tr>")
        for props, paragraphs in zip(cell_props, row):
            parts.append(f"<w:tc>{props}")
            for runs in paragraphs or [""]:
                parts.append(f"{paragraph_start}{runs}</w:p>")
            parts.append("</w:tc>")
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    table = parse_xml("".join(parts))
    body = document.element.body
    # Word needs a paragraph after a table at the end of a section; the sectPr stays last.
    spacer = parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:after="0"/></w:pPr></w:p>')
    body.sectPr.addprevious(table)
    body.sectPr.addprevious(spacer)
