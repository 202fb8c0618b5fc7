"""Storing the notes of one export file, and removing an import again.

One file is one unit: its notes are stored in one transaction (all or none). The same file
again (same sha256) adds nothing; a note already stored from another export (same id) gains a
source row; a note whose source-system id is already stored with different text becomes a new
*current version*, the old one kept as history (``version_of`` on the new one points at it).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors.base import RawNote, ReadResult
from store import audit, curation
from store.connection import Case
from store.tables import NOTE_FACT_TABLES, utc_now


@dataclass
class ImportOutcome:
    """What storing one file did."""

    import_id: int
    nothing_new: bool = False  # the same file (sha256) was imported before
    notes_read: int = 0  # notes in the file
    notes_added: int = 0  # notes new to the case (including new versions)
    notes_already_stored: int = 0  # already in the case from another export: a source was added
    repeated: int = 0  # the same note more than once in this file (one note, one source per place)
    versions: int = 0  # new versions of notes already stored (same source id, changed text)
    undated: int = 0  # new notes with no readable date (kept and flagged)
    skipped: dict[str, int] = field(default_factory=dict)  # left out by the reader, by reason


def store_import(case: Case, file_path: Path | str, sha256: str, fmt: str, read_result: ReadResult) -> ImportOutcome:
    """Store every note of one export file in one transaction (see the module docstring)."""
    db = case.db
    with case.transaction():
        known = db.execute("SELECT id FROM imports WHERE sha256 = ?", (sha256,)).fetchone()
        if known:
            return ImportOutcome(import_id=known[0], nothing_new=True, notes_read=len(read_result.notes))
        cursor = db.execute(
            "INSERT INTO imports (file, sha256, format, shape, imported_at, status, notes, skipped, warnings)"
            " VALUES (?, ?, ?, ?, ?, 'stored', ?, ?, ?)",
            (
                str(file_path), sha256, fmt, read_result.shape, utc_now(), len(read_result.notes),
                json.dumps(read_result.skipped, sort_keys=True), json.dumps(read_result.warnings),
            ),
        )
        outcome = ImportOutcome(
            import_id=cursor.lastrowid, notes_read=len(read_result.notes), skipped=dict(read_result.skipped)
        )
        for note in read_result.notes:
            _store_note(case, outcome, note)
        audit.record(
            case,
            "import",
            {
                "import_id": outcome.import_id, "file": str(file_path), "sha256": sha256, "format": fmt,
                "notes": outcome.notes_read, "added": outcome.notes_added,
                "already_stored": outcome.notes_already_stored, "repeated": outcome.repeated,
                "versions": outcome.versions,
                "skipped": outcome.skipped,
            },
        )
    return outcome


def _store_note(case: Case, outcome: ImportOutcome, note: RawNote) -> None:
    db = case.db
    note_id = note.id
    source = (note_id, outcome.import_id, note.ref, note.source_note_id)
    if db.execute("SELECT 1 FROM notes WHERE id = ?", (note_id,)).fetchone():
        if db.execute("SELECT 1 FROM note_sources WHERE note_id = ? AND import_id = ?", source[:2]).fetchone():
            outcome.repeated += 1
        else:
            outcome.notes_already_stored += 1
        db.execute("INSERT OR IGNORE INTO note_sources (note_id, import_id, ref, source_note_id) VALUES (?, ?, ?, ?)", source)
        return
    previous = None
    if note.source_note_id:
        previous = db.execute(
            "SELECT n.id FROM note_sources s JOIN notes n ON n.id = s.note_id"
            " WHERE s.source_note_id = ? AND n.current = 1 ORDER BY n.rowid DESC LIMIT 1",
            (note.source_note_id,),
        ).fetchone()
    if previous:
        db.execute("UPDATE notes SET current = 0 WHERE id = ?", (previous[0],))
        outcome.versions += 1
    _insert_note(case, {
        "id": note_id, "note_date": note.note_date, "recorded_date": note.recorded_date,
        "author": note.author, "author_role": note.author_role, "note_type": note.note_type, "agency": note.agency, "title": note.title,
        "text": note.text, "status": note.status, "subject_ref": note.subject_ref,
        "flags": json.dumps(sorted(note.flags)), "version_of": previous[0] if previous else None,
        "current": 1, "import_id": outcome.import_id,
    })
    db.execute("INSERT INTO note_sources (note_id, import_id, ref, source_note_id) VALUES (?, ?, ?, ?)", source)
    outcome.notes_added += 1
    if note.note_date is None:
        outcome.undated += 1


def _insert_note(case: Case, row: dict[str, Any]) -> None:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    case.db.execute(f"INSERT INTO notes ({columns}) VALUES ({marks})", tuple(row.values()))


def delete_import(case: Case, import_id: int) -> int:
    """Remove one import whole, in one transaction: its source rows, the notes no other import
    also holds, and those notes' facts. A note it had superseded becomes current again.
    Curation is kept (targets that vanish are marked orphaned). Returns the notes removed."""
    db = case.db
    with case.transaction():
        row = db.execute("SELECT file FROM imports WHERE id = ?", (import_id,)).fetchone()
        if row is None:
            return 0
        db.execute("DELETE FROM note_sources WHERE import_id = ?", (import_id,))
        doomed = [
            r[0] for r in db.execute(
                "SELECT id FROM notes n WHERE NOT EXISTS (SELECT 1 FROM note_sources s WHERE s.note_id = n.id)"
            )
        ]
        db.execute("CREATE TEMP TABLE IF NOT EXISTS doomed_notes (id TEXT PRIMARY KEY)")
        db.execute("DELETE FROM doomed_notes")
        db.conn.executemany("INSERT INTO doomed_notes (id) VALUES (?)", [(i,) for i in doomed])
        db.execute(
            "UPDATE notes SET current = 1 WHERE id IN (SELECT version_of FROM notes WHERE id IN doomed_notes)"
            " AND id NOT IN doomed_notes"
        )
        db.execute("UPDATE notes SET import_id = (SELECT min(import_id) FROM note_sources s WHERE s.note_id = notes.id)"
                   " WHERE import_id = ? AND id NOT IN doomed_notes", (import_id,))
        for table in NOTE_FACT_TABLES:
            db.execute(f"DELETE FROM {table} WHERE note_id IN doomed_notes")
        db.execute("DELETE FROM notes WHERE id IN doomed_notes")
        db.execute("DELETE FROM doomed_notes")
        db.execute("DELETE FROM imports WHERE id = ?", (import_id,))
        curation.mark_orphans(case)
        audit.record(case, "delete", {"import_id": import_id, "file": row[0], "notes_removed": len(doomed)})
    return len(doomed)


def imports(case: Case) -> list[dict[str, Any]]:
    """Every import, oldest first, with its contracted fields plus shape, skipped and warnings."""
    rows = case.db.query(
        "SELECT id, file, sha256, format, imported_at, status, notes, shape, skipped, warnings FROM imports ORDER BY id"
    )
    return [{**r, "skipped": json.loads(r["skipped"]), "warnings": json.loads(r["warnings"])} for r in rows]


def set_import_status(case: Case, import_id: int, status: str) -> None:
    """Advance an import's status: ``stored`` → ``extracting`` → ``complete``."""
    case.db.execute("UPDATE imports SET status = ? WHERE id = ?", (status, import_id))
