"""The Chronology: the main working view.

``ChronologyModel`` is a thin table adapter over ``store.queries.chronology``: every filter
is a keyword of that query (so filtering happens in SQL, with the worker's curation applied),
and the view is virtualised by Qt (only visible rows are painted). ``FilterBar`` holds the
filter widgets; ``ChronologyView`` puts them together with the corrections a worker makes in
place (key / hidden / summary / date / type / impact / action / reviewed), all undoable.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from desktop.curation import AddManualFact, SetCuratedValues
from desktop.highlight import SearchHighlightDelegate
from desktop.manual_facts import AddEventDialog
from store import queries
from store.connection import Case

ALL_STATUSES = ("current", "historical", "hypothetical", "negated", "uncertain")
SHOWN_STATUSES = ("current", "historical")
SIGNIFICANCE_CHOICES = (("Key events only", 2), ("Critical only", 3), ("Minor and above", 1), ("All events", 0))
_ANY_DATE = QDate(1900, 1, 1)
FETCH_BLOCK = 200  # rows fetched at a time as the table scrolls


@dataclass(frozen=True)
class ChronologyFilters:
    """What the worker has asked to see; every field maps onto a ``chronology`` keyword."""

    date_from: str | None = None
    date_to: str | None = None
    event_type: str | None = None
    person_id: str | None = None
    risk_category: str | None = None
    min_significance: int = 2
    text: str = ""
    show_uncertain: bool = False  # ruled out (negated), uncertain and planned events too
    show_hidden: bool = False

    def query_arguments(self) -> dict[str, Any]:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "types": [self.event_type] if self.event_type else None,
            "person_id": self.person_id,
            "risk_category": self.risk_category,
            "min_significance": self.min_significance or None,
            "text": self.text.strip() or None,
            "include_statuses": ALL_STATUSES if self.show_uncertain else SHOWN_STATUSES,
            "hidden": self.show_hidden,
        }

    def describe(self, defaults: ChronologyFilters) -> list[str]:
        """The active filters in words, for the line above the table."""
        parts = []
        significance = dict((v, k) for k, v in SIGNIFICANCE_CHOICES).get(self.min_significance, "")
        if self.min_significance != defaults.min_significance or self.min_significance:
            parts.append(significance.lower())
        if self.date_from or self.date_to:
            parts.append(f"{formatting.uk_date(self.date_from) if self.date_from else 'start'} to "
                         f"{formatting.uk_date(self.date_to) if self.date_to else 'end'}")
        if self.event_type:
            parts.append(f"type: {formatting.event_type_label(self.event_type)}")
        if self.person_id:
            parts.append("one person")
        if self.risk_category:
            parts.append(f"risk: {formatting.risk_label(self.risk_category)}")
        if self.text.strip():
            parts.append(f"search: “{self.text.strip()}”")
        if self.show_uncertain:
            parts.append("including ruled out, uncertain and planned")
        if self.show_hidden:
            parts.append("including hidden")
        return parts


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int


COLUMNS = [
    Column("date", "Date", 110),
    Column("age", "Age", 72),
    Column("type", "Event", 160),
    Column("summary", "Summary", 420),
    Column("people", "People", 160),
    Column("risks", "Risks", 150),
    Column("impact", "Impact on child", 180),
    Column("action", "Action / outcome", 180),
    Column("source", "Source", 230),
    Column("significance", "Significance", 95),
    Column("reviewed", "Reviewed", 75),
]
COLUMN_INDEX = {column.key: number for number, column in enumerate(COLUMNS)}

EVENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

_EDITED_BACKGROUND = QColor("#fff6dc")
_HIDDEN_FOREGROUND = QColor("#8a8a8a")
_CRITICAL_FOREGROUND = QColor("#a4262c")


class ChronologyModel(QAbstractTableModel):
    """The events ``store.queries.chronology`` selects, fetched lazily.

    A filter change re-runs only the cheap id query (``chronology_ids``); the rows on screen
    are fetched in blocks (``events``) as the view asks for them and kept, with their display
    text worked out once, until the case's data changes.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.filters = ChronologyFilters()
        self.ids: list[str] = []
        self.total = 0
        self._cache: dict[str, dict[str, Any]] = {}
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)
        self._people: dict[str, str] = {}
        self._risks: dict[str, str] = {}
        self._sources: dict[str, str] = {}
        self._copies: dict[str, int] = {}  # event id -> how many other records of the same event
        self._children: list[tuple[str, str, str]] = []  # (person id, first name, dob) of each subject child

    # --- loading ----------------------------------------------------------------------------

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.refresh()

    def set_filters(self, filters: ChronologyFilters) -> None:
        self.filters = filters
        self.refresh(data_changed=False)

    def refresh(self, data_changed: bool = True) -> None:
        """Query again: after a filter change, or (``data_changed``) an import or a correction."""
        self.beginResetModel()
        if self.case is None:
            self.ids, self.total = [], 0
            self._cache.clear()
        else:
            if data_changed:
                self._cache.clear()
                self._load_lookups()
                self.total = self.case.db.execute(
                    "SELECT (SELECT count(*) FROM events e JOIN notes n ON n.id = e.note_id AND n.current = 1"
                    " WHERE e.duplicate_of IS NULL) + (SELECT count(*) FROM manual_events)"
                ).fetchone()[0]
            order = "desc" if self._sort == (0, Qt.SortOrder.DescendingOrder) else "asc"
            self.ids = queries.chronology_ids(self.case, order=order, **self.filters.query_arguments())
            if self._sort[0] != 0:
                self._sort_ids()
        self.endResetModel()

    def row_at(self, number: int) -> dict[str, Any]:
        """The event shown at row ``number`` (fetching its block of rows when needed)."""
        event_id = self.ids[number]
        row = self._cache.get(event_id)
        if row is None:
            start = number - number % FETCH_BLOCK
            self._fetch(self.ids[start:start + FETCH_BLOCK])
            row = self._cache[event_id]
        return row

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Every event shown, in order (fetches them all: for copying, sorting and checks)."""
        self._fetch(self.ids)
        return [self._cache[event_id] for event_id in self.ids]

    def _fetch(self, ids: list[str]) -> None:
        missing = [event_id for event_id in ids if event_id not in self._cache]
        if missing and self.case is not None:
            for event_id, row in queries.events(self.case, missing).items():
                self._cache[event_id] = self._prepare(row)

    def _load_lookups(self) -> None:
        db = self.case.db
        self._people = {pid: name.split(" (")[0] for pid, name in queries.people_choices(self.case)}
        self._risks = {
            note_id: cats for note_id, cats in db.execute(
                f"SELECT note_id, group_concat(DISTINCT category) FROM ({queries.CURATED_RISKS})"
                " WHERE status = 'current' GROUP BY note_id"
            )
        }
        self._sources = {
            note_id: ref for note_id, ref in db.execute(
                "SELECT note_id, min(source_note_id) FROM note_sources WHERE source_note_id IS NOT NULL GROUP BY note_id"
            )
        }
        self._children = [
            (person_id, (name or "").split(" ")[0], dob) for person_id, name, dob in db.execute(
                "SELECT person_id, name, dob FROM subjects WHERE dob IS NOT NULL ORDER BY rowid")
        ]
        duplicate_of = _curated_duplicate_of()
        self._copies = {
            event_id: count for event_id, count in db.execute(
                f"SELECT {duplicate_of} AS original, count(*) FROM events e WHERE {duplicate_of} IS NOT NULL"
                " GROUP BY original"
            )
        }

    def _age(self, row: dict[str, Any]) -> str:
        """The age of the child the event concerns; with several children and none named by
        the event, each child's age ("Ella 3y · Sam 1y")."""
        children = self._children
        concerned = [child for child in children if child[0] in (row.get("people") or [])]
        if len(children) == 1 or len(concerned) == 1:
            return formatting.age_at((concerned or children)[0][2], row.get("date"))
        ages = [(name, formatting.age_at(dob, row.get("date"))) for _, name, dob in (concerned or children)]
        return " · ".join(f"{name} {age}" for name, age in ages if age)

    def _prepare(self, row: dict[str, Any]) -> dict[str, Any]:
        shown = dict(row)
        shown["date_text"] = formatting.uk_date(row.get("date"), row.get("precision"), bool(row.get("approximate")))
        shown["age_text"] = self._age(row)
        shown["type_text"] = formatting.event_type_label(row.get("type"))
        if row.get("status") == "hypothetical":
            shown["type_text"] += " (planned)"
        elif row.get("status") in ("negated", "uncertain", "historical"):
            shown["type_text"] += f" ({row['status']})"
        shown["people_text"] = ", ".join(self._people.get(p, "") for p in row.get("people") or [] if self._people.get(p))
        shown["risks_text"] = ", ".join(
            formatting.risk_label(c) for c in sorted((self._risks.get(row["note_id"]) or "").split(",")) if c
        )
        source = [formatting.uk_date(row.get("note_date")), row.get("note_type") or "", row.get("author") or ""]
        if row.get("manual"):
            source.insert(0, "Added by you")
        reference = self._sources.get(row["note_id"])
        if reference:
            source.append(f"ref {reference}")
        copies = self._copies.get(row["id"], 0)
        if copies:
            source.append(f"also recorded {copies} more time{'s' if copies > 1 else ''}")
        shown["copies"] = copies
        shown["source_text"] = " · ".join(part for part in source if part)
        shown["significance_text"] = formatting.SIGNIFICANCE_LABELS.get(int(row.get("significance") or 0), "")
        return shown

    # --- sorting ----------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Date order comes from SQL; other columns sort the fetched rows on their values."""
        self._sort = (column, order)
        if self.case is None:
            return
        if column == 0:
            self.refresh(data_changed=False)
            return
        self.layoutAboutToBeChanged.emit()
        self._sort_ids()
        self.layoutChanged.emit()

    def _sort_ids(self) -> None:
        column, order = self._sort
        key = COLUMNS[column].key
        reverse = order == Qt.SortOrder.DescendingOrder
        rows = self.rows
        if key == "significance":
            rows.sort(key=lambda r: int(r.get("significance") or 0), reverse=reverse)
        elif key == "reviewed":
            rows.sort(key=lambda r: bool(r.get("reviewed")), reverse=reverse)
        elif key == "age":
            rows.sort(key=lambda r: r.get("date") or "9999", reverse=reverse)
        else:
            text_key = {"type": "type_text", "people": "people_text", "risks": "risks_text",
                        "source": "note_date"}.get(key, key)
            rows.sort(key=lambda r: (r.get(text_key) or "").lower(), reverse=reverse)
        self.ids = [row["id"] for row in rows]

    # --- Qt model ---------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        key = COLUMNS[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display_text(row, key)
        if role == EVENT_ID_ROLE:
            return row["id"]
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "summary":
                tip = html.escape(row.get("summary") or "")
                if row.get("curated"):
                    tip += "<br><i>Edited by you</i>"
                return tip
            if key in ("impact", "action", "people", "risks", "source"):
                return self.display_text(row, key) or None
            return None
        if role == Qt.ItemDataRole.BackgroundRole and row.get("curated"):
            return QBrush(_EDITED_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.get("hidden"):
                return QBrush(_HIDDEN_FOREGROUND)
            if key == "significance" and int(row.get("significance") or 0) >= 3:
                return QBrush(_CRITICAL_FOREGROUND)
        if role == Qt.ItemDataRole.FontRole:
            if key == "significance" and int(row.get("significance") or 0) >= 3:
                font = QFont()
                font.setBold(True)
                return font
            if row.get("hidden"):
                font = QFont()
                font.setStrikeOut(True)
                return font
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("age", "reviewed"):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    @staticmethod
    def display_text(row: dict[str, Any], key: str) -> str:
        if key == "date":
            return row["date_text"]
        if key == "age":
            return row["age_text"]
        if key == "type":
            return row["type_text"]
        if key == "summary":
            prefix = "✎ " if row.get("curated") else ""
            hidden = "[hidden] " if row.get("hidden") else ""
            return prefix + hidden + (row.get("summary") or "")
        if key == "people":
            return row["people_text"]
        if key == "risks":
            return row["risks_text"]
        if key == "source":
            return row["source_text"]
        if key == "significance":
            return row["significance_text"]
        if key == "reviewed":
            return "✓" if row.get("reviewed") else ""
        return str(row.get(key) or "")

    def row_for_event(self, event_id: str) -> int:
        try:
            return self.ids.index(event_id)
        except ValueError:
            return -1


class FilterBar(QWidget):
    """The filter widgets; ``changed`` carries a new ``ChronologyFilters`` (search is debounced)."""

    changed = Signal(object)

    def __init__(self, defaults: ChronologyFilters, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.defaults = defaults
        self._updating = False

        self.search = QLineEdit(placeholderText="Search the notes (Ctrl+F)…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the notes")
        self.event_type = QComboBox()
        self.event_type.setAccessibleName("Event type")
        self.person = QComboBox()
        self.person.setAccessibleName("Person")
        self.risk = QComboBox()
        self.risk.setAccessibleName("Risk category")
        for combo in (self.event_type, self.person, self.risk):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        self.significance = QComboBox()
        self.significance.setAccessibleName("Significance")
        for text, value in SIGNIFICANCE_CHOICES:
            self.significance.addItem(text, value)
        self.date_from = self._date_edit("From")
        self.date_to = self._date_edit("To")
        self.show_uncertain = QCheckBox("Show ruled out, uncertain and planned")
        self.show_uncertain.setToolTip("Also show events recorded as not having happened, as uncertain or "
                                       "alleged, or as planned for the future")
        self.show_hidden = QCheckBox("Show hidden")
        self.reset = QPushButton("Reset filters")
        self.reset.setToolTip("Back to the default filters (Ctrl+Shift+R)")
        self.reset.setShortcut(QKeySequence("Ctrl+Shift+R"))

        first = QHBoxLayout()
        first.addWidget(self.search, 1)
        first.addWidget(self.significance)
        first.addWidget(self.reset)
        second = QHBoxLayout()
        for caption, widget in (("Event", self.event_type), ("Person", self.person), ("Risk", self.risk)):
            label = QLabel(caption)
            label.setBuddy(widget)
            second.addWidget(label)
            second.addWidget(widget, 1)
        second.addWidget(self.show_hidden)
        third = QHBoxLayout()
        for caption, widget in (("From", self.date_from), ("To", self.date_to)):
            label = QLabel(caption)
            label.setBuddy(widget)
            third.addWidget(label)
            third.addWidget(widget)
        third.addSpacing(12)
        third.addWidget(self.show_uncertain)
        third.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(first)
        layout.addLayout(second)
        layout.addLayout(third)

        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._emit)
        for combo in (self.event_type, self.person, self.risk, self.significance):
            combo.currentIndexChanged.connect(self._emit)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._emit)
        for box in (self.show_uncertain, self.show_hidden):
            box.toggled.connect(self._emit)
        self.reset.clicked.connect(self.reset_filters)
        self.set_filters(defaults)

    @staticmethod
    def _date_edit(name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setAccessibleName(f"{name} date")
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setMinimumDate(_ANY_DATE)
        edit.setSpecialValueText("Any")
        edit.setCalendarPopup(True)
        edit.setDate(_ANY_DATE)
        return edit

    def set_date_range(self, first: str | None) -> None:
        """"Any" sits just before the case's first note, so the calendar opens where the notes are."""
        start = QDate.fromString(first[:10], "yyyy-MM-dd").addDays(-1) if first else _ANY_DATE
        if not start.isValid():
            start = _ANY_DATE
        self._updating = True
        try:
            for edit in (self.date_from, self.date_to):
                was_any = edit.date() == edit.minimumDate()
                edit.setMinimumDate(start)
                if was_any or edit.date() < start:
                    edit.setDate(start)
        finally:
            self._updating = False

    def set_choices(self, types: list[str], people: list[tuple[str, str]], risks: list[str]) -> None:
        """Fill the drop-downs with what this case holds, keeping the current choice."""
        self._updating = True
        try:
            for combo, everything, items in (
                (self.event_type, "All event types", [(t, formatting.event_type_label(t)) for t in types]),
                (self.person, "Everyone", people),
                (self.risk, "All risks", [(r, formatting.risk_label(r)) for r in risks]),
            ):
                chosen = combo.currentData()
                combo.clear()
                combo.addItem(everything, None)
                for value, text in sorted(items, key=lambda item: item[1].lower()) if combo is not self.person else items:
                    combo.addItem(text, value)
                found = combo.findData(chosen)
                combo.setCurrentIndex(max(found, 0))
        finally:
            self._updating = False

    def filters(self) -> ChronologyFilters:
        def chosen(edit: QDateEdit) -> str | None:
            value = edit.date()
            return None if value == edit.minimumDate() else value.toString("yyyy-MM-dd")

        return ChronologyFilters(
            date_from=chosen(self.date_from),
            date_to=chosen(self.date_to),
            event_type=self.event_type.currentData(),
            person_id=self.person.currentData(),
            risk_category=self.risk.currentData(),
            min_significance=int(self.significance.currentData() or 0),
            text=self.search.text(),
            show_uncertain=self.show_uncertain.isChecked(),
            show_hidden=self.show_hidden.isChecked(),
        )

    def set_filters(self, filters: ChronologyFilters) -> None:
        self._updating = True
        try:
            self.search.setText(filters.text)
            for combo, value in ((self.event_type, filters.event_type), (self.person, filters.person_id),
                                 (self.risk, filters.risk_category), (self.significance, filters.min_significance)):
                combo.setCurrentIndex(max(combo.findData(value), 0))
            for edit, value in ((self.date_from, filters.date_from), (self.date_to, filters.date_to)):
                edit.setDate(QDate.fromString(value, "yyyy-MM-dd") if value else edit.minimumDate())
            self.show_uncertain.setChecked(filters.show_uncertain)
            self.show_hidden.setChecked(filters.show_hidden)
        finally:
            self._updating = False
        self._emit()

    def reset_filters(self) -> None:
        self.set_filters(self.defaults)

    def _emit(self) -> None:
        if not self._updating:
            self._debounce.stop()
            self.changed.emit(self.filters())


class ChronologyView(QWidget):
    """Filter bar, status line, the table and the correction actions."""

    event_selected = Signal(dict)  # the chronology row of the event now selected
    event_activated = Signal(dict)  # Enter or double-click: read its note
    case_changed = Signal()  # a correction was stored

    def __init__(self, undo_stack: QUndoStack, defaults: ChronologyFilters, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.model = ChronologyModel(self)
        self.filter_bar = FilterBar(defaults)
        self.status = QLabel()
        self.status.setObjectName("filterStatus")
        self.status.setWordWrap(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for number, column in enumerate(COLUMNS):
            self.table.setColumnWidth(number, column.width)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda index: self._activate())
        self.table.setAccessibleName("Chronology")
        self.highlighter = SearchHighlightDelegate(self.table)
        self.table.setItemDelegateForColumn(COLUMN_INDEX["summary"], self.highlighter)

        self.actions_bar = QToolBar("Corrections")
        self.actions_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.correction_actions = self._make_actions()
        for action in self.correction_actions:
            self.actions_bar.addAction(action)
        self.actions_bar.addSeparator()
        self.add_event_action = self._action("Add event…", "Ctrl+Shift+N", self.add_event,
                                             "Add an event the notes do not show as one")
        add_event = QToolButton()
        add_event.setDefaultAction(self.add_event_action)
        self.copy_action = self._action("Copy", "Ctrl+C", self.copy_selection,
                                        "Copy the selected rows as a table (paste into Word or Excel)")
        self.actions_bar.addAction(self.copy_action)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.filter_bar)
        status_line = QHBoxLayout()
        status_line.addWidget(self.status, 1)
        status_line.addWidget(add_event)
        layout.addLayout(status_line)
        layout.addWidget(self.actions_bar)
        layout.addWidget(self.table, 1)
        legend = QLabel("✎ and a tinted row: edited by you · struck through: hidden · ✓ reviewed · "
                        "Enter or double-click reads the note · right-click for corrections")
        legend.setObjectName("muted")
        legend.setWordWrap(True)
        layout.addWidget(legend)

        self.filter_bar.changed.connect(self._filters_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._update_status)
        self.model.modelReset.connect(self._update_actions)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self._update_actions()

    # --- case and filters -------------------------------------------------------------------

    def set_case(self, case: Case | None) -> None:
        self.model.case = case
        if case is not None:
            self.filter_bar.set_date_range(queries.case_summary(case)["date_from"])
            self.filter_bar.set_choices(
                queries.event_types_present(case), queries.people_choices(case), queries.risk_categories_present(case)
            )
        self.model.filters = self.filter_bar.filters()
        self.refresh()

    def refresh(self) -> None:
        """Re-run the query, keeping the selected event selected when it is still shown."""
        current = self.current_row()
        self.model.refresh()
        if current is not None:
            self.select_event(current["id"], emit=False)

    def _filters_changed(self, filters: ChronologyFilters) -> None:
        self.highlighter.search = filters.text
        self.model.set_filters(filters)

    def _update_status(self) -> None:
        filters = self.model.filters
        active = filters.describe(self.filter_bar.defaults)
        shown = f"<b>{len(self.model.ids)}</b> of {self.model.total} events"
        if self.model.case is None:
            self.status.setText("")
        elif not self.model.ids and self.model.total:
            self.status.setText(f"No events match these filters ({'; '.join(active)}). "
                                "Press <b>Reset filters</b> to see the default view.")
        elif not self.model.total:
            self.status.setText("No events yet. Import the case notes (File ▸ Import, Ctrl+I) to build the chronology.")
        else:
            self.status.setText(f"Showing {shown}" + (f" — {'; '.join(active)}" if active else ""))

    # --- selection --------------------------------------------------------------------------

    def current_row(self) -> dict[str, Any] | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(index.row())

    def selected_rows(self) -> list[dict[str, Any]]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(r) for r in rows]

    def select_event(self, event_id: str, emit: bool = True) -> bool:
        """Select the event's row (used by the timeline and the summary); False if filtered out."""
        row = self.model.row_for_event(event_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        if emit:
            self.event_selected.emit(self.model.row_at(row))
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.event_selected.emit(self.model.row_at(current.row()))

    def _activate(self) -> None:
        row = self.current_row()
        if row is not None:
            self.event_activated.emit(row)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self._activate()
            return
        super().keyPressEvent(event)

    # --- clipboard --------------------------------------------------------------------------

    def copy_selection(self) -> None:
        """Selected rows to the clipboard as tab-separated text and an HTML table."""
        rows = self.selected_rows()
        if not rows:
            return
        titles = [c.title for c in COLUMNS]
        lines = ["\t".join(titles)]
        cells = ["<tr>" + "".join(f"<th>{html.escape(t)}</th>" for t in titles) + "</tr>"]
        for row in rows:
            values = [ChronologyModel.display_text(row, c.key).replace("\t", " ").replace("\n", " ") for c in COLUMNS]
            lines.append("\t".join(values))
            cells.append("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in values) + "</tr>")
        mime = QMimeData()
        mime.setText("\n".join(lines) + "\n")
        mime.setHtml("<table border='1' cellspacing='0'>" + "".join(cells) + "</table>")
        QGuiApplication.clipboard().setMimeData(mime)

    # --- corrections ------------------------------------------------------------------------

    def _action(self, text: str, shortcut: str, slot: Any, tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> list[QAction]:
        return [
            self._action("Key", "K", self.toggle_key, "Mark the event as a key event, or not"),
            self._action("Hide", "H", self.toggle_hidden, "Hide the event from the chronology and exports, or show it again"),
            self._action("Summary…", "F2", self.edit_summary, "Rewrite the event's summary"),
            self._action("Date…", "Ctrl+Shift+D", self.edit_date, "Correct the event's date"),
            self._action("Type…", "Ctrl+Shift+T", self.edit_type, "Correct the event's type"),
            self._action("Impact…", "Ctrl+Shift+I", self.edit_impact, "Write the impact on the child"),
            self._action("Action…", "Ctrl+Shift+A", self.edit_action, "Write the action or outcome"),
            self._action("Reviewed", "Ctrl+R", self.toggle_reviewed, "Mark the event as reviewed by you"),
        ]

    def _update_actions(self) -> None:
        enabled = bool(self.selected_rows()) or self.current_row() is not None
        for action in self.correction_actions:
            action.setEnabled(enabled and self.model.case is not None)
        self.add_event_action.setEnabled(self.model.case is not None)
        self.copy_action.setEnabled(enabled)

    def _context_menu(self, position: Any) -> None:
        menu = QMenu(self)
        read = menu.addAction("Read the source note")
        read.triggered.connect(self._activate)
        menu.addSeparator()
        for action in self.correction_actions:
            menu.addAction(action)
        menu.addSeparator()
        rows = self._targets()
        same = menu.addAction("Same event (merge the selected rows)")
        same.setEnabled(len(rows) > 1)
        same.triggered.connect(self.merge_selected)
        split = menu.addAction("Not the same event (split the copies)")
        split.setEnabled(len(rows) == 1 and bool(rows[0].get("copies")))
        split.triggered.connect(self.split_copies)
        menu.addSeparator()
        menu.addAction(self.copy_action)
        menu.exec(self.table.viewport().mapToGlobal(position))

    def merge_selected(self) -> None:
        """The selected rows record one event: keep the earliest, the others become its copies
        (they stay as sources and come back with "split")."""
        rows = sorted(self._targets(), key=lambda r: (r.get("date") or "9999", r.get("note_date") or ""))
        if len(rows) < 2:
            return
        kept = rows[0]
        self.undo_stack.beginMacro(f"Merge {len(rows)} events")
        for row in rows[1:]:
            self.curate(row, {"duplicate_of": kept["id"]}, "Merge events")
        self.undo_stack.endMacro()
        self.select_event(kept["id"])

    def split_copies(self) -> None:
        """An event wrongly merged with others: show each copy as its own event again."""
        row = self.current_row()
        if row is None or self.model.case is None:
            return
        duplicate_of = _curated_duplicate_of()
        copies = [r[0] for r in self.model.case.db.execute(
            f"SELECT e.id FROM events e WHERE {duplicate_of} = ?", (row["id"],))]
        if not copies:
            return
        self.undo_stack.beginMacro("Split merged events")
        for event_id in copies:
            self.undo_stack.push(SetCuratedValues(self.model.case, "event", event_id, {"duplicate_of": None},
                                                  "Split merged events", self._after_change))
        self.undo_stack.endMacro()

    def add_event(self) -> AddEventDialog | None:
        """Ask for an event the worker knows of and store it as theirs (undoable). Returns the
        dialog while it is open (for checks), None without a case."""
        if self.model.case is None:
            return None
        dialog = AddEventDialog(self)
        dialog.accepted.connect(lambda: self.store_event(dialog.values()))
        dialog.open()
        return dialog

    def store_event(self, values: dict[str, Any]) -> str:
        """Store the worker's own event as one undoable step and select it; returns its id."""
        command = AddManualFact(self.model.case, "event", values, "Add event", self._after_change)
        self.undo_stack.push(command)
        self.select_event(command.fact_id, emit=False)
        return command.fact_id

    def _targets(self) -> list[dict[str, Any]]:
        return self.selected_rows() or ([self.current_row()] if self.current_row() else [])

    def curate(self, row: dict[str, Any], values: dict[str, Any], description: str) -> None:
        """Store the worker's values for one event as one undoable step."""
        command = SetCuratedValues(self.model.case, "event", row["id"], values, description, self._after_change)
        self.undo_stack.push(command)

    def _curate_all(self, rows: list[dict[str, Any]], values_for: Any, description: str) -> None:
        if len(rows) > 1:
            self.undo_stack.beginMacro(f"{description} ({len(rows)} events)")
        for row in rows:
            self.curate(row, values_for(row), description)
        if len(rows) > 1:
            self.undo_stack.endMacro()

    def _after_change(self, _event_id: str) -> None:
        self.refresh()
        self.case_changed.emit()

    def toggle_key(self) -> None:
        rows = self._targets()
        make_key = any(int(r.get("significance") or 0) < 2 for r in rows)
        self._curate_all(rows, lambda r: {"significance": max(2, int(r.get("significance") or 0)) if make_key else 1},
                         "Mark as key event" if make_key else "Mark as not key")

    def toggle_hidden(self) -> None:
        rows = self._targets()
        hide = any(not r.get("hidden") for r in rows)
        self._curate_all(rows, lambda r: {"hidden": hide}, "Hide event" if hide else "Show event")

    def toggle_reviewed(self) -> None:
        rows = self._targets()
        reviewed = any(not r.get("reviewed") for r in rows)
        self._curate_all(rows, lambda r: {"reviewed": reviewed}, "Mark reviewed" if reviewed else "Mark not reviewed")

    def _edit_text(self, field_name: str, title: str, prompt: str) -> None:
        row = self.current_row()
        if row is None:
            return
        text, ok = QInputDialog.getMultiLineText(self, title, prompt, row.get(field_name) or "")
        if ok and text.strip() != (row.get(field_name) or "").strip():
            self.curate(row, {field_name: text.strip() or None}, title)

    def edit_summary(self) -> None:
        self._edit_text("summary", "Edit summary", "The event as it should read in the chronology:")

    def edit_impact(self) -> None:
        self._edit_text("impact", "Impact on child", "What this meant for the child:")

    def edit_action(self) -> None:
        self._edit_text("action", "Action / outcome", "What was done, or what came of it:")

    def edit_date(self) -> None:
        row = self.current_row()
        if row is None:
            return
        current = formatting.uk_date(row.get("date"), row.get("precision")) if row.get("date") else ""
        prompt = "The date the event happened (12/03/2023, 03/2023 or 2023):"
        while True:
            text, ok = QInputDialog.getText(self, "Edit date", prompt, QLineEdit.EchoMode.Normal, current)
            if not ok:
                return
            parsed = formatting.parse_user_date(text)
            if parsed:
                break
            prompt = f"“{text}” is not a date CaseLens understands. Write it as 12/03/2023, 03/2023 or 2023:"
        value, precision = parsed
        self.curate(row, {"date": value, "precision": precision, "approximate": False, "date_source": "explicit"},
                    "Edit date")

    def edit_type(self) -> None:
        row = self.current_row()
        if row is None:
            return
        labels = list(formatting.EVENT_TYPE_LABELS.values())
        keys = list(formatting.EVENT_TYPE_LABELS)
        current = keys.index(row["type"]) if row.get("type") in keys else 0
        text, ok = QInputDialog.getItem(self, "Change type", "What kind of event this is:", labels, current, False)
        if ok and keys[labels.index(text)] != row.get("type"):
            self.curate(row, {"type": keys[labels.index(text)]}, "Change type")


def _curated_duplicate_of() -> str:
    """SQL for an event's ``duplicate_of`` with the worker's correction applied (alias ``e``)."""
    return (
        "(CASE WHEN EXISTS (SELECT 1 FROM curation c WHERE c.target_kind = 'event' AND c.target_id = e.id"
        " AND c.field = 'duplicate_of' AND c.orphaned = 0)"
        " THEN (SELECT json_extract(c.value, '$') FROM curation c WHERE c.target_kind = 'event'"
        " AND c.target_id = e.id AND c.field = 'duplicate_of' AND c.orphaned = 0) ELSE e.duplicate_of END)"
    )


def default_filters(key_events_only: bool, show_uncertain: bool) -> ChronologyFilters:
    return replace(ChronologyFilters(), min_significance=2 if key_events_only else 0, show_uncertain=show_uncertain)

