"""Exporting the chronology to Word from the app: what to include, then a background export.

The export itself is ``reports.word.export_docx``; it runs on a worker thread with its own
connection to the case. The timeline picture is rendered here on the UI thread first.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from store import open_case


class ExportDialog(QDialog):
    """Choose the events (current filter, selection or key events) and the extras."""

    def __init__(self, shown: int, selected: int, filter_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export the chronology to Word")
        which = QGroupBox("Which events")
        self.current_filter = QRadioButton(f"The events shown now ({shown}{': ' + filter_text if filter_text else ''})")
        self.selection = QRadioButton(f"The selected rows ({selected})")
        self.key_events = QRadioButton("All key events")
        self.selection.setEnabled(selected > 0)
        self.current_filter.setChecked(True)
        group = QButtonGroup(self)
        which_layout = QVBoxLayout(which)
        for button in (self.current_filter, self.selection, self.key_events):
            group.addButton(button)
            which_layout.addWidget(button)
        self.summary = QCheckBox("Start with the case summary (people, risks, gaps)")
        self.summary.setChecked(True)
        self.timeline = QCheckBox("Include the timeline picture")
        self.timeline.setChecked(True)
        self.anonymise = QCheckBox("Anonymised copy, for sharing beyond the case")
        note = QLabel("Hidden events are never exported. Every entry names its source note.")
        note.setObjectName("muted")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(which)
        layout.addWidget(self.summary)
        layout.addWidget(self.timeline)
        layout.addWidget(self.anonymise)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def choice(self) -> str:
        if self.selection.isChecked():
            return "selection"
        if self.key_events.isChecked():
            return "key"
        return "filter"


def export_word(case_path: Path, passphrase: str | None, out_path: Path, **options: Any) -> Any:
    """Open the case on this (worker) thread and write the Word chronology."""
    from reports.word import export_docx

    with open_case(case_path, passphrase=passphrase) as case:
        return export_docx(case, out_path, **options)
