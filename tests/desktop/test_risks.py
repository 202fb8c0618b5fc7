"""The Risks page: current mentions counted, the others kept apart; strengths too."""
from __future__ import annotations

from desktop.evidence import MENTION_ROLE


def test_risks_keep_negated_mentions_apart(window):
    window.show_view("risks")
    view = window.risks
    labels = [view.table.topLevelItem(i).text(0) for i in range(view.table.topLevelItemCount())]
    assert labels[0] == "Domestic abuse"
    alcohol = next(view.table.topLevelItem(i) for i in range(len(labels)) if labels[i] == "Alcohol misuse")
    assert alcohol.text(4) == "0" and alcohol.text(6) == "1"
    view.table.setCurrentItem(alcohol)
    assert view.current.topLevelItem(0).text(2) == "No current mentions."
    assert view.other.topLevelItem(0).text(1) == "Ruled out"
    assert "no concerns about alcohol" in view.other.topLevelItem(0).text(2)
    view.other.setCurrentItem(view.other.topLevelItem(0))
    assert window.note_reader.highlighted_text() == "no concerns about alcohol"

def test_the_risks_page_also_lists_strengths(window, small_case):
    from store.facts import replace_note_facts
    from tests.desktop.conftest import build_facts

    note = small_case.note(3)
    start = note.text.index("attendance is good")
    events, risks, mentions = build_facts(small_case.notes)
    replace_note_facts(window.case, [n.id for n in small_case.notes], mentions=mentions, events=events, risks=risks,
                       strengths=[{"id": "s1", "note_id": note.id, "start": start, "end": start + 18,
                                   "text": "attendance is good", "category": "school_attendance"}])
    window.show_view("risks")
    window.risks.show_strengths.setChecked(True)
    assert window.risks.table.topLevelItem(0).text(0) == "School attendance"
    assert window.risks.current.topLevelItem(0).text(2).startswith("School reported")
    window.risks.current.correct_mention(window.risks.current.topLevelItem(0).data(0, MENTION_ROLE),
                                         {"status": "uncertain"})
    assert window.risks.table.topLevelItem(0).text(4) == "0"
