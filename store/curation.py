"""The worker's curation: hidden, significant, edited text, impact, action, merged people...

Curation is stored apart from extraction output (one row per target and field) and applied
when rows are read, so re-extraction and re-import never overwrite it. A curation whose target
no longer exists is kept, marked ``orphaned`` and listed for review; it is never dropped.

The worker's own facts (an event added by hand, a risk the pipeline missed, the new person
of a split) are rows of ``manual_events``, ``manual_risks`` and ``manual_people``: shaped like
the extracted ones, with ids starting ``manual-``, and never touched by extraction. Queries
show them beside the extracted facts; curation applies to them too.
"""
from __future__ import annotations

import json
import uuid
from typing import Any

from store.connection import Case
from store.tables import FIELDS, decode, encode, utc_now

# target_kind -> (table, key column)
TARGETS: dict[str, tuple[str, str]] = {
    "event": ("events", "id"),
    "person": ("people", "id"),
    "risk": ("risks", "id"),
    "strength": ("strengths", "id"),
    "mention": ("mentions", "id"),
    "gap": ("gaps", "item"),
}
# target_kind -> the table of the worker's own facts of that kind
MANUAL_TABLES: dict[str, str] = {"event": "manual_events", "risk": "manual_risks", "person": "manual_people"}
# Keys a worker's fact may have beyond the contracted fields (kept in its ``extra``).
_MANUAL_EXTRA: dict[str, frozenset[str]] = {"person": frozenset({"split_from"})}
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
    with case.transaction():
        exists = _exists(case, target_kind, target_id)
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
        live = f"EXISTS (SELECT 1 FROM {table} t WHERE t.{key} = curation.target_id)"
        if kind in MANUAL_TABLES:
            live += f" OR EXISTS (SELECT 1 FROM {MANUAL_TABLES[kind]} m WHERE m.id = curation.target_id)"
        case.db.execute(f"UPDATE curation SET orphaned = NOT ({live}) WHERE target_kind = ?", (kind,))
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


def new_manual_id(target_kind: str) -> str:
    """A fresh id for a worker's own fact (never equal to an extracted fact id)."""
    _manual_table(target_kind)
    return f"manual-{target_kind}-{uuid.uuid4().hex[:12]}"


def add_manual(case: Case, target_kind: str, values: dict[str, Any]) -> str:
    """Store one of the worker's own facts (an ``event``, a ``risk`` or a ``person``) shaped as
    the extracted ones (fields left out take the extracted defaults); ``values["id"]`` keeps a
    known id (e.g. when redoing), else one is made.
    Returns its id. Curation on that id becomes live again if it was orphaned."""
    table = _manual_table(target_kind)
    extracted = TARGETS[target_kind][0]
    unknown = set(values) - set(FIELDS[extracted]) - _MANUAL_EXTRA.get(target_kind, frozenset())
    if unknown:
        raise ValueError(f"a {target_kind} has no field(s) {sorted(unknown)}")
    row = encode(extracted, {**values, "id": values.get("id") or new_manual_id(target_kind)})
    row["created_at"] = utc_now()
    names = ", ".join(f'"{name}"' for name in row)
    marks = ", ".join("?" for _ in row)
    with case.transaction():
        case.db.execute(f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})", tuple(row.values()))
        case.db.execute("UPDATE curation SET orphaned = 0 WHERE target_kind = ? AND target_id = ?",
                        (target_kind, row["id"]))
    return row["id"]


def remove_manual(case: Case, target_kind: str, fact_id: str) -> dict[str, Any] | None:
    """Delete one of the worker's own facts (undoing its creation); returns the row as it was
    (for ``add_manual`` to put back), or None when there was none. Curation of it is kept,
    marked orphaned, like any curation whose target vanished."""
    table = _manual_table(target_kind)
    with case.transaction():
        row = manual_row(case, target_kind, fact_id)
        case.db.execute(f"DELETE FROM {table} WHERE id = ?", (fact_id,))
        case.db.execute("UPDATE curation SET orphaned = 1 WHERE target_kind = ? AND target_id = ?",
                        (target_kind, fact_id))
    return row


def manual_row(case: Case, target_kind: str, fact_id: str) -> dict[str, Any] | None:
    """One of the worker's own facts as stored (no curation applied), without ``created_at``."""
    stored = next(case.db.query(f"SELECT * FROM {_manual_table(target_kind)} WHERE id = ?", (fact_id,)), None)
    if stored is None:
        return None
    stored.pop("created_at", None)
    return decode(stored)


def manual_rows(case: Case, target_kind: str) -> list[dict[str, Any]]:
    """All the worker's own facts of one kind, oldest first (no curation applied)."""
    result = []
    for stored in case.db.query(f"SELECT * FROM {_manual_table(target_kind)} ORDER BY created_at, rowid"):
        stored.pop("created_at", None)
        result.append(decode(stored))
    return result


def split_person(case: Case, person_id: str, mention_ids: list[str], values: dict[str, Any]) -> tuple[
        dict[str, Any], list[tuple[str, str, dict[str, Any]]]]:
    """Plan the split of a person extraction wrongly merged: the new person (``values`` such
    as name, relationship, kind; ``aliases`` the names that go with them) and the corrections
    ``[(target_kind, target_id, {field: value})]`` that move the chosen mentions — and the
    events and risks of the notes where only moved mentions name the person — to the new
    person, and take the moved aliases off the old one. Nothing is stored: the caller applies
    the plan (the app as one undoable step)."""
    new_id = values.get("id") or new_manual_id("person")
    person = {**values, "id": new_id, "split_from": person_id}
    chosen = set(mention_ids)
    moved_notes: set[str] = set()
    kept_notes: set[str] = set()
    changes: list[tuple[str, str, dict[str, Any]]] = []
    mention_people = values_by_target(case, "mention")
    for mention_id, note_id, stored_person in case.db.execute(
        "SELECT id, note_id, person_id FROM mentions WHERE person_id = ? OR id IN"
        " (SELECT target_id FROM curation WHERE target_kind = 'mention' AND field = 'person_id')",
        (person_id,),
    ):
        current = mention_people.get(mention_id, {}).get("person_id", stored_person)
        if current != person_id:
            continue
        if mention_id in chosen:
            changes.append(("mention", mention_id, {"person_id": new_id}))
            moved_notes.add(note_id)
        else:
            kept_notes.add(note_id)
    only_moved = moved_notes - kept_notes
    if only_moved:
        marks = ", ".join("?" for _ in only_moved)
        event_people = values_by_target(case, "event")
        for event_id, stored in case.db.execute(
            f"SELECT id, people FROM events WHERE note_id IN ({marks})", sorted(only_moved)
        ):
            people = event_people.get(event_id, {}).get("people", json.loads(stored or "[]"))
            if person_id in people:
                changes.append(("event", event_id, {"people": [new_id if p == person_id else p for p in people]}))
        risk_people = values_by_target(case, "risk")
        for risk_id, stored in case.db.execute(
            f"SELECT id, person_id FROM risks WHERE note_id IN ({marks})", sorted(only_moved)
        ):
            if risk_people.get(risk_id, {}).get("person_id", stored) == person_id:
                changes.append(("risk", risk_id, {"person_id": new_id}))
    moved_aliases = set(values.get("aliases") or [])
    if moved_aliases:
        row = case.db.execute("SELECT aliases FROM people WHERE id = ?", (person_id,)).fetchone()
        aliases = values_by_target(case, "person").get(person_id, {}).get(
            "aliases", json.loads(row[0]) if row and row[0] else [])
        changes.append(("person", person_id, {"aliases": [a for a in aliases if a not in moved_aliases]}))
    return person, changes


def _exists(case: Case, target_kind: str, target_id: str) -> bool:
    table, key = _target(target_kind)
    if case.db.execute(f"SELECT 1 FROM {table} WHERE {key} = ?", (target_id,)).fetchone():
        return True
    manual = MANUAL_TABLES.get(target_kind)
    return bool(manual and case.db.execute(f"SELECT 1 FROM {manual} WHERE id = ?", (target_id,)).fetchone())


def _manual_table(target_kind: str) -> str:
    try:
        return MANUAL_TABLES[target_kind]
    except KeyError:
        raise ValueError(f"a worker cannot add a {target_kind!r}; expected one of {sorted(MANUAL_TABLES)}") from None


def _target(target_kind: str) -> tuple[str, str]:
    try:
        return TARGETS[target_kind]
    except KeyError:
        raise ValueError(f"unknown curation target {target_kind!r}; expected one of {sorted(TARGETS)}") from None
