"""Reading case-note export files into ``RawNote``s.

``read_export(path, mapping)`` is the one entry point: it reads the file, decides what it
really is (``sniffing.sniff_format``: bytes first, extension second), and hands it to the
reader registered for that format. Every problem with the file is a ``CaseLensError`` from the
catalogue (E101-E113); a file is read whole or refused whole, never partly.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from errors import CaseLensError
from extractors.base import MAX_NOTE_CHARS, RawNote, ReadResult, canonical_text, note_identity
from extractors.columns import MAPPING_FIELDS, validate_mapping
from extractors.sniffing import Source, sniff_format

__all__ = [
    "MAPPING_FIELDS",
    "MAX_NOTE_CHARS",
    "READERS",
    "RawNote",
    "ReadResult",
    "canonical_text",
    "note_identity",
    "read_export",
    "reader_for",
]

Reader = Callable[[Source, dict[str, str]], ReadResult]

# One reader per format (module, function); ``sniff_format`` returns one of these keys. A
# reader's module is imported when a file of its format is first read: the Word, PDF and Excel
# libraries took a third of a second to import, which every start of the command line paid.
READERS: dict[str, tuple[str, str]] = {
    "csv": ("extractors.csv_reader", "read_csv"),
    "xlsx": ("extractors.xlsx_reader", "read_xlsx"),
    "docx": ("extractors.docx_reader", "read_docx"),
    "pdf": ("extractors.pdf_reader", "read_pdf"),
    "txt": ("extractors.txt_reader", "read_txt"),
    "html": ("extractors.html_reader", "read_html"),
}


def reader_for(file_format: str) -> Reader:
    """The reader of one of the ``READERS`` formats."""
    module, function = READERS[file_format]
    return getattr(importlib.import_module(module), function)


def read_export(path: Path | str, mapping: dict[str, str] | None = None) -> ReadResult:
    """Read one export file into notes.

    ``mapping`` ({field: column header}, fields as in ``MAPPING_FIELDS``) overrides the column
    synonyms for table exports. Raises ``CaseLensError``: E101 empty, E102 not a readable format,
    E103 undecodable, E104 malformed CSV, E105 no usable columns, E106 password-protected,
    E107 PDF without text, E108 a note over ``MAX_NOTE_CHARS``, E109 damaged, E110 missing,
    E111 zip bomb, E112 bad mapping, E113 no notes."""
    path = Path(path)
    checked_mapping = validate_mapping(mapping)
    try:
        data = path.read_bytes()
    except (OSError, ValueError):
        raise CaseLensError("E110", file=str(path)) from None
    source = Source(path, data)
    file_format = "file"
    try:
        file_format = sniff_format(source)
        result = reader_for(file_format)(source, checked_mapping)
    except CaseLensError:
        raise
    except RecursionError:
        raise CaseLensError("E109", file=source.name, detail="its structure is nested too deeply") from None
    except MemoryError:
        raise CaseLensError("E109", file=source.name, detail="it is too large to read") from None
    except Exception as error:  # a format library failing on a damaged file; never a traceback
        raise CaseLensError("E109", file=source.name, detail=f"{file_format.upper()} reader: {type(error).__name__}") from None
    if not result.notes:
        detail = ", ".join(f"{count} {why.replace('_', ' ')}" for why, count in sorted(result.skipped.items()))
        raise CaseLensError("E113", file=source.name, detail=f"every row was skipped: {detail}" if detail else "no rows under the header")
    return result
