"""Running extraction over stored notes: committed batches, then case-level resolution.

An import's status goes ``stored → extracting → complete``. Each batch of notes is extracted
and its facts committed with the notes marked extracted, so facts appear progressively and a
crash loses at most one batch; an import left ``extracting`` resumes where it stopped
(``resume_incomplete``). The extractor is injectable (see ``Extractor``); the default runs the
spaCy pipeline from ``nlp/``, imported only when it is needed.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from store import Case, audit
from store.cases import set_subjects
from store.facts import iter_rows, replace_case_facts, replace_note_facts
from store.notes import set_import_status
from store.tables import NOTE_FACT_TABLES

from services.progress import EtaClock, ProgressCallback, format_eta, report

BATCH_SIZE = 25


class NoteInput(NamedTuple):
    """What the extractor gets for one note (``text`` is what every offset indexes)."""

    id: str
    text: str
    note_date: str | None
    note_type: str | None
    author: str | None
    title: str | None


class NoteFactsLike(Protocol):
    """One note's extraction output: lists of rows shaped as the JSON interchange (extra
    internal keys allowed). Rows without ``note_id`` get ``note_id``."""

    note_id: str
    mentions: Sequence[Mapping[str, Any]]
    events: Sequence[Mapping[str, Any]]
    risks: Sequence[Mapping[str, Any]]
    strengths: Sequence[Mapping[str, Any]]
    # Optional: ``gap_evidence`` rows ``{"id", "note_id", "item", "start", "end"}``.


@dataclass
class CaseRows:
    """Everything case-level resolution looks at: the subjects, the current notes (with
    their text) and those notes' stored facts (``extra`` keys merged in at top level)."""

    subjects: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    events: list[dict[str, Any]]
    risks: list[dict[str, Any]]
    strengths: list[dict[str, Any]]
    gap_evidence: list[dict[str, Any]] = field(default_factory=list)


Resolution = tuple[
    list[Mapping[str, Any]],  # people
    Mapping[str, Mapping[str, Mapping[str, Any]]],  # updates: {table: {row_id: {field: value}}}
    list[Mapping[str, Any]],  # gaps
]


class Extractor(Protocol):
    """The extraction protocol: what ``extract_case`` needs from the NLP side."""

    def extract(self, notes: Sequence[NoteInput]) -> Iterator[NoteFactsLike]:
        """Facts for each given note (one NoteFacts per note, any order)."""
        ...

    def resolve(self, rows: CaseRows) -> Resolution:
        """People, updates to stored rows, and gaps, from the whole case."""
        ...


class SpacyExtractor:
    """The product's extractor: ``nlp.extract.extract_notes`` and ``nlp.resolve.resolve_case``."""

    def __init__(self) -> None:
        from nlp.pipeline import load_pipeline

        self.nlp = load_pipeline()

    def extract(self, notes: Sequence[NoteInput]) -> Iterator[NoteFactsLike]:
        from nlp.extract import extract_notes

        return extract_notes(self.nlp, notes)

    def resolve(self, rows: CaseRows) -> Resolution:
        from nlp.resolve import resolve_case

        return resolve_case(rows)


@dataclass
class ExtractionReport:
    imports: list[int] = field(default_factory=list)  # the imports worked on
    notes: int = 0  # notes extracted
    cancelled: bool = False
    resolved: bool = False


def extract_case(
    case: Case,
    *,
    import_id: int | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    extractor: Extractor | None = None,
    redo: bool = False,
    resolve: bool = True,
    batch_size: int = BATCH_SIZE,
) -> ExtractionReport:
    """Extract the notes of one import (``import_id``) or of every import not yet complete,
    in committed batches, then (``resolve``) run case-level resolution and mark the imports
    complete. ``redo`` extracts again notes already extracted (the worker's curation survives:
    fact ids are stable). On ``cancel`` it stops between batches: what was committed stays and
    the import stays ``extracting`` (``services.importing`` removes a cancelled import)."""
    db = case.db
    if import_id is not None:
        targets = [import_id] if db.execute("SELECT 1 FROM imports WHERE id = ?", (import_id,)).fetchone() else []
    elif redo:
        targets = [r[0] for r in db.execute("SELECT id FROM imports ORDER BY id")]
    else:
        targets = [r[0] for r in db.execute("SELECT id FROM imports WHERE status != 'complete' ORDER BY id")]
    result = ExtractionReport(imports=targets)
    if not targets:
        return result
    marks = ", ".join("?" for _ in targets)
    with case.transaction():
        if redo:
            db.execute(f"UPDATE notes SET extracted = 0 WHERE current = 1 AND import_id IN ({marks})", targets)
        db.execute(f"UPDATE imports SET status = 'extracting' WHERE id IN ({marks})", targets)
    pending = [
        NoteInput(*row)
        for row in db.execute(
            "SELECT id, text, note_date, note_type, author, title FROM notes"
            f" WHERE current = 1 AND extracted = 0 AND import_id IN ({marks}) ORDER BY rowid",
            targets,
        )
    ]
    if pending or resolve:
        extractor = extractor or SpacyExtractor()
    clock = EtaClock()
    report(progress, "extracting", 0, len(pending), "Finding events, people and risks")
    for start in range(0, len(pending), batch_size):
        if cancel is not None and cancel.is_set():
            result.cancelled = True
            return result
        batch = pending[start:start + batch_size]
        _extract_batch(case, extractor, batch)
        result.notes += len(batch)
        report(progress, "extracting", result.notes, len(pending), format_eta(clock.remaining(result.notes, len(pending))))
    if cancel is not None and cancel.is_set():
        result.cancelled = True
        return result
    if resolve:
        _resolve(case, extractor, progress)
        result.resolved = True
    with case.transaction():
        for target in targets:
            set_import_status(case, target, "complete")
        audit.record(case, "extract", {"imports": targets, "notes": result.notes, "redo": redo})
    return result


def _extract_batch(case: Case, extractor: Extractor, batch: Sequence[NoteInput]) -> None:
    ids = [note.id for note in batch]
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in NOTE_FACT_TABLES}
    for facts in extractor.extract(batch):
        for table, bucket in rows.items():
            for row in getattr(facts, table, ()):
                row = dict(row)
                row.setdefault("note_id", facts.note_id)
                bucket.append(row)
    with case.transaction():
        replace_note_facts(case, ids, **rows)
        marks = ", ".join("?" for _ in ids)
        case.db.execute(f"UPDATE notes SET extracted = 1 WHERE id IN ({marks})", ids)


def case_rows(case: Case) -> CaseRows:
    """The current notes and their stored facts, as resolution sees them."""
    def facts(table: str) -> list[dict[str, Any]]:
        return [row for row in iter_rows(case, table) if row["note_id"] in note_ids]

    notes = list(case.db.query(
        "SELECT id, note_date, recorded_date, author, note_type, agency, title, text FROM notes"
        " WHERE current = 1 ORDER BY note_date IS NULL, note_date, rowid"
    ))
    note_ids = {note["id"] for note in notes}
    subjects = list(case.db.query("SELECT person_id, name, dob, source_ref FROM subjects ORDER BY rowid"))
    return CaseRows(subjects, notes, facts("mentions"), facts("events"), facts("risks"), facts("strengths"),
                    facts("gap_evidence"))


def resolve_case(case: Case, extractor: Extractor, progress: ProgressCallback | None = None) -> None:
    """Run case-level resolution over the whole case and store its output."""
    _resolve(case, extractor, progress)


def _resolve(case: Case, extractor: Extractor, progress: ProgressCallback | None) -> None:
    report(progress, "resolving", 0, 1, "Linking people and merging repeated events")
    people, updates, gaps = extractor.resolve(case_rows(case))
    with case.transaction():
        replace_case_facts(case, people, updates, gaps)
        subjects = [{"person_id": p["id"], "name": p.get("name"), "dob": p.get("dob")} for p in people if p.get("subject")]
        if subjects:
            set_subjects(case, subjects)
    report(progress, "resolving", 1, 1, "")


def resume_incomplete(
    case: Case,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    extractor: Extractor | None = None,
) -> ExtractionReport | None:
    """Finish the extraction of imports a crash (or a closed app) left ``extracting``.
    Returns None when there was nothing to resume. Imports deliberately left ``stored``
    (``--no-extract``) are not touched."""
    waiting = [r[0] for r in case.db.execute("SELECT id FROM imports WHERE status = 'extracting' ORDER BY id")]
    if not waiting:
        return None
    total = ExtractionReport()
    for position, import_id in enumerate(waiting):
        part = extract_case(
            case, import_id=import_id, progress=progress, cancel=cancel, extractor=extractor,
            resolve=position == len(waiting) - 1,
        )
        total.imports += part.imports
        total.notes += part.notes
        total.resolved = part.resolved
        if part.cancelled:
            total.cancelled = True
            break
    return total
