"""Extraction in committed batches, resumable, with the worker's curation kept."""
from __future__ import annotations

import pytest

from services.extraction import extract_case, resume_incomplete
from store import curation, open_case
from store.facts import iter_rows
from store.notes import store_import
from tests.store.factory import KeywordExtractor, note, read_result


@pytest.fixture
def case(tmp_path):
    opened = open_case(tmp_path / "case.caselens", create=True)
    notes = [note(f"Visit {i}: police called, Mum shouting.", ref=f"row {i}") for i in range(7)]
    store_import(opened, "a.csv", "sha-a", "csv", read_result(*notes))
    yield opened
    opened.close()


def _status(case):
    return case.db.execute("SELECT status FROM imports").fetchone()[0]


class Crash(Exception):
    pass


class CrashingExtractor(KeywordExtractor):
    """Dies on the third batch, as a killed process would."""

    def extract(self, notes):
        if len(self.extracted) >= 6:
            raise Crash()
        yield from super().extract(notes)


def test_batches_commit_progressively_and_a_crashed_run_resumes(case):
    with pytest.raises(Crash):
        extract_case(case, extractor=CrashingExtractor(), batch_size=3)
    assert _status(case) == "extracting"
    assert len(list(iter_rows(case, "events"))) == 6  # two batches committed

    finisher = KeywordExtractor()
    report = resume_incomplete(case, extractor=finisher)
    assert report.notes == 1 and len(finisher.extracted) == 1 and finisher.resolutions == 1
    assert _status(case) == "complete"
    assert len(list(iter_rows(case, "events"))) == 7
    assert resume_incomplete(case, extractor=finisher) is None


def test_imports_stored_without_extraction_are_not_resumed_automatically(case):
    assert resume_incomplete(case, extractor=KeywordExtractor()) is None
    assert _status(case) == "stored"


def test_re_extraction_keeps_the_workers_curation(case):
    extract_case(case, extractor=KeywordExtractor())
    event = next(iter_rows(case, "events"))
    curation.set_value(case, "event", event["id"], "action", "Referral to IDVA")
    again = KeywordExtractor()
    report = extract_case(case, redo=True, extractor=again)
    assert report.notes == 7 and len(again.extracted) == 7
    [kept] = curation.rows(case)
    assert kept["value"] == "Referral to IDVA" and kept["orphaned"] is False
    assert [e["type"] for e in iter_rows(case, "events")].count("police_attendance") == 7


def test_audit_records_extraction_without_note_text(case):
    extract_case(case, extractor=KeywordExtractor())
    [entry] = case.db.query("SELECT detail FROM audit WHERE action = 'extract'")
    assert "police" not in entry["detail"]
