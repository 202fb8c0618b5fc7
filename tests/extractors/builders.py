"""Small synthetic export files for the extractor tests, written the way real exports are."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from openpyxl import Workbook


@dataclass
class Note:
    """One note as a long-document generator writes it."""

    header: str
    paragraphs: list[str]
    title: str | None = None
    ref: str | None = None
    meta: list[str] = field(default_factory=list)

    def head_lines(self) -> list[str]:
        lines = [self.header]
        if self.title:
            lines.append(f"Title: {self.title}")
        if self.ref:
            lines.append(f"Ref: {self.ref}")
        return lines + self.meta


LONG_PARAGRAPH = (
    "I visited the family home this afternoon and spoke with Mum and both children in the living "
    "room about how things have been since the last review, including school attendance, which has "
    "been poor this term, the support offered by the family support worker, and Mum's plans to "
    "register with the GP surgery on the high street."
)

SAMPLE_NOTES = [
    Note(
        "12/03/2023 14:30 | Home Visit | Jane Smith (Social Worker)",
        [LONG_PARAGRAPH, "Mum said she would attend the core group on Friday. No concerns about alcohol."],
        title="Visit to discuss school",
        ref="1001",
    ),
    Note(
        "13/03/2023 - Phone Call - Jane Smith",
        ["Call from the school DSL: Sam was absent again today.", "Addendum 14/03/2023: Sam returned to school."],
    ),
    Note(
        "Date: 15/03/2023 09:15   Type: Strategy Discussion   Author: Amir Khan",
        [LONG_PARAGRAPH + " " + LONG_PARAGRAPH, "Agreed: section 47 enquiry to start."],
        ref="1003",
    ),
    Note("[16 Mar 2023] Home Visit — Jane Smith", ["Seen alone. Room tidy, food in the fridge."]),
    Note("Undated | Case Note | Jane Smith", ["Note added later about the family's history."]),
]


def write_txt(path: Path, notes: list[Note], preamble: str = "Case notes for Sam Example") -> Path:
    blocks = [preamble] if preamble else []
    for note in notes:
        blocks.append("\n".join(note.head_lines() + [note.paragraphs[0]]))
        blocks.extend(note.paragraphs[1:])
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


def write_docx(path: Path, notes: list[Note], preamble: str = "Case notes for Sam Example") -> Path:
    document = Document()
    if preamble:
        document.add_heading(preamble, level=1)
    for note in notes:
        for line in note.head_lines():
            document.add_paragraph(line)
        for paragraph in note.paragraphs:
            document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_html(path: Path, notes: list[Note], preamble: str = "Case notes for Sam Example") -> Path:
    parts = ["<!DOCTYPE html><html><head><title>Notes</title><style>p{margin:0}</style></head><body>"]
    if preamble:
        parts.append(f"<h1>{_escape(preamble)}</h1>")
    for note in notes:
        parts.append(f"<h3>{_escape(note.header)}</h3>")
        parts.extend(f"<p>{_escape(line)}</p>" for line in note.head_lines()[1:])
        parts.extend(f"<p>{_escape(p)}</p>" for p in note.paragraphs)
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def write_pdf(path: Path, notes: list[Note], preamble: str = "Case notes for Sam Example", repeat: int = 1) -> Path:
    """A PDF as a generator writes one: each paragraph a reportlab Paragraph, wrapped by the
    layout, with a running header and a "Page N of M" footer on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    story = [Paragraph(_escape(preamble), styles["Title"])] if preamble else []
    for _ in range(repeat):
        for note in notes:
            story.append(Paragraph(_escape(note.header), styles["Heading4"]))
            story.extend(Paragraph(_escape(line), styles["Normal"]) for line in note.head_lines()[1:])
            story.extend(Paragraph(_escape(p), styles["Normal"]) for p in note.paragraphs)

    def furniture(canvas, document) -> None:  # noqa: ANN001 - reportlab callback
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, 815, "OFFICIAL-SENSITIVE  Sam Example case notes")
        canvas.drawString(72, 30, f"Page {document.page} of 99")

    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=furniture, onLaterPages=furniture)
    return path


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(str(path))
    return path


def write_docx_table(path: Path, rows: list[list[str]], heading: str = "Chronology") -> Path:
    document = Document()
    document.add_heading(heading, level=1)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.save(str(path))
    return path
