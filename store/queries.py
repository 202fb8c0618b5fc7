"""Read-side queries for the views and reports, always with the worker's curation applied.

Filtering happens in SQL: event fields the worker may curate are resolved (curated value,
else extracted value) inside the query, so a filter on significance or type sees what the
worker sees. Only facts of current note versions are returned.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from store import cases, curation
from store.connection import Case
from store.tables import FIELDS, decode

DEFAULT_STATUSES = ("current", "historical", "hypothetical")
_EVENT_CURATABLE = ("date", "precision", "approximate", "date_source", "type", "plan_kind", "stage",
                    "summary", "significance", "status", "people", "location", "impact", "action",
                    "reviewed", "hidden", "duplicate_of")
_EVENT_BOOLEANS = ("approximate", "reviewed", "hidden")
_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?]\s|\n")
_NOTE_COLUMNS = ("note_date", "note_type", "author", "agency")


def _pivot(kind: str, fields: Iterable[str]) -> str:
    """A CTE body: one row per curated target of ``kind`` with a column ``c_<field>`` holding
    the worker's value (JSON text) for each field, ``n`` the number of curated fields and
    ``any_reviewed``. Small (a worker curates tens or hundreds of facts), so it is built once
    per query and joined on the target id."""
    pivots = ", ".join(f"max(CASE WHEN field = '{name}' THEN value END) AS c_{name}" for name in fields)
    return (f"SELECT target_id, count(*) AS n, max(reviewed) AS any_reviewed, {pivots} FROM curation"
            f" WHERE target_kind = '{kind}' AND orphaned = 0 GROUP BY target_id")


def _curated(name: str, table: str = "e", pivot: str = "cu") -> str:
    """SQL for one curatable field: the worker's value when there is one, else the stored one."""
    return f"CASE WHEN {pivot}.c_{name} IS NULL THEN {table}.\"{name}\" ELSE json_extract({pivot}.c_{name}, '$') END"


def _event_expressions(curated: bool, manual: bool) -> dict[str, str]:
    """Each event field (and the source note's details) as SQL over ``e`` (an events or
    manual_events row), ``n`` (its note) and, when ``curated``, ``cu`` (its curation)."""
    result = {}
    for name in FIELDS["events"]:
        if curated and name == "reviewed":
            result[name] = ("CASE WHEN cu.c_reviewed IS NOT NULL THEN json_extract(cu.c_reviewed, '$')"
                            " ELSE (e.reviewed OR coalesce(cu.any_reviewed, 0)) END")
        elif curated and name in _EVENT_CURATABLE:
            result[name] = _curated(name)
        else:
            result[name] = f'e."{name}"'
    for name in _NOTE_COLUMNS:
        result[name] = f"n.{name}"
    result["note_title"] = "n.title"
    result["curated"] = "1" if curated else "0"
    result["manual"] = "1" if manual else "0"
    return result


_ROW_COLUMNS = [*FIELDS["events"], "curated", "manual", *_NOTE_COLUMNS, "note_title"]
_SORT_COLUMNS = ("id", "date", "note_date", "note_id", "start")
_CURRENT_NOTE = "CROSS JOIN notes n ON n.id = e.note_id AND n.current = 1"
# (source, condition, expressions): extracted events nobody curated, read straight from their
# columns (so filters use the indexes); the few the worker curated, with the worker's values;
# the worker's own events, kept whatever happens to the note they cite.
_ARMS = (
    (f"events e INDEXED BY events_chronology {_CURRENT_NOTE}", "e.id NOT IN (SELECT target_id FROM cu)",
     _event_expressions(False, False)),
    # Each curated event is found by its id: "+" keeps a note filter from driving the lookup.
    (f"cu CROSS JOIN events e ON e.id = cu.target_id {_CURRENT_NOTE}", "",
     {**_event_expressions(True, False), "note_id": '+e."note_id"'}),
    ("manual_events e LEFT JOIN notes n ON n.id = e.note_id LEFT JOIN cu ON cu.target_id = e.id", "",
     _event_expressions(True, True)),
)
_FIELD = re.compile(r"@(\w+)@")


def _event_arms(columns: Iterable[str], where: str, outer: str = "*", *, by_id: bool = False) -> tuple[str, int]:
    """A query over every event the worker sees, each arm of ``_ARMS`` selecting ``columns``
    and filtered by ``where`` (SQL naming fields as ``@field@``). Returns the SQL and the
    number of arms (the filter's parameters are given once per arm). A filter over every event
    reads the covering index; ``by_id`` (a few ids) looks them up instead."""
    columns = list(columns)
    arms = []
    for source, condition, expressions in _ARMS:
        if by_id:
            source = source.replace("INDEXED BY events_chronology ", "")
        listed = ", ".join(f'{expressions[name]} AS "{name}"' for name in columns)
        conditions = " AND ".join(c for c in (condition, _FIELD.sub(lambda m: f"({expressions[m[1]]})", where)) if c)
        arms.append(f"SELECT {listed} FROM {source}" + (f" WHERE {conditions}" if conditions else ""))
    sql = (f"WITH cu AS ({_pivot('event', _EVENT_CURATABLE)})\nSELECT {outer} FROM ("
           + "\nUNION ALL\n".join(arms) + ")")
    return sql, len(arms)


def _row(cursor: Any, values: tuple) -> dict[str, Any]:
    names = [d[0] for d in cursor.description]
    row = dict(zip(names, values))
    row["people"] = json.loads(row["people"]) if row["people"] else []
    for name in (*_EVENT_BOOLEANS, "curated", "manual"):
        row[name] = bool(row[name])
    return row


def chronology(case: Case, **filters: Any) -> list[dict[str, Any]]:
    """Events for the chronology, curation applied, filtered in SQL. The filters (keyword
    arguments, each optional; checked by ``_chronology_filter``'s signature):

    - ``date_from``/``date_to``: inclusive; an event dated only to a month or year is kept
      when that month or year overlaps the range; undated events are left out by a date filter.
    - ``types``: event types; ``min_significance``: 0–3; ``include_statuses``: which statuses
      to show (by default negated and uncertain are left out).
    - ``person_id``: events that name that person, or anyone the worker merged into them;
      ``risk_category``: events in notes where a risk of that category is recorded (with an
      included status; the worker's risk corrections and added risks count).
    - ``text``: full-text search over the source note (title and text) and the event summary.
    - ``hidden``: include events the worker hid (they carry ``hidden: True``).
    - ``include_duplicates``: also the copies of an event recorded in several notes.
    - ``order``: ``"asc"`` (oldest first) or ``"desc"``; undated events come last.

    Each row has the event's contracted fields, ``curated``, ``manual`` (the worker added it)
    and the source note's ``note_date``, ``note_type``, ``author``, ``agency`` and ``note_title``
    (none for a worker's event that cites no note).
    """
    where, params, order_by = _chronology_filter(case, **filters)
    sql, arms = _event_arms(_ROW_COLUMNS, where)
    cursor = case.db.execute(sql + order_by, params * arms)
    return [_row(cursor, values) for values in cursor]


def chronology_ids(case: Case, **filters: Any) -> list[str]:
    """The ids of the events ``chronology(case, **filters)`` returns, in the same order —
    cheap enough to re-run on every filter change; fetch the rows shown with ``events``."""
    where, params, order_by = _chronology_filter(case, **filters)
    sql, arms = _event_arms(_SORT_COLUMNS, where, "id")
    return [row[0] for row in case.db.execute(sql + order_by, params * arms)]


def events(case: Case, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Chronology rows (curation applied) for the given event ids, keyed by id."""
    ids = list(ids)
    result: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        sql, arms = _event_arms(_ROW_COLUMNS, f"@id@ IN ({marks})", by_id=True)
        cursor = case.db.execute(sql, chunk * arms)
        for values in cursor:
            row = _row(cursor, values)
            result[row["id"]] = row
    return result


def person_ids(case: Case, person_id: str) -> list[str]:
    """``person_id`` and every person the worker merged into them (directly or in a chain)."""
    merged: dict[str, list[str]] = {}
    for source, target in case.db.execute(
        "SELECT target_id, json_extract(value, '$') FROM curation WHERE target_kind = 'person'"
        " AND field = 'merged_into' AND orphaned = 0"
    ):
        if target:
            merged.setdefault(target, []).append(source)
    result = [person_id]
    for current in result:
        result.extend(other for other in merged.get(current, []) if other not in result)
    return result


def _chronology_filter(
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
) -> tuple[str, list[Any], str]:
    """The WHERE of each arm of a chronology query, its parameters, and the ORDER BY."""
    if order not in ("asc", "desc"):
        raise ValueError("order must be 'asc' or 'desc'")
    clauses: list[str] = []
    params: list[Any] = []
    if date_from is not None:
        clauses.append("(@date@) >= substr(?, 1, length(@date@))")
        params.append(str(date_from))
    if date_to is not None:
        clauses.append("(@date@) <= substr(?, 1, length(@date@))")
        params.append(str(date_to))
    if types is not None:
        types = list(types)
        clauses.append(f"(@type@) IN ({', '.join('?' for _ in types)})" if types else "0")
        params.extend(types)
    statuses = list(include_statuses)
    status_marks = ", ".join("?" for _ in statuses) or "NULL"
    clauses.append(f"(@status@) IN ({status_marks})")
    params.extend(statuses)
    if min_significance is not None:
        clauses.append("(@significance@) >= ?")
        params.append(min_significance)
    if person_id is not None:
        wanted = person_ids(case, person_id)
        clauses.append(f"EXISTS (SELECT 1 FROM json_each(@people@) p"
                       f" WHERE p.value IN ({', '.join('?' for _ in wanted)}))")
        params.extend(wanted)
    if risk_category is not None:
        # Not correlated: the notes with such a risk are found once, then looked up.
        # The risks the worker did not correct are found through their index; the corrected
        # and added ones (few) are checked with the worker's values.
        corrected = ("SELECT target_id FROM curation WHERE target_kind = 'risk' AND orphaned = 0"
                     " AND field IN ('category', 'status')")
        clauses.append(
            f"@note_id@ IN (SELECT note_id FROM risks WHERE category = ? AND status IN ({status_marks})"
            f" AND id NOT IN ({corrected})"
            f" UNION ALL SELECT note_id FROM ({_WORKERS_RISKS}) r WHERE r.category = ? AND r.status IN ({status_marks}))")
        params.extend([risk_category, *statuses, risk_category, *statuses])
    if text:
        match = fts_query(text)
        if match:
            clauses.append(
                "(@note_id@ IN (SELECT n2.id FROM notes_fts JOIN notes n2 ON n2.rowid = notes_fts.rowid"
                f" WHERE notes_fts MATCH ?) OR (@summary@) LIKE ?)"
            )
            params.extend([match, f"%{text.strip()}%"])
    if not hidden:
        clauses.append("NOT (@hidden@)")
    if not include_duplicates:
        clauses.append("(@duplicate_of@) IS NULL")
    direction = "DESC" if order == "desc" else "ASC"
    order_by = (f' ORDER BY "date" IS NULL, "date" {direction}, "note_date" {direction},'
                ' "note_id", "start"')
    return " AND ".join(clauses), params, order_by


_RISK_CURATABLE = ("text", "category", "cin_code", "status", "negated", "historical", "hypothetical",
                   "uncertain", "experiencer", "person_id")


def _curated_facts_sql(table: str) -> str:
    """Risks or strengths of current notes with the worker's corrections applied and, for
    risks, the worker's added risks: a SELECT usable as a subquery ``r``, with the contracted
    fields plus ``note_date``, ``curated`` and ``manual``."""
    kind = {"risks": "risk", "strengths": "strength"}[table]
    fields = [name for name in FIELDS[table] if name in _RISK_CURATABLE]
    columns = ", ".join(f"{_curated(name, 'f', 'c')} AS \"{name}\"" for name in fields)
    arms = [f"SELECT f.id, f.note_id, f.start, f.\"end\", {columns}, n.note_date, c.n IS NOT NULL AS curated,"
            f" 0 AS manual FROM {table} f JOIN notes n ON n.id = f.note_id AND n.current = 1"
            f" LEFT JOIN ({_pivot(kind, fields)}) c ON c.target_id = f.id"]
    if table == "risks":
        arms.append(f"SELECT f.id, f.note_id, f.start, f.\"end\", {columns}, n.note_date, 1 AS curated,"
                    f" 1 AS manual FROM manual_risks f JOIN notes n ON n.id = f.note_id"
                    f" LEFT JOIN ({_pivot(kind, fields)}) c ON c.target_id = f.id")
    return " UNION ALL ".join(arms)


CURATED_RISKS = _curated_facts_sql("risks")
# Only the risks the worker corrected or added (few), with their curated category and status.
_RISK_PIVOT = _pivot("risk", ("category", "status"))
_WORKERS_RISKS = (
    f"SELECT f.note_id, {_curated('category', 'f', 'c')} AS category, {_curated('status', 'f', 'c')} AS status"
    f" FROM ({_RISK_PIVOT}) c CROSS JOIN risks f ON f.id = c.target_id"
    f" UNION ALL SELECT f.note_id, {_curated('category', 'f', 'c')}, {_curated('status', 'f', 'c')}"
    f" FROM manual_risks f LEFT JOIN ({_RISK_PIVOT}) c ON c.target_id = f.id"
)
CURATED_STRENGTHS = _curated_facts_sql("strengths")
CURRENT_RISK = "r.status = 'current' AND r.experiencer = 'subject'"
_ALL_PEOPLE = "SELECT id, name, role, relationship FROM people UNION ALL SELECT id, name, role, relationship FROM manual_people"


def _facts_sql(table: str) -> str:
    if table not in {"risks", "strengths"}:
        raise ValueError(table)
    return CURATED_RISKS if table == "risks" else CURATED_STRENGTHS


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
    where, params, _ = _chronology_filter(case, include_statuses=("current", "negated", "historical",
                                                                   "hypothetical", "uncertain"))
    sql, arms = _event_arms(("id", "significance"), where, "significance >= 2, count(*)")
    for row in db.execute(sql + " GROUP BY 1", params * arms):
        events += row[1]
        key_events += row[1] if row[0] else 0
    people = db.execute(
        "SELECT (SELECT count(*) FROM people) + (SELECT count(*) FROM manual_people)"
        " - (SELECT count(*) FROM curation WHERE target_kind = 'person' AND field = 'merged_into'"
        " AND orphaned = 0 AND value IS NOT NULL AND value != 'null')"
    ).fetchone()[0]
    current_risks = db.execute(f"SELECT count(*) FROM ({CURATED_RISKS}) r WHERE {CURRENT_RISK}").fetchone()[0]
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


# --- filter choices ---------------------------------------------------------------------------


def event_types_present(case: Case) -> list[str]:
    """The event types in the case (the worker's corrections and own events included)."""
    sql, _ = _event_arms(("type",), "", "DISTINCT type")
    return [r[0] for r in case.db.execute(sql + " ORDER BY 1") if r[0]]


def risk_categories_present(case: Case) -> list[str]:
    """The risk categories in the case (the worker's corrections and added risks included)."""
    return [r[0] for r in case.db.execute(f"SELECT DISTINCT category FROM ({CURATED_RISKS}) ORDER BY 1")]


def people_choices(case: Case) -> list[tuple[str, str]]:
    """``(person_id, "Name (role)")`` for everyone (a merged person once, under the id that
    remains), family first."""
    rows = sorted(people(case), key=lambda p: (p.get("kind") != "family", p.get("name") or ""))
    result = []
    for row in rows:
        detail = row["relationship"] if row["kind"] == "family" else row["role"]
        name = row["name"] or detail or row["id"]
        shown = f"{name} ({detail.replace('_', ' ')})" if detail and detail != name else name
        result.append((row["id"], shown))
    return result


def _loads(value: Any, default: Any) -> Any:
    if value is None:
        return default
    if isinstance(value, (list, dict)):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return default


# --- people -----------------------------------------------------------------------------------


def people(case: Case) -> list[dict[str, Any]]:
    """Every person with curation applied (renames, relationship, household, merges).

    A person the worker merged into another is folded into that one: their names become
    aliases, their contacts, dates and risks join it, and ``person_ids`` lists every id the
    merged person stands for. ``subject`` marks the child(ren) the case is about (by id, or by
    name when extraction gave them another id). The child first, then family, then
    professionals and agencies."""
    curated = curation.values_by_target(case, "person")
    subjects = {(row[0] or "").strip().lower() for row in case.db.execute("SELECT name FROM subjects")} - {""}
    subject_ids = {row[0] for row in case.db.execute("SELECT person_id FROM subjects")}
    risk_counts = {
        row[0]: row[1]
        for row in case.db.execute(
            f"SELECT r.person_id, count(*) FROM ({CURATED_RISKS}) r WHERE {CURRENT_RISK} AND r.person_id IS NOT NULL"
            " GROUP BY r.person_id"
        )
    }
    everyone: dict[str, dict[str, Any]] = {}
    manual = ", ".join(f'"{name}"' for name in FIELDS["people"])
    for row in case.db.query(
        f"SELECT *, 0 AS manual FROM people UNION ALL"
        f" SELECT {manual}, extra, 1 AS manual FROM manual_people"
    ):
        person = {k: v for k, v in row.items() if k != "extra"}
        person["manual"] = bool(row["manual"])
        for key, value in _loads(row.get("extra"), {}).items():
            person.setdefault(key, value)
        for name in ("aliases", "contacts"):
            person[name] = _loads(person.get(name), [] if name == "aliases" else {})
        edits = curated.get(row["id"], {})
        person.update({k: v for k, v in edits.items() if k != "merged_into"})
        person["merged_into"] = edits.get("merged_into")
        person["curated"] = bool(edits) or person["manual"]
        person["person_ids"] = [row["id"]]
        person["current_risks"] = risk_counts.get(row["id"], 0)
        everyone[row["id"]] = person
    for person in list(everyone.values()):
        target = _merge_target(everyone, person["id"])
        if target == person["id"]:
            continue
        into = everyone[target]
        into["person_ids"].append(person["id"])
        into["aliases"] = sorted({*into["aliases"], *person["aliases"], person.get("name") or ""} - {"", into.get("name")})
        into["current_risks"] += person["current_risks"]
        into["curated"] = True
        contacts = into.get("contacts") or {}
        for kind in ("phones", "emails"):
            contacts[kind] = sorted({*(contacts.get(kind) or []), *((person.get("contacts") or {}).get(kind) or [])})
        into["contacts"] = contacts
        seen = [d for d in (into.get("first_seen"), person.get("first_seen")) if d]
        into["first_seen"] = min(seen) if seen else None
        seen = [d for d in (into.get("last_seen"), person.get("last_seen")) if d]
        into["last_seen"] = max(seen) if seen else None
    result = []
    for person in everyone.values():
        if _merge_target(everyone, person["id"]) != person["id"]:
            continue
        person["subject"] = bool(person.get("subject")) or person["id"] in subject_ids or (
            (person.get("name") or "").strip().lower() in subjects)
        result.append(person)
    order = {"family": 0, "other": 1, "professional": 2, "agency": 3}
    result.sort(key=lambda p: (not p["subject"], order.get(p.get("kind") or "other", 1), not p.get("household"),
                               p.get("name") or ""))
    return result


def _merge_target(everyone: dict[str, dict[str, Any]], person_id: str) -> str:
    """Follow ``merged_into`` to the person that remains (ignoring loops and vanished ids)."""
    seen = {person_id}
    current = person_id
    while True:
        target = everyone[current].get("merged_into")
        if not target or target not in everyone or target in seen:
            return current
        seen.add(target)
        current = target


# --- risks ------------------------------------------------------------------------------------


@dataclass
class RiskCategory:
    category: str
    cin_codes: list[str]
    first_seen: str | None
    last_seen: str | None
    current: int  # current mentions about the subject's household
    not_current: int  # negated, historical, hypothetical, uncertain or about someone else
    trend: str  # "rising", "falling", "steady", "" when there is too little to say


def risk_categories(case: Case, table: str = "risks") -> list[RiskCategory]:
    """One row per risk (or, with ``table="strengths"``, strength) category in the case,
    most current mentions first."""
    if table not in {"risks", "strengths"}:
        raise ValueError(table)
    db = case.db
    last_note = db.execute("SELECT max(note_date) FROM notes WHERE current = 1").fetchone()[0]
    end = (last_note or date.today().isoformat())[:10]
    rows = db.execute(
        f"""SELECT r.category,
                   group_concat(DISTINCT CASE WHEN {CURRENT_RISK} THEN {"r.cin_code" if table == "risks" else "NULL"} END),
                   min(CASE WHEN {CURRENT_RISK} THEN r.note_date END),
                   max(CASE WHEN {CURRENT_RISK} THEN r.note_date END),
                   coalesce(sum({CURRENT_RISK}), 0),
                   coalesce(sum(NOT ({CURRENT_RISK})), 0),
                   coalesce(sum({CURRENT_RISK} AND r.note_date > date(?, '-6 months')), 0),
                   coalesce(sum({CURRENT_RISK} AND r.note_date <= date(?, '-6 months')
                                AND r.note_date > date(?, '-12 months')), 0)
            FROM ({_facts_sql(table)}) r
            GROUP BY r.category""",
        (end, end, end),
    ).fetchall()
    result = []
    for category, codes, first, last, current, other, recent, before in rows:
        result.append(RiskCategory(
            category=category,
            cin_codes=sorted({c for c in (codes or "").split(",") if c}),
            first_seen=first, last_seen=last, current=current, not_current=other,
            trend=_trend(recent, before),
        ))
    result.sort(key=lambda r: (-r.current, r.category))
    return result


def _trend(recent: int, before: int) -> str:
    if recent == 0 and before == 0:
        return ""
    if recent > before * 1.5 and recent - before >= 2:
        return "rising"
    if before > recent * 1.5 and before - recent >= 2:
        return "falling"
    return "steady"


@dataclass
class Mention:
    """One risk or strength mention, with where to find it and the sentence around it."""

    id: str
    note_id: str
    start: int
    end: int
    note_date: str | None
    category: str
    cin_code: str | None
    status: str
    experiencer: str
    person: str | None
    sentence: str
    span_in_sentence: tuple[int, int]
    current: bool = field(default=False)


def risk_mentions(case: Case, *, category: str | None = None, person_id: str | list[str] | None = None,
                  table: str = "risks") -> list[Mention]:
    """Risk (or strength) mentions, newest first, filtered by category or person (one id, or
    every id a merged person stands for)."""
    if table not in {"risks", "strengths"}:
        raise ValueError(table)
    clauses, params = ["1"], []
    if category:
        clauses.append("r.category = ?")
        params.append(category)
    if person_id:
        ids = [person_id] if isinstance(person_id, str) else list(person_id)
        clauses.append(f"r.person_id IN ({', '.join('?' for _ in ids)})")
        params.extend(ids)
    cin = "r.cin_code" if table == "risks" else "NULL"
    sql = (
        f"SELECT r.id, r.note_id, r.start, r.\"end\", n.note_date, r.category, {cin}, r.status, r.experiencer,"
        f" p.name, p.role, p.relationship, n.text FROM ({_facts_sql(table)}) r JOIN notes n ON n.id = r.note_id"
        f" LEFT JOIN ({_ALL_PEOPLE}) p ON p.id = r.person_id WHERE {' AND '.join(clauses)}"
        f" ORDER BY n.note_date DESC, r.start"
    )
    result = []
    for row in case.db.execute(sql, params):
        (rid, note_id, start, end, note_date, cat, code, status, experiencer, name, role, relationship, text) = row
        sentence, span = evidence_sentence(text, start, end)
        who = name or (relationship or role or "").replace("_", " ") or None
        result.append(Mention(rid, note_id, start, end, note_date, cat, code, status, experiencer, who,
                              sentence, span, current=status == "current" and experiencer == "subject"))
    return result


def evidence_sentence(text: str, start: int, end: int, limit: int = 320) -> tuple[str, tuple[int, int]]:
    """The sentence holding ``text[start:end]`` and the span's place within it."""
    begin = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        begin = match.end()
    stop = _SENTENCE_END.search(text, end)
    finish = stop.start() + 1 if stop else len(text)
    if finish - begin > limit:
        begin = max(begin, start - limit // 2)
        finish = min(finish, end + limit // 2)
    sentence = text[begin:finish]
    stripped = len(sentence) - len(sentence.lstrip())
    sentence = sentence.strip()
    return sentence, (start - begin - stripped, end - begin - stripped)


# --- gaps -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def checklist_wording() -> dict[str, tuple[str, str]]:
    """``{item: (label, question)}`` from the gaps checklist in ``resources/`` (validated by
    ``nlp.gaps`` when the pipeline loads; read here without loading spaCy)."""
    wording = {}
    text = resources.files("resources").joinpath("gaps.jsonl").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("//"):
            rule = json.loads(line)
            wording[rule["item"]] = (rule.get("label") or rule["item"], rule.get("question") or "")
    return wording


def gaps(case: Case) -> list[dict[str, Any]]:
    """The gaps checklist: ``{"item", "label", "found", "evidence": [...], "question"}``,
    items not found first."""
    result = []
    wording = checklist_wording()
    edits = curation.values_by_target(case, "gap")
    for row in case.db.query("SELECT item, found, evidence, extra FROM gaps ORDER BY rowid"):
        extra = _loads(row["extra"], {})
        row.update({k: v for k, v in edits.get(row["item"], {}).items() if k in ("found", "evidence")})
        label, question = wording.get(row["item"], (None, ""))
        result.append({
            "item": row["item"],
            "label": extra.get("label") or label or row["item"].replace("_", " ").capitalize(),
            "question": extra.get("question") or question,
            "found": bool(row["found"]),
            "curated": row["item"] in edits,
            "evidence": _loads(row["evidence"], []),
        })
    result.sort(key=lambda g: (g["found"], g["label"]))
    return result


def evidence_snippets(case: Case, evidence: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str, str | None]]:
    """``(evidence, sentence, note_date)`` for each ``{"note_id", "start", "end"}``."""
    result = []
    for item in evidence:
        row = case.db.execute("SELECT text, note_date FROM notes WHERE id = ?", (item.get("note_id"),)).fetchone()
        if row is None:
            continue
        sentence, _ = evidence_sentence(row[0], int(item.get("start", 0)), int(item.get("end", 0)))
        result.append((item, sentence, row[1]))
    return result


# --- one note ---------------------------------------------------------------------------------


@dataclass
class NoteView:
    id: str
    note_date: str | None
    recorded_date: str | None
    author: str | None
    note_type: str | None
    agency: str | None
    title: str | None
    text: str
    current: bool
    sources: list[dict[str, Any]]
    versions: list[tuple[str, str | None, bool]]  # (note id, note date, current), oldest first
    facts: list[tuple[str, int, int, str]]  # (kind, start, end, label) for underlining


def note_with_facts(case: Case, note_id: str) -> NoteView | None:
    """One note with its sources, its other versions and every fact found in it."""
    db = case.db
    row = db.execute(
        "SELECT id, note_date, recorded_date, author, note_type, agency, title, text, current"
        " FROM notes WHERE id = ?", (note_id,),
    ).fetchone()
    if row is None:
        return None
    sources = list(db.query(
        "SELECT s.ref, s.source_note_id, i.file FROM note_sources s LEFT JOIN imports i ON i.id = s.import_id"
        " WHERE s.note_id = ? ORDER BY s.import_id", (note_id,),
    ))
    facts: list[tuple[str, int, int, str]] = []
    for start, end, event_type in db.execute(
        f'SELECT e.start, e."end", {_curated("type")} FROM events e'
        f" LEFT JOIN ({_pivot('event', ['type'])}) cu ON cu.target_id = e.id WHERE e.note_id = ?", (note_id,)
    ):
        facts.append(("event", start, end, event_type or ""))
    for start, end, category, status in db.execute(
        f'SELECT start, "end", category, status FROM ({CURATED_RISKS}) r WHERE note_id = ?', (note_id,)
    ):
        facts.append(("risk", start, end, f"{category} ({status})"))
    for start, end, category in db.execute('SELECT start, "end", category FROM strengths WHERE note_id = ?', (note_id,)):
        facts.append(("strength", start, end, category))
    for start, end, text in db.execute('SELECT start, "end", text FROM mentions WHERE note_id = ?', (note_id,)):
        facts.append(("person", start, end, text or ""))
    return NoteView(
        id=row[0], note_date=row[1], recorded_date=row[2], author=row[3], note_type=row[4], agency=row[5],
        title=row[6], text=row[7], current=bool(row[8]), sources=sources,
        versions=_version_chain(case, note_id), facts=sorted(facts, key=lambda f: (f[1], f[2])),
    )


def _version_chain(case: Case, note_id: str) -> list[tuple[str, str | None, bool]]:
    db = case.db
    root = note_id
    seen = {root}
    while True:
        previous = db.execute("SELECT version_of FROM notes WHERE id = ?", (root,)).fetchone()
        if not previous or not previous[0] or previous[0] in seen:
            break
        root = previous[0]
        seen.add(root)
    chain = [root]
    while True:
        nxt = db.execute("SELECT id FROM notes WHERE version_of = ? ORDER BY rowid LIMIT 1", (chain[-1],)).fetchone()
        if not nxt or nxt[0] in chain:
            break
        chain.append(nxt[0])
    if len(chain) == 1:
        return []
    result = []
    for nid in chain:
        date_, current = db.execute("SELECT note_date, current FROM notes WHERE id = ?", (nid,)).fetchone()
        result.append((nid, date_, bool(current)))
    return result


def person_mentions(case: Case, person_id: str) -> list[dict[str, Any]]:
    """The mentions of one person (the worker's reassignments applied), oldest first:
    ``{"id", "note_id", "start", "end", "text", "note_date", "sentence"}``."""
    rows = case.db.execute(
        f'SELECT m.id, m.note_id, m.start, m."end", m.text, n.note_date, n.text FROM mentions m'
        f" JOIN notes n ON n.id = m.note_id AND n.current = 1"
        f" LEFT JOIN ({_pivot('mention', ['person_id'])}) c ON c.target_id = m.id"
        f" WHERE ({_curated('person_id', 'm', 'c')}) = ? ORDER BY n.note_date IS NULL, n.note_date, m.start",
        (person_id,),
    )
    result = []
    for mention_id, note_id, start, end, text, note_date, note_text in rows:
        sentence, _ = evidence_sentence(note_text, start, end)
        result.append({"id": mention_id, "note_id": note_id, "start": start, "end": end, "text": text,
                       "note_date": note_date, "sentence": sentence})
    return result
