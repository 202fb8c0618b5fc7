"""Extraction output replaces only what it should and never touches the worker's curation."""
from __future__ import annotations

import pytest

from store import curation
from store.facts import iter_rows, replace_case_facts, replace_note_facts
from store.notes import store_import
from tests.store.factory import note, read_result


def _event(note_id: str, start: int, **fields):
    return {"id": f"e-{note_id}-{start}", "note_id": note_id, "start": start, "end": start + 6,
            "date": "2023-03-12", "precision": "day", "type": "police_attendance", "significance": 2, **fields}


@pytest.fixture
def two_notes(case):
    first, second = note("Police attended the home.", ref="row 1"), note("Police called again.", day="2023-04-02", ref="row 2")
    store_import(case, "a.csv", "sha-a", "csv", read_result(first, second))
    return first.id, second.id


def test_facts_round_trip_with_extra_keys(case, two_notes):
    first, _ = two_notes
    replace_note_facts(case, [first], events=[_event(first, 0, people=["p1"], trigger="attended")],
                       risks=[{"id": "r1", "note_id": first, "start": 0, "end": 6, "text": "Police",
                               "category": "domestic_abuse", "negated": True, "status": "negated"}])
    [event] = iter_rows(case, "events", note_id=first)
    assert event["people"] == ["p1"] and event["trigger"] == "attended" and event["hidden"] is False
    [risk] = iter_rows(case, "risks")
    assert risk["negated"] is True and risk["experiencer"] == "subject"


def test_replacing_one_notes_facts_leaves_the_others(case, two_notes):
    first, second = two_notes
    replace_note_facts(case, [first, second], events=[_event(first, 0), _event(second, 0)])
    replace_note_facts(case, [first], events=[])
    assert [e["note_id"] for e in iter_rows(case, "events")] == [second]


def test_rows_for_other_notes_are_rejected(case, two_notes):
    first, second = two_notes
    with pytest.raises(ValueError):
        replace_note_facts(case, [first], events=[_event(second, 0)])
    assert list(iter_rows(case, "events")) == []


def test_curation_survives_re_extraction_and_vanished_targets_are_listed(case, two_notes):
    first, second = two_notes
    replace_note_facts(case, [first, second], events=[_event(first, 0), _event(second, 0)])
    curation.set_value(case, "event", f"e-{first}-0", "impact", "Child frightened; stayed with gran.")
    curation.set_value(case, "event", f"e-{second}-0", "hidden", True)

    replace_note_facts(case, [first, second], events=[_event(first, 0)])  # same id again; second gone

    rows = {r["target_id"]: r for r in curation.rows(case)}
    assert rows[f"e-{first}-0"]["value"] == "Child frightened; stayed with gran."
    assert rows[f"e-{first}-0"]["orphaned"] is False
    assert [r["target_id"] for r in curation.rows(case, orphaned=True)] == [f"e-{second}-0"]

    replace_note_facts(case, [second], events=[_event(second, 0)])  # it comes back
    assert curation.rows(case, orphaned=True) == []


def test_case_facts_replace_people_and_gaps_and_apply_updates(case, two_notes):
    first, _ = two_notes
    replace_note_facts(case, [first], mentions=[{"id": "m1", "note_id": first, "start": 0, "end": 6, "text": "Police"}],
                       events=[_event(first, 0)])
    replace_case_facts(
        case,
        people=[{"id": "p1", "name": "PC Smith", "kind": "professional", "contacts": {"phones": ["01632 960000"], "emails": []}}],
        updates={"mentions": {"m1": {"person_id": "p1"}}, "events": {f"e-{first}-0": {"people": ["p1"], "cluster": 3}}},
        gaps=[{"item": "gp", "found": False, "evidence": []}],
    )
    assert [m["person_id"] for m in iter_rows(case, "mentions")] == ["p1"]
    [event] = iter_rows(case, "events")
    assert event["people"] == ["p1"] and event["cluster"] == 3
    [person] = iter_rows(case, "people")
    assert person["contacts"]["phones"] == ["01632 960000"]
    replace_case_facts(case, people=[], updates={}, gaps=[])
    assert list(iter_rows(case, "people")) == [] and list(iter_rows(case, "gaps")) == []


def test_curation_rejects_fields_that_cannot_be_curated(case):
    with pytest.raises(ValueError):
        curation.set_value(case, "event", "e1", "note_id", "n2")
    with pytest.raises(ValueError):
        curation.set_value(case, "meeting", "x", "hidden", True)


def test_gap_evidence_is_kept_per_note(case, two_notes):
    first, second = two_notes
    replace_note_facts(case, [first, second], gap_evidence=[
        {"id": "g1", "note_id": first, "item": "gp", "start": 0, "end": 6},
        {"id": "g2", "note_id": second, "item": "school", "start": 0, "end": 6},
    ])
    replace_note_facts(case, [first], gap_evidence=[])
    assert [g["item"] for g in iter_rows(case, "gap_evidence")] == ["school"]
