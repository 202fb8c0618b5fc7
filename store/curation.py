"""The worker's curation: hidden, significant, edited text, impact, action, merged people...

Curation is stored apart from extraction output (one row per target and field) and applied
when rows are read, so re-extraction and re-import never overwrite it. A curation whose target
no longer exists is kept, marked ``orphaned`` and listed for review; it is never dropped.
"""
from __future__ import annotations

import json
from typing import Any

from store.connection import Case
from store.tables import FIELDS, utc_now

# target_kind -> (table, key column)
TARGETS: dict[str, tuple[str, str]] = {
    "event": ("events", "id"),
    "person": ("people", "id"),
    "risk": ("risks", "id"),
    "strength": ("strengths", "id"),
    "mention": ("mentions", "id"),
    "gap": ("gaps", "item"),
}
# Fields a worker may curate beyond the contracted ones of the target's table.
_EXTRA_FIELDS: dict[str, frozenset[str]] = {"person": frozenset({"merged_into"}), "event": frozenset({"note"})}
_FIXED = frozenset({"id", "note_id", "start", "end", "item"})


def curatable_fields(target_kind: str) -> frozenset[str]:
    """The fields of a target kind that curation may set."""
    table, _ = _target(target_kind)
    return frozenset(FIELDS[table]) - _FIXED | _EXTRA_FIELDS.get(target_kind, frozenset())


def set_value(case: Case, target_kind: str, target_id: str, field: str, value: Any, *, reviewed: bool = True) -> int:
    """Record the worker's value for one field of one target (replacing an earlier one).
    Returns the curation row id."""
    if field not in curatable_fields(target_kind):
        raise ValueError(f"{field!r} cannot be curated on a {target_kind}; allowed: {sorted(curatable_fields(target_kind))}")
    table, key = _target(target_kind)
    with case.transaction():
        exists = case.db.execute(f"SELECT 1 FROM {table} WHERE {key} = ?", (target_id,)).fetchone()
        case.db.execute(
            "INSERT INTO curation (target_kind, target_id, field, value, reviewed, edited_at, orphaned)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (target_kind, target_id, field) DO UPDATE SET"
            " value = excluded.value, reviewed = excluded.reviewed, edited_at = excluded.edited_at,"
            " orphaned = excluded.orphaned",
            (target_kind, target_id, field, json.dumps(value, ensure_ascii=False), int(reviewed), utc_now(),
             int(not exists)),
        )
        return case.db.execute(
            "SELECT id FROM curation WHERE target_kind = ? AND target_id = ? AND field = ?",
            (target_kind, target_id, field),
        ).fetchone()[0]


def clear(case: Case, target_kind: str, target_id: str, field: str) -> None:
    """Forget the worker's value for one field, so the extracted value shows again."""
    with case.transaction():
        case.db.execute(
            "DELETE FROM curation WHERE target_kind = ? AND target_id = ? AND field = ?",
            (target_kind, target_id, field),
        )


def mark_orphans(case: Case) -> int:
    """Flag every curation row whose target no longer exists (and unflag ones whose target is
    back, e.g. after re-extraction yields the same fact id). Returns how many are orphaned."""
    for kind, (table, key) in TARGETS.items():
        case.db.execute(
            f"UPDATE curation SET orphaned = NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{key} = curation.target_id)"
            " WHERE target_kind = ?",
            (kind,),
        )
    return case.db.execute("SELECT count(*) FROM curation WHERE orphaned = 1").fetchone()[0]


def rows(case: Case, *, orphaned: bool | None = None) -> list[dict[str, Any]]:
    """Curation rows as in the interchange; ``orphaned=True`` lists those needing review."""
    sql = "SELECT id, target_kind, target_id, field, value, reviewed, edited_at, orphaned FROM curation"
    params: tuple = ()
    if orphaned is not None:
        sql += " WHERE orphaned = ?"
        params = (int(orphaned),)
    result = []
    for row in case.db.query(sql + " ORDER BY id", params):
        row["value"] = json.loads(row["value"]) if row["value"] is not None else None
        row["reviewed"] = bool(row["reviewed"])
        row["orphaned"] = bool(row["orphaned"])
        result.append(row)
    return result


def values_by_target(case: Case, target_kind: str) -> dict[str, dict[str, Any]]:
    """``{target_id: {field: value}}`` for one target kind (live targets only)."""
    result: dict[str, dict[str, Any]] = {}
    for row in case.db.query(
        "SELECT target_id, field, value FROM curation WHERE target_kind = ? AND orphaned = 0", (target_kind,)
    ):
        result.setdefault(row["target_id"], {})[row["field"]] = json.loads(row["value"]) if row["value"] is not None else None
    return result


def _target(target_kind: str) -> tuple[str, str]:
    try:
        return TARGETS[target_kind]
    except KeyError:
        raise ValueError(f"unknown curation target {target_kind!r}; expected one of {sorted(TARGETS)}") from None
