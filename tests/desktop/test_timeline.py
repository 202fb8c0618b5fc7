"""The Timeline: lanes, zoom, and clicks that lead to the chronology or the note."""
from __future__ import annotations


def test_timeline_draws_key_events_in_lanes_and_click_selects_in_chronology(window):
    window.show_view("timeline")
    canvas = window.timeline.canvas
    assert set(canvas.marks) == {"e-police", "e-arrest", "e-strategy", "e-school"}
    police = canvas.marks["e-police"].sceneBoundingRect().center().y()
    school = canvas.marks["e-school"].sceneBoundingRect().center().y()
    assert police < school  # incidents lane above positive events
    before = canvas.marks["e-school"].sceneBoundingRect().center().x()
    canvas.zoom(2.0)
    assert canvas.marks["e-school"].sceneBoundingRect().center().x() > before
    canvas.event_clicked.emit("e-arrest")
    assert window.current_view() == "chronology"
    assert window.chronology.current_row()["id"] == "e-arrest"

def test_a_risk_tick_on_the_timeline_opens_its_note(window, small_case):
    window.show_view("timeline")
    canvas = window.timeline.canvas
    assert [mark.category for mark in canvas.risk_marks] == ["domestic_abuse"]  # the ruled-out one is not drawn
    canvas.risk_clicked.emit(*canvas.risk_marks[0][2:])
    assert window.note_reader.highlighted_text() == "domestic abuse incident"

def test_clicking_a_mark_on_the_timeline_goes_to_the_event(window, qtbot):
    from PySide6.QtCore import Qt

    window.show_view("timeline")
    canvas = window.timeline.canvas
    centre = canvas.mapFromScene(canvas.marks["e-school"].sceneBoundingRect().center())
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert window.current_view() == "chronology"
    assert window.chronology.current_row()["id"] == "e-school"
    assert window.note_reader.highlighted_text() == "attendance is good"
