"""The other views and the window itself: summary, people, risks, gaps, timeline, settings."""
from __future__ import annotations

from pathlib import Path

from desktop.evidence import MENTION_ROLE
from desktop.main_window import MainWindow
from desktop.settings import Settings


def test_case_bar_names_the_child_and_counts(window):
    text = window.case_bar.child.text()
    assert "Ella Jones" in text and "born 1 Jun 2019" in text
    facts = window.case_bar.facts.text()
    assert "10 Jan 2023 – 15 Sep 2023" in facts and "4 notes" in facts and "5 key events of 6" in facts


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


def test_people_groups_family_and_professionals_with_contacts(window):
    window.show_view("people")
    tree = window.people.tree
    family = tree.topLevelItem(0)
    assert family.text(0).startswith("Family and household (2)")
    assert {family.child(i).text(0) for i in range(family.childCount())} == {"Sarah Jones", "Mark Jones"}
    professionals = tree.topLevelItem(1)
    assert professionals.child(0).text(4) == "01632 960123"
    tree.setCurrentItem(family.child(0))
    assert "Risks that concern" in window.people.caption.text()


def test_gaps_show_not_found_first_and_evidence_opens_the_note(window):
    window.show_view("gaps")
    tree = window.gaps.tree
    assert tree.topLevelItem(0).text(0) == "MARAC status"
    assert "Not found" in tree.topLevelItem(0).text(1)
    found = tree.topLevelItem(1)
    assert "Found" in found.text(1)
    tree.setCurrentItem(found)
    assert window.note_reader.highlighted_text() == "School"


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


def test_settings_are_kept_in_caselens_home(window, caselens_home, qtbot):
    window.change_font_size(2)
    window.chronology.filter_bar.show_uncertain.setChecked(True)
    window.save_settings()
    assert (Path(caselens_home) / "settings.ini").exists()
    again = MainWindow(Settings(), preload_language_model=False)
    qtbot.addWidget(again)
    assert again.settings.get("font_size") == 12
    assert again.chronology.filter_bar.show_uncertain.isChecked()
    assert str(window.case.path.resolve()) in again.settings.get("recent_cases")


def test_closing_the_case_shows_the_start_page_with_recent_cases(window, small_case):
    window.close_case()
    assert window.stack.currentWidget() is window.start_page
    assert window.start_page.recent.count() == 1
    window.start_page.recent.itemActivated.emit(window.start_page.recent.item(0))
    assert window.case is not None and window.case.path == small_case.path


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


def test_the_child_is_listed_apart_from_the_family_when_extraction_found_them(window):
    from store import cases

    cases.set_subjects(window.case, [{"person_id": "subject", "name": "Sarah Jones", "dob": "2019-06-01"}])
    window.refresh_all()
    window.show_view("people")
    tree = window.people.tree
    assert tree.topLevelItem(0).text(0) == "The child (1)"
    assert tree.topLevelItem(0).child(0).text(1) == "Subject of the case"
    assert tree.topLevelItem(1).text(0).startswith("Family and household (1)")


def test_setting_the_childs_date_of_birth_updates_the_ages(window, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from desktop import main_window
    from desktop.chronology import COLUMN_INDEX

    def answer(dialog):
        dialog.dob.setText("31/02/2020")
        dialog._check()
        assert "DD/MM/YYYY" in dialog.message.text()
        dialog.dob.setText("01/06/2020")
        dialog._check()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(main_window.SubjectDialog, "exec", answer)
    window.edit_subject()
    assert "born 1 Jun 2020" in window.case_bar.child.text()
    window.show_view("chronology")
    model = window.chronology.model
    assert model.data(model.index(model.row_for_event("e-police"), COLUMN_INDEX["age"])) == "2y 9m"


def test_the_shortcuts_list_names_the_views_and_corrections(window):
    text = window.show_shortcuts().text()
    for expected in ("Ctrl+2", "Chronology", "Ctrl+F", "Ctrl+I", "Ctrl+E", "Ctrl+Z", "F2", "Summary"):
        assert expected in text


def test_an_encrypted_case_asks_for_its_passphrase_until_it_is_right(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from store import open_case

    path = tmp_path / "secret.caselens"
    open_case(path, passphrase="correct horse", create=True).close()
    answers = iter([("wrong", True), ("correct horse", True)])
    prompts = []

    def ask(parent, title, prompt, *args, **kwargs):
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(ask))
    win = MainWindow(Settings(), preload_language_model=False)
    qtbot.addWidget(win)
    assert win.open_path(path)
    assert prompts == ["This case is encrypted. Enter its passphrase:", "That passphrase is wrong. Try again:"]
    assert "encrypted" in win.case_bar.facts.text() or win.case.encrypted
    win.case.close()
    win.case = None


def test_the_new_case_dialog_encrypts_by_default_and_checks_the_passphrase(qtbot, tmp_path):
    from desktop.main_window import NewCaseDialog

    dialog = NewCaseDialog(str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.encrypt.isChecked()
    dialog.path.setText(str(tmp_path / "Ella"))
    dialog.passphrase.setText("short")
    dialog._check()
    assert "at least 8" in dialog.message.text()
    dialog.passphrase.setText("long enough phrase")
    dialog.confirm.setText("different phrase")
    dialog._check()
    assert "differ" in dialog.message.text()
    dialog.confirm.setText("long enough phrase")
    dialog._check()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.result_values() == (tmp_path / "Ella.caselens", "long enough phrase")


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


def test_a_plain_case_can_be_encrypted_from_the_window(window, small_case, tmp_path):
    from errors import CaseLensError
    from store import open_case

    window.show_view("people")
    window.change_passphrase("a long passphrase")
    assert window.case.encrypted and window.passphrase == "a long passphrase"
    assert window.current_view() == "people"
    assert "encrypted" in window.case_bar.facts.text()
    window.case.close()
    window.case = None
    try:
        open_case(small_case.path).close()
    except CaseLensError as error:
        assert error.code == "E202"
    else:
        raise AssertionError("the case opened without its passphrase")
