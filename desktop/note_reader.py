"""The note reader: the full source note with the evidence highlighted.

Every fact points at ``[start, end)`` of its note's text; the reader shows that text exactly
as stored and highlights the span (yellow), underlines the other facts found in the note
(events, risks, strengths, people) and highlights the worker's search words. Offsets are
Python (code point) offsets; QTextDocument counts UTF-16 units, so they are converted.
"""
from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from desktop import formatting
from store import queries
from store.connection import Case

EVIDENCE_COLOUR = QColor("#ffe066")
SEARCH_COLOUR = QColor("#cde8ff")
_UNDERLINES = {"event": QColor("#2b6cb0"), "risk": QColor("#c53030"), "strength": QColor("#2f855a"),
               "person": QColor("#6b46c1")}
_WORD = re.compile(r"\w+", re.UNICODE)


def utf16_offset(text: str, index: int) -> int:
    """A Python string index as the UTF-16 position QTextDocument uses."""
    prefix = text[:index]
    return index + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


def python_offset(text: str, position: int) -> int:
    """A QTextDocument (UTF-16) position in ``text`` as a Python string index."""
    units = 0
    for index, ch in enumerate(text):
        if units >= position:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


class NoteReader(QWidget):
    """Shows one note; ``show_note(case, note_id, start, end)`` highlights the evidence.
    ``add_risk(note_id, start, end, text)`` asks to record a risk the worker selected."""

    add_risk = Signal(str, int, int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.note: queries.NoteView | None = None
        self.evidence: tuple[int, int] | None = None
        self.search_text = ""
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.versions = QComboBox()
        self.versions.setAccessibleName("Note version")
        self.versions.currentIndexChanged.connect(self._version_chosen)
        self.versions_label = QLabel("Version")
        self.versions_label.setBuddy(self.versions)
        self.body = QTextBrowser()
        self.body.setOpenLinks(False)
        self.body.setAccessibleName("Note text")
        self.legend = QLabel(
            "<span style='background:#ffe066'>&nbsp;evidence&nbsp;</span> "
            "<span style='color:#2b6cb0'><u>event</u></span> · <span style='color:#c53030'><u>risk</u></span> · "
            "<span style='color:#2f855a'><u>strength</u></span> · <span style='color:#6b46c1'><u>person</u></span>"
        )
        self.legend.setObjectName("legend")
        self.add_risk_button = QPushButton("Add risk from selection…")
        self.add_risk_button.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.add_risk_button.setToolTip("Select the words in the note that show a risk the extraction missed"
                                        " (Ctrl+Shift+R)")
        self.add_risk_button.setEnabled(False)
        self.add_risk_button.clicked.connect(self.request_risk)
        self.body.selectionChanged.connect(
            lambda: self.add_risk_button.setEnabled(self.note is not None and self.note.current
                                                    and self.body.textCursor().hasSelection()))
        versions = QHBoxLayout()
        versions.addWidget(self.versions_label)
        versions.addWidget(self.versions, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.header)
        layout.addLayout(versions)
        layout.addWidget(self.body, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.legend, 1)
        bottom.addWidget(self.add_risk_button)
        layout.addLayout(bottom)
        self.clear()

    def clear(self) -> None:
        self.note = None
        self.evidence = None
        self.header.setText("<i>Select an event, risk, person or gap to read the note it came from.</i>")
        self.body.clear()
        self._show_versions([])

    def set_search(self, text: str) -> None:
        self.search_text = text or ""

    def show_note(self, case: Case, note_id: str, start: int | None = None, end: int | None = None) -> bool:
        """Load a note and highlight ``[start, end)``; False when the note no longer exists."""
        self.case = case
        view = queries.note_with_facts(case, note_id)
        if view is None:
            self.clear()
            self.header.setText("<i>The note this came from is no longer in the case.</i>")
            return False
        self.note = view
        self.evidence = (start, end) if start is not None and end is not None else None
        self._render()
        self._show_versions(view.versions)
        return True

    def select_span(self, start: int, end: int) -> None:
        """Select ``note.text[start:end]`` as the worker would with the mouse."""
        assert self.note is not None
        cursor = QTextCursor(self.body.document())
        cursor.setPosition(utf16_offset(self.note.text, start))
        cursor.setPosition(utf16_offset(self.note.text, end), QTextCursor.MoveMode.KeepAnchor)
        self.body.setTextCursor(cursor)

    def selected_span(self) -> tuple[int, int] | None:
        """The selected part of the note text as Python offsets, or None."""
        cursor = self.body.textCursor()
        if self.note is None or not cursor.hasSelection():
            return None
        start = python_offset(self.note.text, cursor.selectionStart())
        end = python_offset(self.note.text, cursor.selectionEnd())
        while start < end and self.note.text[start].isspace():
            start += 1
        while end > start and self.note.text[end - 1].isspace():
            end -= 1
        return (start, end) if end > start else None

    def request_risk(self) -> None:
        """Ask the window to record a risk evidenced by the selected text."""
        span = self.selected_span()
        if span is not None and self.note is not None:
            self.add_risk.emit(self.note.id, span[0], span[1], self.note.text[span[0]:span[1]])

    def highlighted_text(self) -> str:
        """The evidence span as shown (what the worker sees highlighted)."""
        if self.note is None or self.evidence is None:
            return ""
        start, end = self.evidence
        return self.note.text[start:end]

    def format_at(self, index: int) -> QTextCharFormat:
        """The character format at a Python index of the note text (for checks)."""
        cursor = QTextCursor(self.body.document())
        position = utf16_offset(self.note.text, index) if self.note else index
        cursor.setPosition(position)
        cursor.setPosition(position + 1, QTextCursor.MoveMode.KeepAnchor)
        return cursor.charFormat()

    def _render(self) -> None:
        note = self.note
        assert note is not None
        parts = [f"<b style='font-size:115%'>{html.escape(formatting.uk_date(note.note_date))}</b>"]
        if note.note_type:
            parts.append(html.escape(note.note_type))
        if note.author:
            parts.append(html.escape(note.author))
        if note.agency:
            parts.append(html.escape(note.agency))
        lines = [" · ".join(parts)]
        if note.title:
            lines.append(f"<i>{html.escape(note.title)}</i>")
        refs = []
        for source in note.sources:
            ref = source.get("ref") or ""
            if source.get("source_note_id"):
                ref = f"note id {source['source_note_id']}, {ref}"
            file = (source.get("file") or "").replace("\\", "/").rsplit("/", 1)[-1]
            refs.append(html.escape(f"{file} ({ref})" if file else ref))
        if refs:
            lines.append("<span style='color:#555'>Source: " + "; ".join(refs) + "</span>")
        if note.recorded_date and note.recorded_date[:10] != (note.note_date or "")[:10]:
            lines.append(f"<span style='color:#555'>Recorded {html.escape(formatting.uk_date(note.recorded_date))}</span>")
        if not note.current:
            lines.append("<b style='color:#a4262c'>An earlier version: a later version of this note replaced it.</b>")
        self.header.setText("<br>".join(lines))

        document = QTextDocument(self.body)
        document.setDefaultFont(self.body.font())
        document.setPlainText(note.text)
        self.body.setDocument(document)
        text = note.text
        for kind, start, end, label in note.facts:
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(_UNDERLINES.get(kind, QColor("#555")))
            fmt.setToolTip(f"{kind}: {label.replace('_', ' ')}")
            self._apply(text, start, end, fmt)
        for word in _WORD.findall(self.search_text):
            fmt = QTextCharFormat()
            fmt.setBackground(SEARCH_COLOUR)
            for match in re.finditer(rf"\b{re.escape(word)}", text, re.IGNORECASE):
                self._apply(text, match.start(), match.end(), fmt)
        if self.evidence is not None:
            start, end = self.evidence
            fmt = QTextCharFormat()
            fmt.setBackground(EVIDENCE_COLOUR)
            fmt.setFontWeight(700)
            self._apply(text, start, end, fmt)
            cursor = QTextCursor(document)
            cursor.setPosition(utf16_offset(text, min(end, len(text))))
            self.body.setTextCursor(cursor)
            self.body.ensureCursorVisible()
            cursor.setPosition(utf16_offset(text, max(0, start)))
            self.body.setTextCursor(cursor)
            self.body.ensureCursorVisible()

    def _apply(self, text: str, start: int, end: int, fmt: QTextCharFormat) -> None:
        start = max(0, min(start, len(text)))
        end = max(start, min(end, len(text)))
        cursor = QTextCursor(self.body.document())
        cursor.setPosition(utf16_offset(text, start))
        cursor.setPosition(utf16_offset(text, end), QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(fmt)

    def _show_versions(self, versions: list[tuple[str, str | None, bool]]) -> None:
        self.versions.blockSignals(True)
        self.versions.clear()
        for note_id, note_date, current in versions:
            caption = "Current version" if current else f"Earlier version ({formatting.uk_date(note_date)})"
            self.versions.addItem(caption, note_id)
        if self.note is not None:
            self.versions.setCurrentIndex(max(self.versions.findData(self.note.id), 0))
        self.versions.blockSignals(False)
        self.versions.setVisible(bool(versions))
        self.versions_label.setVisible(bool(versions))

    def _version_chosen(self, index: int) -> None:
        note_id = self.versions.itemData(index)
        if note_id and self.case is not None and (self.note is None or note_id != self.note.id):
            keep = self.evidence if self.note is not None and note_id == self.note.id else None
            self.show_note(self.case, note_id, *(keep or (None, None)))
