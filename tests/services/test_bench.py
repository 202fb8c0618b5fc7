"""services.bench: one run on a tiny case gives every figure of the benchmark (never judged
on speed: the machine running the tests may be slow or busy)."""
from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from services import bench


@pytest.fixture(scope="module")
def result():
    return bench.run_bench(30, seed=3, scaled_events=400, word_events=40)


def test_every_figure_is_measured(result):
    assert result.notes == 30 and result.notes_extracted == 30 and result.events > 0
    for seconds in (result.baseline_s, result.baseline_model_load_s, result.import_extract_s, result.first_events_s,
                    result.reimport_s, result.reextract_s, result.reopen_s, result.app_start_s,
                    result.word_export_s, result.baseline_cpu_s, result.import_extract_cpu_s,
                    result.baseline_same_blas_s):
        assert seconds is not None and seconds > 0
    assert result.ratio_to_baseline > 0 and result.ratio_to_same_blas_baseline > 0
    assert result.filters.events == result.events and result.filters_scaled.events == 400
    for latency in (result.filters, result.filters_scaled):
        assert latency.queries >= 10 and 0 < latency.median_ms <= latency.p95_ms
    assert result.word_events == 40
    assert result.peak_rss_mb >= result.largest_process_rss_mb > 50


def test_unchanged_work_is_not_done_twice(result):
    assert result.reimport_notes_extracted == 0
    assert result.reextract_notes_extracted == 0


def test_table_and_json_show_the_same_figures(result, monkeypatch, capsys):
    monkeypatch.setattr(bench, "run_bench", lambda notes, seed: result)
    assert bench.main(30, 3, as_json=True) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(asdict(result)))
    assert bench.main(30, 3) == 0
    table = capsys.readouterr().out
    for label in ("baseline", "CaseLens's matrix library", "import + extraction", "first extracted events", "filters and search",
                  "reopen", "app start", "Word export of 40 events", "peak RSS"):
        assert label in table


def test_a_large_case_joins_several_generated_families(tmp_path, monkeypatch):
    import extractors

    monkeypatch.setattr(bench, "FAMILY_NOTES", 20)
    notes = extractors.read_export(bench.generate_export(tmp_path, 50, seed=3)).notes
    assert len(notes) == 50 and len({note.source_note_id for note in notes}) == 50
