"""Importing files into a case: per-file units, refusals, idempotence, cancel."""
from __future__ import annotations

import threading

import pytest

from services.importing import file_sha256, import_files
from store import cases, open_case
from store.facts import iter_rows
from tests.store.factory import KeywordExtractor, write_csv


def _count(case_path, table):
    with open_case(case_path) as case:
        return case.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_good_files_land_and_a_bad_one_is_refused_with_its_reason(tmp_path):
    good = write_csv(tmp_path / "a.csv", [("1", "12/03/2023", "Home visit."), ("2", "", "Undated note.")])
    other = write_csv(tmp_path / "b.csv", [("3", "13/03/2023", "School called.")])
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    case_path = tmp_path / "case.caselens"
    report = import_files(case_path, [good, empty, other], extract=False)
    assert [f.status for f in report.files] == ["stored", "refused", "stored"]
    assert report.refused[0].error.code == "E101"
    assert report.exit_code == 2
    assert _count(case_path, "notes") == 3


def test_importing_the_same_file_again_is_nothing_new(tmp_path):
    export = write_csv(tmp_path / "a.csv", [("1", "12/03/2023", "Home visit.")])
    case_path = tmp_path / "case.caselens"
    import_files(case_path, [export], extract=False)
    again = import_files(case_path, [export], extract=False)
    assert [f.status for f in again.files] == ["nothing_new"] and again.exit_code == 0
    assert _count(case_path, "imports") == 1


def test_a_missing_file_is_refused_and_no_empty_case_is_left_behind(tmp_path):
    report = import_files(tmp_path / "case.caselens", [tmp_path / "nope.csv"], extract=False)
    assert report.refused[0].error.code == "E110"
    assert list(tmp_path.iterdir()) == []


def test_import_then_extract_and_resolve_once(tmp_path):
    a = write_csv(tmp_path / "a.csv", [("1", "12/03/2023", "Mum shouting, police called.")])
    b = write_csv(tmp_path / "b.csv", [("2", "14/03/2023", "Mum calm at visit. GP is Dr Patel.")])
    extractor = KeywordExtractor()
    seen = []
    report = import_files(tmp_path / "case.caselens", [a, b], extractor=extractor, progress=seen.append)
    assert report.extraction.notes == 2 and extractor.resolutions == 1
    with open_case(tmp_path / "case.caselens") as case:
        assert {r["status"] for r in case.db.query("SELECT status FROM imports")} == {"complete"}
        assert {m["person_id"] for m in iter_rows(case, "mentions")} == {"p-mum"}
        [gap] = iter_rows(case, "gaps")
        assert gap["found"] and len(gap["evidence"]) == 1
        assert cases.header(case)["subjects"] == [{"person_id": "p-child", "name": "Kayden", "dob": "2015-06-01"}]
    assert {"reading", "extracting", "resolving"} <= {p.stage for p in seen}


def test_an_encrypted_case_is_created_with_the_passphrase(tmp_path):
    export = write_csv(tmp_path / "a.csv", [("1", "12/03/2023", "Home visit.")])
    import_files(tmp_path / "case.caselens", [export], passphrase="s3cret pass", extract=False)
    with open_case(tmp_path / "case.caselens", passphrase="s3cret pass") as case:
        assert case.encrypted


class CancelAfterFirstBatch(KeywordExtractor):
    def __init__(self, cancel: threading.Event) -> None:
        super().__init__()
        self.cancel = cancel

    def extract(self, notes):
        yield from super().extract(notes)
        self.cancel.set()


def test_cancel_during_extraction_removes_that_import_whole(tmp_path):
    case_path = tmp_path / "case.caselens"
    first = write_csv(tmp_path / "a.csv", [("1", "12/03/2023", "The police called.")])
    import_files(case_path, [first], extractor=KeywordExtractor())
    rows = [(str(i), "13/03/2023", f"Visit {i}: police and Mum.") for i in range(10, 70)]
    shared = ("1", "12/03/2023", "The police called.")
    second = write_csv(tmp_path / "b.csv", [shared, *rows])
    cancel = threading.Event()
    report = import_files(case_path, [second], extractor=CancelAfterFirstBatch(cancel), cancel=cancel)
    assert report.cancelled and [f.status for f in report.files] == ["cancelled"]
    with open_case(case_path) as case:
        assert case.db.execute("SELECT count(*) FROM imports").fetchone()[0] == 1
        assert case.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 1
        assert case.db.execute("SELECT count(*) FROM note_sources").fetchone()[0] == 1
        assert len(list(iter_rows(case, "events"))) == 1
        assert list(iter_rows(case, "mentions")) == []


def test_sha256_is_of_the_file_bytes(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"abc")
    assert file_sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


class Crash(Exception):
    pass


class CrashingExtractor(KeywordExtractor):
    def extract(self, notes):
        raise Crash()


def test_an_import_left_half_extracted_is_finished_by_the_next_import(tmp_path):
    case_path = tmp_path / "case.caselens"
    first = write_csv(tmp_path / "a.csv", [("1", "12/03/2023", "The police called.")])
    with pytest.raises(Crash):
        import_files(case_path, [first], extractor=CrashingExtractor())
    second = write_csv(tmp_path / "b.csv", [("2", "14/03/2023", "The police called again.")])
    report = import_files(case_path, [second], extractor=KeywordExtractor())
    assert report.extraction.notes == 2
    with open_case(case_path) as case:
        assert [r["status"] for r in case.db.query("SELECT status FROM imports")] == ["complete", "complete"]
