"""HTML print-outs and subject-access bundles: a table of notes, or notes under header lines."""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from extractors.base import ReadResult
from extractors.html_text import check_nesting, html_to_text
from extractors.long_document import lines_from_text, read_tables_or_document
from extractors.sniffing import Source
from extractors.tables import Table


def _tables(markup: str) -> list[Table]:
    """Each ``<table>``'s rows as cells of clean text (a cell may hold paragraphs)."""
    tree = LexborHTMLParser(markup)
    tables: list[Table] = []
    for number, table in enumerate(tree.css("table"), start=1):
        rows = [
            [html_to_text(cell.html or "") for cell in row.css("td, th")]
            for row in table.css("tr")
        ]
        if len(rows) > 1:
            tables.append(Table(rows, f"table {number}"))
    return tables


def read_html(source: Source, mapping: dict[str, str]) -> ReadResult:
    """A table of notes or a chronology is read row by row, notes under headers are split at
    the headers; a page with both is read the way that finds more notes."""
    markup = source.text or ""
    check_nesting(markup, source.name)
    tables = _tables(markup) if "<table" in markup.lower() else []
    lines = lines_from_text(html_to_text(markup, source.name), by_paragraph=True)
    return read_tables_or_document(tables, lines, mapping, source.name, "html")
