"""The chronology and summary queries the views and reports build on."""
from __future__ import annotations

import pytest

from store import curation
from store.facts import replace_case_facts, replace_note_facts
from store.notes import store_import
from store.queries import case_summary, chronology, chronology_ids, events, fts_query
from tests.store.factory import note, read_result


@pytest.fixture
def chronology_case(case):
    visit = note("Home visit. Mum and Darren shouting; police called by neighbour.", day="2023-03-12", ref="row 1")
    school = note("School report: attendance good, Kayden settled.", day="2023-05-02", ref="row 2")
    undated = note("Historic referral mentioned by gran.", day=None, ref="row 3")
    store_import(case, "a.csv", "sha-a", "csv", read_result(visit, school, undated))
    replace_note_facts(
        case, [visit.id, school.id, undated.id],
        events=[
            {"id": "police", "note_id": visit.id, "start": 36, "end": 42, "date": "2023-03-12", "type": "police_attendance",
             "significance": 3, "people": ["p-darren"], "summary": "Police called to the home"},
            {"id": "visit", "note_id": visit.id, "start": 0, "end": 10, "date": "2023-03-12", "type": "home_visit", "significance": 1},
            {"id": "school", "note_id": school.id, "start": 0, "end": 13, "date": "2023-05", "precision": "month",
             "type": "positive_event", "significance": 2},
            {"id": "maybe", "note_id": school.id, "start": 14, "end": 24, "date": "2023-05-02", "type": "other",
             "significance": 2, "status": "uncertain"},
            {"id": "copy", "note_id": school.id, "start": 25, "end": 30, "date": "2023-03-12", "type": "police_attendance",
             "significance": 3, "duplicate_of": "police"},
            {"id": "old", "note_id": undated.id, "start": 0, "end": 8, "type": "referral", "significance": 2},
        ],
        risks=[{"id": "r1", "note_id": visit.id, "start": 21, "end": 29, "text": "shouting", "category": "domestic_abuse"}],
    )
    replace_case_facts(case, [{"id": "p-darren", "name": "Darren", "kind": "family"}], {}, [])
    return case


def _ids(rows):
    return [r["id"] for r in rows]


def test_default_chronology_orders_by_date_and_leaves_out_uncertain_and_copies(chronology_case):
    assert _ids(chronology(chronology_case)) == ["visit", "police", "school", "old"]
    assert _ids(chronology(chronology_case, order="desc"))[:1] == ["school"]


def test_filters(chronology_case):
    case = chronology_case
    assert _ids(chronology(case, date_from="2023-05-01", date_to="2023-05-31")) == ["school"]
    assert _ids(chronology(case, date_to="2023-03-12")) == ["visit", "police"]
    assert _ids(chronology(case, types=["home_visit"])) == ["visit"]
    assert _ids(chronology(case, min_significance=2)) == ["police", "school", "old"]
    assert _ids(chronology(case, person_id="p-darren")) == ["police"]
    assert _ids(chronology(case, risk_category="domestic_abuse")) == ["visit", "police"]
    assert _ids(chronology(case, text="attend")) == ["school"]
    assert _ids(chronology(case, text="neighbour police")) == ["visit", "police"]
    assert "maybe" in _ids(chronology(case, include_statuses=["current", "uncertain"]))
    assert "copy" in _ids(chronology(case, include_duplicates=True))


def test_curation_is_applied_before_filtering(chronology_case):
    case = chronology_case
    curation.set_value(case, "event", "visit", "significance", 3)
    curation.set_value(case, "event", "police", "hidden", True)
    rows = chronology(case, min_significance=3)
    assert _ids(rows) == ["visit"] and rows[0]["curated"] and rows[0]["reviewed"]
    hidden = {r["id"]: r for r in chronology(case, hidden=True)}
    assert hidden["police"]["hidden"] is True


def test_rows_carry_the_source_note(chronology_case):
    [row] = chronology(chronology_case, types=["police_attendance"])
    assert row["note_date"] == "2023-03-12" and row["people"] == ["p-darren"]


def test_search_words_are_quoted_safely():
    assert fts_query('mum AND "dad') == '"mum" "AND" "dad"*'
    assert fts_query("  -- ") == ""


def test_case_summary(chronology_case):
    summary = case_summary(chronology_case)
    assert (summary["notes"], summary["undated_notes"]) == (3, 1)
    assert (summary["date_from"], summary["date_to"]) == ("2023-03-12", "2023-05-02")
    assert (summary["imports"], summary["imports_incomplete"]) == (1, 1)
    assert (summary["events"], summary["key_events"], summary["people"], summary["current_risks"]) == (5, 4, 1, 1)


def test_ids_then_rows_give_the_same_chronology(chronology_case):
    filters = {"min_significance": 1, "order": "desc"}
    ids = chronology_ids(chronology_case, **filters)
    assert ids == _ids(chronology(chronology_case, **filters))
    rows = events(chronology_case, ids[:2])
    assert [rows[i] for i in ids[:2]] == chronology(chronology_case, **filters)[:2]
