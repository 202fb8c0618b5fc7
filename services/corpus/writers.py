"""Write a generated case in every export shape CaseLens reads, plus ``gold.json``.

Row-per-note files (CSV, XLSX) use header styles seen in real systems' exports (Mosaic, Hackney,
Capita One with separate Date and Time, a generic "Date of Event / Narrative" style); long
documents (DOCX, PDF, TXT, HTML) put one of the note header shapes of docs/internals.md before each
note. Styles and shapes rotate with the seed, so different seeds exercise different readers.
Every note appears in every file with the same canonical text; group notes appear twice.
"""
from __future__ import annotations

import csv
import html
import json
import logging
import random
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from services.corpus.dates import MONTHS
from services.corpus.generate import CaseNote, GeneratedCase, build_case
from services.corpus.gold import build_gold

log = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx", "docx", "pdf", "txt", "html")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


@dataclass(frozen=True)
class ExportRow:
    """One row of a row-per-note export: a note as recorded against one child's file."""

    note: CaseNote
    source_id: str
    person_ref: str


def _rows(case: GeneratedCase) -> list[ExportRow]:
    child_ref = f"{700000 + case.seed * 37 % 90000}"
    sibling_ref = f"{int(child_ref) + 11}"
    rows = []
    for note in case.notes:
        for index, source_id in enumerate(note.source_ids):
            rows.append(ExportRow(note, source_id, child_ref if index == 0 else sibling_ref))
    return rows


# -- row-per-note styles ------------------------------------------------------------------------
def _dt(note: CaseNote) -> datetime | None:
    if note.note_date is None:
        return None
    hour, minute = (int(part) for part in (note.time or "00:00").split(":"))
    return datetime(note.note_date.year, note.note_date.month, note.note_date.day, hour, minute)


def _uk(note: CaseNote, with_time: bool) -> str:
    if note.note_date is None:
        return ""
    text = note.note_date.strftime("%d/%m/%Y")
    return f"{text} {note.time}" if with_time and note.time else text


def _significant(note: CaseNote) -> str:
    return "Y" if any(e["significance"] >= 2 for e in note.draft.events) else "N"


def _author_email(note: CaseNote) -> str:
    first, _, last = note.author.partition(" ")
    return f"{first.lower()}.{last.lower().replace(' ', '')}@council.example"


Style = tuple[list[str], Callable[[ExportRow, bool], list]]

ROW_STYLES: dict[str, Style] = {
    "mosaic": (["id", "person_id", "note_type", "title", "created_on", "created_by", "note"],
               lambda r, cells: [r.source_id, r.person_ref, r.note.note_type, r.note.title,
                                 (_dt(r.note) if cells else (_dt(r.note).strftime("%Y-%m-%d %H:%M:%S") if _dt(r.note) else "")),
                                 r.note.author, r.note.text]),
    "hackney": (["RecordId", "PersonId", "Title", "Content", "DateOfEvent", "OfficerEmail", "OfficerName", "FormName"],
                lambda r, cells: [r.source_id, r.person_ref, r.note.title, r.note.text,
                                  (_dt(r.note) if cells else (_dt(r.note).strftime("%Y-%m-%dT%H:%M:%S") if _dt(r.note) else "")),
                                  _author_email(r.note), r.note.author, r.note.note_type]),
    "capita": (["Case Note ID", "Date", "Time", "Case Note Type", "Case Note Summary", "Case Note Detail", "Worker"],
               lambda r, cells: [r.source_id, _uk(r.note, False), r.note.time or "", r.note.note_type, r.note.title,
                                 r.note.text, r.note.author]),
    "generic": (["ID", "Date of Event", "Recorded Date", "Case Note Type", "Worker", "Narrative", "Significant Event"],
                lambda r, cells: [r.source_id, _uk(r.note, True),
                                  r.note.recorded_date.strftime("%d/%m/%Y") if r.note.recorded_date else "",
                                  r.note.note_type, f"{r.note.author} ({r.note.author_role})", r.note.text,
                                  _significant(r.note)]),
}
_ROW_ORDER = ["mosaic", "hackney", "capita", "generic"]


def row_style(seed: int, offset: int) -> str:
    return _ROW_ORDER[(seed + offset) % len(_ROW_ORDER)]


def write_csv(rows: list[ExportRow], path: Path, style: str) -> None:
    header, cells = ROW_STYLES[style]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(cells(row, False))


def write_xlsx(rows: list[ExportRow], path: Path, style: str, case: GeneratedCase) -> None:
    from openpyxl import Workbook

    header, cells = ROW_STYLES[style]
    book = Workbook()
    sheet = book.active
    sheet.title = "Case Notes"
    sheet.append(header)
    for row in rows:
        sheet.append(cells(row, True))
    info = book.create_sheet("Report Info")
    info.append(["Report", "Case notes export"])
    info.append(["Person", case.subject.name])
    info.append(["Rows", len(rows)])
    book.properties.creator = "CaseLens synthetic corpus"
    book.properties.created = book.properties.modified = _printed_at(case)
    book.save(path)
    _fix_zip_times(path, _printed_at(case))


def _printed_at(case: GeneratedCase) -> datetime:
    """The moment the export was "run": the corpus's fixed today, never the clock."""
    return datetime(case.today.year, case.today.month, case.today.day, 9, 0)


def _fix_zip_times(path: Path, when: datetime) -> None:
    """Office files are zips stamped with the time they were written (and openpyxl stamps the
    "modified" property on save); stamp them with ``when`` instead, so the same seed writes the
    same bytes."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            info.date_time = when.timetuple()[:6]
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            target.writestr(info, data)


# -- long documents -----------------------------------------------------------------------------
def _header(note: CaseNote, shape: str) -> str:
    kind, author = note.note_type, note.author
    if note.note_date is None:
        if shape == "labelled":
            return f"Date: (none)   Type: {kind}   Author: {author}"
        return f"Undated | {kind} | {author}"
    d = note.note_date
    day = d.strftime("%d/%m/%Y")
    time = f" {note.time}" if note.time else ""
    if shape == "pipes":
        return f"{day}{time} | {kind} | {author} ({note.author_role})"
    if shape == "dashes":
        return f"{day} - {kind} - {author}"
    if shape == "labelled":
        return f"Date: {day}{time}   Type: {kind}   Author: {author}"
    return f"[{d.day} {MONTHS[d.month - 1][:3]} {d.year}] {kind} \u2014 {author}"


_SHAPES = ["pipes", "dashes", "labelled", "bracketed"]


def header_shape(seed: int, offset: int) -> str:
    return _SHAPES[(seed + offset) % len(_SHAPES)]


def document_blocks(case: GeneratedCase, shape: str, with_meta: bool) -> list[tuple[str, str]]:
    """A long document as (kind, line) pairs: "title", "header", "meta" or "text"."""
    blocks = [("title", f"Case notes: {case.subject.name} (person ID {_rows(case)[0].person_ref})")]
    for row in _rows(case):
        blocks.append(("header", _header(row.note, shape)))
        if with_meta:
            blocks.append(("meta", f"Title: {row.note.title}"))
            blocks.append(("meta", f"Ref: {row.source_id}"))
        blocks.extend(("text", line) for line in row.note.text.split("\n"))
    return blocks


def _paragraphs(blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Blocks without the blank lines: in DOCX, HTML and PDF each line is its own paragraph."""
    return [(kind, line) for kind, line in blocks if line.strip()]


def write_txt(blocks: list[tuple[str, str]], path: Path) -> None:
    lines: list[str] = []
    for kind, line in blocks:
        if kind in ("header", "title") and lines:
            lines.append("")
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_html(blocks: list[tuple[str, str]], path: Path, case: GeneratedCase) -> None:
    out = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\">",
           f"<title>Case notes - {html.escape(case.subject.name)}</title></head><body>"]
    open_note = False
    for kind, line in _paragraphs(blocks):
        text = html.escape(line, quote=False)
        if kind == "title":
            out.append(f"<h1>{text}</h1>")
        elif kind == "header":
            if open_note:
                out.append("</div>")
            out.append(f"<div class=\"note\"><p class=\"note-header\"><strong>{text}</strong></p>")
            open_note = True
        elif kind == "meta":
            out.append(f"<p class=\"note-meta\">{text}</p>")
        else:
            out.append(f"<p>{text}</p>")
    if open_note:
        out.append("</div>")
    out.append("</body></html>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def write_docx(blocks: list[tuple[str, str]], path: Path, case: GeneratedCase) -> None:
    from docx import Document

    document = Document()
    printed = _printed_at(case)
    document.core_properties.author = "CaseLens synthetic corpus"
    document.core_properties.created = document.core_properties.modified = printed
    document.core_properties.last_printed = printed
    for kind, line in _paragraphs(blocks):
        if kind == "title":
            document.add_heading(line, level=1)
        elif kind == "header":
            document.add_paragraph().add_run(line).bold = True
        else:
            document.add_paragraph(line)
    document.save(str(path))
    _fix_zip_times(path, printed)


def write_pdf(blocks: list[tuple[str, str]], path: Path, case: GeneratedCase) -> bool:
    """Write the PDF print-out with reportlab (a dev-only dependency). Returns False, with a
    warning, when reportlab is not installed."""
    try:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.pdfgen import canvas as pdf_canvas
        from reportlab.platypus import Paragraph, SimpleDocTemplate
    except ImportError:
        log.warning("reportlab is not installed: case.pdf was not written (pip install reportlab)")
        return False

    title = f"Case notes - {case.subject.name}"

    class NumberedCanvas(pdf_canvas.Canvas):
        """Running title and "Page N of M" on every page: the furniture real print-outs carry."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont("Helvetica", 8)
                self.drawString(40, A4[1] - 30, title)
                self.drawRightString(A4[0] - 40, 25, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    styles = getSampleStyleSheet()
    body, bold = styles["Normal"], styles["Heading5"]
    story = []
    for kind, line in _paragraphs(blocks):
        text = html.escape(line, quote=False)
        story.append(Paragraph(text, bold if kind in ("header", "title") else body))
    SimpleDocTemplate(str(path), pagesize=A4, title=title, topMargin=50, bottomMargin=45, invariant=1).build(
        story, canvasmaker=NumberedCanvas)
    return True


# -- the whole case -----------------------------------------------------------------------------
def write_case(case: GeneratedCase, out_dir: Path) -> dict[str, Path]:
    """Write ``case.<ext>`` for every format, ``gold.json`` and ``reexport/case.csv``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = _rows(case)
    seed = case.seed
    written: dict[str, Path] = {}
    csv_style = row_style(seed, 0)
    write_csv(rows, out_dir / "case.csv", csv_style)
    written["csv"] = out_dir / "case.csv"
    write_xlsx(rows, out_dir / "case.xlsx", row_style(seed, 1), case)
    written["xlsx"] = out_dir / "case.xlsx"
    meta_rng = random.Random(seed * 31 + 5)
    for offset, fmt in enumerate(("txt", "docx", "pdf", "html")):
        blocks = document_blocks(case, header_shape(seed, offset), with_meta=meta_rng.random() < 0.5)
        target = out_dir / f"case.{fmt}"
        if fmt == "txt":
            write_txt(blocks, target)
        elif fmt == "docx":
            write_docx(blocks, target, case)
        elif fmt == "html":
            write_html(blocks, target, case)
        elif not write_pdf(blocks, target, case):
            continue
        written[fmt] = target
    gold = build_gold(case)
    gold["files"] = {fmt: path.name for fmt, path in written.items()}
    gold["styles"] = {"csv": csv_style, "xlsx": row_style(seed, 1),
                      **{fmt: header_shape(seed, offset) for offset, fmt in enumerate(("txt", "docx", "pdf", "html"))}}
    if case.reexport is not None:
        reexport_dir = out_dir / "reexport"
        reexport_dir.mkdir(exist_ok=True)
        write_csv([ExportRow(case.reexport, case.reexport.source_ids[0], rows[0].person_ref)],
                  reexport_dir / "case.csv", csv_style)
    (out_dir / "gold.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return written


def generate_case(out_dir: Path, notes: int = 600, seed: int = 7, *, held_out: bool = False) -> Path:
    """Generate the case for ``seed`` with ``notes`` current notes into ``out_dir``; returns
    ``out_dir``. Deterministic: the same arguments always write the same bytes. ``held_out``
    also uses the phrasings kept back for evaluation."""
    out_dir = Path(out_dir)
    write_case(build_case(notes=notes, seed=seed, held_out=held_out), out_dir)
    return out_dir
