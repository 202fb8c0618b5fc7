"""Running extraction over stored notes: committed batches, then case-level resolution.

An import's status goes ``stored → extracting → complete``. Each batch of notes is extracted
and its facts committed with the notes marked extracted, so facts appear progressively and a
crash loses at most one batch; an import left ``extracting`` resumes where it stopped
(``resume_incomplete``). The extractor is injectable (see ``Extractor``); the default runs the
spaCy pipeline from ``nlp/``, imported only when it is needed.
"""
from __future__ import annotations

import gc
import importlib
import inspect
import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from errors import CaseLensError
from nlp.facts import NoteFacts
from store import Case, audit
from store.cases import set_subjects
from store.facts import iter_rows, replace_case_facts, replace_note_facts
from store.notes import set_import_status
from store.tables import NOTE_FACT_TABLES

from services.pool import (
    FORCE_WORKERS_ENV,
    POOL_MIN_NOTES,
    SPAWN_POOL_MIN_NOTES,
    available_cores,
    forkserver_available,
    prepare_workers,
    start_pool,
)
from services.progress import EtaClock, ProgressCallback, format_eta, report

BATCH_SIZE = 50  # notes per committed batch: 600 notes took 3.2 s in batches of 50, 3.6 s in batches of 25
FIRST_BATCH = 4  # notes in the first committed batch, so the first events show within seconds
TAIL_BATCH = 8  # the smallest of the shrinking last batches when several workers share the job
REPEAT_SHARE = 0.4  # extraction work of a note repeating an earlier text, against a new text (measured)
# Resolution after the last batch, as a share of extraction time, for the time left: measured
# 0.13 at 600 notes and 0.18 at 10,000 (it grows a little faster than the case).
RESOLUTION_SHARE = 0.15
# Crash-safety tests name a point here (``store_notes``, ``extract_batch``, ``resolve``,
# optionally ``#N`` for its N-th pass) to freeze a real process inside that transaction and
# kill it there; unset in normal use, when ``crash_point`` does nothing.
PAUSE_ENV = "CASELENS_TEST_PAUSE_AT"
_passes: dict[str, int] = {}
_log = logging.getLogger(__name__)


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


Batch = tuple[Sequence[NoteInput], Sequence[NoteFactsLike]]  # a batch of notes and their facts

Resolution = tuple[
    list[Mapping[str, Any]],  # people
    Mapping[str, Mapping[str, Mapping[str, Any]]],  # updates: {table: {row_id: {field: value}}}
    list[Mapping[str, Any]],  # gaps
]


class Extractor(Protocol):
    """The extraction protocol: what ``extract_case`` needs from the NLP side.

    Two optional members speed up the product's extractor without burdening test fakes:
    ``extract_batches(notes, batch_size) -> Iterator[(batch, facts)]`` runs the batching itself
    (for example across processes), and ``version: str`` fingerprints the rules, so that a
    re-extraction under the same ``version`` skips notes already extracted."""

    def extract(self, notes: Sequence[NoteInput]) -> Iterator[NoteFactsLike]:
        """Facts for each given note (one NoteFacts per note, any order)."""
        ...

    def resolve(self, rows: CaseRows) -> Resolution:
        """People, updates to stored rows, and gaps, from the whole case."""
        ...


class SpacyExtractor:
    """The product's extractor: ``nlp.extract.extract_notes`` and ``nlp.resolve.resolve_case``.

    A large job runs in a pool of worker processes, one per core (up to ``MAX_WORKERS``), each
    loading the model once; this process only stores what they send back, in order, as it
    comes. A small job, or a one-core machine, runs here. The first batch is small so the
    first events are stored as soon as a worker is ready. ``version`` fingerprints the rules
    and model (``nlp.pipeline.pipeline_version``): notes already extracted under it are not
    extracted again."""

    def __init__(self, *, workers: int | None = None, pool_min_notes: int | None = None) -> None:
        from nlp.pipeline import pipeline_version

        forced = os.environ.get(FORCE_WORKERS_ENV, "").strip()
        if forced.isdigit() and int(forced) > 1:
            workers, pool_min_notes = int(forced), 0
        self.workers = available_cores() if workers is None else max(1, workers)
        if pool_min_notes is None:
            pool_min_notes = POOL_MIN_NOTES if forkserver_available() else SPAWN_POOL_MIN_NOTES
        self.pool_min_notes = pool_min_notes
        self.version = pipeline_version()

    def prepare(self, expected_notes: int) -> None:
        """A job of about ``expected_notes`` notes is coming: when it will run in worker
        processes, start loading their model now (``prepare_workers``), and import resolution
        here while it loads, rather than after the last batch."""
        if self._pooled(expected_notes):
            prepare_workers()
            importlib.import_module("nlp.resolve")

    def _pooled(self, notes: int) -> bool:
        from nlp.pipeline import pipeline_loaded

        return self.workers >= 2 and notes >= self.pool_min_notes * (2 if pipeline_loaded() else 1)

    @property
    def nlp(self) -> Any:
        """This process's pipeline (loaded on first use)."""
        from nlp.pipeline import load_pipeline

        return load_pipeline()

    def extract(self, notes: Sequence[NoteInput]) -> Iterator[NoteFactsLike]:
        from nlp.extract import extract_notes

        return extract_notes(self.nlp, notes)

    def extract_batches(self, notes: Sequence[NoteInput], batch_size: int) -> Iterator[Batch]:
        """``(notes, facts)`` per batch, in order, from worker processes when the job is large
        enough to pay for starting them (a second or two each), else from this process."""
        from nlp.pipeline import pipeline_loaded

        pooled = self._pooled(len(notes))
        batches = _batches(notes, batch_size, self.workers if pooled else 1)
        if not pooled:
            for batch in batches:
                yield batch, list(self.extract(batch))
            return
        pool = start_pool(self.workers)
        try:
            if pipeline_loaded():
                # The model is already here (the app loads it after start-up): the first batch
                # needs no wait for the workers to load theirs.
                first = next(batches, None)
                if first is not None:
                    yield first, list(self.extract(first))
            yield from _pooled(pool, batches, ahead=2 * self.workers)
        finally:
            # Also on cancel (the generator is closed between batches): batches not started are
            # dropped, and the ones running (a fraction of a second) are waited for.
            pool.shutdown(wait=True, cancel_futures=True)

    def resolve(self, rows: CaseRows, progress: Callable[[int, int], None] | None = None) -> Resolution:
        """Case-level resolution; ``progress(done, total)`` after each of its steps."""
        from nlp.resolve import resolve_case

        return resolve_case(rows, progress)


def crash_point(name: str) -> None:
    """Freeze here (announcing it on stderr) when ``CASELENS_TEST_PAUSE_AT`` names this point,
    so a test can SIGKILL the process at exactly this moment of a write."""
    wanted = os.environ.get(PAUSE_ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition("#")
    if point != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] == int(nth or 1):
        import sys
        import time

        sys.stderr.write(f"paused at {name}\n")
        sys.stderr.flush()
        time.sleep(120)


def _same_texts_together(notes: list[NoteInput]) -> list[NoteInput]:
    """The notes in order, except that a note repeating an earlier note's text is moved up
    to just after it: the two then land in the same batch, where the model analyses the text
    once (``nlp.extract.extract_notes``). Which note is extracted first changes nothing else."""
    first_with_text: dict[str, int] = {}
    for index, note in enumerate(notes):
        first_with_text.setdefault(note.text, index)
    return [note for _key, note in sorted(((first_with_text[note.text], index), note)
                                          for index, note in enumerate(notes))]


def _work_before(notes: Sequence[NoteInput]) -> list[float]:
    """For the time left: the extraction work before each note and, last, in all of them.

    A note's work is its length, measured to grow in step with it (the model reads every
    word; a note's fixed costs are too small to show), and ``REPEAT_SHARE`` of that when an
    earlier note had the same text (only the rules run again). Counting notes instead gave a
    time left a third of the truth a fifth of the way through a 10,000-note case whose
    repeated notes, being cheap and sorted next to their first copy, came early."""
    seen: set[str] = set()
    before = [0.0]
    for note in notes:
        share = REPEAT_SHARE if note.text in seen else 1.0
        seen.add(note.text)
        before.append(before[-1] + share * max(1, len(note.text)))
    return before


def _batches(notes: Sequence[NoteInput], batch_size: int, workers: int = 1) -> Iterator[list[NoteInput]]:
    """The notes in batches: a small first one (the first events show early), then
    ``batch_size`` each. For several workers the last batches shrink (to a share of what is
    left, down to ``TAIL_BATCH``), so the workers finish together instead of one core idling
    while the other works through a last full batch."""
    first = min(FIRST_BATCH, batch_size)
    if notes:
        yield list(notes[:first])
    start = first
    while start < len(notes):
        size = batch_size
        if workers > 1:
            share = -(-(len(notes) - start) // (2 * workers))  # ceiling
            size = max(min(TAIL_BATCH, batch_size), min(batch_size, share))
        yield list(notes[start:start + size])
        start += size


def _pooled(pool: Any, batches: Iterator[list[NoteInput]], ahead: int) -> Iterator[Batch]:
    """Run ``batches`` through ``pool``, ``ahead`` of them at a time; yields them in order as
    they finish. A worker that died (E501) stops the job: what was stored stays, and the import
    is finished when the case is next opened (``resume_incomplete``)."""
    from concurrent.futures.process import BrokenProcessPool

    from nlp import workers as worker

    running: deque[tuple[list[NoteInput], Any]] = deque()

    def send(batch: list[NoteInput]) -> None:
        running.append((batch, pool.submit(worker.extract, [(n.id, n.text, n.note_date) for n in batch])))

    for batch in batches:
        send(batch)
        if len(running) < ahead:
            continue
        yield _collect(*running.popleft(), BrokenProcessPool)
    while running:
        yield _collect(*running.popleft(), BrokenProcessPool)


def _collect(batch: list[NoteInput], future: Any, broken: type[Exception]) -> Batch:
    try:
        rows = future.result()
    except broken as error:
        raise CaseLensError("E501", detail=str(error) or type(error).__name__) from None
    return batch, [WorkerFacts(**facts) for facts in rows]


class WorkerFacts(NoteFacts):
    """One note's facts as a worker process sent them (see ``NoteFactsLike``)."""


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
    if extractor is None:
        extractor = SpacyExtractor()
    version = getattr(extractor, "version", None)
    marks = ", ".join("?" for _ in targets)
    with case.transaction():
        if redo and not _extracted_under(case, version):
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
    pending = _same_texts_together(pending)
    work = _work_before(pending)
    clock = EtaClock()
    first = 0
    report(progress, "extracting", 0, len(pending), "Finding events, people and risks")
    batches = _extractor_batches(extractor, pending, batch_size)
    try:
        for batch, facts in batches:
            if cancel is not None and cancel.is_set():
                result.cancelled = True
                return result
            _store_batch(case, batch, facts)
            if result.notes == 0:
                # The first batch waits for the model to load: time the pace from here on.
                clock.restart()
                first = len(batch)
            result.notes += len(batch)
            eta = clock.remaining(work[result.notes] - work[first], work[-1] - work[first],
                                  after=RESOLUTION_SHARE if resolve else 0.0)
            report(progress, "extracting", result.notes, len(pending), format_eta(eta))
    finally:
        close = getattr(batches, "close", None)
        if close is not None:
            close()
    if cancel is not None and cancel.is_set():
        result.cancelled = True
        return result
    if resolve:
        _resolve(case, extractor, progress)
        result.resolved = True
    with case.transaction():
        for target in targets:
            set_import_status(case, target, "complete")
        detail: dict[str, Any] = {"imports": targets, "notes": result.notes, "redo": redo}
        if version is not None:
            detail["pipeline"] = version
        audit.record(case, "extract", detail)
    _log.info("extraction: %d notes in %d imports, resolved: %s", result.notes, len(targets), result.resolved)
    return result


def _extractor_batches(extractor: Extractor, notes: Sequence[NoteInput], batch_size: int) -> Iterator[Batch]:
    """``(batch, facts)`` pairs: from the extractor's own batching when it has one."""
    own = getattr(extractor, "extract_batches", None)
    if own is not None:
        return own(notes, batch_size)
    return ((batch, list(extractor.extract(batch)))
            for batch in (notes[start:start + batch_size] for start in range(0, len(notes), batch_size)))


def _extracted_under(case: Case, version: str | None) -> bool:
    """Whether every extraction this case has seen ran under ``version`` of the rules (then a
    note marked extracted holds exactly what extracting it again would give)."""
    if version is None:
        return False
    runs = [entry["detail"] for entry in audit.entries(case) if entry["action"] == "extract"]
    return bool(runs) and all(isinstance(run, dict) and run.get("pipeline") == version for run in runs)


def _store_batch(case: Case, batch: Sequence[NoteInput], extracted: Sequence[NoteFactsLike]) -> None:
    """Commit one batch: its notes' facts replaced and the notes marked extracted."""
    ids = [note.id for note in batch]
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in NOTE_FACT_TABLES}
    for facts in extracted:
        for table, bucket in rows.items():
            for row in getattr(facts, table, ()):
                row = dict(row)
                row.setdefault("note_id", facts.note_id)
                bucket.append(row)
    with case.transaction():
        replace_note_facts(case, ids, **rows)
        marks = ", ".join("?" for _ in ids)
        case.db.execute(f"UPDATE notes SET extracted = 1 WHERE id IN ({marks})", ids)
        crash_point("extract_batch")


def case_rows(case: Case) -> CaseRows:
    """The current notes and their stored facts, as resolution sees them."""
    def facts(table: str) -> list[dict[str, Any]]:
        return [row for row in iter_rows(case, table) if row["note_id"] in note_ids]

    notes = list(case.db.query(
        "SELECT id, note_date, recorded_date, author, author_role, note_type, agency, title, text FROM notes"
        " WHERE current = 1 ORDER BY note_date IS NULL, note_date, rowid"
    ))
    note_ids = {note["id"] for note in notes}
    subjects = list(case.db.query("SELECT person_id, name, dob, source_ref FROM subjects ORDER BY rowid"))
    return CaseRows(subjects, notes, facts("mentions"), facts("events"), facts("risks"), facts("strengths"),
                    facts("gap_evidence"))


def resolve_case(case: Case, extractor: Extractor, progress: ProgressCallback | None = None) -> None:
    """Run case-level resolution over the whole case and store its output."""
    _resolve(case, extractor, progress)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused. Resolution builds hundreds of thousands of plain rows,
    and each full collection walked them all while holding the interpreter lock: at 10,000
    notes that froze the app's window for 0.1-0.4 s at a time, five times, and took a quarter
    of resolution's 4.4 s. The rows hold no cycles, so nothing is lost by waiting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _resolve(case: Case, extractor: Extractor, progress: ProgressCallback | None) -> None:
    with _no_cycle_collection():
        _resolve_rows(case, extractor, progress)


def _resolve_rows(case: Case, extractor: Extractor, progress: ProgressCallback | None) -> None:
    message = "Linking people and merging repeated events"
    report(progress, "resolving", 0, 1, message)
    rows = case_rows(case)
    if "progress" in inspect.signature(extractor.resolve).parameters:
        # The extractor reports its steps (a 10,000-note case takes seconds); storing is the last.
        def step(done: int, total: int) -> None:
            report(progress, "resolving", done, total + 1, message)

        people, updates, gaps = extractor.resolve(rows, progress=step)  # type: ignore[call-arg]
    else:
        people, updates, gaps = extractor.resolve(rows)
    with case.transaction():
        replace_case_facts(case, people, updates, gaps)
        crash_point("resolve")
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
