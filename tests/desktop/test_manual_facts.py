"""The worker's own facts in the app: an added event, a risk from selected note text and a
person split in two; each undoable and kept through re-extraction."""
from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.manual_facts import AddRiskDialog
from store import open_case, queries
from store.facts import replace_note_facts
from tests.desktop.conftest import build_facts


def _re_extract(window, small_case):
    events, risks, mentions = build_facts(small_case.notes)
    with open_case(small_case.path) as case:
        replace_note_facts(case, [n.id for n in small_case.notes], mentions=mentions, events=events, risks=risks)
    window.refresh_all()


def test_an_event_added_through_the_dialog_shows_is_undoable_and_survives_re_extraction(window, small_case):
    view = window.chronology
    dialog = view.add_event()
    dialog.date.setText("01/04/2023")
    dialog.type.setCurrentIndex(dialog.type.findData("household_change"))
    dialog.summary.setPlainText("Dad moved back into the family home")
    dialog.impact.setPlainText("Ella is unsettled at night")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    added = next(r for r in view.model.rows if r.get("manual"))
    assert (added["date"], added["summary"]) == ("2023-04-01", "Dad moved back into the family home")
    assert added["source_text"].startswith("Added by you") and added["age_text"] == "3y 10m"
    _re_extract(window, small_case)
    assert any(r["id"] == added["id"] for r in view.model.rows)
    window.undo_stack.undo()
    assert view.model.row_for_event(added["id"]) == -1
    window.undo_stack.redo()
    assert view.model.row_for_event(added["id"]) >= 0


def test_an_event_without_a_summary_or_with_a_bad_date_is_not_stored(window):
    dialog = window.chronology.add_event()
    dialog.date.setText("31/02/2023")
    dialog.summary.setPlainText("Something")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible() and "not a date" in dialog.problem.text()
    dialog.reject()
    assert not any(r.get("manual") for r in window.chronology.model.rows)


def test_a_risk_added_from_text_selected_in_the_note_reader(window, small_case):
    note = small_case.notes[3]
    window.read_span(note.id, 0, 6)
    reader = window.note_reader
    start = note.text.index("Grandmother collects")
    reader.select_span(start, start + len("Grandmother collects her daily"))
    assert reader.add_risk_button.isEnabled()
    reader.request_risk()
    dialog = window.findChild(AddRiskDialog)
    dialog.category.setCurrentIndex(dialog.category.findData("young_carer"))
    dialog.accept()
    window.show_view("risks")
    rows = {window.risks.table.topLevelItem(i).text(0): window.risks.table.topLevelItem(i)
            for i in range(window.risks.table.topLevelItemCount())}
    assert "Young carer" in rows
    _re_extract(window, small_case)
    window.show_view("summary")
    assert "Young carer" in window.summary.page.toPlainText()
    window.undo_stack.undo()
    window.show_view("summary")
    assert "Young carer" not in window.summary.page.toPlainText()


def test_a_person_split_in_two_takes_the_chosen_mentions_and_undo_joins_them(window):
    window.show_view("people")
    mum = next(p for p in queries.people(window.case) if p["id"] == "p-mum")
    dialog = window.people.split_mentions(mum)
    dialog.name.setText("Aunt Sarah")
    dialog.relationship.setCurrentIndex(dialog.relationship.findData("aunt"))
    dialog.mentions.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.accept()
    family = window.people.tree.topLevelItem(0)
    assert any("Aunt Sarah" in family.child(i).text(0) for i in range(family.childCount()))
    new_id = next(p["id"] for p in queries.people(window.case) if p["name"] == "Aunt Sarah")
    assert queries.chronology_ids(window.case, person_id=new_id) == ["e-visit"]
    window.undo_stack.undo()
    assert not any(p["name"] == "Aunt Sarah" for p in queries.people(window.case))
    assert queries.chronology_ids(window.case, person_id="p-mum") == ["e-visit", "e-police"]


def test_with_two_children_the_age_is_the_concerned_childs_or_each_childs(window):
    from store import cases

    cases.set_subjects(window.case, [{"person_id": "subject", "name": "Ella Jones", "dob": "2019-06-01"},
                                     {"person_id": "p-dad", "name": "Sam Jones", "dob": "2021-06-01"}])
    window.refresh_all()
    model = window.chronology.model
    arrest = model.rows[model.row_for_event("e-arrest")]
    assert arrest["age_text"] == "1y 9m"
    strategy = model.rows[model.row_for_event("e-strategy")]
    assert strategy["age_text"] == "Ella 3y 11m · Sam 1y 11m"
