"""The evaluation's scoring on tiny hand-made gold and predictions, and the command end to end."""
from __future__ import annotations

import io
import sys

import pytest

from services import evaluation
from services.corpus import generate_case
from services.evaluation import Report, Score, compare, print_report

TEXT = "Mum said Dean hit her on 12/03/2023. No concerns re alcohol."


def _gold() -> dict:
    return {
        "notes": {"n1": {"date": "2023-03-14", "text": TEXT}},
        "people": [
            {"id": "p_mother", "relationship": "mother"},
            {"id": "p_partner", "relationship": "parent_partner"},
        ],
        "mentions": [
            {"note_id": "n1", "start": 0, "end": 3, "text": "Mum", "person": "p_mother"},
            {"note_id": "n1", "start": 9, "end": 13, "text": "Dean", "person": "p_partner"},
        ],
        "events": [{"note_id": "n1", "start": 9, "end": 35, "type": "domestic_abuse_incident",
                    "date": "2023-03", "precision": "month", "significance": 3}],
        "risks": [
            {"note_id": "n1", "start": 9, "end": 19, "category": "domestic_abuse", "status": "current",
             "negated": False},
            {"note_id": "n1", "start": 37, "end": 59, "category": "alcohol_misuse", "status": "negated",
             "negated": True},
        ],
        "strengths": [],
        "dates": [{"note_id": "n1", "start": 25, "end": 35, "value": "2023-03-12", "precision": "day"}],
        "gaps": [{"item": "marac_status", "found": False}, {"item": "gp", "found": True}],
    }


def _perfect() -> dict:
    return {
        "people": [{"id": "A", "relationship": "mother"}, {"id": "B", "relationship": "parent_partner"}],
        "mentions": [
            {"note_id": "n1", "start": 0, "end": 3, "person_id": "A"},
            {"note_id": "n1", "start": 9, "end": 13, "person_id": "B"},
        ],
        "events": [{"note_id": "n1", "start": 14, "end": 20, "type": "domestic_abuse_incident", "date": "2023-03-12"}],
        "risks": [
            {"note_id": "n1", "start": 14, "end": 17, "category": "domestic_abuse", "status": "current", "negated": False},
            {"note_id": "n1", "start": 37, "end": 48, "category": "alcohol_misuse", "status": "negated", "negated": True},
        ],
        "strengths": [],
        "gaps": [{"item": "marac_status", "found": False}, {"item": "gp", "found": True}],
    }


def test_f1_is_the_harmonic_mean_and_empty_scores_are_zero():
    assert Score(tp=2, fp=2, fn=0).f1 == pytest.approx(2 * 0.5 * 1.0 / 1.5)
    assert Score().precision == Score().recall == Score().f1 == 0.0


def test_a_prediction_matching_the_gold_scores_one_everywhere():
    dates = [{"note_id": "n1", "start": 25, "end": 35, "value": "2023-03-12", "precision": "day"}]
    scores, gaps, misses = compare(_gold(), _perfect(), dates)
    for name in evaluation.FACTS:
        assert (scores[name].precision, scores[name].recall) == (1.0, 1.0), name
    assert gaps == (2, 2)
    assert misses == []


def test_a_mention_of_the_wrong_person_is_not_a_match():
    predicted = _perfect()
    predicted["mentions"][1]["person_id"] = "A"  # Dean put in Mum's cluster
    scores, _, _ = compare(_gold(), predicted, [])
    assert scores["person mentions"].tp == 1 and scores["person mentions"].fn == 1
    assert scores["people"].tp == 1  # Mum is still found; Dean has no cluster of his own


def test_agencies_are_left_out_of_the_people_scores_on_both_sides():
    gold = _gold()
    gold["people"].append({"id": "p_@police", "kind": "agency", "relationship": "unknown"})
    gold["mentions"].append({"note_id": "n1", "start": 37, "end": 39, "text": "No", "person": "p_@police"})
    predicted = _perfect()
    predicted["people"].append({"id": "C", "kind": "agency", "relationship": "unknown"})
    predicted["mentions"].append({"note_id": "n1", "start": 50, "end": 55, "person_id": "C"})  # an unannotated "police"
    scores, _, _ = compare(gold, predicted, [])
    for name in ("person mentions", "people", "relationships"):
        assert (scores[name].precision, scores[name].recall) == (1.0, 1.0), name


def test_an_event_dated_at_the_wrong_month_or_type_is_missed_and_listed():
    predicted = _perfect()
    predicted["events"][0]["date"] = "2023-04-12"
    scores, _, misses = compare(_gold(), predicted, [])
    assert scores["events"].tp == 0 and scores["events"].fn == 1 and scores["events"].fp == 1
    assert misses[0].kind == "missed" and misses[0].fact == "event"


def test_a_risk_with_the_wrong_status_is_missed_but_negation_alone_can_still_match():
    predicted = _perfect()
    predicted["risks"][1]["status"] = "current"
    scores, _, _ = compare(_gold(), predicted, [])
    assert scores["risks"].tp == 1 and scores["risks"].fn == 1
    assert scores["negation"].tp == 1


def test_dates_need_the_same_value_and_precision():
    wrong = [{"note_id": "n1", "start": 25, "end": 35, "value": "2023-12-03", "precision": "day"}]
    scores, _, _ = compare(_gold(), _perfect(), wrong)
    assert (scores["dates"].tp, scores["dates"].fp, scores["dates"].fn) == (0, 1, 1)


def test_nothing_predicted_scores_zero_without_failing():
    scores, gaps, misses = compare(_gold(), {}, [])
    assert all(s.tp == 0 and s.f1 == 0.0 for s in scores.values())
    assert gaps == (0, 2)
    assert {m.kind for m in misses} == {"missed"}


def test_without_the_pipeline_the_evaluation_reports_zeros(tmp_path, monkeypatch):
    folder = generate_case(tmp_path / "gold", notes=12, seed=3)
    monkeypatch.setitem(sys.modules, "services.importing", None)
    monkeypatch.setitem(sys.modules, "nlp.dates", None)
    report = evaluation.evaluate(folder)
    assert report.scores["events"].tp == 0 and report.scores["dates"].tp == 0
    assert any("not available" in problem for problem in report.problems)
    out = io.StringIO()
    print_report(report, out)
    assert "person mentions" in out.getvalue() and "Ten worst misses" in out.getvalue()


def test_the_command_runs_the_real_pipeline_and_prints_the_table(tmp_path, capsys):
    folder = generate_case(tmp_path / "gold", notes=15, seed=5)
    assert evaluation.main(folder) == 0
    printed = capsys.readouterr().out
    for row in ("person mentions", "people", "relationships", "events", "risks", "negation", "dates", "gaps"):
        assert row in printed
    assert "15 notes (15 imported)" in printed


def test_misses_show_the_note_text_around_the_span():
    report = Report(scores={name: Score() for name in evaluation.FACTS}, gaps_correct=0, gaps_total=0,
                    misses=compare(_gold(), {}, [])[2], gold_dir=None, notes=1, note_texts={"n1": TEXT})
    out = io.StringIO()
    print_report(report, out)
    assert "\u00bbDean hit\u00ab" in out.getvalue() or "\u00bbDean hit her on 12/03/2023\u00ab" in out.getvalue()
