"""An idle encrypted case locks: closed, nothing of it on screen, the passphrase asked again."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from desktop.lock_screen import IDLE_LOCK_OPTION, StrengthHint, passphrase_strength
from desktop.main_window import MainWindow, NewCaseDialog, PassphraseDialog
from desktop.settings import Settings
from store import audit, open_case
from store.encryption import change_passphrase

PASSPHRASE = "Bramble-copper-lighthouse-7"


@pytest.fixture
def locking_window(qtbot, small_case, synchronous_workers):
    change_passphrase(small_case.path, None, PASSPHRASE)
    settings = Settings()
    settings.set(IDLE_LOCK_OPTION.key, 1)
    window = MainWindow(settings, preload_language_model=False)
    qtbot.addWidget(window)
    assert window.open_path(small_case.path, PASSPHRASE)
    window.show()
    window.show_view("chronology")
    yield window
    if window.case is not None:
        window.case.close()
        window.case = None


def test_an_idle_encrypted_case_locks_and_hides_everything(qtbot, locking_window, small_case):
    window = locking_window
    assert window.chronology.model.rowCount() > 0
    qtbot.waitUntil(lambda: window.idle_lock.is_locked, timeout=5000)
    assert window.case is None and window.passphrase is None
    assert window.stack.currentWidget() is window.idle_lock.screen
    assert not window.navigation.isVisible() and not window.case_bar.isVisible()
    assert not window.reader_dock.isVisible()
    assert window.chronology.model.rowCount() == 0
    assert "Ella" not in window.windowTitle() and small_case.path.stem in window.idle_lock.screen.title.text()

    window.idle_lock.screen.passphrase.setText("not the passphrase")
    qtbot.keyClick(window.idle_lock.screen.passphrase, Qt.Key.Key_Return)
    assert window.idle_lock.is_locked and "wrong" in window.idle_lock.screen.message.text()

    assert window.idle_lock.unlock(PASSPHRASE)
    assert window.case is not None and window.current_view() == "chronology"
    assert window.chronology.model.rowCount() > 0
    assert [e["action"] for e in audit.entries(window.case)][-2:] == ["lock", "unlock"]


def test_using_the_app_keeps_it_unlocked_and_a_plain_case_never_locks(qtbot, locking_window, small_case):
    window = locking_window
    window.settings.set(IDLE_LOCK_OPTION.key, 60)
    window.idle_lock.restart()
    window.idle_lock.timer.setInterval(400)
    window.idle_lock.timer.start()
    for _ in range(6):
        qtbot.wait(150)
        QApplication.sendEvent(window, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier))
    assert not window.idle_lock.is_locked and window.case is not None

    window.set_case(None)
    plain = small_case.path.with_name("plain.caselens")
    open_case(plain, create=True).close()
    assert window.open_path(plain)
    assert not window.idle_lock.timer.isActive() and not window.lock_action.isEnabled()


def test_passphrase_strength_guidance(qtbot):
    assert passphrase_strength("short")[0] == "too short"
    assert passphrase_strength("password")[0] == "weak"
    assert passphrase_strength("abcdefgh")[0] == "weak"
    assert passphrase_strength("Tulip9-river")[0] == "fair"
    assert passphrase_strength("copper kettle under the stairs")[0] == "strong"
    for dialog in (NewCaseDialog(""), PassphraseDialog(encrypted=True)):
        qtbot.addWidget(dialog)
        hint = dialog.findChild(StrengthHint)
        dialog.passphrase.setText("password")
        assert "easy to guess" in hint.text()
        dialog.passphrase.setText("copper kettle under the stairs")
        assert hint.text().startswith("Strong")
