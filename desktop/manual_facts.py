"""Dialogs for the worker's own facts: an event added by hand, a risk the extraction missed
(from text selected in the note reader) and splitting a person extraction wrongly merged.

The dialogs only collect values; the window stores them as undoable commands
(``desktop.curation.AddManualFact`` and ``SetCuratedValues``), in the curation layer that
extraction never overwrites.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting

RISK_STATUSES = ("current", "historical", "uncertain", "hypothetical", "negated")


def _combo(labels: dict[Any, str], current: Any = None) -> QComboBox:
    combo = QComboBox()
    for value, text in labels.items():
        combo.addItem(text, value)
    if current in labels:
        combo.setCurrentIndex(list(labels).index(current))
    return combo


def _text_box(lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class AddEventDialog(QDialog):
    """An event the notes do not record as such (or the extraction missed): date, precision
    (as typed: 12/03/2023, 03/2023 or 2023), type, summary, significance, impact, action."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add event")
        self.date = QLineEdit()
        self.date.setPlaceholderText("12/03/2023, 03/2023 or 2023")
        self.date.setAccessibleName("Date")
        self.type = _combo(formatting.EVENT_TYPE_LABELS, "other")
        self.summary = _text_box(2)
        self.summary.setAccessibleName("Summary")
        self.key = QCheckBox("Key event")
        self.key.setChecked(True)
        self.impact = _text_box()
        self.impact.setAccessibleName("Impact on child")
        self.action = _text_box()
        self.action.setAccessibleName("Action / outcome")
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Date:", self.date)
        form.addRow("&Type:", self.type)
        form.addRow("&Summary:", self.summary)
        form.addRow("", self.key)
        form.addRow("&Impact on child:", self.impact)
        form.addRow("&Action / outcome:", self.action)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The event is stored as yours: re-extraction and re-import never change it."))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _check(self) -> None:
        if self.date.text().strip() and formatting.parse_user_date(self.date.text()) is None:
            self.problem.setText(f"“{self.date.text()}” is not a date CaseLens understands."
                                 " Write it as 12/03/2023, 03/2023 or 2023, or leave it empty.")
            return
        if not self.summary.toPlainText().strip():
            self.problem.setText("Write a short summary of the event.")
            return
        self.accept()

    def values(self) -> dict[str, Any]:
        """The event as ``store.curation.add_manual`` takes it."""
        parsed = formatting.parse_user_date(self.date.text()) if self.date.text().strip() else None
        return {
            "date": parsed[0] if parsed else None,
            "precision": parsed[1] if parsed else None,
            "date_source": "explicit" if parsed else None,
            "type": self.type.currentData(),
            "summary": self.summary.toPlainText().strip(),
            "significance": 2 if self.key.isChecked() else 1,
            "impact": self.impact.toPlainText().strip() or None,
            "action": self.action.toPlainText().strip() or None,
            "status": "current",
            "reviewed": True,
        }


class AddRiskDialog(QDialog):
    """A risk the extraction missed, evidenced by text the worker selected in a note."""

    def __init__(self, selected: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add risk")
        quote = QLabel(f"“{selected.strip()}”")
        quote.setWordWrap(True)
        quote.setTextFormat(Qt.TextFormat.PlainText)
        self.category = _combo(formatting.RISK_LABELS)
        self.category.setCurrentIndex(-1)
        self.category.setPlaceholderText("Choose the risk…")
        self.category.setAccessibleName("Risk category")
        self.status = _combo({status: formatting.STATUS_LABELS.get(status, status) for status in RISK_STATUSES},
                             "current")
        self.status.setAccessibleName("Status")
        self.about_other = QCheckBox("About someone outside the child's household")
        form = QFormLayout()
        form.addRow("&Category:", self.category)
        form.addRow("&Status:", self.status)
        form.addRow("", self.about_other)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Evidence (the selected text):"))
        layout.addWidget(quote)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def _check(self) -> None:
        if self.category.currentIndex() < 0:
            self.problem.setText("Choose which risk the text shows.")
        else:
            self.accept()

    def values(self) -> dict[str, Any]:
        """Category, status and its flag, and experiencer, as a risk row holds them."""
        status = self.status.currentData()
        flags = {name: status == name for name in ("negated", "historical", "hypothetical", "uncertain")}
        return {"category": self.category.currentData(), "status": status, **flags,
                "experiencer": "other" if self.about_other.isChecked() else "subject"}


class SplitPersonDialog(QDialog):
    """One person extraction made of two: name the other person and tick the mentions (and
    the names) that are them."""

    def __init__(self, person: dict[str, Any], mentions: list[dict[str, Any]], relationships: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Split a person")
        self.name = QLineEdit()
        self.name.setAccessibleName("The other person's name")
        self.relationship = _combo({value: formatting.relationship_label(value) for value in relationships},
                                   person.get("relationship") or "unknown")
        self.mentions = QListWidget()
        self.mentions.setAccessibleName("Mentions of the other person")
        for mention in mentions:
            shown = f"{formatting.uk_date(mention.get('note_date'))} — “{mention['text']}”: {mention['sentence']}"
            item = QListWidgetItem(shown)
            item.setData(Qt.ItemDataRole.UserRole, mention["id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setToolTip(mention["text"])
            self.mentions.addItem(item)
        self.aliases = QListWidget()
        self.aliases.setAccessibleName("Names of the other person")
        for alias in person.get("aliases") or []:
            item = QListWidgetItem(alias)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.aliases.addItem(item)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        form = QFormLayout()
        form.addRow("The other person's &name:", self.name)
        form.addRow("&Relationship to the child:", self.relationship)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Some mentions of {person.get('name') or 'this person'} are someone else."))
        layout.addLayout(form)
        layout.addWidget(QLabel("Tick the mentions that are the other person:"))
        layout.addWidget(self.mentions, 3)
        if self.aliases.count():
            self.aliases.setMaximumHeight(self.aliases.sizeHintForRow(0) * min(self.aliases.count(), 5) + 8)
            layout.addWidget(QLabel("Tick the names that belong to the other person:"))
            layout.addWidget(self.aliases)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(900, 560)

    def _check(self) -> None:
        if not self.name.text().strip():
            self.problem.setText("Give the other person a name.")
        elif not self.chosen_mentions():
            self.problem.setText("Tick at least one mention of the other person.")
        else:
            self.accept()

    def chosen_mentions(self) -> list[str]:
        return [self.mentions.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.mentions.count())
                if self.mentions.item(i).checkState() == Qt.CheckState.Checked]

    def values(self) -> dict[str, Any]:
        """The new person as ``store.curation.split_person`` takes it."""
        relationship = self.relationship.currentData()
        aliases = [self.aliases.item(i).text() for i in range(self.aliases.count())
                   if self.aliases.item(i).checkState() == Qt.CheckState.Checked]
        return {"name": self.name.text().strip(), "relationship": relationship, "aliases": aliases,
                "kind": "professional" if relationship == "professional" else "family"}
