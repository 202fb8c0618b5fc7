"""Extraction output: per-note facts (mentions, events, risks, strengths, gap evidence) and case-level facts
(people, gaps, and updates such as which person a mention is about).

Rows are shaped as the JSON interchange; keys beyond the contracted fields are kept in the
row's ``extra`` JSON column and come back at top level from ``iter_rows``. Replacing facts
never touches ``curation``; afterwards curation whose target vanished is marked orphaned.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from store import curation
from store.connection import Case
from store.tables import CASE_FACT_TABLES, FIELDS, KEYS, NOTE_FACT_TABLES, column_value, decode, encode

FACT_TABLES = NOTE_FACT_TABLES + CASE_FACT_TABLES


def replace_note_facts(
    case: Case,
    note_ids: Iterable[str],
    mentions: Iterable[Mapping[str, Any]] = (),
    events: Iterable[Mapping[str, Any]] = (),
    risks: Iterable[Mapping[str, Any]] = (),
    strengths: Iterable[Mapping[str, Any]] = (),
    gap_evidence: Iterable[Mapping[str, Any]] = (),
) -> None:
    """Replace the extraction output of exactly these notes, in one transaction.
    ``gap_evidence`` rows are ``{"id", "note_id", "item", "start", "end"}``: statements that
    answer an item of the gaps checklist."""
    note_ids = list(note_ids)
    given = {"mentions": mentions, "events": events, "risks": risks, "strengths": strengths,
             "gap_evidence": gap_evidence}
    with case.transaction():
        db = case.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS replaced_notes (id TEXT PRIMARY KEY)")
        db.execute("DELETE FROM replaced_notes")
        db.conn.executemany("INSERT OR IGNORE INTO replaced_notes (id) VALUES (?)", [(i,) for i in note_ids])
        for table in NOTE_FACT_TABLES:
            db.execute(f"DELETE FROM {table} WHERE note_id IN replaced_notes")
            rows = [encode(table, dict(row)) for row in given[table]]
            stray = {row["note_id"] for row in rows} - set(note_ids)
            if stray:
                raise ValueError(f"{table} rows for notes not being replaced: {sorted(stray)[:3]}")
            _insert(case, table, rows)
        db.execute("DELETE FROM replaced_notes")
        curation.mark_orphans(case)


def replace_case_facts(
    case: Case,
    people: Iterable[Mapping[str, Any]],
    updates: Mapping[str, Mapping[str, Mapping[str, Any]]],
    gaps: Iterable[Mapping[str, Any]],
) -> None:
    """Replace the case-level facts in one transaction: all people, all gaps, and field
    ``updates`` as ``{table: {row_id: {field: value}}}`` (e.g. ``person_id`` on mentions,
    risks and strengths; ``people`` and ``duplicate_of`` on events). A field that is not a
    contracted column is kept in the row's ``extra``."""
    with case.transaction():
        db = case.db
        for table, rows in (("people", people), ("gaps", gaps)):
            db.execute(f"DELETE FROM {table}")
            _insert(case, table, [encode(table, dict(row)) for row in rows])
        for table, by_id in updates.items():
            if table not in FACT_TABLES:
                raise ValueError(f"unknown fact table {table!r}; expected one of {FACT_TABLES}")
            key = KEYS[table]
            for row_id, values in by_id.items():
                for name, value in values.items():
                    if name == key:
                        raise ValueError(f"the key {key!r} of {table} cannot be updated")
                    if name in FIELDS[table]:
                        db.execute(f'UPDATE {table} SET "{name}" = ? WHERE {key} = ?', (column_value(name, value), row_id))
                    else:
                        db.execute(
                            f"UPDATE {table} SET extra = json_set(extra, ?, json(?)) WHERE {key} = ?",
                            (f'$."{name}"', json.dumps(value, default=str), row_id),
                        )
        curation.mark_orphans(case)


def iter_rows(case: Case, table: str, **where: Any) -> Iterator[dict[str, Any]]:
    """The rows of one fact table as dicts (extraction output, no curation applied), filtered
    by equality on contracted fields, e.g. ``iter_rows(case, "risks", note_id="n1")``."""
    if table not in FACT_TABLES:
        raise ValueError(f"unknown fact table {table!r}; expected one of {FACT_TABLES}")
    unknown = set(where) - set(FIELDS[table])
    if unknown:
        raise ValueError(f"{table} has no field(s) {sorted(unknown)}")
    clauses = [f'"{name}" IS ?' for name in where]
    sql = f"SELECT * FROM {table}" + (" WHERE " + " AND ".join(clauses) if clauses else "") + " ORDER BY rowid"
    params = [column_value(name, value) for name, value in where.items()]
    for row in case.db.query(sql, params):
        yield decode(row)


def _insert(case: Case, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(FIELDS[table]) + ["extra"]
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    case.db.conn.executemany(
        f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})",
        [tuple(row[c] for c in columns) for row in rows],
    )
