"""A list of evidence (risk mentions, gap evidence), each row opening its source note."""
from __future__ import annotations

import html

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from desktop import formatting
from desktop.highlight import SpanHighlightDelegate
from store.queries import Mention

SPAN_ROLE = Qt.ItemDataRole.UserRole + 10
MENTION_ROLE = Qt.ItemDataRole.UserRole + 11


class EvidenceList(QTreeWidget):
    """Rows of (date, what, status, sentence); Enter, double-click or a click on a row emits
    ``open_evidence(note_id, start, end)``."""

    open_evidence = Signal(str, int, int)
    correct = Signal(str, str, dict, str)  # target kind, target id, {field: value}, what was done

    def __init__(self, name: str, parent: QWidget | None = None, *, show_category: bool = True) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setHeaderLabels(["Note date", "Status", "Evidence", "Risk", "About"])
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for column, width in enumerate((100, 135, 420, 170, 130)):
            self.setColumnWidth(column, width)
        self.setColumnHidden(3, not show_category)
        self.target_kind = "risk"  # what a correction applies to: "risk" or "strength"
        self.highlighter = SpanHighlightDelegate(self)
        self.setItemDelegateForColumn(2, self.highlighter)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.itemActivated.connect(self._open)
        self.currentItemChanged.connect(lambda current, _previous: self._open(current))

    def set_mentions(self, mentions: list[Mention], empty_text: str) -> None:
        self.clear()
        self.highlighter.row_spans = [mention.span_in_sentence for mention in mentions]
        for mention in mentions:
            status = formatting.STATUS_LABELS.get(mention.status, mention.status)
            if mention.status == "current" and mention.experiencer != "subject":
                status = "Outside household"
            item = QTreeWidgetItem([
                formatting.uk_date(mention.note_date),
                status,
                mention.sentence,
                (formatting.risk_label if self.target_kind == "risk" else formatting.strength_label)(mention.category)
                + (f" ({mention.cin_code})" if mention.cin_code else ""),
                mention.person or "",
            ])
            item.setData(0, SPAN_ROLE, (mention.note_id, mention.start, mention.end))
            item.setData(0, MENTION_ROLE, mention)
            item.setToolTip(2, f"<p>{html.escape(mention.sentence)}</p>")
            self.addTopLevelItem(item)
        if not mentions:
            item = QTreeWidgetItem(["", "", empty_text])
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addTopLevelItem(item)

    def _open(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        span = item.data(0, SPAN_ROLE)
        if span:
            self.open_evidence.emit(span[0], int(span[1]), int(span[2]))

    def _menu(self, position: QPoint) -> None:
        item = self.itemAt(position)
        mention = item.data(0, MENTION_ROLE) if item else None
        if mention is None:
            return
        menu = QMenu(self)
        menu.addAction("Read the source note", lambda: self._open(item))
        menu.addSeparator()
        status_menu = menu.addMenu("Status")
        for status, text in formatting.STATUS_LABELS.items():
            action = status_menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(status == mention.status)
            action.triggered.connect(lambda _checked=False, s=status: self.correct_mention(mention, {"status": s}))
        menu.addAction(f"Not a {self.target_kind} (rule it out)",
                       lambda: self.correct_mention(mention, {"status": "negated"}, f"Rule out a {self.target_kind}"))
        about = menu.addAction("About someone outside the household")
        about.setCheckable(True)
        about.setChecked(mention.experiencer != "subject")
        about.triggered.connect(lambda checked: self.correct_mention(
            mention, {"experiencer": "other" if checked else "subject"}))
        menu.addAction("Change category…", lambda: self._change_category(mention))
        menu.exec(self.viewport().mapToGlobal(position))

    def correct_mention(self, mention: Mention, values: dict, description: str = "Correct a risk") -> None:
        self.correct.emit(self.target_kind, mention.id, values, description)

    def _change_category(self, mention: Mention) -> None:
        table = formatting.RISK_LABELS if self.target_kind == "risk" else formatting.STRENGTH_LABELS
        labels = list(table.values())
        keys = list(table)
        current = keys.index(mention.category) if mention.category in keys else 0
        text, ok = QInputDialog.getItem(self, "Change category", f"What this {self.target_kind} is about:", labels,
                                        current, False)
        if ok and keys[labels.index(text)] != mention.category:
            values = {"category": keys[labels.index(text)]}
            if self.target_kind == "risk":
                values["cin_code"] = None
            self.correct_mention(mention, values, "Change category")
