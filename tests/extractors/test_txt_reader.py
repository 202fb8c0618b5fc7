"""Plain-text long documents and the header shapes that split them."""
from __future__ import annotations

from pathlib import Path

import pytest

from errors import CaseLensError
from extractors import read_export
from tests.extractors.builders import SAMPLE_NOTES, Note, write_txt


def test_every_required_header_shape_starts_a_note(tmp_path: Path) -> None:
    result = read_export(write_txt(tmp_path / "notes.txt", SAMPLE_NOTES))
    assert (result.format, result.shape) == ("txt", "long_document")
    assert [(n.note_date, n.note_type, n.author) for n in result.notes] == [
        ("2023-03-12T14:30", "Home Visit", "Jane Smith"),
        ("2023-03-13", "Phone Call", "Jane Smith"),
        ("2023-03-15T09:15", "Strategy Discussion", "Amir Khan"),
        ("2023-03-16", "Home Visit", "Jane Smith"),
        (None, "Case Note", "Jane Smith"),
    ]
    assert result.notes[0].author_role == "Social Worker"
    assert result.notes[0].ref == "line 3"
    assert any("before the first note header" in w for w in result.warnings)


def test_addenda_stay_in_their_note(tmp_path: Path) -> None:
    notes = read_export(write_txt(tmp_path / "notes.txt", SAMPLE_NOTES)).notes
    assert notes[1].text == "Call from the school DSL: Sam was absent again today.\n\nAddendum 14/03/2023: Sam returned to school."


def test_labelled_undated_header_and_metadata_lines(tmp_path: Path) -> None:
    path = write_txt(tmp_path / "n.txt", [
        Note("Date: (none)   Type: Home Visit   Author: Jane Smith", ["Text."], title="Old note", ref="77",
             meta=["Status: Complete"]),
    ])
    note = read_export(path).notes[0]
    assert (note.note_date, note.title, note.source_note_id, note.status, note.text) == (None, "Old note", "77", "Complete", "Text.")
    assert "undated" in note.flags


def test_deleted_and_superseded_draft_notes_in_a_document(tmp_path: Path) -> None:
    path = write_txt(tmp_path / "n.txt", [
        Note("12/03/2023 | Visit | J Smith", ["Draft text."], ref="5", meta=["Status: Draft"]),
        Note("12/03/2023 | Visit | J Smith", ["Final text."], ref="5", meta=["Status: Complete"]),
        Note("13/03/2023 | Visit | J Smith", ["Wrong child."], ref="6", meta=["Status: Deleted"]),
    ])
    result = read_export(path)
    assert [n.text for n in result.notes] == ["Final text."]
    assert result.skipped == {"draft_superseded": 1, "deleted": 1}


def test_a_document_without_any_note_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("Dear Ms Smith,\n\nThank you for your letter.\n", encoding="utf-8")
    with pytest.raises(CaseLensError) as caught:
        read_export(path)
    assert caught.value.code == "E113"


def test_a_print_out_with_the_header_over_several_lines(tmp_path: Path) -> None:
    path = tmp_path / "sar.txt"
    path.write_text(
        "Subject access bundle\n\n"
        "Date of Event: 12/03/2023 14:30\nCase Note Type: Home Visit\nRecorded By: Jane Smith (Social Worker)\n"
        "Saw Sam at home.\n\n"
        "Date of Event: 14/03/2023\nCase Note Type: Phone Call\nRecorded By: Amir Khan\n"
        "Type: of call was a welfare check.\n",
        encoding="utf-8",
    )
    first, second = read_export(path).notes
    assert (first.note_date, first.note_type, first.author, first.author_role) == ("2023-03-12T14:30", "Home Visit", "Jane Smith", "Social Worker")
    assert first.text == "Saw Sam at home."
    assert (second.note_type, second.text) == ("Phone Call", "Type: of call was a welfare check.")
