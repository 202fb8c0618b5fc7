"""Excel exports: the notes sheet among several, Excel dates, existing chronologies."""
from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

from extractors import read_export
from tests.extractors.builders import write_xlsx


def test_the_sheet_with_notes_is_chosen_among_several(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "export.xlsx", {
        "Cover": [["Case notes export"], ["Printed", datetime(2024, 1, 5)]],
        "Notes": [
            ["Case Note ID", "Event Date", "Case Note Type", "Worker", "Narrative"],
            [101, datetime(2023, 3, 12, 14, 30), "Home Visit", "J Smith", "Visited; all well."],
            [102, datetime(2023, 3, 13), "Phone Call", "J Smith", "<p>Call&nbsp;made.</p>"],
        ],
        "Lookups": [["Code", "Description"], ["HV", "Home Visit"]],
    })
    result = read_export(path)
    assert (result.format, result.shape) == ("xlsx", "row_per_note")
    first, second = result.notes
    assert (first.note_date, first.source_note_id, first.ref) == ("2023-03-12T14:30", "101", "sheet Notes row 2")
    assert second.note_date == "2023-03-13"
    assert second.text == "Call made."


def test_excel_time_cells_and_sql_server_text_dates(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "times.xlsx", {"Sheet1": [
        ["Date", "Time", "Case Note Detail"],
        [datetime(2023, 3, 12), time(9, 45), "Morning visit."],
        ["2023-03-14 16:20:00.000", None, "Afternoon call."],
    ]})
    assert [n.note_date for n in read_export(path).notes] == ["2023-03-12T09:45", "2023-03-14T16:20"]


def test_a_prior_chronology_workbook_becomes_flagged_dated_entries(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "chronology.xlsx", {"Chronology": [
        ["Date", "Age", "Category", "Source", "Description", "Analysis"],
        [datetime(2019, 6, 1), "2y", "Police", "Police", "Police called to a domestic incident.", "Sam present."],
        ["March 2020 - April 2020", "3y", "Health", "GP", "Missed health appointments.", ""],
    ]})
    result = read_export(path)
    assert result.shape == "prior_chronology"
    first, second = result.notes
    assert all("prior_chronology" in n.flags for n in result.notes)
    assert first.note_date == "2019-06-01"
    assert first.text == "Police called to a domestic incident.\n\nAnalysis: Sam present."
    assert (first.note_type, first.agency) == ("Police", "Police")
    assert second.note_date == "2020-03-01" and "approximate_date" in second.flags
