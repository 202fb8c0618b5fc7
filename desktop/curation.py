"""The worker's corrections as undoable commands over ``store.curation``.

Each command remembers what the curation layer held for that field before (a value, or
nothing: the extracted value showed), so undo restores exactly that. The store keeps the
worker's values apart from extraction output, so they survive re-import and re-extraction.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from store import curation
from store.connection import Case

_MISSING = object()


def curated_value(case: Case, target_kind: str, target_id: str, field: str) -> Any:
    """The worker's stored value for one field, or ``_MISSING`` when there is none."""
    row = case.db.execute(
        "SELECT value FROM curation WHERE target_kind = ? AND target_id = ? AND field = ?",
        (target_kind, target_id, field),
    ).fetchone()
    if row is None:
        return _MISSING
    return json.loads(row[0]) if row[0] is not None else None


class SetCuratedValues(QUndoCommand):
    """Set one or more fields of one target (e.g. an event's date and precision together)."""

    def __init__(
        self,
        case: Case,
        target_kind: str,
        target_id: str,
        values: dict[str, Any],
        description: str,
        on_change: Callable[[str], None],
    ) -> None:
        super().__init__(description)
        self.case = case
        self.target_kind = target_kind
        self.target_id = target_id
        self.values = dict(values)
        self.previous = {name: curated_value(case, target_kind, target_id, name) for name in values}
        self.on_change = on_change

    def redo(self) -> None:
        for name, value in self.values.items():
            curation.set_value(self.case, self.target_kind, self.target_id, name, value)
        self.on_change(self.target_id)

    def undo(self) -> None:
        for name, value in self.previous.items():
            if value is _MISSING:
                curation.clear(self.case, self.target_kind, self.target_id, name)
            else:
                curation.set_value(self.case, self.target_kind, self.target_id, name, value)
        self.on_change(self.target_id)


class AddManualFact(QUndoCommand):
    """Add one of the worker's own facts (an event, a risk, a person); undo removes it and
    redo puts back the very same row (same id), so corrections made to it later still apply."""

    def __init__(
        self,
        case: Case,
        target_kind: str,
        values: dict[str, Any],
        description: str,
        on_change: Callable[[str], None],
        parent: QUndoCommand | None = None,
    ) -> None:
        super().__init__(description, parent)
        self.case = case
        self.target_kind = target_kind
        self.values = {**values, "id": values.get("id") or curation.new_manual_id(target_kind)}
        self.on_change = on_change

    @property
    def fact_id(self) -> str:
        return self.values["id"]

    def redo(self) -> None:
        curation.add_manual(self.case, self.target_kind, self.values)
        self.on_change(self.fact_id)

    def undo(self) -> None:
        curation.remove_manual(self.case, self.target_kind, self.fact_id)
        self.on_change(self.fact_id)
