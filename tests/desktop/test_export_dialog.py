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


def _dialog(window, qtbot):
    from desktop.export_dialog import ExportDialog

    dialog = ExportDialog(len(window.chronology.model.ids), 0, "", window,
                          case=window.case, events_for=window.export_event_ids)
    qtbot.addWidget(dialog)
    dialog.key_events.setChecked(True)
    dialog.anonymise.setChecked(True)
    return dialog


def test_anonymised_preview_shows_the_rows_without_person_names(window, qtbot):
    dialog = _dialog(window, qtbot)
    assert dialog.preview_box.isVisibleTo(dialog)
    text = dialog.preview.toPlainText()
    assert "arrested" in text and "Strategy discussion" in text
    for name in ("Sarah", "Mark", "Jones", "Jane Smith", "Ella", "Patel"):
        assert name not in text
    assert "5 entries" in dialog.preview_note.text()


def test_a_redaction_chosen_in_the_preview_reaches_the_word_document(window, qtbot, tmp_path):
    from docx import Document

    dialog = _dialog(window, qtbot)
    cursor = dialog.preview.document().find("domestic abuse")
    dialog.preview.setTextCursor(cursor)
    dialog.redact_selected()
    assert dialog.redactions() == ["domestic abuse"]
    assert "domestic abuse" not in dialog.preview.toPlainText()
    assert "[redacted]" in dialog.preview.toPlainText()

    out = tmp_path / "anonymised.docx"
    window.start_export(out, dialog.choice(), anonymise=True, summary=False, timeline=False,
                        redactions=dialog.redactions())
    cells = "\n".join(cell.text for table in Document(str(out)).tables for row in table.rows for cell in row.cells)
    assert "domestic abuse" not in cells
    assert "[redacted]" in cells
    assert "arrested" in cells


def test_removing_a_redaction_brings_the_words_back(window, qtbot):
    dialog = _dialog(window, qtbot)
    dialog.redact_text.setText("arrested")
    dialog.redact_selected()
    assert "arrested" not in dialog.preview.toPlainText()
    dialog.redaction_list.setCurrentRow(0)
    dialog.remove_selected_redaction()
    assert dialog.redactions() == []
    assert "arrested" in dialog.preview.toPlainText()


def test_csv_from_the_dialog_writes_one_row_per_event(window, qtbot, tmp_path):
    import csv

    dialog = _dialog(window, qtbot)
    dialog.anonymise.setChecked(False)
    dialog.csv.setChecked(True)
    assert dialog.export_format() == "csv" and "*.csv" in dialog.file_filter()
    assert not dialog.timeline.isEnabled()
    out = tmp_path / "chronology.csv"
    window.start_export(out, dialog.choice(), export_format=dialog.export_format())
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0][:2] == ["No.", "Date"]
    assert len(rows) == 1 + 5  # the key events: everything but the home visit
    assert any("Dad was arrested" in cell for row in rows for cell in row)
    assert "Saved 5 entries" in window.statusBar().currentMessage()
