"""Extraction in committed batches, resumable, with the worker's curation kept."""
from __future__ import annotations

import pytest

from services.extraction import FIRST_BATCH, NoteInput, SpacyExtractor, WorkerFacts, extract_case, resume_incomplete
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


class VersionedExtractor(KeywordExtractor):
    """A fake whose rules carry a version, as the spaCy extractor's do."""

    def __init__(self, version: str) -> None:
        super().__init__()
        self.version = version


def test_re_extraction_with_unchanged_rules_extracts_nothing_again(case):
    extract_case(case, extractor=VersionedExtractor("rules-1"))
    same = VersionedExtractor("rules-1")
    report = extract_case(case, redo=True, extractor=same)
    assert report.notes == 0 and same.extracted == [] and same.resolutions == 1
    assert len(list(iter_rows(case, "events"))) == 7

    changed = VersionedExtractor("rules-2")
    assert extract_case(case, redo=True, extractor=changed).notes == 7
    assert len(changed.extracted) == 7


def test_rules_without_a_version_are_always_run_again(case):
    extract_case(case, extractor=VersionedExtractor("rules-1"))
    unversioned = KeywordExtractor()
    assert extract_case(case, redo=True, extractor=unversioned).notes == 7


class SteppingExtractor(KeywordExtractor):
    """Resolution in three reported steps, as the product's resolver reports its own."""

    def resolve(self, rows, progress=None):
        for done in (1, 2, 3):
            if progress is not None:
                progress(done, 3)
        return super().resolve(rows)


def test_resolution_reports_its_steps_so_a_long_case_does_not_look_stuck(case):
    seen = []
    extract_case(case, extractor=SteppingExtractor(), progress=seen.append)
    steps = [(p.done, p.total) for p in seen if p.stage == "resolving"]
    assert steps == [(0, 1), (1, 4), (2, 4), (3, 4), (1, 1)]


class CollectorWatchingExtractor(KeywordExtractor):
    """Notes whether Python's cycle collector runs during resolution, then fails or not."""

    def __init__(self, fail=False):
        super().__init__()
        self.fail, self.collector_on = fail, None

    def resolve(self, rows):
        import gc

        self.collector_on = gc.isenabled()
        if self.fail:
            raise RuntimeError("resolution failed")
        return super().resolve(rows)


def test_resolution_pauses_the_cycle_collector_that_froze_the_window(case):
    """A full collection over a big case's rows held the interpreter lock for up to 0.4 s at a
    time, freezing the app's window; it is paused while resolution runs, and back afterwards
    whether resolution succeeds or fails."""
    import gc

    watching = CollectorWatchingExtractor()
    extract_case(case, extractor=watching)
    assert watching.collector_on is False and gc.isenabled()
    failing = CollectorWatchingExtractor(fail=True)
    with pytest.raises(RuntimeError):
        extract_case(case, redo=True, extractor=failing)
    assert failing.collector_on is False and gc.isenabled()


def test_progress_counts_every_note_and_ends_complete(case):
    seen = []
    extract_case(case, extractor=KeywordExtractor(), batch_size=3, progress=seen.append)
    counts = [p.done for p in seen if p.stage == "extracting"]
    assert counts == [0, 3, 6, 7] and seen[-1].stage == "resolving"


def _inputs(count):
    text = "Home visit. Mum said police attended on 12/03/2023 after an argument. Tyler (7) was upset."
    return [NoteInput(f"n{i}", f"{text} Visit {i}.", "2023-03-14", None, None, None) for i in range(count)]


def test_first_batch_is_small_so_the_first_events_show_early(nlp):
    batches = [len(batch) for batch, _facts in SpacyExtractor(workers=1).extract_batches(_inputs(7), 25)]
    assert batches == [FIRST_BATCH, 7 - FIRST_BATCH]


def test_worker_processes_find_the_same_facts_as_this_process_and_end_with_the_job(nlp):
    import multiprocessing

    notes = _inputs(6)
    here = [f for _batch, facts in SpacyExtractor(workers=1).extract_batches(notes, 3) for f in facts]
    pooled = list(SpacyExtractor(workers=2, pool_min_notes=1).extract_batches(notes, 3))
    assert not multiprocessing.active_children()
    assert [note.id for batch, _facts in pooled for note in batch] == [note.id for note in notes]
    # This process has its model loaded (as the app has), so the first batch is done here at
    # once; the rest come from the workers.
    assert not isinstance(pooled[0][1][0], WorkerFacts) and isinstance(pooled[1][1][0], WorkerFacts)
    there = [f for _batch, facts in pooled for f in facts]
    assert [f.note_id for f in there] == [note.id for note in notes]
    for table in ("mentions", "events", "risks", "gap_evidence"):
        assert [getattr(f, table) for f in there] == [getattr(f, table) for f in here]
    assert any(f.events for f in there[3:])


def test_with_several_workers_the_last_batches_shrink_so_they_finish_together():
    from services.extraction import TAIL_BATCH, _batches

    sizes = [len(batch) for batch in _batches(_inputs(300), 50, workers=2)]
    assert sizes[0] == FIRST_BATCH and sum(sizes) == 300
    assert sizes[1] == 50 and sizes[-1] <= TAIL_BATCH
    assert sizes[1:] == sorted(sizes[1:], reverse=True)
    assert [len(batch) for batch in _batches(_inputs(60), 50)] == [FIRST_BATCH, 50, 6]


def test_notes_repeating_a_text_are_extracted_next_to_the_first_with_that_text():
    from services.extraction import _same_texts_together

    notes = [NoteInput(name, text, None, None, None, None)
             for name, text in (("a", "x"), ("b", "y"), ("c", "x"), ("d", "z"), ("e", "y"))]
    assert [note.id for note in _same_texts_together(notes)] == ["a", "c", "b", "e", "d"]


def test_time_left_weighs_notes_by_length_and_repeats_lightly():
    """A 10,000-note case whose cheap repeated notes came first showed a third of the real
    time left when notes were counted; the work is weighed instead (length, repeats at
    ``REPEAT_SHARE``), so early fast notes do not promise a fast end."""
    from services.extraction import REPEAT_SHARE, _work_before

    notes = [NoteInput(name, text, None, None, None, None)
             for name, text in (("a", "x" * 1000), ("b", "x" * 1000), ("c", "y" * 100), ("d", ""))]
    assert _work_before(notes) == pytest.approx([0, 1000, 1000 + 1000 * REPEAT_SHARE,
                                                 1100 + 1000 * REPEAT_SHARE, 1101 + 1000 * REPEAT_SHARE])


def test_a_worker_killed_mid_job_stops_the_job_with_a_clear_error_instead_of_hanging(nlp):
    import multiprocessing
    import os
    import signal

    from errors import CaseLensError

    batches = SpacyExtractor(workers=2, pool_min_notes=1).extract_batches(_inputs(40), 2)
    next(batches)  # done here: this process has its model
    next(batches)  # done by a worker: the pool is running
    assert multiprocessing.active_children()
    for child in multiprocessing.active_children():
        os.kill(child.pid, signal.SIGKILL)
    with pytest.raises(CaseLensError) as error:
        for _batch in batches:
            pass
    assert error.value.code == "E501" and "open the case again" in error.value.todo
    assert not multiprocessing.active_children()
