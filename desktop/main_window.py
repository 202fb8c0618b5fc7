"""The main window: case bar, the six views, the note reader, import and corrections.

The window holds one open case (a ``store.Case`` used on the UI thread for reads and the
worker's corrections). Long work (imports, resuming an interrupted extraction, loading the
language model) runs through ``desktop.workers`` with its own connection to the case, and the
views refresh as results are committed.
"""
from __future__ import annotations

import html
import os
import time
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QFont, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting, workers
from desktop.audit_view import AuditDialog, ListDialog
from desktop.chronology import ChronologyView, default_filters
from desktop.curation import AddManualFact, SetCuratedValues
from desktop.export_dialog import ExportDialog, export_spreadsheet, export_word
from desktop.gaps import GapsView
from desktop.import_dialog import IMPORTABLE, ImportRun, describe_report
from desktop.manual_facts import AddRiskDialog
from desktop.lock_screen import IdleLock, StrengthHint
from desktop.note_reader import NoteReader
from desktop.people import PeopleView
from desktop.risks import RisksView
from desktop.settings import Settings
from desktop.summary import SummaryView
from desktop.timeline import TimelineView
from errors import CaseLensError
from store import Case, audit, open_case
from store import cases as store_cases
from store import curation
from store import queries as store_queries
from store.encryption import change_passphrase

VIEWS: list[tuple[str, str, str]] = [
    ("summary", "Summary", "Ctrl+1"),
    ("chronology", "Chronology", "Ctrl+2"),
    ("timeline", "Timeline", "Ctrl+3"),
    ("people", "People", "Ctrl+4"),
    ("risks", "Risks", "Ctrl+5"),
    ("gaps", "Gaps", "Ctrl+6"),
]
CASE_FILTER = "CaseLens cases (*.caselens)"
REFRESH_DURING_IMPORT_MS = 2000
# While an import runs, refreshing the views takes a share of the window's time at most: a
# refresh grows with the case (0.1 s at 1,000 events, 0.4 s at 10,000 with both cores busy),
# so the next one waits ten times as long as the last took.
REFRESH_SHARE = 0.1


class CaseBar(QFrame):
    """Who the case is about, the span of the file and the counts, always visible."""

    edit_subject = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseBar")
        self.child = QLabel()
        self.child.setObjectName("caseChild")
        self.child.setTextFormat(Qt.TextFormat.RichText)
        self.child.setWordWrap(True)
        self.facts = QLabel()
        self.facts.setObjectName("caseFacts")
        self.facts.setWordWrap(True)
        self.processing = QLabel("Still processing: results appear as they are stored")
        self.processing.setObjectName("processing")
        self.processing.hide()
        self.subject_button = QPushButton("Child details…")
        self.subject_button.setToolTip("Set or confirm the subject child's name and date of birth")
        self.subject_button.clicked.connect(self.edit_subject)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.child)
        text.addWidget(self.facts)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.addLayout(text, 1)
        layout.addWidget(self.processing)
        layout.addWidget(self.subject_button)

    def show_case(self, case: Case | None) -> None:
        if case is None:
            self.child.setText("<b>No case open</b>")
            self.facts.setText("Open a case or import a case-note export to begin.")
            self.processing.hide()
            self.subject_button.hide()
            return
        summary = store_queries.case_summary(case)
        subjects = summary.get("subjects") or []
        if subjects:
            parts = []
            for subject in subjects:
                dob = subject.get("dob")
                born = (f"born {formatting.uk_date(dob)} · {formatting.age_now(dob)}" if dob
                        else "date of birth not set")
                parts.append(f"<b>{html.escape(subject.get('name') or 'Unnamed child')}</b>"
                             f" <span style='color:#4a5868'>({born})</span>")
            child = " &nbsp; ".join(parts)
        else:
            title = summary.get("title") or case.path.stem
            child = f"<b>{html.escape(title)}</b> <span style='color:#4a5868'>(subject child not set)</span>"
        self.child.setText(child)
        if not summary["notes"]:
            self.facts.setText("No notes yet: import the case-note export to begin.")
            self.processing.hide()
            self.subject_button.setText("Child details…" if subjects else "Set the child…")
            self.subject_button.show()
            return
        span = (f"{formatting.uk_date(summary['date_from'])} – {formatting.uk_date(summary['date_to'])}"
                if summary.get("date_from") else "no dated notes")
        facts = [span, f"{summary['notes']} notes", f"{summary['key_events']} key events of {summary['events']}",
                 f"{summary['people']} people", f"{summary['current_risks']} current risk mentions"]
        if summary.get("encrypted"):
            facts.append("encrypted")
        self.facts.setText("   ·   ".join(facts))
        self.processing.setVisible(bool(summary.get("imports_incomplete")))
        self.subject_button.setText("Child details…" if subjects else "Set the child…")
        self.subject_button.show()


class StartPage(QWidget):
    """What the window shows with no case open: open, create, import, recent cases."""

    open_case = Signal()
    new_case = Signal()
    import_files = Signal()
    open_recent = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("CaseLens")
        title.setObjectName("startTitle")
        intro = QLabel("Turn a child's case-note export into a chronology you can check, correct and share. "
                       "Everything stays on this computer.")
        intro.setWordWrap(True)
        buttons = QHBoxLayout()
        for text, signal, tip in (
            ("Open a case…", self.open_case, "Ctrl+O"),
            ("New case…", self.new_case, "Ctrl+N"),
            ("Import case notes…", self.import_files, "Ctrl+I"),
        ):
            button = QPushButton(text)
            button.setMinimumHeight(40)
            button.setToolTip(tip)
            button.clicked.connect(signal)
            buttons.addWidget(button)
        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent cases")
        self.recent.itemActivated.connect(lambda item: self.open_recent.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.recent_label = QLabel("<b>Recent cases</b>")
        drop = QLabel("Or drag export files (CSV, Excel, Word, PDF, text, HTML) onto this window.")
        drop.setObjectName("muted")
        self.message = QLabel()
        self.message.setObjectName("processing")
        self.message.setWordWrap(True)
        self.message.hide()
        box = QVBoxLayout()
        box.addStretch(1)
        box.addWidget(title)
        box.addWidget(intro)
        box.addSpacing(12)
        box.addLayout(buttons)
        box.addWidget(drop)
        box.addWidget(self.message)
        box.addSpacing(18)
        box.addWidget(self.recent_label)
        box.addWidget(self.recent)
        box.addStretch(2)
        self.recent.setMaximumHeight(240)
        holder = QWidget()
        holder.setMaximumWidth(720)
        holder.setLayout(box)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(holder, 4)
        outer.addStretch(1)

    def set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for path in paths:
            if Path(path).exists():
                item = QListWidgetItem(f"{Path(path).stem}    —    {path}")
                item.setData(Qt.ItemDataRole.UserRole, path)
                self.recent.addItem(item)
        self.recent_label.setVisible(self.recent.count() > 0)
        self.recent.setVisible(self.recent.count() > 0)


class NewCaseDialog(QDialog):
    """Where to save a new case and its passphrase (encryption on by default)."""

    def __init__(self, folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New case")
        self.path = QLineEdit(str(Path(folder or Path.home()) / "New case.caselens"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.encrypt = QCheckBox("Encrypt the case file (recommended)")
        self.encrypt.setChecked(True)
        form = QFormLayout()
        form.addRow("Save as", where)
        form.addRow("", self.encrypt)
        self.passphrase, self.confirm, self.message = _passphrase_form(
            self, form, "Passphrase", "Without the passphrase nobody, including you, can open an encrypted case.")
        self.encrypt.toggled.connect(self.passphrase.setEnabled)
        self.encrypt.toggled.connect(self.confirm.setEnabled)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New case", self.path.text(), CASE_FILTER)
        if path:
            self.path.setText(path if path.endswith(".caselens") else path + ".caselens")

    def _check(self) -> None:
        path = Path(self.path.text().strip())
        if not self.path.text().strip():
            self.message.setText("Choose where to save the case.")
        elif path.exists():
            self.message.setText("A file with that name already exists: choose another name.")
        elif self.encrypt.isChecked() and _passphrase_problem(self.passphrase, self.confirm):
            self.message.setText(_passphrase_problem(self.passphrase, self.confirm))
        else:
            self.accept()

    def result_values(self) -> tuple[Path, str | None]:
        path = Path(self.path.text().strip())
        if path.suffix != ".caselens":
            path = path.with_suffix(".caselens")
        return path, self.passphrase.text() if self.encrypt.isChecked() else None


class PassphraseDialog(QDialog):
    """A new passphrase for the case, typed twice."""

    def __init__(self, encrypted: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change passphrase" if encrypted else "Encrypt this case")
        self.passphrase, self.confirm, self.message = _passphrase_form(
            self, QFormLayout(), "New passphrase", "Without the passphrase nobody, including you, can open the case.")

    def _check(self) -> None:
        problem = _passphrase_problem(self.passphrase, self.confirm)
        if problem:
            self.message.setText(problem)
        else:
            self.accept()


def _passphrase_form(dialog: QDialog, form: QFormLayout, label: str,
                     warning: str) -> tuple[QLineEdit, QLineEdit, QLabel]:
    """Lay out ``dialog``: ``form`` plus a passphrase typed twice with strength guidance, the
    warning, a line for problems and OK/Cancel (OK calls ``dialog._check``). Returns the two
    passphrase fields and the problem line."""
    passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
    confirm = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
    message = QLabel()
    message.setStyleSheet("color: #a4262c")
    form.addRow(label, passphrase)
    form.addRow("Repeat it", confirm)
    form.addRow("", StrengthHint(passphrase))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog._check)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(QLabel(warning))
    layout.addWidget(message)
    layout.addWidget(buttons)
    return passphrase, confirm, message


def _passphrase_problem(passphrase: QLineEdit, confirm: QLineEdit) -> str | None:
    """What is wrong with a new passphrase typed twice, in plain words; None when it will do."""
    if len(passphrase.text()) < 8:
        return "Use a passphrase of at least 8 characters."
    if passphrase.text() != confirm.text():
        return "The two passphrases differ."
    return None


class SubjectDialog(QDialog):
    """Set or confirm the subject child's name and date of birth."""

    def __init__(self, name: str, dob: str | None, suggested: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("The subject child")
        self.name = QLineEdit(name)
        self.dob = QLineEdit(formatting.uk_date(dob) if dob else "")
        self.dob.setPlaceholderText("DD/MM/YYYY")
        self.message = QLabel()
        self.message.setStyleSheet("color: #a4262c")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Date of birth", self.dob)
        if suggested and suggested != dob:
            hint = QPushButton(f"Use {formatting.uk_date(suggested)} (found in the notes)")
            hint.clicked.connect(lambda: self.dob.setText(formatting.uk_date(suggested)))
            form.addRow("", hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.value: tuple[str, str | None] = (name, dob)

    def _check(self) -> None:
        text = self.dob.text().strip()
        parsed = formatting.parse_user_date(text) if text else None
        if text and (parsed is None or parsed[1] != "day"):
            self.message.setText("Write the date of birth as DD/MM/YYYY, e.g. 04/11/2016.")
            return
        self.value = (self.name.text().strip(), parsed[0] if parsed else None)
        self.accept()


class OrphanedCorrectionsDialog(ListDialog):
    """Corrections kept although what they corrected is no longer found."""

    def __init__(self, rows: list[dict[str, Any]], parent: QWidget | None = None) -> None:
        intro = ("These are your corrections to facts the latest extraction no longer finds (for example after a "
                 "note was re-exported with different text). They are kept: if the fact comes back they apply again."
                 if rows else "Every correction you made still applies. Nothing to review.")
        shown = [[f"{row['target_kind']} {row['target_id']}", str(row["field"]).replace("_", " "),
                  "" if row.get("value") is None else str(row["value"]), formatting.uk_date(row.get("edited_at"))]
                 for row in rows]
        super().__init__("Corrections to review", intro, ["What", "Field", "Your value", "Edited"], shown,
                         (220, 120, 280), (760, 420), parent)


class MainWindow(QMainWindow):
    """The CaseLens window. ``open_path`` opens a case; ``show_view`` switches views."""

    case_opened = Signal()

    def __init__(self, settings: Settings | None = None, *, preload_language_model: bool = True,
                 remember_layout: bool = True) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.remember_layout = remember_layout
        self.case: Case | None = None
        self.passphrase: str | None = None
        self.import_run: ImportRun | None = None
        self.extractor: Any = None  # what imports extract with; None = the spaCy pipeline
        self.undo_stack = QUndoStack(self)
        self._dirty: set[str] = set()
        self.setWindowTitle("CaseLens")
        self.setAcceptDrops(True)
        self.resize(1400, 900)
        self._apply_font_size(self.settings.get("font_size"))

        self.case_bar = CaseBar()
        self.case_bar.edit_subject.connect(self.edit_subject)
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Views")
        self.navigation.setFixedWidth(150)
        self.navigation.setIconSize(QSize(0, 0))
        self.stack = QStackedWidget()
        self.start_page = StartPage()
        self.summary = SummaryView()
        self.chronology = ChronologyView(
            self.undo_stack, default_filters(self.settings.get("key_events_only"), self.settings.get("show_uncertain"))
        )
        self.timeline = TimelineView()
        self.people = PeopleView()
        self.risks = RisksView()
        self.gaps = GapsView()
        self.views: dict[str, QWidget] = {
            "summary": self.summary, "chronology": self.chronology, "timeline": self.timeline,
            "people": self.people, "risks": self.risks, "gaps": self.gaps,
        }
        self.stack.addWidget(self.start_page)
        for name, title, shortcut in VIEWS:
            self.stack.addWidget(self.views[name])
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(f"{title} ({shortcut})")
            self.navigation.addItem(item)
        self.navigation.currentRowChanged.connect(lambda row: self.show_view(VIEWS[row][0]) if row >= 0 else None)

        body = QWidget()
        body_layout = QHBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.setSpacing(0)
        body_layout.addWidget(self.navigation)
        body_layout.addWidget(self.stack, 1)
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.case_bar)
        central_layout.addWidget(body, 1)
        self.setCentralWidget(central)

        self.note_reader = NoteReader()
        self.reader_dock = QDockWidget("Source note", self)
        self.reader_dock.setObjectName("noteReaderDock")
        self.reader_dock.setWidget(self.note_reader)
        self.reader_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                     | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.reader_dock)
        self.resizeDocks([self.reader_dock], [420], Qt.Orientation.Horizontal)
        self.reader_dock.hide()  # shown when there is a note to read

        self._connect_views()
        self._make_menus()
        self.statusBar().showMessage("Ready")
        self._refresh_timer = QTimer(self, interval=REFRESH_DURING_IMPORT_MS)
        self._refresh_timer.timeout.connect(self._refresh_during_import)
        if remember_layout:
            self._restore_layout()
        self.idle_lock = IdleLock(self)
        self.show_case(None)
        self._dock_sized = False
        self._preload = preload_language_model
        self._language_model_task: workers.Task | None = None

    # --- wiring -----------------------------------------------------------------------------

    def _connect_views(self) -> None:
        self.chronology.event_selected.connect(self.read_event)
        self.chronology.event_activated.connect(self._read_event_focused)
        self.chronology.case_changed.connect(self._after_correction)
        self.chronology.filter_bar.changed.connect(lambda f: self.note_reader.set_search(f.text))
        self.summary.open_event.connect(self.open_event)
        self.summary.open_risk.connect(self.show_risk)
        self.summary.import_requested.connect(self.choose_import)
        self.timeline.event_clicked.connect(self.select_in_chronology)
        self.timeline.risk_clicked.connect(self.read_span)
        for view in (self.people, self.risks, self.gaps):
            view.open_evidence.connect(self.read_span)
        for view in (self.people, self.risks):
            view.correct.connect(self.correct)
        self.people.split_person.connect(self.split_person)
        self.note_reader.add_risk.connect(self.add_risk)
        self.start_page.open_case.connect(self.choose_case)
        self.start_page.new_case.connect(self.new_case)
        self.start_page.import_files.connect(self.choose_import)
        self.start_page.open_recent.connect(lambda path: self.open_path(Path(path)))

    def _action(self, menu: Any, text: str, shortcut: str | QKeySequence.StandardKey | None, slot: Any,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&New case…", "Ctrl+N", self.new_case, "Create a new case file")
        self._action(file_menu, "&Open case…", "Ctrl+O", self.choose_case, "Open a .caselens case file")
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self.import_action = self._action(file_menu, "&Import case notes…", "Ctrl+I", self.choose_import,
                                          "Import export files (CSV, Excel, Word, PDF, text, HTML)")
        self.export_action = self._action(file_menu, "&Export chronology…", "Ctrl+E", self.export_to_word,
                                          "Write the chronology as a Word document or CSV")
        self.passphrase_action = self._action(file_menu, "Encrypt / change &passphrase…", None,
                                              self.choose_passphrase, "Protect the case file with a passphrase")
        self.lock_action = self._action(file_menu, "&Lock case", "Ctrl+L", lambda: self.idle_lock.lock(),
                                        "Close the encrypted case until its passphrase is entered again")
        self.audit_action = self._action(file_menu, "&Audit trail…", None, self.show_audit_trail,
                                         "Every import, export, deletion, passphrase change and lock of this case")
        file_menu.addSeparator()
        self.close_action = self._action(file_menu, "&Close case", "Ctrl+W", self.close_case)
        self._action(file_menu, "&Quit", "Ctrl+Q", self.close)
        edit_menu = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        edit_menu.addSeparator()
        for action in self.chronology.correction_actions:
            edit_menu.addAction(action)
        edit_menu.addAction(self.chronology.add_event_action)
        self._action(edit_menu, "&Find in notes", "Ctrl+F", self.focus_search)
        self.orphans_action = self._action(edit_menu, "Corrections to &review…", None, self.show_orphaned_corrections,
                                           "Your corrections whose fact the latest extraction no longer finds")
        self._action(edit_menu, "Child &details…", None, self.edit_subject)
        view_menu = bar.addMenu("&View")
        for name, title, shortcut in VIEWS:
            self._action(view_menu, title, shortcut, lambda _checked=False, n=name: self.show_view(n))
        view_menu.addSeparator()
        toggle = self.reader_dock.toggleViewAction()
        toggle.setText("Source &note reader")
        toggle.setShortcut(QKeySequence("F9"))
        view_menu.addAction(toggle)
        self._action(view_menu, "&Larger text", "Ctrl+=", lambda: self.change_font_size(1))
        self._action(view_menu, "&Smaller text", "Ctrl+-", lambda: self.change_font_size(-1))
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", "F1", self.show_shortcuts)
        self._action(help_menu, "&About CaseLens", None, self._about)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.get("recent_cases"):
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(Path(p)))
        if not self.recent_menu.actions():
            self.recent_menu.addAction("No recent cases").setEnabled(False)

    # --- cases ------------------------------------------------------------------------------

    def open_path(self, path: Path, passphrase: str | None = None) -> bool:
        """Open a case file, asking for its passphrase when it is encrypted."""
        passphrase = passphrase or os.environ.get("CASELENS_PASSPHRASE") or None
        while True:
            try:
                case = open_case(path, passphrase=passphrase)
            except CaseLensError as error:
                if error.code in ("E202", "E203"):
                    prompt = ("This case is encrypted. Enter its passphrase:" if error.code == "E202"
                              else "That passphrase is wrong. Try again:")
                    passphrase, ok = QInputDialog.getText(self, "Encrypted case", prompt, QLineEdit.EchoMode.Password)
                    if ok and passphrase:
                        continue
                    return False
                QMessageBox.warning(self, "Cannot open the case", str(error))
                return False
            break
        self.set_case(case, passphrase)
        return True

    def set_case(self, case: Case | None, passphrase: str | None = None) -> None:
        """Show ``case`` (already open); the window owns it from now on and closes it."""
        if self.case is not None and self.case is not case:
            self.case.close()
        self.case = case
        self.passphrase = passphrase
        self.undo_stack.clear()
        if case is not None:
            self.settings.remember_case(case.path)
        self.show_case(case)
        if case is not None:
            self._resume_interrupted_import()
            self.case_opened.emit()
            for warning in case.warnings:  # e.g. a case on a network drive
                self.statusBar().showMessage(warning, 30000)
                QMessageBox.information(self, "About this case file", warning)

    def show_case(self, case: Case | None) -> None:
        self.setWindowTitle(f"{case.path.stem} — CaseLens" if case is not None else "CaseLens")
        self.case_bar.show_case(case)
        self.case_bar.setVisible(case is not None)
        self.note_reader.clear()
        self.navigation.setVisible(case is not None)
        self.close_action.setEnabled(case is not None)
        self.export_action.setEnabled(case is not None)
        self.passphrase_action.setEnabled(case is not None)
        self.lock_action.setEnabled(case is not None and case.encrypted)
        self.audit_action.setEnabled(case is not None)
        for action in self.chronology.correction_actions:
            action.setEnabled(case is not None)
        self.chronology.set_case(case)
        self._dirty = set(self.views) - {"chronology"}
        if case is None:
            self.start_page.set_recent(self.settings.get("recent_cases"))
            self.stack.setCurrentWidget(self.start_page)
            self.navigation.setCurrentRow(-1)
        else:
            self.show_view(self.settings.get("last_view") if self.current_view() is None else self.current_view())

    def close_case(self) -> None:
        if self.import_run is not None and not self.import_run.finished:
            QMessageBox.information(self, "Import running", "Wait for the import to finish, or cancel it, first.")
            return
        self.set_case(None)

    def choose_case(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a case", self.settings.get("last_folder"), CASE_FILTER)
        if path:
            self.settings.set("last_folder", str(Path(path).parent))
            self.open_path(Path(path))

    def new_case(self) -> bool:
        dialog = NewCaseDialog(self.settings.get("last_folder"), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        path, passphrase = dialog.result_values()
        try:
            case = open_case(path, passphrase=passphrase, create=True)
        except CaseLensError as error:
            QMessageBox.warning(self, "Cannot create the case", str(error))
            return False
        self.settings.set("last_folder", str(path.parent))
        self.set_case(case, passphrase)
        self.show_view("summary")
        return True

    def show_audit_trail(self) -> QDialog | None:
        """The case's audit trail in a dialog (imports, exports, deletions, passphrase, locks)."""
        if self.case is None:
            return None
        dialog = AuditDialog(audit.entries(self.case), self)
        dialog.open()
        return dialog

    def edit_subject(self) -> None:
        if self.case is None:
            return
        header = store_cases.header(self.case)
        subject = (header.get("subjects") or [{}])[0]
        suggested = self._extracted_dob()
        dialog = SubjectDialog(subject.get("name") or "", subject.get("dob"), suggested, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name, dob = dialog.value
        others = (header.get("subjects") or [])[1:]
        store_cases.set_subjects(self.case, [{"person_id": subject.get("person_id") or "subject", "name": name or None,
                                              "dob": dob}, *others])
        self.refresh_all()

    def _extracted_dob(self) -> str | None:
        """A date of birth the extraction found for the child, when it recorded one."""
        row = self.case.db.execute(
            "SELECT json_extract(extra, '$.dob') FROM people WHERE json_extract(extra, '$.dob') IS NOT NULL"
            " ORDER BY coalesce(json_extract(extra, '$.subject'), 0) DESC,"
            " relationship IS NULL OR relationship = 'unknown' DESC LIMIT 1"
        ).fetchone()
        return row[0] if row else None

    # --- views ------------------------------------------------------------------------------

    def current_view(self) -> str | None:
        widget = self.stack.currentWidget()
        for name, view in self.views.items():
            if view is widget:
                return name
        return None

    def show_view(self, name: str) -> None:
        if name not in self.views:
            name = "summary"
        if self.case is None:
            return
        view = self._up_to_date(name)
        self.stack.setCurrentWidget(view)
        row = [v[0] for v in VIEWS].index(name)
        if self.navigation.currentRow() != row:
            self.navigation.blockSignals(True)
            self.navigation.setCurrentRow(row)
            self.navigation.blockSignals(False)
        self.settings.set("last_view", name)

    def refresh_all(self, *, visible_only: bool = False) -> None:
        """Data changed: refresh the case bar and the visible view now, the others when shown.
        The chronology is refreshed even when hidden (an export of "what the chronology shows"
        reads it), unless ``visible_only``: during an import, where it was half of every
        refresh's time."""
        if self.case is None:
            return
        self.case_bar.show_case(self.case)
        orphaned = len(curation.rows(self.case, orphaned=True))
        self.orphans_action.setText(f"Corrections to &review ({orphaned})…" if orphaned else "Corrections to &review…")
        current = self.current_view()
        fresh = {current}
        if not visible_only or current == "chronology":
            self.chronology.set_case(self.case)
            fresh.add("chronology")
        if current is not None and current != "chronology":
            self.views[current].set_case(self.case)
        self._dirty = set(self.views) - fresh

    def _up_to_date(self, name: str) -> QWidget:
        """View ``name``, refreshed first if the case changed since it last was."""
        view = self.views[name]
        if name in self._dirty:
            self._dirty.discard(name)
            view.set_case(self.case)
        return view

    def correct(self, target_kind: str, target_id: str, values: dict[str, Any], description: str) -> None:
        """Store a correction to a person or risk as one undoable step, then refresh."""
        if self.case is None:
            return
        self.undo_stack.push(SetCuratedValues(self.case, target_kind, target_id, values, description,
                                              lambda _target: self.refresh_all()))

    def add_risk(self, note_id: str, start: int, end: int, text: str) -> AddRiskDialog | None:
        """A risk the extraction missed, evidenced by the text the worker selected in a note:
        ask its category and status, then store it as theirs (undoable). Returns the dialog
        while it is open (for checks)."""
        if self.case is None:
            return None
        dialog = AddRiskDialog(text, self)
        evidence = {"note_id": note_id, "start": start, "end": end, "text": text}
        dialog.accepted.connect(lambda: self.store_risk({**evidence, **dialog.values()}))
        dialog.open()
        return dialog

    def store_risk(self, values: dict[str, Any]) -> str:
        """Store the worker's own risk as one undoable step; returns its id."""
        command = AddManualFact(self.case, "risk", values, "Add risk", lambda _target: self.refresh_all())
        self.undo_stack.push(command)
        return command.fact_id

    def split_person(self, person_id: str, mention_ids: list[str], values: dict[str, Any]) -> str | None:
        """One person extraction wrongly made of two: the chosen mentions (and the events and
        risks of notes only they name the person in) go to a new person, as one undoable step.
        Returns the new person's id."""
        if self.case is None or not mention_ids:
            return None
        person, changes = curation.split_person(self.case, person_id, mention_ids, values)
        refresh = lambda _target: self.refresh_all()  # noqa: E731 - one callback for every step
        self.undo_stack.beginMacro(f"Split {values.get('name') or 'a person'} from another")
        self.undo_stack.push(AddManualFact(self.case, "person", person, "Add person", refresh))
        for kind, target_id, changed in changes:
            self.undo_stack.push(SetCuratedValues(self.case, kind, target_id, changed, "Split a person", refresh))
        self.undo_stack.endMacro()
        return person["id"]

    def show_orphaned_corrections(self) -> QDialog:
        """List the worker's corrections whose target vanished after re-extraction (kept, never dropped)."""
        dialog = OrphanedCorrectionsDialog(curation.rows(self.case, orphaned=True) if self.case else [], self)
        dialog.show()
        return dialog

    def _after_correction(self) -> None:
        self.case_bar.show_case(self.case)
        self._dirty |= set(self.views) - {"chronology"}

    def focus_search(self) -> None:
        self.show_view("chronology")
        self.chronology.filter_bar.search.setFocus()
        self.chronology.filter_bar.search.selectAll()

    # --- the note reader --------------------------------------------------------------------

    def read_event(self, row: dict[str, Any]) -> None:
        if self.case is not None and row.get("note_id") and row.get("start") is not None:
            self.note_reader.show_note(self.case, row["note_id"], row["start"], row["end"])
            self.reader_dock.show()

    def _read_event_focused(self, row: dict[str, Any]) -> None:
        self.read_event(row)
        self.reader_dock.show()
        self.reader_dock.raise_()
        self.note_reader.body.setFocus()

    def read_span(self, note_id: str, start: int, end: int) -> None:
        if self.case is not None:
            self.reader_dock.show()
            self.note_reader.show_note(self.case, note_id, start, end)

    def open_event(self, event_id: str) -> None:
        """Show an event's source note (from the summary's links)."""
        if self.case is None:
            return
        row = self.case.db.execute('SELECT note_id, start, "end" FROM events WHERE id = ?', (event_id,)).fetchone()
        if row is not None:
            self.read_span(row[0], row[1], row[2])

    def show_risk(self, category: str) -> None:
        """The Risks view on one category (from the summary's links)."""
        self.show_view("risks")
        self.risks.select_category(category)

    def select_in_chronology(self, event_id: str) -> None:
        """Go to the event in the chronology (from the timeline), widening the filters if it is
        filtered out."""
        self.show_view("chronology")
        if not self.chronology.select_event(event_id):
            self.chronology.filter_bar.set_filters(default_filters(False, True))
            self.chronology.select_event(event_id)
        self.open_event(event_id)

    # --- importing --------------------------------------------------------------------------

    def choose_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import case notes", self.settings.get("last_folder"),
            f"Case-note exports ({' '.join(IMPORTABLE)});;All files (*)",
        )
        if files:
            self.settings.set("last_folder", str(Path(files[0]).parent))
            self.import_paths([Path(f) for f in files])

    def import_paths(self, files: list[Path]) -> ImportRun | None:
        """Import export files into the open case (creating a case first when none is open)."""
        if self.import_run is not None and not self.import_run.finished:
            QMessageBox.information(self, "Import running", "One import at a time: wait for this one to finish.")
            return None
        if self.case is None and not self.new_case():
            return None
        assert self.case is not None
        self.statusBar().showMessage(f"Importing {len(files)} file(s)…")
        self.import_run = ImportRun(
            self.case.path, files, passphrase=self.passphrase, parent=self,
            on_progress=self._import_progress, on_done=self._import_done, extractor=self.extractor,
        )
        self.import_run.start()
        if not self.import_run.finished:
            self._refresh_timer.start(REFRESH_DURING_IMPORT_MS)
        return self.import_run

    def _import_progress(self, progress: Any) -> None:
        self.statusBar().showMessage(f"Importing: {progress.message or progress.stage}")
        if progress.stage == "resolving":
            # People and repeated events are being relinked: the views would show a passing
            # state, and a refresh then waited seconds on the busy import. They refresh when
            # the import is done.
            self._refresh_timer.stop()

    def _refresh_during_import(self) -> None:
        if self.case is not None and self.current_view() in ("summary", "chronology"):
            started = time.perf_counter()
            self.refresh_all(visible_only=True)
            took_ms = (time.perf_counter() - started) * 1000
            self._refresh_timer.setInterval(max(REFRESH_DURING_IMPORT_MS, round(took_ms / REFRESH_SHARE)))

    def _import_done(self, report: Any, error: Exception | None, cancelled: bool) -> None:
        self._refresh_timer.stop()
        self.refresh_all()
        if error is not None:
            self.statusBar().showMessage("The import failed")
            QMessageBox.critical(self, "Import failed", str(error) if isinstance(error, CaseLensError)
                                 else f"Something went wrong during the import ({error}). Nothing was changed.")
            return
        if cancelled:
            self.statusBar().showMessage("Import cancelled: nothing from it was kept", 10000)
            return
        text, problem = describe_report(report)
        self.statusBar().showMessage("Import finished", 10000)
        box = QMessageBox(QMessageBox.Icon.Warning if problem else QMessageBox.Icon.Information,
                          "Import finished", text, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setModal(False)
        box.show()
        self.last_report_box = box

    def _resume_interrupted_import(self) -> None:
        """An import a crash left half-extracted finishes in the background."""
        waiting = self.case.db.execute("SELECT count(*) FROM imports WHERE status = 'extracting'").fetchone()[0]
        if not waiting:
            return
        self.statusBar().showMessage("Finishing an import that was interrupted…")
        self._refresh_timer.start(REFRESH_DURING_IMPORT_MS)
        workers.run_task(
            resume_extraction, self.case.path, self.passphrase, self.extractor,
            on_result=lambda _r: self._resume_done(), on_error=lambda e: self._resume_done(str(e)),
        )

    def _resume_done(self, problem: str = "") -> None:
        self._refresh_timer.stop()
        self.statusBar().showMessage(problem or "The interrupted import is complete", 10000)
        self.refresh_all()

    # --- passphrase -------------------------------------------------------------------------

    def choose_passphrase(self) -> None:
        if self.case is None:
            return
        dialog = PassphraseDialog(self.case.encrypted, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.change_passphrase(dialog.passphrase.text())

    def change_passphrase(self, new: str) -> workers.Task | None:
        """Encrypt the case (or re-key it) through a verified copy, then reopen it."""
        if self.case is None:
            return None
        if self.import_run is not None and not self.import_run.finished:
            QMessageBox.information(self, "Import running", "Wait for the import to finish first.")
            return None
        path, old, view = self.case.path, self.passphrase, self.current_view()
        self.case.close()
        self.case = None
        self.show_case(None)  # nothing may read the case while its file is swapped
        self.start_page.set_message("Encrypting the case… it opens again when done.")
        self.statusBar().showMessage("Encrypting the case…")

        def reopen(passphrase: str | None, message: str) -> None:
            self.start_page.set_message("")
            self.set_case(open_case(path, passphrase=passphrase), passphrase)
            self.show_view(view or "summary")
            self.statusBar().showMessage(message, 10000)

        def failed(error: Exception) -> None:
            reopen(old, "The passphrase was not changed")
            QMessageBox.warning(self, "Passphrase not changed", str(error))

        return workers.run_task(
            change_passphrase, path, old, new,
            on_result=lambda _result: reopen(new, "The case is encrypted with the new passphrase"),
            on_error=failed,
        )

    # --- exporting --------------------------------------------------------------------------

    def export_to_word(self) -> None:
        """Ask what to export and where, then write the Word document or CSV in the background."""
        if self.case is None:
            return
        view = self.chronology
        described = "; ".join(view.model.filters.describe(view.filter_bar.defaults))
        dialog = ExportDialog(len(view.model.ids), len(view.selected_rows()), described, self,
                              case=self.case, events_for=self.export_event_ids)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        suffix = "." + dialog.export_format()
        suggested = Path(self.settings.get("last_folder") or Path.home()) / f"{self.case.path.stem} chronology{suffix}"
        out, _ = QFileDialog.getSaveFileName(self, "Save the chronology", str(suggested), dialog.file_filter())
        if not out:
            return
        out_path = Path(out if out.lower().endswith(suffix) else out + suffix)
        self.settings.set("last_folder", str(out_path.parent))
        self.start_export(out_path, dialog.choice(), anonymise=dialog.anonymise.isChecked(),
                          summary=dialog.summary.isChecked(), timeline=dialog.timeline.isChecked(),
                          export_format=dialog.export_format(), redactions=dialog.redactions())

    def export_event_ids(self, choice: str) -> list[str] | None:
        """The events ``choice`` means: exact ids for "filter" and "selection", None for all key events."""
        if choice == "filter":
            self._up_to_date("chronology")
            return list(self.chronology.model.ids)
        if choice == "selection":
            return [row["id"] for row in self.chronology.selected_rows()]
        return None

    def start_export(self, out_path: Path, choice: str, *, anonymise: bool = False, summary: bool = True,
                     timeline: bool = True, export_format: str = "docx",
                     redactions: list[str] | None = None) -> workers.Task:
        """Export ``choice`` ("filter": the rows shown, "selection", or "key": all key events)
        as ``export_format`` ("docx" or "csv"), with the worker's ``redactions`` when anonymised."""
        assert self.case is not None
        options: dict[str, Any] = {"anonymise": anonymise, "redactions": list(redactions or ())}
        event_ids = self.export_event_ids(choice)
        if event_ids is not None:
            options["event_ids"] = event_ids
        if export_format == "csv":
            self.statusBar().showMessage(f"Writing {out_path.name}…")
            return workers.run_task(
                export_spreadsheet, self.case.path, self.passphrase, out_path,
                on_result=lambda result: self._export_done(out_path, result),
                on_error=lambda error: self._export_failed(error), **options,
            )
        options["sections"] = set()
        if summary:
            options["sections"].add("summary")
        if timeline:
            self._up_to_date("timeline")
            options["sections"].add("timeline")
            options["timeline_png"] = self.timeline.render_png()
        self.statusBar().showMessage(f"Writing {out_path.name}…")
        return workers.run_task(
            export_word, self.case.path, self.passphrase, out_path,
            on_result=lambda result: self._export_done(out_path, result),
            on_error=lambda error: self._export_failed(error), **options,
        )

    def _export_done(self, out_path: Path, result: Any) -> None:
        count = getattr(result, "count", None)
        self.statusBar().showMessage(f"Saved {count} entries to {out_path}" if count is not None
                                     else f"Saved {out_path}", 15000)

    def _export_failed(self, error: Exception) -> None:
        self.statusBar().showMessage("The export failed")
        QMessageBox.warning(self, "Export failed", str(error) if isinstance(error, CaseLensError)
                            else f"The chronology could not be written ({error}).")

    # --- drag and drop ----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        event.acceptProposedAction()
        self.handle_dropped(paths)

    def handle_dropped(self, paths: list[Path]) -> None:
        cases = [p for p in paths if p.suffix == ".caselens"]
        if cases:
            self.open_path(cases[0])
            return
        if paths:
            self.import_paths(paths)

    # --- settings and closing ---------------------------------------------------------------

    def change_font_size(self, step: int) -> None:
        size = max(8, min(20, self.settings.get("font_size") + step))
        self.settings.set("font_size", size)
        self._apply_font_size(size)

    def _apply_font_size(self, size: int) -> None:
        app = QApplication.instance()
        if app is not None:
            font = QFont(app.font())
            font.setPointSize(size)
            app.setFont(font)

    def _restore_layout(self) -> None:
        geometry = self.settings.get("window_geometry")
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.get("window_state")
        if not state.isEmpty():
            self.restoreState(state)
        header = self.settings.get("chronology_header")
        if not header.isEmpty():
            self.chronology.table.horizontalHeader().restoreState(header)

    def save_settings(self) -> None:
        self.settings.set("window_geometry", self.saveGeometry())
        self.settings.set("window_state", self.saveState())
        self.settings.set("chronology_header", self.chronology.table.horizontalHeader().saveState())
        filters = self.chronology.filter_bar.filters()
        self.settings.set("key_events_only", filters.min_significance >= 2)
        self.settings.set("show_uncertain", filters.show_uncertain)
        self.settings.sync()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._dock_sized:
            self._dock_sized = True
            if not self.remember_layout or self.settings.get("window_state").isEmpty():
                self.resizeDocks([self.reader_dock], [max(300, min(440, self.width() * 3 // 10))],
                                 Qt.Orientation.Horizontal)
        if self._preload and self._language_model_task is None:
            QTimer.singleShot(300, self._load_language_model)

    def _load_language_model(self) -> None:
        """Load spaCy after the window is up, so the first import starts at once."""
        from nlp.pipeline import load_pipeline

        self.statusBar().showMessage("Loading the language model in the background…")
        self._language_model_task = workers.run_task(
            load_pipeline,
            on_result=lambda _nlp: self.statusBar().showMessage("Ready", 5000),
            on_error=lambda error: self.statusBar().showMessage(f"The language model could not be loaded: {error}"),
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.import_run is not None and not self.import_run.finished:
            answer = QMessageBox.question(
                self, "Import running", "An import is still running. Cancel it (nothing from it is kept) and quit?")
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.import_run.cancel()
            workers.wait_for_all()
        if self.remember_layout:
            self.save_settings()
        workers.wait_for_all(60000)
        if self.case is not None:
            self.case.close()
            self.case = None
        super().closeEvent(event)

    def show_shortcuts(self) -> QMessageBox:
        """Every shortcut, worked out from the actions themselves so the list never goes stale."""
        rows = []
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            for action in menu.actions() if menu else []:
                if not action.shortcut().isEmpty():
                    text = action.text().replace("&", "").rstrip("…")
                    key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                    rows.append(f"<tr><td><b>{html.escape(key)}</b></td><td>{html.escape(text)}</td></tr>")
        rows.append("<tr><td><b>Enter</b></td><td>Read the note of the selected event, risk, person or gap</td></tr>")
        rows.append("<tr><td><b>Ctrl+wheel, + and −</b></td><td>Zoom the timeline</td></tr>")
        rows.append("<tr><td><b>Ctrl+Shift+R</b></td><td>Add a risk from the text selected in the note reader</td></tr>")
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts",
                          "<table cellpadding='3'>" + "".join(rows) + "</table>", QMessageBox.StandardButton.Close, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setModal(False)
        box.show()
        return box

    def _about(self) -> None:
        QMessageBox.about(self, "About CaseLens", "<b>CaseLens</b><br>Enhanced chronologies from case notes, offline. "
                          f"Nothing leaves this computer.<br>{date.today().year}")


def resume_extraction(case_path: Path, passphrase: str | None, extractor: Any = None, *, progress: Any = None,
                      cancel: Any = None) -> Any:
    """Open the case on this (worker) thread and finish any interrupted extraction."""
    from services.extraction import resume_incomplete

    with open_case(case_path, passphrase=passphrase) as case:
        return resume_incomplete(case, progress=progress, cancel=cancel, extractor=extractor)

