"""Read-side queries for the views and reports, always with the worker's curation applied.

Filtering happens in SQL: event fields the worker may curate are resolved (curated value,
else extracted value) inside the query, so a filter on significance or type sees what the
worker sees. Only facts of current note versions are returned.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from store import cases
from store.connection import Case
from store.tables import FIELDS, decode

DEFAULT_STATUSES = ("current", "historical", "hypothetical")
_EVENT_CURATABLE = ("date", "precision", "approximate", "date_source", "type", "plan_kind", "stage",
                    "summary", "significance", "status", "people", "location", "impact", "action",
                    "reviewed", "hidden", "duplicate_of")
_EVENT_BOOLEANS = ("approximate", "reviewed", "hidden")
_WORD = re.compile(r"\w+", re.UNICODE)


def _curated_events_sql(select: str = "*") -> str:
    """SELECT ``select`` over ``v``: events with curation resolved per field, a ``curated``
    flag and the source note's details; only events of current notes."""
    pivots = ",\n".join(
        f"max(CASE WHEN field = '{name}' THEN value END) AS c_{name}" for name in _EVENT_CURATABLE
    )
    columns = []
    for name in FIELDS["events"]:
        if name == "reviewed":
            columns.append("CASE WHEN cu.c_reviewed IS NOT NULL THEN json_extract(cu.c_reviewed, '$')"
                           " ELSE (e.reviewed OR coalesce(cu.any_reviewed, 0)) END AS reviewed")
        elif name in _EVENT_CURATABLE:
            columns.append(f'CASE WHEN cu.c_{name} IS NULL THEN e."{name}"'
                           f" ELSE json_extract(cu.c_{name}, '$') END AS \"{name}\"")
        else:
            columns.append(f'e."{name}"')
    return (
        "WITH cu AS (SELECT target_id, count(*) AS n, max(reviewed) AS any_reviewed,\n"
        f"{pivots}\n FROM curation WHERE target_kind = 'event' AND orphaned = 0 GROUP BY target_id)\n"
        f"SELECT {select} FROM (SELECT " + ", ".join(columns) + ",\n"
        " coalesce(cu.n, 0) > 0 AS curated, n.note_date, n.note_type, n.author, n.agency,"
        " n.title AS note_title\n"
        " FROM events e JOIN notes n ON n.id = e.note_id AND n.current = 1"
        " LEFT JOIN cu ON cu.target_id = e.id) v"
    )


_CHRONOLOGY_SQL = _curated_events_sql()
_CHRONOLOGY_IDS_SQL = _curated_events_sql("v.id")


def chronology(
    case: Case,
    *,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    types: Iterable[str] | None = None,
    person_id: str | None = None,
    risk_category: str | None = None,
    min_significance: int | None = None,
    text: str | None = None,
    include_statuses: Iterable[str] = DEFAULT_STATUSES,
    hidden: bool = False,
    include_duplicates: bool = False,
    order: str = "asc",
) -> list[dict[str, Any]]:
    """Events for the chronology, curation applied, filtered in SQL.

    - ``date_from``/``date_to``: inclusive; an event dated only to a month or year is kept
      when that month or year overlaps the range; undated events are left out by a date filter.
    - ``types``: event types; ``min_significance``: 0–3; ``include_statuses``: which statuses
      to show (by default negated and uncertain are left out).
    - ``person_id``: events that name that person; ``risk_category``: events in notes where a
      risk of that category is recorded (with an included status).
    - ``text``: full-text search over the source note (title and text) and the event summary.
    - ``hidden``: include events the worker hid (they carry ``hidden: True``).
    - ``include_duplicates``: also the copies of an event recorded in several notes.
    - ``order``: ``"asc"`` (oldest first) or ``"desc"``; undated events come last.

    Each row has the event's contracted fields, ``curated`` and the source note's
    ``note_date``, ``note_type``, ``author``, ``agency`` and ``note_title``.
    """
    where, params = _chronology_filter(
        date_from=date_from, date_to=date_to, types=types, person_id=person_id, risk_category=risk_category,
        min_significance=min_significance, text=text, include_statuses=include_statuses, hidden=hidden,
        include_duplicates=include_duplicates, order=order,
    )
    cursor = case.db.execute(_CHRONOLOGY_SQL + where, params)
    names = [d[0] for d in cursor.description]
    rows = []
    for values in cursor:
        row = dict(zip(names, values))
        row["people"] = json.loads(row["people"]) if row["people"] else []
        for name in _EVENT_BOOLEANS:
            row[name] = bool(row[name])
        row["curated"] = bool(row["curated"])
        rows.append(row)
    return rows


def chronology_ids(case: Case, **filters: Any) -> list[str]:
    """The ids of the events ``chronology(case, **filters)`` returns, in the same order —
    cheap enough to re-run on every filter change; fetch the rows shown with ``events``."""
    where, params = _chronology_filter(**filters)
    return [row[0] for row in case.db.execute(_CHRONOLOGY_IDS_SQL + where, params)]


def events(case: Case, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Chronology rows (curation applied) for the given event ids, keyed by id."""
    ids = list(ids)
    result: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        where = f" WHERE v.id IN ({marks})"
        cursor = case.db.execute(_CHRONOLOGY_SQL + where, chunk)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(names, values))
            row["people"] = json.loads(row["people"]) if row["people"] else []
            for name in (*_EVENT_BOOLEANS, "curated"):
                row[name] = bool(row[name])
            result[row["id"]] = row
    return result


def _chronology_filter(
    *,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    types: Iterable[str] | None = None,
    person_id: str | None = None,
    risk_category: str | None = None,
    min_significance: int | None = None,
    text: str | None = None,
    include_statuses: Iterable[str] = DEFAULT_STATUSES,
    hidden: bool = False,
    include_duplicates: bool = False,
    order: str = "asc",
) -> tuple[str, list[Any]]:
    """The WHERE and ORDER BY of a chronology query, with its parameters."""
    if order not in ("asc", "desc"):
        raise ValueError("order must be 'asc' or 'desc'")
    clauses: list[str] = []
    params: list[Any] = []
    if date_from is not None:
        clauses.append("v.date IS NOT NULL AND v.date >= substr(?, 1, length(v.date))")
        params.append(str(date_from))
    if date_to is not None:
        clauses.append("v.date IS NOT NULL AND v.date <= substr(?, 1, length(v.date))")
        params.append(str(date_to))
    if types is not None:
        types = list(types)
        clauses.append(f"v.type IN ({', '.join('?' for _ in types)})" if types else "0")
        params.extend(types)
    statuses = list(include_statuses)
    status_marks = ", ".join("?" for _ in statuses) or "NULL"
    clauses.append(f"v.status IN ({status_marks})")
    params.extend(statuses)
    if min_significance is not None:
        clauses.append("v.significance >= ?")
        params.append(min_significance)
    if person_id is not None:
        clauses.append("EXISTS (SELECT 1 FROM json_each(v.people) p WHERE p.value = ?)")
        params.append(person_id)
    if risk_category is not None:
        # Not correlated: the notes with such a risk are found once, then looked up.
        clauses.append(f"v.note_id IN (SELECT note_id FROM risks WHERE category = ? AND status IN ({status_marks}))")
        params.append(risk_category)
        params.extend(statuses)
    if text:
        match = fts_query(text)
        if match:
            clauses.append(
                "(v.note_id IN (SELECT n2.id FROM notes_fts JOIN notes n2 ON n2.rowid = notes_fts.rowid"
                " WHERE notes_fts MATCH ?) OR v.summary LIKE ?)"
            )
            params.extend([match, f"%{text.strip()}%"])
    if not hidden:
        clauses.append("NOT v.hidden")
    if not include_duplicates:
        clauses.append("v.duplicate_of IS NULL")
    direction = "DESC" if order == "desc" else "ASC"
    sql = (
        (" WHERE " + " AND ".join(clauses) if clauses else "")
        + f" ORDER BY v.date IS NULL, v.date {direction}, v.note_date {direction}, v.note_id, v.start"
    )
    return sql, params


def fts_query(text: str) -> str:
    """A user's search words as a safe FTS5 query: every word must appear, the last one
    as a prefix (so results show while typing). Returns "" when there are no words."""
    words = _WORD.findall(text)
    if not words:
        return ""
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def case_summary(case: Case) -> dict[str, Any]:
    """The counts behind the case bar and the summary: notes (current versions), undated
    notes, the notes' date range, imports (and how many are not yet complete), events, key
    events (significance 2–3, not hidden), people, current risks."""
    db = case.db
    notes, undated, first, last = db.execute(
        "SELECT count(*), sum(note_date IS NULL), min(note_date), max(note_date) FROM notes WHERE current = 1"
    ).fetchone()
    imports, incomplete = db.execute("SELECT count(*), sum(status != 'complete') FROM imports").fetchone()
    events = key_events = 0
    for row in db.execute(
        f"SELECT v.significance >= 2, count(*) FROM ({_CHRONOLOGY_SQL}) v"
        " WHERE NOT v.hidden AND v.duplicate_of IS NULL GROUP BY 1"
    ):
        events += row[1]
        key_events += row[1] if row[0] else 0
    people = db.execute("SELECT count(*) FROM people").fetchone()[0]
    current_risks = db.execute(
        "SELECT count(*) FROM risks r JOIN notes n ON n.id = r.note_id AND n.current = 1"
        " WHERE r.status = 'current' AND r.experiencer = 'subject'"
    ).fetchone()[0]
    return {
        **cases.header(case),
        "notes": notes,
        "undated_notes": undated or 0,
        "date_from": first[:10] if first else None,
        "date_to": last[:10] if last else None,
        "imports": imports,
        "imports_incomplete": incomplete or 0,
        "events": events,
        "key_events": key_events,
        "people": people,
        "current_risks": current_risks,
        "encrypted": case.encrypted,
    }


def note(case: Case, note_id: str) -> dict[str, Any] | None:
    """One note (any version) with its sources, for the note reader."""
    row = next(case.db.query("SELECT * FROM notes WHERE id = ?", (note_id,)), None)
    if row is None:
        return None
    result = decode(row)
    result["sources"] = list(case.db.query(
        "SELECT import_id, ref, source_note_id FROM note_sources WHERE note_id = ? ORDER BY import_id, rowid",
        (note_id,),
    ))
    return result


def note_versions(case: Case, note_id: str) -> list[str]:
    """The ids of a note's earlier versions, newest first (the note itself excluded)."""
    result = []
    current = case.db.execute("SELECT version_of FROM notes WHERE id = ?", (note_id,)).fetchone()
    while current and current[0] and current[0] not in result:
        result.append(current[0])
        current = case.db.execute("SELECT version_of FROM notes WHERE id = ?", (current[0],)).fetchone()
    return result
