"""A list of evidence (risk mentions, gap evidence), each row opening its source note."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from desktop import formatting
from desktop.queries import Mention

SPAN_ROLE = Qt.ItemDataRole.UserRole + 10


class EvidenceList(QTreeWidget):
    """Rows of (date, what, status, sentence); Enter, double-click or a click on a row emits
    ``open_evidence(note_id, start, end)``."""

    open_evidence = Signal(str, int, int)

    def __init__(self, name: str, parent: QWidget | None = None, *, show_category: bool = True) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setHeaderLabels(["Note date", "Status", "Evidence", "Risk", "About"])
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for column, width in enumerate((100, 110, 420, 170, 130)):
            self.setColumnWidth(column, width)
        self.setColumnHidden(3, not show_category)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.itemActivated.connect(self._open)
        self.currentItemChanged.connect(lambda current, _previous: self._open(current))

    def set_mentions(self, mentions: list[Mention], empty_text: str) -> None:
        self.clear()
        for mention in mentions:
            status = formatting.STATUS_LABELS.get(mention.status, mention.status)
            if mention.status == "current" and mention.experiencer != "subject":
                status = "About someone else"
            item = QTreeWidgetItem([
                formatting.uk_date(mention.note_date),
                status,
                mention.sentence,
                formatting.risk_label(mention.category) + (f" ({mention.cin_code})" if mention.cin_code else ""),
                mention.person or "",
            ])
            item.setData(0, SPAN_ROLE, (mention.note_id, mention.start, mention.end))
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
