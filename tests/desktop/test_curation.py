"""Corrections made in the chronology: stored, marked edited, undoable, kept through re-extraction."""
from __future__ import annotations

from desktop.chronology import COLUMN_INDEX
from desktop.evidence import MENTION_ROLE
from store import open_case
from store.facts import replace_note_facts
from tests.desktop.conftest import build_facts


def row(window, event_id: str) -> dict:
    model = window.chronology.model
    return model.rows[model.row_for_event(event_id)]


def test_marking_key_hiding_and_reviewing_are_stored_and_undoable(window):
    view = window.chronology
    view.filter_bar.significance.setCurrentIndex(view.filter_bar.significance.findData(0))
    view.select_event("e-visit")
    view.toggle_key()
    assert row(window, "e-visit")["significance"] == 2
    assert row(window, "e-visit")["curated"]
    assert row(window, "e-visit")["reviewed"]  # an edit counts as reviewed
    view.toggle_reviewed()
    assert not row(window, "e-visit")["reviewed"]
    model = view.model
    assert model.data(model.index(model.row_for_event("e-visit"), COLUMN_INDEX["summary"])).startswith("✎ ")
    view.select_event("e-visit")
    view.toggle_hidden()
    assert view.model.row_for_event("e-visit") == -1
    window.undo_stack.undo()
    assert row(window, "e-visit")["hidden"] is False
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert row(window, "e-visit")["significance"] == 1
    assert not row(window, "e-visit")["curated"]


def test_edits_to_text_date_and_type_show_and_survive_re_extraction(window, small_case, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    view = window.chronology
    view.select_event("e-arrest")
    monkeypatch.setattr(QInputDialog, "getMultiLineText",
                        staticmethod(lambda *a, **k: ("Father arrested at the home", True)))
    view.edit_summary()
    monkeypatch.setattr(QInputDialog, "getMultiLineText",
                        staticmethod(lambda *a, **k: ("Ella saw her father taken away", True)))
    view.edit_impact()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("03/2023", True)))
    view.edit_date()
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: ("Police attendance", True)))
    view.edit_type()
    edited = row(window, "e-arrest")
    assert edited["summary"] == "Father arrested at the home"
    assert edited["impact"] == "Ella saw her father taken away"
    assert (edited["date"], edited["precision"]) == ("2023-03", "month")
    assert edited["type"] == "police_attendance"
    assert edited["date_text"] == "Mar 2023"

    events, risks, mentions = build_facts(small_case.notes)
    with open_case(small_case.path) as case:
        replace_note_facts(case, [n.id for n in small_case.notes], mentions=mentions, events=events, risks=risks)
    window.refresh_all()
    again = row(window, "e-arrest")
    assert again["summary"] == "Father arrested at the home"
    assert again["impact"] == "Ella saw her father taken away"
    assert again["type"] == "police_attendance"


def test_an_invalid_date_is_asked_again_not_stored(window, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    answers = iter([("31/02/2023", True), ("", False)])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: next(answers)))
    window.chronology.select_event("e-arrest")
    window.chronology.edit_date()
    assert row(window, "e-arrest")["date"] == "2023-03-04"
    assert not row(window, "e-arrest")["curated"]


def test_a_risk_ruled_out_by_mistake_can_be_made_current_and_undone(window):
    window.show_view("risks")
    view = window.risks

    def alcohol_row():
        return next(view.table.topLevelItem(i) for i in range(view.table.topLevelItemCount())
                    if view.table.topLevelItem(i).text(0) == "Alcohol misuse")

    view.table.setCurrentItem(alcohol_row())
    mention = view.other.topLevelItem(0).data(0, MENTION_ROLE)
    assert mention.status == "negated"
    view.other.correct_mention(mention, {"status": "current"})
    assert alcohol_row().text(4) == "1"
    window.show_view("summary")
    assert "Alcohol misuse" in window.summary.page.toPlainText()
    window.undo_stack.undo()
    window.show_view("risks")
    assert alcohol_row().text(4) == "0"


def test_renaming_a_person_and_changing_household_survive_re_resolution(window, small_case):
    from store.facts import replace_case_facts
    from tests.desktop.conftest import GAPS, PEOPLE

    window.show_view("people")
    window.people.correct.emit("person", "p-dad", {"name": "Mark Jones (birth father)"}, "Rename a person")
    window.people.correct.emit("person", "p-dad", {"household": True}, "Change household")
    with open_case(small_case.path) as case:
        replace_case_facts(case, PEOPLE, {}, GAPS)
    window.refresh_all()
    family = window.people.tree.topLevelItem(0)
    names = {family.child(i).text(0): family.child(i).text(2) for i in range(family.childCount())}
    assert names["✎ Mark Jones (birth father)"] == "Yes"


def test_a_correction_whose_event_vanished_is_kept_and_listed_for_review(window, small_case):
    window.chronology.select_event("e-arrest")
    window.chronology.toggle_reviewed()
    events, risks, mentions = build_facts(small_case.notes)
    with open_case(small_case.path) as case:
        replace_note_facts(case, [n.id for n in small_case.notes], mentions=mentions,
                           events=[e for e in events if e["id"] != "e-arrest"], risks=risks)
    window.refresh_all()
    assert "(1)" in window.orphans_action.text()
    dialog = window.show_orphaned_corrections()
    item = dialog.table.topLevelItem(0)
    assert item.text(0) == "event e-arrest" and item.text(1) == "reviewed"


def test_merging_two_people_folds_names_contacts_and_risks_and_undo_splits_them(window):
    window.show_view("people")
    window.people.correct.emit("person", "p-dad", {"merged_into": "p-mum"}, "Merge people")
    family = window.people.tree.topLevelItem(0)
    assert family.childCount() == 1
    merged = family.child(0)
    assert merged.text(0) == "✎ Sarah Jones"
    assert "Mark Jones" in merged.toolTip(0)
    window.people.tree.setCurrentItem(None)
    window.people.tree.setCurrentItem(merged)
    assert "1 current" in window.people.caption.text()
    window.undo_stack.undo()
    assert window.people.tree.topLevelItem(0).childCount() == 2


def test_two_rows_for_one_event_are_merged_and_split_again(window):
    view = window.chronology
    view.filter_bar.significance.setCurrentIndex(view.filter_bar.significance.findData(0))
    view.select_event("e-police")
    view.table.selectRow(view.model.row_for_event("e-arrest"))
    view.table.selectionModel().select(
        view.model.index(view.model.row_for_event("e-police"), 0),
        view.table.selectionModel().SelectionFlag.Select | view.table.selectionModel().SelectionFlag.Rows)
    view.merge_selected()
    assert view.model.row_for_event("e-arrest") == -1
    police = row(window, "e-police")
    assert "also recorded 1 more time" in police["source_text"]
    view.select_event("e-police")
    view.split_copies()
    assert view.model.row_for_event("e-arrest") >= 0
    assert "also recorded" not in row(window, "e-police")["source_text"]
