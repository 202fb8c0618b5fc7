"""Word documents: long documents of notes and existing chronology tables."""
from __future__ import annotations

from pathlib import Path

from docx import Document

from extractors import read_export
from tests.extractors.builders import SAMPLE_NOTES, write_docx, write_docx_table


def test_a_long_document_is_split_at_note_headers(tmp_path: Path) -> None:
    result = read_export(write_docx(tmp_path / "notes.docx", SAMPLE_NOTES))
    assert (result.format, result.shape, len(result.notes)) == ("docx", "long_document", 5)
    first = result.notes[0]
    assert (first.title, first.source_note_id, first.note_date) == ("Visit to discuss school", "1001", "2023-03-12T14:30")
    assert first.text.endswith("No concerns about alcohol.")
    assert "Title:" not in first.text and "Ref:" not in first.text
    assert result.notes[1].text.endswith("Addendum 14/03/2023: Sam returned to school.")
    assert result.notes[4].note_date is None and "undated" in result.notes[4].flags


def test_soft_line_breaks_stay_line_breaks(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("12/03/2023 | Home Visit | J Smith")
    document.add_paragraph("Present:\nMum\nSam")
    document.save(str(tmp_path / "breaks.docx"))
    assert read_export(tmp_path / "breaks.docx").notes[0].text == "Present:\nMum\nSam"


def test_a_word_chronology_table_becomes_prior_chronology_entries(tmp_path: Path) -> None:
    path = write_docx_table(tmp_path / "chronology.docx", [
        ["Date", "Age", "Category", "Source", "Description", "Analysis"],
        ["12/03/2019", "2y 3m", "Police", "Police", "Domestic incident; Sam present.", "Exposure to DA."],
        ["2020", "3y", "Education", "School", "Started nursery.", ""],
    ])
    result = read_export(path)
    assert result.shape == "prior_chronology"
    assert [n.note_date for n in result.notes] == ["2019-03-12", "2020-01-01"]
    assert result.notes[0].text == "Domestic incident; Sam present.\n\nAnalysis: Exposure to DA."
    assert "approximate_date" in result.notes[1].flags
    assert all("prior_chronology" in n.flags for n in result.notes)


def test_a_bundle_with_a_short_table_in_front_of_its_notes_reads_the_notes(tmp_path: Path) -> None:
    document = Document()
    document.add_heading("Subject access bundle", level=1)
    table = document.add_table(rows=2, cols=3)
    for c, value in enumerate(["Date", "Age", "Description"]):
        table.cell(0, c).text = value
    for c, value in enumerate(["01/01/2020", "1y", "Referral received."]):
        table.cell(1, c).text = value
    for note in SAMPLE_NOTES:
        for line in note.head_lines() + note.paragraphs:
            document.add_paragraph(line)
    document.save(str(tmp_path / "bundle.docx"))
    result = read_export(tmp_path / "bundle.docx")
    assert (result.shape, len(result.notes)) == ("long_document", len(SAMPLE_NOTES))
