"""Risks (and strengths): one row per category with first and last seen, current count and
trend; the evidence below, with negated, historical, planned, uncertain and other people's
mentions kept apart and never counted as current."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from desktop.evidence import EvidenceList
from store import queries
from store.connection import Case

CATEGORY_ROLE = Qt.ItemDataRole.UserRole + 30
TRENDS = {"rising": "▲ rising", "falling": "▼ falling", "steady": "— steady", "": ""}


class RisksView(QWidget):
    open_evidence = Signal(str, int, int)
    correct = Signal(str, str, dict, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.kind = "risks"
        self.show_risks = QRadioButton("Risks")
        self.show_risks.setChecked(True)
        self.show_strengths = QRadioButton("Strengths and protective factors")
        self.show_strengths.toggled.connect(self._kind_chosen)
        switch = QHBoxLayout()
        switch.addWidget(QLabel("Show:"))
        switch.addWidget(self.show_risks)
        switch.addWidget(self.show_strengths)
        switch.addStretch(1)
        self.table = QTreeWidget()
        self.table.setAccessibleName("Risk categories")
        self.table.setHeaderLabels(["Risk", "CIN code", "First seen", "Last seen", "Current", "Trend", "Not current"])
        self.table.headerItem().setToolTip(4, "Mentions of this risk as current, about the child's household")
        self.table.headerItem().setToolTip(5, "The last 6 months of the record against the 6 months before")
        self.table.headerItem().setToolTip(6, "Mentions ruled out, historical, planned, uncertain or about someone "
                                              "outside the household: never counted as current")
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        for column, width in enumerate((250, 80, 110, 110, 80, 110, 90)):
            self.table.setColumnWidth(column, width)
        self.table.currentItemChanged.connect(self._category_chosen)
        self.current_caption = QLabel("<b>Current</b> — counted")
        self.current = EvidenceList("Current risk mentions", show_category=False)
        self.other_caption = QLabel("<b>Not counted as current</b> — ruled out, historical, planned, uncertain, "
                                    "or about someone outside the household")
        self.other_caption.setWordWrap(True)
        hint = QLabel("Right-click a mention to correct its status or category; Ctrl+Z undoes.")
        hint.setObjectName("muted")
        self.other = EvidenceList("Mentions not counted as current", show_category=False)
        for evidence in (self.current, self.other):
            evidence.open_evidence.connect(self.open_evidence)
            evidence.correct.connect(self.correct)
        lower = QSplitter(Qt.Orientation.Vertical)
        for caption, evidence in ((self.current_caption, self.current), (self.other_caption, self.other)):
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 6, 4, 0)
            box_layout.addWidget(caption)
            box_layout.addWidget(evidence)
            lower.addWidget(box)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(switch)
        layout.addWidget(splitter)
        layout.addWidget(hint)

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.refresh()

    def refresh(self) -> None:
        chosen = self.table.currentItem().data(0, CATEGORY_ROLE) if self.table.currentItem() else None
        self.table.clear()
        self.current.clear()
        self.other.clear()
        if self.case is None:
            return
        rows = queries.risk_categories(self.case, table=self.kind)
        name = formatting.risk_label if self.kind == "risks" else formatting.strength_label
        self.table.headerItem().setText(0, "Risk" if self.kind == "risks" else "Strength")
        self.table.setColumnHidden(1, self.kind != "risks")
        for row in rows:
            item = QTreeWidgetItem([
                name(row.category), ", ".join(row.cin_codes),
                formatting.uk_date(row.first_seen) if row.first_seen else "",
                formatting.uk_date(row.last_seen) if row.last_seen else "",
                str(row.current), TRENDS.get(row.trend, row.trend), str(row.not_current),
            ])
            item.setData(0, CATEGORY_ROLE, row.category)
            if not row.current:
                for column in range(item.columnCount()):
                    item.setForeground(column, QBrush(QColor("#6b7280")))
            elif row.trend == "rising":
                item.setForeground(5, QBrush(QColor("#a4262c")))
            self.table.addTopLevelItem(item)
            if row.category == chosen:
                self.table.setCurrentItem(item)
        if not rows:
            empty = QTreeWidgetItem([f"No {self.kind} found in the notes yet."])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.table.addTopLevelItem(empty)
        elif self.table.currentItem() is None:
            self.table.setCurrentItem(self.table.topLevelItem(0))

    def _kind_chosen(self) -> None:
        self.kind = "strengths" if self.show_strengths.isChecked() else "risks"
        for evidence in (self.current, self.other):
            evidence.target_kind = "strength" if self.kind == "strengths" else "risk"
        self.refresh()

    def select_category(self, category: str) -> bool:
        for number in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(number)
            if item.data(0, CATEGORY_ROLE) == category:
                self.table.setCurrentItem(item)
                return True
        return False

    def _category_chosen(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        category = item.data(0, CATEGORY_ROLE) if item else None
        if not category or self.case is None:
            return
        mentions = queries.risk_mentions(self.case, category=category, table=self.kind)
        current = [m for m in mentions if m.current]
        other = [m for m in mentions if not m.current]
        label = formatting.risk_label(category) if self.kind == "risks" else formatting.strength_label(category)
        self.current_caption.setText(f"<b>{label}: current</b> — {len(current)} mentions, counted")
        self.other_caption.setText(f"<b>{label}: not counted as current</b> — {len(other)} mentions ruled out, "
                                   "historical, planned, uncertain, or about someone outside the household")
        self.current.set_mentions(current, "No current mentions.")
        self.other.set_mentions(other, "None.")
