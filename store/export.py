"""The whole case as the contracted ``caselens/1`` JSON document."""
from __future__ import annotations

from typing import Any

from store import audit, cases, curation
from store.connection import Case
from store.notes import imports
from store.tables import FIELDS, decode

FORMAT = "caselens/1"
_IMPORT_FIELDS = ("id", "file", "sha256", "format", "imported_at", "status", "notes")
_NOTE_FIELDS = ("id", "note_date", "recorded_date", "author", "note_type", "agency", "title", "text")
_KIND = {"people": "person", "mentions": "mention", "events": "event", "risks": "risk",
         "strengths": "strength", "gaps": "gap"}


def case_to_json(case: Case) -> dict[str, Any]:
    """Every part of the case, curation applied: notes are current versions only and facts
    are those of current notes; hidden events carry ``"hidden": true``; an event says
    ``"curated": true`` when any curation applies to it. The worker's own events, risks and
    people (ids ``manual-...``) follow the extracted ones, each with ``"curated": true``."""
    db = case.db
    sources: dict[str, list[dict[str, Any]]] = {}
    for row in db.query("SELECT note_id, import_id, ref, source_note_id FROM note_sources ORDER BY import_id, rowid"):
        note_id = row.pop("note_id")
        sources.setdefault(note_id, []).append(row)
    notes = []
    for row in db.query(
        "SELECT * FROM notes WHERE current = 1 ORDER BY note_date IS NULL, note_date, rowid"
    ):
        note = {name: row[name] for name in _NOTE_FIELDS}
        note["sources"] = sources.get(row["id"], [])
        note["duplicate_of"] = row["duplicate_of"]
        note["version_of"] = row["version_of"]
        notes.append(note)
    document: dict[str, Any] = {
        "format": FORMAT,
        "case": cases.header(case),
        "imports": [{name: row[name] for name in _IMPORT_FIELDS} for row in imports(case)],
        "notes": notes,
    }
    for table in ("people", "mentions", "events", "risks", "strengths", "gaps"):
        document[table] = _facts(case, table)
    document["curation"] = curation.rows(case)
    document["audit"] = audit.entries(case)
    return document


def _facts(case: Case, table: str) -> list[dict[str, Any]]:
    kind = _KIND[table]
    curated = curation.values_by_target(case, kind)
    if table in ("people", "gaps"):
        sql = f"SELECT * FROM {table} ORDER BY rowid"
    else:
        order = "t.date IS NULL, t.date, " if table == "events" else ""
        sql = (
            f"SELECT t.* FROM {table} t JOIN notes n ON n.id = t.note_id AND n.current = 1"
            f" ORDER BY {order}n.note_date IS NULL, n.note_date, t.start, t.rowid"
        )
    key = "item" if table == "gaps" else "id"
    result = []
    for stored in case.db.query(sql):
        row = decode(stored, merge_extra=False)
        changes = curated.get(row[key], {})
        out = {name: changes.get(name, row[name]) for name in FIELDS[table]}
        if table == "events":
            out["reviewed"] = bool(out["reviewed"]) or bool(changes)
            out["hidden"] = bool(out["hidden"])
            out["curated"] = bool(changes)
        result.append(out)
    if kind in curation.MANUAL_TABLES:
        for row in curation.manual_rows(case, kind):
            changes = curated.get(row["id"], {})
            out = {name: changes.get(name, row.get(name)) for name in FIELDS[table]}
            if table == "events":
                out["reviewed"] = bool(out["reviewed"])
                out["hidden"] = bool(out["hidden"])
            out["curated"] = True
            result.append(out)
    return result
