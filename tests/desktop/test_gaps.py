"""The Gaps page: what the notes do not say."""
from __future__ import annotations


def test_gaps_show_not_found_first_and_evidence_opens_the_note(window):
    window.show_view("gaps")
    tree = window.gaps.tree
    assert tree.topLevelItem(0).text(0) == "MARAC status"
    assert "Not found" in tree.topLevelItem(0).text(1)
    found = tree.topLevelItem(1)
    assert "Found" in found.text(1)
    tree.setCurrentItem(found)
    assert window.note_reader.highlighted_text() == "School"
