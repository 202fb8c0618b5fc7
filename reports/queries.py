"""Read-side queries the exports need beyond ``store.queries.chronology``: where each event's
note came from, the other notes that recorded the same event, the people (worker's edits and
merges applied), risks and strengths by category, gaps, and every name the case holds (for
anonymising). People, categories and gaps are ``store.queries``' own selections, so the
exports and the app agree.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from store import curation, queries
from store.connection import Case


@dataclass(frozen=True)
class NoteSource:
    """Where a note came from, as the chronology's Source column shows it."""

    note_id: str
    note_date: str | None
    author: str | None
    agency: str | None
    note_type: str | None
    source_note_ids: tuple[str, ...]


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def note_sources(case: Case, note_ids: Iterable[str]) -> dict[str, NoteSource]:
    """``{note_id: NoteSource}`` for these notes (any version), with the source system's own
    note ids from every export that held the note."""
    ids = sorted({note_id for note_id in note_ids if note_id})
    result: dict[str, NoteSource] = {}
    for chunk in _chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        refs: dict[str, list[str]] = {}
        for note_id, source_id in case.db.execute(
            f"SELECT note_id, source_note_id FROM note_sources WHERE note_id IN ({marks})"
            " AND source_note_id IS NOT NULL ORDER BY import_id",
            chunk,
        ):
            if source_id not in refs.setdefault(note_id, []):
                refs[note_id].append(source_id)
        for note_id, note_date, author, agency, note_type in case.db.execute(
            f"SELECT id, note_date, author, agency, note_type FROM notes WHERE id IN ({marks})", chunk
        ):
            result[note_id] = NoteSource(note_id, note_date, author, agency, note_type, tuple(refs.get(note_id, ())))
    return result


def duplicate_notes(case: Case, event_ids: Iterable[str]) -> dict[str, list[str]]:
    """``{event_id: [note_id, ...]}``: the other current notes recording the same event (the
    copies whose ``duplicate_of`` points at it, the worker's curation of that field applied)."""
    wanted = set(event_ids)
    if not wanted:
        return {}
    curated = {
        target: values["duplicate_of"]
        for target, values in curation.values_by_target(case, "event").items()
        if "duplicate_of" in values
    }
    result: dict[str, list[str]] = {}
    rows = case.db.execute(
        "SELECT e.id, e.note_id, e.duplicate_of FROM events e JOIN notes n ON n.id = e.note_id AND n.current = 1"
        " ORDER BY n.note_date, e.start"
    )
    for event_id, note_id, duplicate_of in rows:
        original = curated.get(event_id, duplicate_of)
        if original in wanted and note_id not in result.get(original, []):
            result.setdefault(original, []).append(note_id)
    return result


def people(case: Case) -> list[dict[str, Any]]:
    """Every person with the worker's edits, merges and added people applied (the same
    selection the app shows): ``store.queries.people``."""
    return queries.people(case)


def person_mention_texts(case: Case) -> dict[str, set[str]]:
    """``{person_id: {surface text, ...}}``: how each person is written in the notes."""
    result: dict[str, set[str]] = {}
    for person_id, text in case.db.execute(
        "SELECT DISTINCT person_id, text FROM mentions WHERE person_id IS NOT NULL AND text IS NOT NULL"
    ):
        result.setdefault(person_id, set()).add(text)
    return result


def note_authors(case: Case) -> list[str]:
    """Every distinct author of a current note."""
    return [row[0] for row in case.db.execute(
        "SELECT DISTINCT author FROM notes WHERE current = 1 AND author IS NOT NULL AND author != '' ORDER BY author"
    )]


def category_summary(case: Case, table: str) -> list[dict[str, Any]]:
    """Current mentions about the child's household in ``risks`` or ``strengths`` by category,
    the worker's corrections and added risks counted (``store.queries.risk_categories``):
    ``{"category", "cin_codes", "count", "first_seen", "last_seen"}``, most recent first.
    Dates are the source notes' dates."""
    rows = sorted((row for row in queries.risk_categories(case, table) if row.current), key=lambda row: row.category)
    rows.sort(key=lambda row: row.last_seen or "", reverse=True)
    return [
        {
            "category": row.category,
            "cin_codes": row.cin_codes,
            "count": row.current,
            "first_seen": row.first_seen[:10] if row.first_seen else None,
            "last_seen": row.last_seen[:10] if row.last_seen else None,
        }
        for row in rows
    ]


def gaps(case: Case) -> list[dict[str, Any]]:
    """The gaps checklist, worker's curation applied: ``{"item", "found", "evidence", ...}``
    (``store.queries.gaps``)."""
    return queries.gaps(case)
