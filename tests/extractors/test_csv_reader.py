"""Row-per-note CSV exports in the shapes real case management systems produce."""
from __future__ import annotations

from pathlib import Path

import pytest

from errors import CaseLensError
from extractors import read_export
from tests.extractors.builders import write_csv


def test_mosaic_style_export_reads_every_field(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "mosaic.csv", [
        ["id", "person_id", "note_type", "title", "created_on", "created_by", "note"],
        ["501", "P77", "Home Visit", "Unannounced visit", "12/03/2023 14:30", "Jane Smith",
         "Saw Sam and Mum, who said \"things are better\", at home.\nRoom was tidy.\n\nNo concerns."],
    ])
    result = read_export(path)
    assert (result.format, result.shape) == ("csv", "row_per_note")
    note = result.notes[0]
    assert note.note_date == "2023-03-12T14:30"
    assert note.text == 'Saw Sam and Mum, who said "things are better", at home.\nRoom was tidy.\n\nNo concerns.'
    assert (note.title, note.author, note.note_type) == ("Unannounced visit", "Jane Smith", "Home Visit")
    assert (note.source_note_id, note.subject_ref, note.ref) == ("501", "P77", "row 2")


def test_hackney_style_headers_are_recognised(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "hackney.csv", [
        ["RecordId", "PersonId", "Title", "Content", "DateOfEvent", "OfficerEmail", "OfficerName", "FormName"],
        ["9", "44", "Call with school", "School reported good attendance.", "2023-03-12", "j@x.invalid", "Jo Bloggs", "Case Note"],
    ])
    note = read_export(path).notes[0]
    assert (note.note_date, note.author, note.note_type, note.title) == ("2023-03-12", "Jo Bloggs", "Case Note", "Call with school")
    assert note.text == "School reported good attendance."


def test_warehouse_rows_without_narrative_become_metadata_notes(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "warehouse.csv", [
        ["FACT_CASENOTE_ID", "DIM_PERSON_ID", "EVENT_DTTM", "DIM_LOOKUP_CASNT_TYPE_ID_CODE",
         "DIM_LOOKUP_CASNT_TYPE_ID_DESC", "SEEN_FLAG", "SEEN_ALONE_FLAG"],
        ["70001", "123", "2023-03-12 14:30:00.000", "HV", "Home Visit", "Y", "N"],
        ["70002", "123", "2023-03-14 00:00:00.000", "TC", "Telephone Call", "N", "N"],
    ])
    first, second = read_export(path).notes
    assert first.note_type == "Home Visit"  # the description, not the code
    assert first.note_date == "2023-03-12T14:30"
    assert first.text == "Home Visit\nSeen: Yes\nSeen alone: No"
    assert "metadata_only" in first.flags
    assert second.note_date == "2023-03-14"  # a midnight database time means no time
    assert first.source_note_id == "70001"


def test_capita_one_separate_date_and_time_with_summary_and_detail(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "capita.csv", [
        ["Date", "Time", "Case Note Summary", "Case Note Detail", "Worker"],
        ["03/04/2023", "09:05", "Strategy discussion", "Police and health attended.", "A Khan"],
    ])
    note = read_export(path).notes[0]
    assert note.note_date == "2023-04-03T09:05"  # day first: 3 April
    assert note.title == "Strategy discussion"
    assert note.text == "Police and health attended."


def test_carefirst_observations_with_recorded_date_and_significant_flag(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "carefirst.csv", [
        ["Date of Event", "Recorded Date", "Case Note Type", "Observations", "Significant Event", "Worker"],
        ["12/03/2023", "20/03/2023", "Home Visit", "Mum disclosed the incident.", "Y", "J Smith"],
        ["13/03/2023", "13/03/2023", "Phone Call", "Left voicemail.", "N", "J Smith"],
    ])
    first, second = read_export(path).notes
    assert first.recorded_date == "2023-03-20"
    assert "significant" in first.flags and "significant" not in second.flags
    assert second.recorded_date is None  # same day as the event: nothing to keep apart


def test_html_narratives_become_clean_text(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "rich.csv", [
        ["Contact date", "Narrative"],
        ["12/03/2023", "<p>Mum &amp; Sam were <b>at home</b>.</p><p>Next&nbsp;visit in 2&nbsp;weeks.<br>Plan agreed.</p>"],
    ])
    assert read_export(path).notes[0].text == "Mum & Sam were at home.\n\nNext visit in 2 weeks.\nPlan agreed."


def test_deleted_rows_and_superseded_drafts_are_skipped_and_counted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "status.csv", [
        ["Case Note ID", "Date", "Narrative", "Status"],
        ["1", "01/03/2023", "Recorded in error.", "Deleted"],
        ["2", "02/03/2023", "First draft of the visit.", "Draft"],
        ["2", "02/03/2023", "Final version of the visit.", "Complete"],
        ["3", "03/03/2023", "A draft with no final version.", "Draft"],
    ])
    result = read_export(path)
    assert [n.text for n in result.notes] == ["Final version of the visit.", "A draft with no final version."]
    assert result.skipped == {"deleted": 1, "draft_superseded": 1}


def test_bom_and_windows_1252_encodings(tmp_path: Path) -> None:
    rows = [["Date", "Narrative"], ["12/03/2023", "Mum’s café visit – £20 given, Zoë seen"]]
    with_bom = tmp_path / "bom.csv"
    with_bom.write_bytes(b"\xef\xbb\xbf" + write_csv(tmp_path / "plain.csv", rows).read_bytes())
    cp1252 = write_csv(tmp_path / "cp1252.csv", rows, encoding="cp1252")
    for path in (with_bom, cp1252):
        assert read_export(path).notes[0].text == "Mum’s café visit – £20 given, Zoë seen"


def test_title_rows_above_the_header_and_extra_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "report.csv", [
        ["Case notes report"], [],
        ["Team", "Date of Event", "Worker", "Narrative", "Ward", "Locality"],
        ["North", "12/03/2023", "J Smith", "Visit completed.", "Central", "East"],
    ])
    note = read_export(path).notes[0]
    assert (note.agency, note.text, note.ref) == ("North", "Visit completed.", "row 4")


def test_semicolon_delimited_export(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "semi.csv", [["Date", "Notes"], ["12/03/2023", "Seen, well."]], delimiter=";")
    assert read_export(path).notes[0].text == "Seen, well."


def test_an_undated_row_is_kept_and_flagged(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "undated.csv", [
        ["Date", "Narrative"], ["", "Background from the previous authority."], ["31/02/2023", "Impossible date."],
    ])
    result = read_export(path)
    assert [n.note_date for n in result.notes] == [None, None]
    assert all("undated" in n.flags for n in result.notes)
    assert any("31/02/2023" in w for w in result.warnings)


def test_explicit_mapping_overrides_the_synonyms(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "odd.csv", [
        ["When", "What happened", "Notes"], ["12/03/2023", "Visit", "ignore me"],
    ])
    note = read_export(path, {"date": "When", "text": "What happened"}).notes[0]
    assert (note.note_date, note.text) == ("2023-03-12", "Visit")


def test_a_mapping_to_a_missing_column_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "odd.csv", [["When", "What"], ["12/03/2023", "Visit"]])
    with pytest.raises(CaseLensError) as caught:
        read_export(path, {"date": "Event date", "text": "What"})
    assert caught.value.code == "E105"
    with pytest.raises(CaseLensError) as caught:
        read_export(path, {"colour": "What"})
    assert caught.value.code == "E112"


def test_unquoted_comma_row_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Date,Narrative\n12/03/2023,Saw Mum, then Dad, then left\n", encoding="utf-8")
    with pytest.raises(CaseLensError) as caught:
        read_export(path)
    assert caught.value.code == "E104"


def test_unclosed_quote_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('Date,Narrative\n12/03/2023,"Saw Mum\n', encoding="utf-8")
    with pytest.raises(CaseLensError) as caught:
        read_export(path)
    assert caught.value.code == "E104"


def test_no_recognisable_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "budget.csv", [["Cost centre", "Amount"], ["A1", "300"]])
    with pytest.raises(CaseLensError) as caught:
        read_export(path)
    assert caught.value.code == "E105"
    assert "Cost centre" in str(caught.value)


def test_ten_thousand_columns_are_read_or_refused_cleanly(tmp_path: Path) -> None:
    header = ["Date", "Narrative"] + [f"extra{i}" for i in range(10_000)]
    row = ["12/03/2023", "Seen."] + [""] * 10_000
    assert read_export(write_csv(tmp_path / "wide.csv", [header, row])).notes[0].text == "Seen."
