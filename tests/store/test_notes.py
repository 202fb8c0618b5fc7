"""Storing an export file's notes: idempotent, one note per identity, versions, all or none."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from store import notes as store_notes
from store import open_case
from store.notes import delete_import, imports, store_import
from store.queries import note as note_by_id
from store.queries import note_versions
from tests.store.factory import note, read_result

ROOT = Path(__file__).resolve().parents[2]


def _count(case, table: str, where: str = "1") -> int:
    return case.db.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]


def test_storing_a_file_records_its_notes_sources_and_an_audit_entry(case):
    outcome = store_import(case, "/exports/a.csv", "sha-a", "csv", read_result(
        note("Home visit. Mum present.", ref="row 2"),
        note("Phone call with school.", day="2023-03-13", ref="row 3"),
        skipped={"deleted": 1},
    ))
    assert (outcome.notes_read, outcome.notes_added, outcome.skipped) == (2, 2, {"deleted": 1})
    assert _count(case, "notes") == 2
    assert _count(case, "note_sources") == 2
    [row] = imports(case)
    assert (row["status"], row["notes"], row["skipped"]) == ("stored", 2, {"deleted": 1})
    [entry] = case.db.query("SELECT action, detail FROM audit")
    assert entry["action"] == "import" and "Mum" not in entry["detail"]


def test_the_same_file_twice_adds_nothing(case):
    result = read_result(note("Home visit."))
    first = store_import(case, "a.csv", "sha-a", "csv", result)
    again = store_import(case, "a.csv", "sha-a", "csv", result)
    assert again.nothing_new and again.import_id == first.import_id
    assert (_count(case, "imports"), _count(case, "notes"), _count(case, "note_sources")) == (1, 1, 1)


def test_a_group_note_in_two_exports_is_one_note_with_two_sources(case):
    group = "Group session at the family centre with both children."
    store_import(case, "child1.csv", "sha-1", "csv", read_result(note(group, ref="row 4")))
    second = store_import(case, "child2.csv", "sha-2", "csv", read_result(note(group + "\n", ref="row 9")))
    assert (second.notes_added, second.notes_already_stored) == (0, 1)
    assert _count(case, "notes") == 1
    assert [r["ref"] for r in case.db.query("SELECT ref FROM note_sources ORDER BY import_id")] == ["row 4", "row 9"]


def test_a_note_repeated_within_one_file_is_one_note(case):
    outcome = store_import(case, "a.csv", "sha-a", "csv", read_result(
        note("Same words.", ref="row 2"), note("Same  words.", ref="row 7")))
    assert (outcome.notes_added, outcome.repeated, outcome.notes_already_stored) == (1, 1, 0)
    assert _count(case, "notes") == 1 and _count(case, "note_sources") == 2


def test_a_changed_re_export_with_the_same_source_id_is_a_new_version(case):
    old = note("Visit planned.", source_id="4711")
    store_import(case, "jan.csv", "sha-jan", "csv", read_result(old))
    new = note("Visit planned. Addendum: visit cancelled by Mum.", source_id="4711")
    outcome = store_import(case, "feb.csv", "sha-feb", "csv", read_result(new))
    assert outcome.versions == 1
    rows = {r["id"]: r for r in case.db.query("SELECT id, current, version_of FROM notes")}
    assert rows[new.id] == {"id": new.id, "current": 1, "version_of": old.id}
    assert rows[old.id]["current"] == 0
    assert note_versions(case, new.id) == [old.id]
    reader = note_by_id(case, old.id)
    assert reader["current"] is False and reader["sources"] == [{"import_id": 1, "ref": "row 1", "source_note_id": "4711"}]


def test_undated_notes_are_stored_and_flagged(case):
    outcome = store_import(case, "a.csv", "sha-a", "csv", read_result(note("Undated note about school.", day=None)))
    assert outcome.undated == 1
    [row] = case.db.query("SELECT note_date, flags FROM notes")
    assert row["note_date"] is None and "undated" in row["flags"]


def test_a_failure_half_way_through_a_file_leaves_the_case_as_before(case, monkeypatch):
    store_import(case, "first.csv", "sha-first", "csv", read_result(note("Earlier note.")))
    before = {t: _count(case, t) for t in ("imports", "notes", "note_sources", "audit", "notes_fts")}
    real_insert = store_notes._insert_note
    calls = {"n": 0}

    def failing_insert(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("simulated failure")
        return real_insert(*args, **kwargs)

    monkeypatch.setattr(store_notes, "_insert_note", failing_insert)
    many = read_result(*(note(f"Note number {i}.", ref=f"row {i}") for i in range(5)))
    with pytest.raises(OSError):
        store_import(case, "second.csv", "sha-second", "csv", many)
    assert {t: _count(case, t) for t in before} == before


def test_removing_an_import_keeps_notes_other_imports_hold_and_restores_old_versions(case):
    shared = note("Strategy discussion held.", source_id="1")
    old = note("Visit planned.", source_id="2")
    first = store_import(case, "jan.csv", "sha-jan", "csv", read_result(shared, old))
    new = note("Visit planned. Visit cancelled.", source_id="2")
    only_second = note("New note only in February.", day="2023-04-01")
    second = store_import(case, "feb.csv", "sha-feb", "csv", read_result(shared, new, only_second))
    assert delete_import(case, second.import_id) == 2
    ids = {r["id"]: r["current"] for r in case.db.query("SELECT id, current FROM notes")}
    assert ids == {shared.id: 1, old.id: 1}
    assert [r["id"] for r in imports(case)] == [first.import_id]
    assert case.db.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'February'").fetchone()[0] == 0


_KILLED_MID_IMPORT = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from store import notes, open_case
    from extractors.base import RawNote, ReadResult

    real = notes._insert_note
    done = []

    def slow_insert(case, row):
        real(case, row)
        done.append(row)
        if len(done) == 50:
            print("half way", flush=True)
            time.sleep(60)

    notes._insert_note = slow_insert
    case = open_case({path!r})
    many = [RawNote(text=f"Note {{i}} about the family.", ref=f"row {{i}}", note_date="2023-03-12") for i in range(100)]
    notes.store_import(case, "big.csv", "sha-big", "csv", ReadResult(many, "csv", "row_per_note"))
    """
)


def test_a_process_killed_half_way_through_a_file_leaves_the_case_whole(tmp_path):
    path = tmp_path / "case.caselens"
    with open_case(path, create=True) as case:
        store_import(case, "first.csv", "sha-first", "csv", read_result(note("Earlier note.")))
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_MID_IMPORT.format(root=str(ROOT), path=str(path))],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout.readline().strip() == "half way"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    with open_case(path) as case:
        assert case.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert _count(case, "imports") == 1 and _count(case, "notes") == 1
