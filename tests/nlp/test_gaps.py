"""Gaps: checklist evidence counts only when the note states the fact."""
from __future__ import annotations

import json

import pytest
import spacy

from nlp.gaps import GAP_ITEMS, GAPS_FILE, GapFinder, load_checklist, read_gap_rules, summarise_gaps
from nlp.risks import resource_text


@pytest.fixture(scope="module")
def blank():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("caselens_gaps")
    return nlp


def items(nlp, text: str) -> list[str]:
    return [item for item, _start, _end in nlp(text)._.gap_evidence]


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("The case was heard at MARAC on 12/03/2023.", "marac_status"),
        ("Mum is supported by the IDVA.", "idva"),
        ("A safety plan is in place with mum.", "safety_plan"),
        ("Dad is living at his mother's address in Leeds.", "perpetrator_address"),
        ("School report that attendance is 84%.", "school_attendance"),
        ("The family are registered with Park Lane GP surgery.", "gp"),
        ("The health visitor completed a developmental check.", "health_visitor"),
        ("Direct work completed: Tyler's wishes and feelings were recorded.", "child_views"),
        ("The family are White British and English is their first language.", "ethnicity_language"),
        ("Tyler has two younger siblings.", "other_children"),
    ],
)
def test_each_item_is_found_from_a_statement(blank, text, item):
    assert item in items(blank, text)


def test_a_negated_safety_plan_leaves_the_gap_open(blank):
    assert "safety_plan" not in items(blank, "There is no safety plan in place.")


def test_a_planned_safety_plan_leaves_the_gap_open(blank):
    assert "safety_plan" not in items(blank, "A safety plan will be completed if dad returns.")


def test_no_other_children_answers_the_question(blank):
    assert "other_children" in items(blank, "There are no other children in the household.")


def test_evidence_offsets_point_at_the_words(blank):
    text = "Mum has an IDVA."
    ((item, start, end),) = blank(text)._.gap_evidence
    assert (item, text[start:end]) == ("idva", "IDVA")


def test_summary_answers_every_item_in_checklist_order():
    rows = [
        {"item": "idva", "note_id": "n2", "start": 5, "end": 9},
        {"item": "idva", "note_id": "n1", "start": 0, "end": 4},
        {"item": "idva", "note_id": "n1", "start": 0, "end": 4},
    ]
    summary = summarise_gaps(rows)
    assert [row["item"] for row in summary] == list(GAP_ITEMS)
    idva = summary[GAP_ITEMS.index("idva")]
    assert idva["found"] is True
    assert idva["evidence"] == [{"note_id": "n1", "start": 0, "end": 4}, {"note_id": "n2", "start": 5, "end": 9}]
    gp = summary[GAP_ITEMS.index("gp")]
    assert gp == {"item": "gp", "found": False, "evidence": []}


def test_summary_of_nothing_is_all_gaps():
    assert all(not row["found"] for row in summarise_gaps([]))


def test_checklist_has_plain_words_for_the_worker():
    checklist = load_checklist()
    assert [entry.item for entry in checklist] == list(GAP_ITEMS)
    assert all(entry.label and entry.question.endswith("?") for entry in checklist)


def test_rules_round_trip_through_disk(blank, tmp_path):
    finder = blank.get_pipe("caselens_gaps")
    finder.to_disk(tmp_path / "gaps")
    nlp = spacy.blank("en")
    restored = GapFinder(nlp, rules=[]).from_disk(tmp_path / "gaps")
    assert restored.rules == finder.rules
    assert [i for i, _s, _e in restored(nlp.make_doc("Referred to MARAC."))._.gap_evidence] == ["marac_status"]


def test_a_checklist_missing_an_item_is_refused():
    lines = [line for line in resource_text(GAPS_FILE).splitlines() if '"item": "gp"' not in line]
    with pytest.raises(ValueError):
        read_gap_rules("\n".join(lines))


def test_unknown_keys_are_refused():
    row = {"item": "gp", "label": "GP", "question": "Which GP?", "phrases": ["gp"], "weight": 2}
    with pytest.raises(ValueError):
        read_gap_rules(json.dumps(row))
