"""HTML print-outs and subject-access bundles: a table of notes, or notes under header lines."""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from errors import CaseLensError
from extractors.base import ReadResult
from extractors.html_text import check_nesting, html_to_text
from extractors.long_document import lines_from_text, split_into_notes
from extractors.sniffing import Source
from extractors.tables import Table, notes_from_tables


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
    """A table with recognised columns is read row by row; otherwise the text is split at headers."""
    markup = source.text or ""
    check_nesting(markup, source.name)
    tables = _tables(markup) if "<table" in markup.lower() else []
    if tables or mapping:
        try:
            found = notes_from_tables(tables, mapping, source.name)
        except CaseLensError as error:
            if error.code != "E105" or mapping:
                raise
        else:
            return ReadResult(found.notes, "html", found.shape, found.skipped, found.warnings)
    return split_into_notes(lines_from_text(html_to_text(markup, source.name), by_paragraph=True), source.name, "html")
