"""Plain-text long documents: notes one after another, each starting with a header line."""
from __future__ import annotations

from extractors.base import ReadResult
from extractors.long_document import lines_from_text, split_into_notes
from extractors.sniffing import Source


def read_txt(source: Source, mapping: dict[str, str]) -> ReadResult:
    """Split the decoded text at note headers (a column mapping does not apply to a document)."""
    return split_into_notes(lines_from_text(source.text or ""), source.name, "txt")
