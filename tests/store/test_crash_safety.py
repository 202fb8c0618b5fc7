"""Crash safety: a real process SIGKILLed inside each kind of write leaves a case that opens,
passes ``integrity_check``, holds each file's notes all or none and finishes its extraction;
a full disk or a read-only case gives a clear message and changes nothing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from errors import CaseLensError
from services.extraction import BATCH_SIZE, PAUSE_ENV, resume_incomplete
from services.importing import import_file, import_files
from store import curation, open_case
from store.facts import iter_rows
from tests.store.factory import KeywordExtractor, write_csv

ROOT = Path(__file__).resolve().parents[2]
NOTES_PER_FILE = BATCH_SIZE + 5  # more than one extraction batch

_WORKER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from services.extraction import extract_case
    from services.importing import import_files
    from store import open_case
    from tests.store.factory import KeywordExtractor

    mode, case_path, *files = sys.argv[1:]
    if mode == "import":
        import_files(case_path, files, extractor=KeywordExtractor())
    else:
        with open_case(case_path) as case:
            extract_case(case, extractor=KeywordExtractor(), redo=True)
    print("finished", flush=True)
    """
)


def _export(folder: Path, name: str, first: int) -> Path:
    rows = [(f"{name}-{i}", f"{(i % 28) + 1:02d}/03/2023", f"Visit {first + i}: police called, Mum shouting.")
            for i in range(NOTES_PER_FILE)]
    return write_csv(folder / f"{name}.csv", rows)


def _kill_at(point: str, mode: str, case: Path, *files: Path) -> None:
    """Run the worker until it freezes at ``point`` (inside the transaction), then SIGKILL it."""
    env = dict(os.environ, **{PAUSE_ENV: point})
    process = subprocess.Popen(
        [sys.executable, "-c", _WORKER.format(root=str(ROOT)), mode, str(case), *map(str, files)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        line = process.stderr.readline()
        assert line.strip() == f"paused at {point.partition('#')[0]}", line + process.stderr.read()
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _check_sound(case) -> None:
    assert case.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for import_id, expected in case.db.execute("SELECT id, notes FROM imports"):
        stored = case.db.execute("SELECT count(*) FROM notes WHERE import_id = ?", (import_id,)).fetchone()[0]
        assert stored == expected == NOTES_PER_FILE  # all or none, per file
    orphans = case.db.execute("SELECT count(*) FROM notes WHERE import_id NOT IN (SELECT id FROM imports)").fetchone()[0]
    assert orphans == 0


def _statuses(case) -> list[str]:
    return [row[0] for row in case.db.execute("SELECT status FROM imports ORDER BY id")]


def test_killed_while_storing_a_files_notes(tmp_path):
    case_path = tmp_path / "case.caselens"
    first, second = _export(tmp_path, "first", 0), _export(tmp_path, "second", 100)
    _kill_at("store_notes#2", "import", case_path, first, second)
    with open_case(case_path) as case:
        _check_sound(case)
        assert _statuses(case) == ["extracting"]  # the first file landed whole, the second not at all
        finisher = KeywordExtractor()
        resume_incomplete(case, extractor=finisher)  # what opening the case in the app does
        assert len(finisher.extracted) == NOTES_PER_FILE and _statuses(case) == ["complete"]
    report = import_files(case_path, [first, second], extractor=KeywordExtractor())
    assert [f.status for f in report.files] == ["nothing_new", "stored"]
    with open_case(case_path) as case:
        _check_sound(case)
        assert case.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 2 * NOTES_PER_FILE


def test_killed_during_an_extraction_batch_resumes(tmp_path):
    case_path = tmp_path / "case.caselens"
    _kill_at("extract_batch#2", "import", case_path, _export(tmp_path, "notes", 0))
    with open_case(case_path) as case:
        _check_sound(case)
        assert _statuses(case) == ["extracting"]
        extracted = case.db.execute("SELECT count(*) FROM notes WHERE extracted = 1").fetchone()[0]
        assert extracted == BATCH_SIZE  # the first batch committed, the second rolled back whole
        assert len(list(iter_rows(case, "events"))) == BATCH_SIZE
        finisher = KeywordExtractor()
        resume_incomplete(case, extractor=finisher)
        assert len(finisher.extracted) == NOTES_PER_FILE - BATCH_SIZE
        assert _statuses(case) == ["complete"]
        assert len(list(iter_rows(case, "events"))) == NOTES_PER_FILE


def test_killed_during_resolution_resumes(tmp_path):
    case_path = tmp_path / "case.caselens"
    _kill_at("resolve", "import", case_path, _export(tmp_path, "notes", 0))
    with open_case(case_path) as case:
        _check_sound(case)
        assert _statuses(case) == ["extracting"]
        assert list(iter_rows(case, "people")) == []  # resolution rolled back whole
        finisher = KeywordExtractor()
        resume_incomplete(case, extractor=finisher)
        assert finisher.extracted == [] and finisher.resolutions == 1
        assert _statuses(case) == ["complete"]
        assert {p["id"] for p in iter_rows(case, "people")} == {"p-mum", "p-child"}


def test_the_workers_curation_survives_a_kill_during_re_extraction(tmp_path):
    case_path = tmp_path / "case.caselens"
    import_files(case_path, [_export(tmp_path, "notes", 0)], extractor=KeywordExtractor())
    with open_case(case_path) as case:
        events = sorted(row["id"] for row in iter_rows(case, "events"))
        curation.set_value(case, "event", events[0], "hidden", True)
        curation.set_value(case, "event", events[-1], "impact", "Kayden frightened; stayed with Nan.")
        before = curation.rows(case)
    _kill_at("extract_batch#2", "redo", case_path)
    with open_case(case_path) as case:
        _check_sound(case)
        assert curation.rows(case) == before
        resume_incomplete(case, extractor=KeywordExtractor())
        assert curation.rows(case) == before
        assert curation.rows(case, orphaned=True) == []
        values = curation.values_by_target(case, "event")
        assert values[events[0]]["hidden"] is True
        assert values[events[-1]]["impact"] == "Kayden frightened; stayed with Nan."


def test_a_full_disk_refuses_the_file_with_a_clear_message_and_changes_nothing(tmp_path):
    export = _export(tmp_path, "big", 0)
    export.write_text(export.read_text() + "".join(f"x{i},01/04/2023,{'Long visit note. ' * 400}\n" for i in range(40)))
    with open_case(tmp_path / "case.caselens", create=True) as case:
        pages = case.db.execute("PRAGMA page_count").fetchone()[0]
        case.db.execute(f"PRAGMA max_page_count = {pages + 2}")
        result = import_file(case, export)
        assert result.status == "refused" and result.error.code == "E207"
        assert "free disk space" in str(result.error)
        assert case.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
        assert case.db.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
        assert case.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_read_only_case_gives_a_clear_message_and_changes_nothing(tmp_path):
    case_path = tmp_path / "case.caselens"
    import_files(case_path, [_export(tmp_path, "notes", 0)], extractor=KeywordExtractor())
    with open_case(case_path) as case:
        event = next(iter_rows(case, "events"))["id"]
        case.db.execute("PRAGMA query_only = ON")  # a read-only connection (tests run as root)
        result = import_file(case, _export(tmp_path, "more", 100))
        assert result.status == "refused" and result.error.code == "E207"
        with pytest.raises(CaseLensError) as excinfo:
            curation.set_value(case, "event", event, "hidden", True)
        assert excinfo.value.code == "E207" and "read-only" in str(excinfo.value)
    with open_case(case_path) as case:
        _check_sound(case)
        assert case.db.execute("SELECT count(*) FROM imports").fetchone()[0] == 1
        assert curation.rows(case) == []
