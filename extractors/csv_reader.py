"""Row-per-note CSV exports (and existing chronologies saved as CSV)."""
from __future__ import annotations

import csv
import io
import re

from errors import CaseLensError
from extractors.base import MAX_NOTE_CHARS, ReadResult
from extractors.sniffing import Source, guess_delimiter
from extractors.tables import Table, notes_from_tables

_FIELD_LIMIT = re.compile(r"field larger than field limit", re.I)


def read_csv(source: Source, mapping: dict[str, str]) -> ReadResult:
    """Read a delimited text export; ``source.text`` is already decoded.

    Raises E104 for malformed CSV (an unclosed quote, a row with more cells than the header)
    and E108 for a cell over the note-size limit, before any row becomes a note."""
    text = source.text or ""
    delimiter = "\t" if source.path.suffix.lower() in {".tsv", ".tab"} else guess_delimiter(text)
    # The limit is process-wide; only ever raise it (other threads may be reading CSV too). A cell
    # past it fails fast here; a cell under it but over MAX_NOTE_CHARS is refused per note.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_NOTE_CHARS + 1))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        rows: list[list[object]] = [list(row) for row in reader]
    except csv.Error as error:
        if _FIELD_LIMIT.search(str(error)):
            raise CaseLensError(
                "E108", file=source.name, size=f"more than {MAX_NOTE_CHARS:,}", limit=f"{MAX_NOTE_CHARS:,}"
            ) from None
        raise CaseLensError("E104", file=source.name, detail=f"line {reader.line_num}: {error}") from None
    found = notes_from_tables([Table(rows, strict_width=True)], mapping, source.name)
    return ReadResult(found.notes, "csv", found.shape, found.skipped, found.warnings)
