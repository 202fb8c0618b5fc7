"""The window itself: case bar, opening and closing cases, the child, passphrases, shortcuts."""
from __future__ import annotations

from desktop.main_window import MainWindow
from desktop.settings import Settings


def test_case_bar_names_the_child_and_counts(window):
    text = window.case_bar.child.text()
    assert "Ella Jones" in text and "born 1 Jun 2019" in text
    facts = window.case_bar.facts.text()
    assert "10 Jan 2023 – 15 Sep 2023" in facts and "4 notes" in facts and "5 key events of 6" in facts


def test_closing_the_case_shows_the_start_page_with_recent_cases(window, small_case):
    window.close_case()
    assert window.stack.currentWidget() is window.start_page
    assert window.start_page.recent.count() == 1
    window.start_page.recent.itemActivated.emit(window.start_page.recent.item(0))
    assert window.case is not None and window.case.path == small_case.path


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
