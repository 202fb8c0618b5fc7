"""Exporting the chronology from the app: what to include, a preview of the anonymised copy
with the worker's own redactions, then a background export to Word or CSV.

The exports themselves are ``reports.word.export_docx`` and ``reports.csv_export.export_csv``;
they run on a worker thread with their own connection to the case. The preview uses the same
row builder (``reports.chronology.build_chronology``) and anonymiser the export uses, on the
window's connection, so what the worker reads is what will be written.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from reports.anonymise import REDACTED, Anonymiser
from reports.chronology import build_chronology, select_events
from store import open_case

PREVIEW_ROWS = 200
FORMATS = {"docx": "Word documents (*.docx)", "csv": "CSV files (*.csv)"}

# Which events a choice ("filter", "selection", "key") means: exact event ids, or None for
# every key event. The window answers this, since it knows its filter and selection.
EventsFor = Callable[[str], list[str] | None]


class ExportDialog(QDialog):
    """Choose the events (current filter, selection or key events), the format and the extras;
    for the anonymised copy, preview it and redact further words by hand."""

    def __init__(
        self,
        shown: int,
        selected: int,
        filter_text: str,
        parent: QWidget | None = None,
        *,
        case: Any = None,
        events_for: EventsFor | None = None,
    ) -> None:
        super().__init__(parent)
        self._case = case
        self._events_for = events_for
        self.setWindowTitle("Export the chronology")
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
        group.buttonToggled.connect(self._events_changed)

        kind = QGroupBox("Format")
        self.word = QRadioButton("Word document (.docx), laid out for a conference or court")
        self.csv = QRadioButton("CSV (.csv), one row per event, for a spreadsheet")
        self.word.setChecked(True)
        formats = QButtonGroup(self)
        kind_layout = QVBoxLayout(kind)
        for button in (self.word, self.csv):
            formats.addButton(button)
            kind_layout.addWidget(button)
        self.summary = QCheckBox("Start with the case summary (people, risks, gaps)")
        self.summary.setChecked(True)
        self.timeline = QCheckBox("Include the timeline picture")
        self.timeline.setChecked(True)
        kind_layout.addWidget(self.summary)
        kind_layout.addWidget(self.timeline)
        self.word.toggled.connect(self._format_changed)

        self.anonymise = QCheckBox("Anonymised copy, for sharing beyond the case")
        self.preview_box = self._build_preview()
        self.preview_box.setVisible(False)
        self.anonymise.toggled.connect(self._anonymise_changed)

        note = QLabel("Hidden events are never exported. Every entry names its source note.")
        note.setObjectName("muted")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        choices = QHBoxLayout()  # side by side, so the dialog with its preview fits a laptop screen
        choices.addWidget(which)
        choices.addWidget(kind)
        layout.addLayout(choices)
        layout.addWidget(self.anonymise)
        layout.addWidget(self.preview_box, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _build_preview(self) -> QGroupBox:
        box = QGroupBox("Preview of the anonymised copy")
        self.preview = QTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setMinimumSize(820, 300)
        self.preview_note = QLabel()
        self.preview_note.setObjectName("muted")
        self.preview_note.setWordWrap(True)
        self.redact_text = QLineEdit()
        self.redact_text.setPlaceholderText("Select words in the preview, or type them here")
        self.redact_button = QPushButton("Redact")
        self.redact_button.setToolTip("Replace these words with [redacted] everywhere in the export")
        self.redact_button.clicked.connect(self.redact_selected)
        self.redact_text.returnPressed.connect(self.redact_selected)
        self.preview.selectionChanged.connect(self._selection_changed)
        self.redaction_list = QListWidget()
        self.redaction_list.setMaximumHeight(64)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Stop redacting the chosen words")
        self.remove_button.clicked.connect(self.remove_selected_redaction)
        self.remove_button.setEnabled(False)
        self.redaction_list.currentRowChanged.connect(lambda row: self.remove_button.setEnabled(row >= 0))

        add_row = QHBoxLayout()
        add_row.addWidget(self.redact_text, 1)
        add_row.addWidget(self.redact_button)
        list_row = QHBoxLayout()
        list_row.addWidget(self.redaction_list, 1)
        list_row.addWidget(self.remove_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.preview_note)
        layout.addWidget(QLabel("Redact further by hand:"))
        layout.addLayout(add_row)
        layout.addWidget(QLabel("Your redactions (applied to the whole export):"))
        layout.addLayout(list_row)
        return box

    # --- choices ----------------------------------------------------------------------------

    def choice(self) -> str:
        """ "selection", "key" (all key events) or "filter" (the rows shown now)."""
        if self.selection.isChecked():
            return "selection"
        if self.key_events.isChecked():
            return "key"
        return "filter"

    def export_format(self) -> str:
        """ "docx" or "csv"."""
        return "csv" if self.csv.isChecked() else "docx"

    def file_filter(self) -> str:
        """The save dialog's file filter for the chosen format."""
        return FORMATS[self.export_format()]

    def redactions(self) -> list[str]:
        """The words and phrases the worker chose to redact, in the order added."""
        return [self.redaction_list.item(i).text() for i in range(self.redaction_list.count())]

    # --- redacting --------------------------------------------------------------------------

    def add_redaction(self, words: str) -> bool:
        """Add ``words`` to the redactions and refresh the preview; False when nothing new."""
        words = " ".join(words.split())
        if not words or words == REDACTED or words.lower() in (r.lower() for r in self.redactions()):
            return False
        self.redaction_list.addItem(words)
        self.refresh_preview()
        return True

    def redact_selected(self) -> None:
        """Redact the words typed in, or else the words selected in the preview."""
        words = self.redact_text.text() or self.preview.textCursor().selectedText().replace("\u2029", " ")
        if self.add_redaction(words):
            self.redact_text.clear()

    def remove_selected_redaction(self) -> None:
        row = self.redaction_list.currentRow()
        if row >= 0:
            self.redaction_list.takeItem(row)
            self.refresh_preview()

    def _selection_changed(self) -> None:
        selected = self.preview.textCursor().selectedText().strip()
        self.redact_button.setText(f"Redact “{selected[:30]}”" if selected and not self.redact_text.text()
                                   else "Redact")

    # --- preview ----------------------------------------------------------------------------

    def _anonymise_changed(self, checked: bool) -> None:
        self.preview_box.setVisible(checked)
        if checked:
            self.refresh_preview()
        self.adjustSize()

    def _events_changed(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            self.refresh_preview()

    def _format_changed(self, word: bool) -> None:
        self.summary.setEnabled(word)
        self.timeline.setEnabled(word)

    def refresh_preview(self) -> None:
        """Rebuild the preview from the case, as the export will write it (first rows only)."""
        if not self.anonymise.isChecked():
            return
        if self._case is None or self._events_for is None:
            self.preview.setPlainText("No case is open.")
            self.preview_note.setText("")
            return
        event_ids = self._events_for(self.choice())
        events = select_events(self._case, key_only=True, event_ids=event_ids)
        shown = [event["id"] for event in events[:PREVIEW_ROWS]]
        anonymiser = Anonymiser.from_case(self._case, redactions=tuple(self.redactions()))
        chronology = build_chronology(self._case, anonymise=True, event_ids=shown, anonymiser=anonymiser)
        self.preview.setHtml(preview_html([entry.cells() for entry in chronology.entries]))
        if len(events) > PREVIEW_ROWS:
            self.preview_note.setText(f"Showing the first {PREVIEW_ROWS} of {len(events)} entries; "
                                      "your redactions apply to all of them.")
        else:
            self.preview_note.setText(f"All {len(events)} {'entry' if len(events) == 1 else 'entries'} "
                                      "as they will be exported.")


def preview_html(rows: list[tuple[str, ...]]) -> str:
    """The preview table: Date, Event, Source, Impact, Action of each row (``ChronologyEntry.cells``)."""
    heads = ("Date", "Event", "Source", "Impact on child", "Action/Outcome")
    cell_style = "padding:3px 6px; vertical-align:top;"
    parts = ['<table width="100%" cellspacing="0" border="1" style="border-collapse:collapse;">', "<tr>"]
    parts += [f'<th align="left" style="{cell_style}">{head}</th>' for head in heads]
    parts.append("</tr>")
    for cells in rows:
        _number, day, _age, event, source, impact, action = cells
        parts.append("<tr>")
        for text in (day, event, source, impact, action):
            shown = html.escape(text).replace(html.escape(REDACTED), f"<b>{html.escape(REDACTED)}</b>")
            parts.append(f'<td style="{cell_style}">{shown}</td>')
        parts.append("</tr>")
    if not rows:
        parts.append('<tr><td colspan="5">No entries to export.</td></tr>')
    parts.append("</table>")
    return "".join(parts)


def export_word(case_path: Path, passphrase: str | None, out_path: Path, **options: Any) -> Any:
    """Open the case on this (worker) thread and write the Word chronology."""
    from reports.word import export_docx

    with open_case(case_path, passphrase=passphrase) as case:
        return export_docx(case, out_path, **options)


def export_spreadsheet(case_path: Path, passphrase: str | None, out_path: Path, **options: Any) -> Any:
    """Open the case on this (worker) thread and write the chronology as CSV."""
    from reports.csv_export import export_csv

    with open_case(case_path, passphrase=passphrase) as case:
        return export_csv(case, out_path, **options)
