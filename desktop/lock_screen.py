"""Locking an encrypted case left idle, and the passphrase strength guidance.

After ``idle_lock_seconds`` (a setting in ``CASELENS_HOME``; 0 turns it off) without a key
press or mouse use, an open *encrypted* case is closed: its connection (and with it the key)
is dropped, the window forgets the passphrase, every view is hidden and the note reader is
cleared, and a lock page asks for the passphrase again. Unlocking reopens the case where the
worker left it. Both are recorded in the case's audit trail ("lock", "unlock").
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.settings import OPTIONS
from errors import CaseLensError
from store import audit, open_case

if TYPE_CHECKING:
    from desktop.main_window import MainWindow

IDLE_LOCK_OPTION = OPTIONS["idle_lock_seconds"]

_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
})
_COMMON = frozenset({"password", "passphrase", "12345678", "123456789", "qwertyuiop", "letmein1", "iloveyou"})


def passphrase_strength(text: str) -> tuple[str, str]:
    """``(level, advice)``: level ``too short``, ``weak``, ``fair`` or ``strong``. Length counts
    most (a few unrelated words beat a short jumble); the advice says how to do better."""
    if len(text) < 8:
        return "too short", "Use at least 8 characters; four or more unrelated words are best."
    kinds = sum(bool(check) for check in (
        any(c.islower() for c in text), any(c.isupper() for c in text), any(c.isdigit() for c in text),
        any(not c.isalnum() for c in text),
    ))
    words = len([w for w in text.replace("-", " ").split() if w])
    if text.lower() in _COMMON or len(set(text)) <= 3:
        return "weak", "This is easy to guess. Choose unrelated words nobody would link to you."
    if len(text) >= 20 or (len(text) >= 14 and (kinds >= 3 or words >= 3)):
        return "strong", "Strong. Keep it somewhere safe: nobody can recover a lost passphrase."
    if len(text) >= 12 or kinds >= 3:
        return "fair", "Fair. Adding another unrelated word makes it much harder to guess."
    return "weak", "Weak. Make it longer: four or more unrelated words are easy to remember and hard to guess."


class StrengthHint(QLabel):
    """A line under a passphrase box saying how strong the passphrase is, as it is typed."""

    _COLOURS = {"too short": "#a4262c", "weak": "#a4262c", "fair": "#8a5a00", "strong": "#107c10"}

    def __init__(self, passphrase: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAccessibleName("Passphrase strength")
        passphrase.textChanged.connect(self.show_strength)
        self.show_strength(passphrase.text())

    def show_strength(self, text: str) -> None:
        level, advice = passphrase_strength(text)
        self.setStyleSheet(f"color: {self._COLOURS[level]}")
        self.setText(advice if text else "Use four or more unrelated words (at least 8 characters).")


class LockScreen(QWidget):
    """The page shown while a case is locked: its name and a passphrase box."""

    unlock_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold")
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setPlaceholderText("Passphrase")
        self.passphrase.returnPressed.connect(self._submit)
        self.message = QLabel()
        self.message.setStyleSheet("color: #a4262c")
        unlock = QPushButton("Unlock")
        unlock.clicked.connect(self._submit)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (self.title, QLabel("The case was locked because CaseLens was not used for a while. "
                                          "Enter its passphrase to carry on."), self.passphrase, unlock, self.message):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        self.passphrase.setMinimumWidth(320)
        layout.addStretch(2)

    def show_locked(self, case_name: str) -> None:
        self.title.setText(f"{case_name} is locked")
        self.passphrase.clear()
        self.message.clear()
        self.passphrase.setFocus()

    def _submit(self) -> None:
        if self.passphrase.text():
            self.unlock_requested.emit(self.passphrase.text())


class IdleLock(QObject):
    """Watches the whole application for input and locks the window's encrypted case when the
    idle time set in the settings passes (see the module docstring)."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.case_path: Path | None = None
        self._view: str | None = None
        self.screen = LockScreen()
        self.screen.unlock_requested.connect(self.unlock)
        window.stack.addWidget(self.screen)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.lock)
        window.case_opened.connect(self.restart)
        QApplication.instance().installEventFilter(self)

    @property
    def is_locked(self) -> bool:
        return self.case_path is not None

    def restart(self) -> None:
        """Start counting idle time again (on any input, and when a case opens)."""
        seconds = self.window.settings.get(IDLE_LOCK_OPTION.key)
        case = self.window.case
        if case is not None and self.is_locked:  # another case was opened from the lock page
            self.case_path = None
        if seconds > 0 and case is not None and case.encrypted and not self.is_locked:
            self.timer.start(seconds * 1000)
        else:
            self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False

    def lock(self) -> None:
        """Close the encrypted case and show the lock page (later, if an import is running)."""
        window, case = self.window, self.window.case
        if case is None or not case.encrypted or self.is_locked:
            return
        if window.import_run is not None and not window.import_run.finished:
            self.restart()
            return
        with case.transaction():
            audit.record(case, "lock", {"idle_seconds": window.settings.get(IDLE_LOCK_OPTION.key)})
        self._view = window.current_view()
        self.case_path = case.path
        window.set_case(None)  # closes the connection and forgets the passphrase
        window.reader_dock.hide()
        window.stack.setCurrentWidget(self.screen)
        window.setWindowTitle("Locked — CaseLens")
        self.screen.show_locked(case.path.stem)
        self.locked.emit()

    def unlock(self, passphrase: str) -> bool:
        """Reopen the locked case with ``passphrase``; a wrong one says so and keeps it locked."""
        if self.case_path is None:
            return False
        try:
            case = open_case(self.case_path, passphrase=passphrase)
        except CaseLensError as error:
            self.screen.passphrase.clear()
            self.screen.message.setText("That passphrase is wrong. Try again." if error.code == "E203" else str(error))
            return False
        with case.transaction():
            audit.record(case, "unlock", {})
        self.case_path = None
        self.window.set_case(case, passphrase)
        self.window.show_view(self._view or "summary")
        self.unlocked.emit()
        return True
