"""Exporting the chronology to Word from the window."""
from __future__ import annotations


def test_export_to_word_writes_the_rows_shown_with_the_timeline(window, tmp_path):
    from docx import Document

    bar = window.chronology.filter_bar
    bar.event_type.setCurrentIndex(bar.event_type.findData("arrest"))
    out = tmp_path / "chronology.docx"
    window.start_export(out, "filter", summary=False, timeline=True)
    assert out.exists()
    document = Document(str(out))
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Dad was arrested" in text
    assert "Police attended" not in text
    assert document.inline_shapes  # the timeline picture
    assert "Saved 1 entries" in window.statusBar().currentMessage()
