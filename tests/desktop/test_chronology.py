"""The chronology as a worker uses it: filters, search, sorting, copying, reading the note."""
from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from desktop.chronology import COLUMN_INDEX


def shown_ids(window) -> list[str]:
    return [row["id"] for row in window.chronology.model.rows]


def test_key_events_only_is_the_default_and_reset_returns_to_it(window):
    window.show_view("chronology")
    assert shown_ids(window) == ["e-police", "e-arrest", "e-strategy", "e-school"]
    assert "key events only" in window.chronology.status.text()
    bar = window.chronology.filter_bar
    bar.significance.setCurrentIndex(bar.significance.findData(0))
    assert "e-visit" in shown_ids(window)
    bar.reset.click()
    assert shown_ids(window) == ["e-police", "e-arrest", "e-strategy", "e-school"]


def test_planned_events_appear_only_when_asked_for(window):
    bar = window.chronology.filter_bar
    assert "e-icpc" not in shown_ids(window)
    bar.show_uncertain.setChecked(True)
    assert "e-icpc" in shown_ids(window)
    row = window.chronology.model.rows[window.chronology.model.row_for_event("e-icpc")]
    assert "(planned)" in row["type_text"]


def test_type_person_risk_and_date_filters_combine(window):
    bar = window.chronology.filter_bar
    bar.event_type.setCurrentIndex(bar.event_type.findData("arrest"))
    assert shown_ids(window) == ["e-arrest"]
    bar.reset.click()
    bar.person.setCurrentIndex(bar.person.findData("p-mum"))
    assert shown_ids(window) == ["e-police"]
    bar.reset.click()
    bar.risk.setCurrentIndex(bar.risk.findData("domestic_abuse"))
    assert shown_ids(window) == ["e-police", "e-arrest"]
    bar.reset.click()
    bar.date_from.setDate(QDate(2023, 5, 1))
    bar.date_to.setDate(QDate(2023, 6, 30))
    assert shown_ids(window) == ["e-strategy"]
    assert "22 May 2023" not in window.chronology.status.text()  # the range is described, not the rows
    assert "1 May 2023 to 30 Jun 2023" in window.chronology.status.text()


def test_search_finds_words_in_the_source_notes(window, qtbot):
    bar = window.chronology.filter_bar
    bar.search.setText("grandmother")
    bar.search.returnPressed.emit()
    assert shown_ids(window) == ["e-school"]
    bar.search.setText("nothing-like-this")
    bar.search.returnPressed.emit()
    assert shown_ids(window) == []
    assert "Reset filters" in window.chronology.status.text()


def test_sorting_by_date_descending_and_by_significance(window):
    table = window.chronology.table
    table.sortByColumn(COLUMN_INDEX["date"], Qt.SortOrder.DescendingOrder)
    assert shown_ids(window)[0] == "e-school"
    table.sortByColumn(COLUMN_INDEX["significance"], Qt.SortOrder.DescendingOrder)
    assert shown_ids(window)[0] == "e-police"


def test_ages_are_worked_out_from_the_childs_date_of_birth(window):
    model = window.chronology.model
    first = model.index(0, COLUMN_INDEX["age"])
    assert model.data(first) == "3y 9m"


def test_copy_puts_the_selected_rows_on_the_clipboard_as_a_table(window):
    window.show_view("chronology")
    window.chronology.select_event("e-arrest")
    window.chronology.copy_selection()
    text = QApplication.clipboard().text()
    lines = text.strip().split("\n")
    assert lines[0].startswith("Date\tAge\tEvent\tSummary")
    assert "Dad was arrested" in lines[1]
    assert len(lines) == 2


def test_selecting_an_event_shows_its_note_with_the_evidence_highlighted(window, small_case, qtbot):
    window.show_view("chronology")
    window.chronology.select_event("e-arrest")
    reader = window.note_reader
    assert reader.note.id == small_case.note(1).id
    assert reader.highlighted_text() == "Dad was arrested"
    event = small_case.event("e-arrest")
    assert reader.format_at(event["start"]).background().color().name() == "#ffe066"
    assert reader.format_at(0).background().style() == Qt.BrushStyle.NoBrush
    assert "PC 1234" in reader.header.text()


def test_enter_on_an_event_opens_the_reader(window, qtbot):
    window.show_view("chronology")
    window.reader_dock.hide()
    window.chronology.table.setFocus()
    window.chronology.select_event("e-police")
    qtbot.keyClick(window.chronology.table, Qt.Key.Key_Return)
    assert window.reader_dock.isVisible()
    assert window.note_reader.highlighted_text().startswith("Police attended the home")
