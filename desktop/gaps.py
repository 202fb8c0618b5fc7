"""Gaps: what the file does not say. Each checklist item found (with its evidence) or not."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from desktop import formatting
from store import queries
from store.connection import Case

SPAN_ROLE = Qt.ItemDataRole.UserRole + 40
_MISSING = QColor("#fff1e6")


class GapsView(QWidget):
    open_evidence = Signal(str, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Gaps checklist")
        self.tree.setHeaderLabels(["Checklist item", "In the notes?", "Evidence"])
        self.tree.setAlternatingRowColors(False)
        for column, width in enumerate((320, 170)):
            self.tree.setColumnWidth(column, width)
        self.tree.itemActivated.connect(self._open)
        self.tree.currentItemChanged.connect(lambda current, _previous: self._open(current))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.intro)
        layout.addWidget(self.tree, 1)

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        if self.case is None:
            self.intro.clear()
            return
        items = queries.gaps(self.case)
        missing = sum(not g["found"] for g in items)
        if not items:
            self.intro.setText("The gaps checklist has not been run on this case yet: it runs after extraction.")
            return
        self.intro.setText(f"<b>{missing} of {len(items)}</b> checklist items are not found in the notes. "
                           "Not found means the notes do not say, not that the answer is no.")
        bold = QFont()
        bold.setBold(True)
        for gap in items:
            state = "✓ Found" if gap["found"] else "✗ Not found"
            snippets = sorted(queries.evidence_snippets(self.case, gap["evidence"]),
                              key=lambda snippet: snippet[2] or "", reverse=True)  # newest first
            first = snippets[0][1] if snippets else ""
            item = QTreeWidgetItem([gap["label"], state, first])
            item.setToolTip(0, gap["question"] or gap["label"])
            if not gap["found"]:
                item.setFont(0, bold)
                for column in range(3):
                    item.setBackground(column, QBrush(_MISSING))
                item.setForeground(1, QBrush(QColor("#a4262c")))
            else:
                item.setForeground(1, QBrush(QColor("#2f855a")))
            if snippets:
                evidence, _sentence, _when = snippets[0]
                item.setData(0, SPAN_ROLE, (evidence["note_id"], int(evidence.get("start", 0)), int(evidence.get("end", 0))))
            for evidence, sentence, when in snippets[1:] if len(snippets) > 1 else []:
                child = QTreeWidgetItem(["", formatting.uk_date(when), sentence])
                child.setData(0, SPAN_ROLE, (evidence["note_id"], int(evidence.get("start", 0)), int(evidence.get("end", 0))))
                item.addChild(child)
            if len(snippets) > 1:
                item.setText(1, f"{state} ({len(snippets)} mentions)")
                item.setToolTip(2, "The most recent mention; expand the row for the others")
            self.tree.addTopLevelItem(item)

    def _open(self, item: QTreeWidgetItem | None) -> None:
        span = item.data(0, SPAN_ROLE) if item else None
        if span:
            self.open_evidence.emit(span[0], int(span[1]), int(span[2]))
