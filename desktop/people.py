"""People: family and household, professionals and agencies, and the risks about each."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMenu,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from desktop.evidence import EvidenceList
from desktop.manual_facts import SplitPersonDialog
from store import queries
from store.connection import Case

PERSON_ROLE = Qt.ItemDataRole.UserRole + 20
PERSON_DATA_ROLE = Qt.ItemDataRole.UserRole + 21
RELATIONSHIPS = ("mother", "father", "stepmother", "stepfather", "parent_partner", "sibling", "half_sibling",
                 "grandmother", "grandfather", "aunt", "uncle", "other_relative", "foster_carer",
                 "ex_partner_of_parent", "friend", "professional", "unknown")
GROUPS = (
    ("child", "The child"),
    ("family", "Family and household"),
    ("professional", "Professionals and agencies"),
    ("other", "Others mentioned"),
)
HEADERS = ["Name", "Relationship / role", "Household", "Organisation", "Phone", "Email",
           "First seen", "Last seen", "Risks"]


class PeopleView(QWidget):
    open_evidence = Signal(str, int, int)
    correct = Signal(str, str, dict, str)
    split_person = Signal(str, list, dict)  # person id, the mentions that are someone else, that person

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("People")
        self.tree.setHeaderLabels(HEADERS)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.headerItem().setToolTip(2, "Lives in the child's household")
        self.tree.headerItem().setToolTip(8, "Current risk mentions that concern this person")
        for column, width in enumerate((200, 190, 90, 160, 120, 190, 100, 100, 60)):
            self.tree.setColumnWidth(column, width)
        self.tree.currentItemChanged.connect(self._person_chosen)
        self.tree.itemActivated.connect(self._read_first_mention)
        self.caption = QLabel()
        self.caption.setObjectName("sectionTitle")
        self.evidence = EvidenceList("Risks about this person")
        self.evidence.setColumnHidden(4, True)
        self.evidence.open_evidence.connect(self.open_evidence)
        self.evidence.correct.connect(self.correct)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 6, 0, 0)
        lower_layout.addWidget(self.caption)
        lower_layout.addWidget(self.evidence)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(splitter)

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        self.evidence.clear()
        self.caption.setText("Select a person to see the risks that concern them.")
        if self.case is None:
            return
        people = queries.people(self.case)
        bold = QFont()
        bold.setBold(True)
        for kind, title in GROUPS:
            members = [p for p in people if _group(p) == kind]
            if not members and kind == "child":
                continue
            group = QTreeWidgetItem([f"{title} ({len(members)})"])
            group.setFont(0, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
            group.setFirstColumnSpanned(True)
            for person in members:
                group.addChild(self._item(person))
            group.setExpanded(True)
            if members and self.tree.currentItem() is None:
                self.tree.setCurrentItem(group.child(0))
            if not members:
                empty = QTreeWidgetItem(["None identified in the notes"])
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                group.addChild(empty)

    @staticmethod
    def _item(person: dict[str, Any]) -> QTreeWidgetItem:
        contacts = person.get("contacts") or {}
        if person.get("subject"):
            role = "Subject of the case"
        elif person.get("kind") == "family":
            role = formatting.relationship_label(person.get("relationship")) or "Relationship unknown"
            if person.get("side"):
                role += f" ({person['side']})"
        else:
            role = person.get("role") or formatting.label(person.get("kind"))
        household = {True: "Yes", False: "No"}.get(person.get("household"), "Not known")
        if person.get("kind") != "family" or person.get("subject"):
            household = ""
        name = person.get("name") or role
        if person.get("curated"):
            name = "✎ " + name
        item = QTreeWidgetItem([
            name, role, household, person.get("organisation") or "",
            ", ".join(contacts.get("phones") or []), ", ".join(contacts.get("emails") or []),
            formatting.uk_date(person.get("first_seen")) if person.get("first_seen") else "",
            formatting.uk_date(person.get("last_seen")) if person.get("last_seen") else "",
            str(person.get("current_risks") or ""),
        ])
        aliases = [a for a in person.get("aliases") or [] if a != person.get("name")]
        if aliases:
            item.setToolTip(0, "Also written as: " + ", ".join(aliases))
        item.setData(0, PERSON_ROLE, person["id"])
        item.setData(0, PERSON_DATA_ROLE, person)
        return item

    def _person_chosen(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        person_id = item.data(0, PERSON_ROLE) if item else None
        if not person_id or self.case is None:
            return
        name = item.text(0).removeprefix("✎ ")
        person = item.data(0, PERSON_DATA_ROLE) or {}
        mentions = queries.risk_mentions(self.case, person_id=person.get("person_ids") or person_id)
        self.caption.setText(f"<b>Risks that concern {name}</b> — {sum(m.current for m in mentions)} current")
        self.evidence.set_mentions(mentions, "No risks recorded about this person.")


    def _read_first_mention(self, item: QTreeWidgetItem) -> None:
        """Enter or double-click on a person: the note that first mentions them."""
        person_id = item.data(0, PERSON_ROLE) if item else None
        if not person_id or self.case is None:
            return
        mentions = queries.person_mentions(self.case, person_id)  # a split moves mentions: curated
        if mentions:
            self.open_evidence.emit(mentions[0]["note_id"], mentions[0]["start"], mentions[0]["end"])

    def _menu(self, position: QPoint) -> None:
        item = self.tree.itemAt(position)
        person = item.data(0, PERSON_DATA_ROLE) if item else None
        if person is None:
            return
        menu = QMenu(self)
        menu.addAction("Rename…", lambda: self.rename(person))
        menu.addAction("Relationship to the child…", lambda: self.change_relationship(person))
        household = menu.addAction("Lives in the child's household")
        household.setCheckable(True)
        household.setChecked(bool(person.get("household")))
        household.triggered.connect(lambda checked: self.correct.emit(
            "person", person["id"], {"household": checked}, "Change household"))
        menu.addAction("Merge into another person…", lambda: self.merge(person))
        if len(person.get("person_ids") or []) > 1:
            menu.addAction("Undo merges (split)", lambda: self.split(person))
        menu.addAction("Split into two people…", lambda: self.split_mentions(person))
        menu.exec(self.tree.viewport().mapToGlobal(position))

    def merge(self, person: dict[str, Any]) -> None:
        """The same person found twice: fold this one into the other."""
        others = [p for p in queries.people(self.case) if p["id"] != person["id"]]
        labels = [f"{p.get('name') or p['id']} ({formatting.relationship_label(p.get('relationship')) or p.get('role') or ''})"
                  for p in others]
        text, ok = QInputDialog.getItem(self, "Merge people", f"{person.get('name')} is the same person as:",
                                        labels, 0, False)
        if ok:
            target = others[labels.index(text)]
            self.correct.emit("person", person["id"], {"merged_into": target["id"]}, "Merge people")

    def split(self, person: dict[str, Any]) -> None:
        """Undo the worker's merges into this person: each comes back on their own."""
        for merged_id in person["person_ids"][1:]:
            self.correct.emit("person", merged_id, {"merged_into": None}, "Split a merged person")

    def split_mentions(self, person: dict[str, Any]) -> SplitPersonDialog | None:
        """Extraction took two people for one: the worker ticks the mentions that are the
        other person. Returns the dialog while it is open (for checks)."""
        mentions = queries.person_mentions(self.case, person["id"])
        if not mentions:
            return None
        dialog = SplitPersonDialog(person, mentions, RELATIONSHIPS, self)
        dialog.accepted.connect(lambda: self.split_person.emit(person["id"], dialog.chosen_mentions(), dialog.values()))
        dialog.open()
        return dialog

    def rename(self, person: dict[str, Any]) -> None:
        name, ok = QInputDialog.getText(self, "Rename", "The person's name as it should appear:",
                                        text=person.get("name") or "")
        if ok and name.strip() and name.strip() != person.get("name"):
            self.correct.emit("person", person["id"], {"name": name.strip()}, "Rename a person")

    def change_relationship(self, person: dict[str, Any]) -> None:
        values = list(RELATIONSHIPS)
        labels = [formatting.relationship_label(v) for v in values]
        current = values.index(person["relationship"]) if person.get("relationship") in values else len(values) - 1
        text, ok = QInputDialog.getItem(self, "Relationship", "Their relationship to the child:", labels, current, False)
        if ok:
            chosen = values[labels.index(text)]
            if chosen != person.get("relationship"):
                kind = "professional" if chosen == "professional" else "family"
                self.correct.emit("person", person["id"], {"relationship": chosen, "kind": kind},
                                  "Change relationship")


def _group(person: dict[str, Any]) -> str:
    if person.get("subject"):
        return "child"
    kind = person.get("kind")
    if kind == "family":
        return "family"
    if kind in ("professional", "agency"):
        return "professional"
    return "other"
