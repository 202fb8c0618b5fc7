"""Opening case files: plain and encrypted, recognising what is not a case, one writer."""
from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from errors import CaseLensError
from store import SCHEMA_VERSION, open_case
from store.notes import store_import
from tests.store.factory import note, read_result

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Kayden told me that Darren hit his mum with a frying pan"


def _code(excinfo) -> str:
    return excinfo.value.code


def test_a_new_case_is_private_in_wal_mode_and_reopens(tmp_path):
    path = tmp_path / "new.caselens"
    with open_case(path, create=True) as case:
        assert case.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert case.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        store_import(case, "a.csv", "sha-a", "csv", read_result(note("Home visit.")))
        for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert stat.S_IMODE(side.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with open_case(path) as case:
        assert case.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 1
        assert not case.encrypted


def test_a_missing_case_is_not_created_unless_asked(tmp_path):
    with pytest.raises(CaseLensError) as excinfo:
        open_case(tmp_path / "missing.caselens")
    assert _code(excinfo) == "E201"
    assert not (tmp_path / "missing.caselens").exists()


@pytest.mark.parametrize("content", [b"", b"Date,Note\n12/03/2023,Hello\n", bytes(range(256)) * 3])
def test_files_that_are_not_cases_are_refused(tmp_path, content):
    path = tmp_path / "notes.caselens"
    path.write_bytes(content)
    with pytest.raises(CaseLensError) as excinfo:
        open_case(path)
    assert _code(excinfo) == "E204"
    assert path.read_bytes() == content


def test_another_programs_database_is_not_a_case(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(CaseLensError) as excinfo:
        open_case(path, create=True)
    assert _code(excinfo) == "E204"


def test_a_case_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "future.caselens"
    open_case(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(CaseLensError) as excinfo:
        open_case(path)
    assert _code(excinfo) == "E205"


def test_encrypted_case_round_trip(tmp_path):
    path = tmp_path / "secret.caselens"
    with open_case(path, passphrase="correct horse", create=True) as case:
        assert case.encrypted
        store_import(case, "a.csv", "sha-a", "csv", read_result(note(SECRET)))
        written = [p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
        assert all(b"Kayden" not in data and b"frying pan" not in data for data in written)
    assert b"frying pan" not in path.read_bytes() and b"SQLite format 3" not in path.read_bytes()

    with open_case(path, passphrase="correct horse") as case:
        assert case.db.execute("SELECT text FROM notes").fetchone()[0] == SECRET
    with pytest.raises(CaseLensError) as excinfo:
        open_case(path)
    assert _code(excinfo) == "E202"
    with pytest.raises(CaseLensError) as excinfo:
        open_case(path, passphrase="wrong horse")
    assert _code(excinfo) == "E203"
    with pytest.raises(sqlite3.DatabaseError):
        plain = sqlite3.connect(path)
        try:
            plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            plain.close()


def test_a_failed_transaction_changes_nothing(tmp_path):
    with open_case(tmp_path / "c.caselens", create=True) as case:
        with pytest.raises(RuntimeError):
            with case.transaction():
                case.db.execute("UPDATE case_info SET title = 'Changed'")
                raise RuntimeError("boom")
        assert case.db.execute("SELECT title FROM case_info").fetchone()[0] is None


def test_a_full_disk_is_a_clear_message_and_nothing_is_written(tmp_path):
    with open_case(tmp_path / "c.caselens", create=True) as case:
        pages = case.db.execute("PRAGMA page_count").fetchone()[0]
        case.db.execute(f"PRAGMA max_page_count = {pages}")
        big = read_result(*(note(f"Note {i} " + "words " * 2000, ref=f"row {i}") for i in range(20)))
        with pytest.raises(CaseLensError) as excinfo:
            store_import(case, "big.csv", "sha-big", "csv", big)
        assert _code(excinfo) == "E207"
        assert case.db.execute("SELECT count(*) FROM imports").fetchone()[0] == 0


_HOLD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from store import open_case
    case = open_case({path!r})
    print("open", flush=True)
    time.sleep(60)
    """
)


def _hold_open(path: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLD.format(root=str(ROOT), path=str(path))],
        stdout=subprocess.PIPE, text=True,
    )
    assert process.stdout.readline().strip() == "open"
    return process


def test_a_second_process_is_refused_and_a_crashed_one_does_not_block(tmp_path):
    path = tmp_path / "shared.caselens"
    open_case(path, create=True).close()
    holder = _hold_open(path)
    try:
        with pytest.raises(CaseLensError) as excinfo:
            open_case(path)
        assert _code(excinfo) == "E206"
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    with open_case(path) as case:
        assert case.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_same_process_may_open_a_case_twice(tmp_path):
    path = tmp_path / "c.caselens"
    first = open_case(path, create=True)
    second = open_case(path)
    second.close()
    first.close()
    holder = _hold_open(path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()


def test_an_older_case_is_migrated_on_open_and_keeps_its_notes(tmp_path, monkeypatch):
    from store import schema

    path = tmp_path / "old.caselens"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
    with open_case(path, create=True) as case, case.transaction():
        case.db.execute("INSERT INTO notes (id, text, import_id) VALUES ('n1', 'Home visit.', 1)")
    with open_case(path) as case:
        assert case.db.execute("PRAGMA user_version").fetchone()[0] == 1
    monkeypatch.undo()
    with open_case(path) as case:
        assert case.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert "gap_evidence" in case.db.table_names()
        assert case.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 1


def test_a_schema_2_case_gains_the_tables_for_the_workers_own_facts(tmp_path, monkeypatch):
    from store import schema

    path = tmp_path / "v2.caselens"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:2])
    with open_case(path, create=True) as case, case.transaction():
        case.db.execute("INSERT INTO notes (id, text, import_id) VALUES ('n1', 'Home visit.', 1)")
    monkeypatch.undo()
    with open_case(path) as case:
        assert case.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert {"manual_events", "manual_risks", "manual_people"} <= set(case.db.table_names())
        assert case.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 1


def test_the_role_written_with_an_author_is_kept(tmp_path):
    raw = note("Home visit.")
    raw.author, raw.author_role = "Jane Smith", "Social Worker"
    with open_case(tmp_path / "c.caselens", create=True) as case:
        store_import(case, "a.csv", "sha-a", "csv", read_result(raw))
        row = case.db.execute("SELECT author, author_role FROM notes").fetchone()
    assert tuple(row) == ("Jane Smith", "Social Worker")
