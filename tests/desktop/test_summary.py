"""The Summary page: the two-minute view."""
from __future__ import annotations


def test_summary_lists_risks_household_services_gaps_and_links_events(window):
    window.show_view("summary")
    page = window.summary.page.toPlainText()
    assert "Domestic abuse" in page and "Alcohol" not in page  # the negated mention is not a current risk
    assert "Sarah Jones" in page and "Mother" in page
    assert "01632 960123" in page
    assert "MARAC status" in page
    assert "e-police" in window.summary.events_shown
    window.summary.open_event.emit("e-police")
    assert window.note_reader.highlighted_text().startswith("Police attended")
