"""nlp.workers: what a worker process runs, and how it reports a pipeline it could not build."""
from __future__ import annotations

import pytest

import nlp.extract
from nlp import workers


def test_a_worker_that_cannot_build_its_pipeline_reports_it_with_its_first_batch(monkeypatch):
    def broken() -> None:
        raise OSError("the language model is missing")

    monkeypatch.setattr(nlp.extract, "start_worker", broken)
    monkeypatch.setattr(workers, "_failure", None)
    workers.start()  # must not raise: a pool would restart the worker for ever
    with pytest.raises(OSError, match="language model is missing"):
        workers.extract([("n1", "Home visit.", "2024-01-02")])


def test_a_worker_extracts_a_batch_as_plain_rows(nlp, monkeypatch):
    monkeypatch.setattr(workers, "_failure", None)
    workers.start()
    rows = workers.extract([("n1", "Police attended after Mum said Dad hit her.", "2024-01-02")])
    assert [row["note_id"] for row in rows] == ["n1"]
    assert rows[0]["events"] and rows[0]["risks"][0]["category"] == "domestic_abuse"
