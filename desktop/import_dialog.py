"""Importing export files from the app: a background task and its progress dialog.

``services.importing.import_files`` does the work (read → store → extract, each file whole or
not at all); this module runs it through ``desktop.workers`` and shows notes done / total,
the rate, the time left and the current file, with a Cancel that removes the unfinished
import whole. The result is summed up in plain English, refused files with their reason.
"""
from __future__ import annotations

import html
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from desktop import workers
from services.importing import ImportReport, import_files
from services.progress import Progress

IMPORTABLE = ("*.csv", "*.xlsx", "*.docx", "*.pdf", "*.txt", "*.html", "*.htm")
STAGES = {
    "reading": "Reading and storing the notes",
    "storing": "Storing the notes",
    "extracting": "Finding events, people and risks",
    "resolving": "Linking people and merging repeated events",
    "removing": "Cancelling: removing the unfinished import",
}


class ImportProgressDialog(QDialog):
    """Shows one import's progress; Cancel asks the task to stop."""

    cancel_requested = Signal()

    def __init__(self, files: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Importing case notes")
        self.setModal(False)
        self.setMinimumWidth(520)
        self.files = files
        self.stage = QLabel("Starting…")
        self.stage.setObjectName("sectionTitle")
        self.current_file = QLabel(_file_list(files))
        self.current_file.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.detail = QLabel(" ")
        self.cancel_button = QPushButton("Cancel import")
        self.cancel_button.setToolTip("Stop and remove this import whole (Esc)")
        self.cancel_button.clicked.connect(self.request_cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stage)
        layout.addWidget(self.current_file)
        layout.addWidget(self.bar)
        layout.addWidget(self.detail)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        self._stage_started = time.monotonic()
        self._stage_name = ""
        self.cancelling = False

    def request_cancel(self) -> None:
        if self.cancelling:
            return
        self.cancelling = True
        self.cancel_button.setEnabled(False)
        self.stage.setText("Cancelling…")
        self.detail.setText("Stopping after the current batch; the unfinished import will be removed whole.")
        self.cancel_requested.emit()

    def reject(self) -> None:  # Esc or the window's close button
        self.request_cancel()

    def show_progress(self, progress: Progress) -> None:
        if progress.stage != self._stage_name:
            self._stage_name = progress.stage
            self._stage_started = time.monotonic()
        if not self.cancelling or progress.stage == "removing":
            self.stage.setText(STAGES.get(progress.stage, progress.stage.capitalize()))
        if progress.message.startswith("Reading "):
            self.current_file.setText(f"Current file: <b>{html.escape(progress.message.removeprefix('Reading '))}</b>")
        if progress.total > 0:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(progress.done)
        else:
            self.bar.setRange(0, 0)
        self.detail.setText(self._detail(progress))

    def _detail(self, progress: Progress) -> str:
        if progress.total <= 0:
            return progress.message or " "
        unit = "notes" if progress.stage == "extracting" else "files" if progress.stage == "reading" else "steps"
        parts = [f"{progress.done} of {progress.total} {unit}"]
        elapsed = time.monotonic() - self._stage_started
        if progress.done and elapsed > 0.5 and progress.stage == "extracting":
            parts.append(f"{progress.done / elapsed:.1f} notes a second")
            # The time left as extraction reckons it (notes weighed by length, resolution
            # counted), the same figure the status bar shows; not notes left at this rate.
            if progress.message.endswith(" left"):
                parts.append(progress.message)
        return " · ".join(p for p in parts if p)


def _file_list(files: list[Path]) -> str:
    names = ", ".join(html.escape(f.name) for f in files[:4])
    return names + (f" and {len(files) - 4} more" if len(files) > 4 else "")


def describe_report(report: ImportReport) -> tuple[str, bool]:
    """The outcome in plain English (HTML) and whether anything went wrong."""
    lines = []
    problem = False
    for result in report.files:
        name = html.escape(result.path.name)
        if result.status == "stored" and result.outcome is not None:
            outcome = result.outcome
            text = f"<b>{name}</b>: {outcome.notes_added} new notes"
            if outcome.notes_already_stored:
                text += f", {outcome.notes_already_stored} already in the case"
            if outcome.versions:
                text += f", {outcome.versions} updated versions"
            if outcome.undated:
                text += f", {outcome.undated} without a date (kept and flagged)"
            lines.append(text + ".")
        elif result.status == "nothing_new":
            lines.append(f"<b>{name}</b>: already imported, nothing new.")
        elif result.status == "refused":
            problem = True
            lines.append(f"<b>{name}</b> was not imported: {html.escape(str(result.error))}")
        elif result.status == "cancelled":
            lines.append(f"<b>{name}</b>: cancelled, nothing kept.")
    if report.extraction is not None and report.extraction.notes:
        lines.append(f"Found events, people and risks in {report.extraction.notes} notes.")
    return "<br>".join(lines) or "No files were imported.", problem


class ImportRun:
    """One import started from the app: the task, its dialog, and what to call at the end.
    Built first, then ``start()``-ed, so whoever holds it can cancel from the first report."""

    def __init__(
        self,
        case_path: Path,
        files: list[Path],
        *,
        passphrase: str | None,
        parent: QWidget | None,
        on_progress: Callable[[Progress], None],
        on_done: Callable[[ImportReport | None, Exception | None, bool], None],
        extractor: Any = None,
    ) -> None:
        self.dialog = ImportProgressDialog(files, parent)
        self.on_done = on_done
        kwargs: dict[str, Any] = {"passphrase": passphrase}
        if extractor is not None:
            kwargs["extractor"] = extractor
        self.report: ImportReport | None = None
        self.finished = False

        def progress(update: Progress) -> None:
            self.dialog.show_progress(update)
            on_progress(update)

        self._progress = progress
        self.task = workers.Task(import_files, case_path, files, **kwargs)
        self.dialog.cancel_requested.connect(self.task.cancel)

    def start(self) -> None:
        """Show the dialog and start the work."""
        self.dialog.show()
        workers.start(self.task, on_progress=self._progress, on_result=self._result, on_error=self._error,
                      on_cancelled=self._cancelled)

    def cancel(self) -> None:
        """Press Cancel (nothing happens once the import has finished)."""
        if not self.finished:
            self.dialog.request_cancel()

    def _finish(self, report: ImportReport | None, error: Exception | None, cancelled: bool) -> None:
        self.finished = True
        self.dialog.hide()
        self.dialog.deleteLater()
        self.on_done(report, error, cancelled)

    def _result(self, report: ImportReport) -> None:
        self._finish(report, None, bool(report.cancelled))

    def _error(self, error: Exception) -> None:
        self._finish(None, error, False)

    def _cancelled(self) -> None:
        self._finish(self.task.outcome, None, True)
