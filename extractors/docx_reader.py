"""Word documents: an existing chronology or notes table, or a long document of notes."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph

from errors import CaseLensError
from extractors.base import ReadResult
from extractors.long_document import LINE, PARAGRAPH, Line, read_tables_or_document
from extractors.sniffing import Source
from extractors.tables import Table, cell_text

_PARAGRAPH_TAG = qn("w:p")
_TABLE_TAG = qn("w:tbl")
_CONTENT_CONTROL_TAG = qn("w:sdt")
_CONTENT_TAG = qn("w:sdtContent")


def _blocks(parent: object) -> Iterator[object]:
    """Paragraph and table elements in reading order, looking inside content controls."""
    for child in parent.iterchildren():  # type: ignore[attr-defined]
        if child.tag in (_PARAGRAPH_TAG, _TABLE_TAG):
            yield child
        elif child.tag == _CONTENT_CONTROL_TAG:
            for content in child.iterchildren(_CONTENT_TAG):
                yield from _blocks(content)


def read_docx(source: Source, mapping: dict[str, str]) -> ReadResult:
    """Tables with recognised columns are read row by row; otherwise paragraphs are split at headers."""
    try:
        document = Document(io.BytesIO(source.data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, SyntaxError) as error:
        raise CaseLensError("E109", file=source.name, detail=f"the Word document is damaged: {type(error).__name__}") from None
    lines: list[Line] = []
    tables: list[Table] = []
    paragraph_number = 0
    for element in _blocks(document.element.body):
        if element.tag == _PARAGRAPH_TAG:
            paragraph_number += 1
            text = Paragraph(element, document).text
            joiner = PARAGRAPH
            for part in text.split("\n"):
                if part.strip():
                    lines.append(Line(part, f"paragraph {paragraph_number}", joiner))
                    joiner = LINE
            continue
        # A one-row table is layout (some print-outs put each note's header in one); a longer
        # table is data, and its rows never start a note.
        table = WordTable(element, document)
        rows: list[list[object]] = [[cell.text for cell in row.cells] for row in table.rows]
        tables.append(Table(rows, f"table {len(tables) + 1}"))
        for row_number, row in enumerate(rows, start=1):
            cells = [cell_text(c).replace("\n", " ") for c in row]
            if any(cells):
                row_text = " | ".join(c for c in cells if c)
                lines.append(Line(row_text, f"table {len(tables)} row {row_number}", can_start_note=len(rows) == 1))
    if not lines and not tables:
        raise CaseLensError("E101", file=source.name)
    return read_tables_or_document(tables, lines, mapping, source.name, "docx")
