"""The splitter every long-document format shares."""
from __future__ import annotations

import pytest

from errors import CaseLensError
from extractors.base import MAX_NOTE_CHARS
from extractors.long_document import LINE, PARAGRAPH, WRAP, Line, lines_from_text, split_into_notes


def test_joiners_decide_line_breaks_paragraphs_and_wrapping() -> None:
    lines = [
        Line("12/03/2023 | Visit | J Smith", "page 1"),
        Line("A paragraph the layout", "page 1"),
        Line("wrapped here.", "page 1", WRAP),
        Line("A list:", "page 1", PARAGRAPH),
        Line("- item", "page 1", LINE),
    ]
    note = split_into_notes(lines, "n.pdf", "pdf").notes[0]
    assert note.text == "A paragraph the layout wrapped here.\n\nA list:\n- item"


def test_a_table_row_never_starts_a_note() -> None:
    lines = [Line("12/03/2023 | Visit | J Smith", "p 1"), Line("13/03/2023 | Police | Incident", "table 1 row 2", can_start_note=False)]
    notes = split_into_notes(lines, "n.docx", "docx").notes
    assert [n.text for n in notes] == ["13/03/2023 | Police | Incident"]


def test_a_header_with_no_text_keeps_its_type_as_text() -> None:
    note = split_into_notes(lines_from_text("12/03/2023 | Phone Call | J Smith\n"), "n.txt", "txt").notes[0]
    assert note.text == "Phone Call" and "metadata_only" in note.flags


def test_a_note_growing_past_the_limit_stops_the_read() -> None:
    chunk = "x" * 100_000
    lines = [Line("12/03/2023 | Visit | J", "line 1")] + [Line(chunk, f"line {i}") for i in range(MAX_NOTE_CHARS // 100_000 + 2)]
    with pytest.raises(CaseLensError) as caught:
        split_into_notes(lines, "n.txt", "txt")
    assert caught.value.code == "E108"
