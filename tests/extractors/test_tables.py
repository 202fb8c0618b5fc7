"""Finding the header row and the shape of a table."""
from __future__ import annotations

from extractors.tables import Table, find_layout, notes_from_tables


def test_the_header_is_found_below_title_rows() -> None:
    table = Table([["Export of case notes"], [], ["Date", "Worker", "Narrative"], ["12/03/2023", "J", "Seen."]])
    layout = find_layout(table, {}, "n.xlsx")
    assert layout is not None and layout.header_index == 2 and layout.shape == "row_per_note"


def test_a_chronology_is_told_apart_from_a_notes_export() -> None:
    chronology = Table([["Date", "Age", "Source", "Description", "Analysis"], ["2019", "2", "GP", "Seen.", ""]])
    notes = Table([["Date", "Case Note Type", "Description"], ["12/03/2023", "Visit", "Seen."]])
    assert find_layout(chronology, {}, "c.xlsx").shape == "prior_chronology"
    assert find_layout(notes, {}, "n.xlsx").shape == "row_per_note"


def test_a_whole_number_id_typed_into_excel_loses_its_decimal() -> None:
    table = Table([["Note ID", "Date", "Narrative"], [123.0, "12/03/2023", "Seen."]], "sheet Notes")
    note = notes_from_tables([table], {}, "n.xlsx").notes[0]
    assert (note.source_note_id, note.ref) == ("123", "sheet Notes row 2")
