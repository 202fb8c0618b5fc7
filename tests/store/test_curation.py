"""The worker's own facts (added events and risks, a person split off) and corrections: shown by
every query, kept through re-extraction, exported as curated."""
from __future__ import annotations

import pytest

from store import curation, queries
from store.export import case_to_json
from store.facts import replace_case_facts, replace_note_facts
from store.notes import store_import
from tests.store.factory import note, read_result

VISIT = "Home visit. Mum and Darren shouting. Mum said Darren drinks every night."
SCHOOL = "School report: attendance good. Darren collected Kayden."


@pytest.fixture
def family_case(case):
    visit = note(VISIT, day="2023-03-12", ref="row 1")
    school = note(SCHOOL, day="2023-05-02", ref="row 2")
    store_import(case, "a.csv", "sha-a", "csv", read_result(visit, school))
    facts = {
        "mentions": [
            {"id": "m1", "note_id": visit.id, "start": 25, "end": 31, "text": "Darren", "person_id": "p-darren"},
            {"id": "m2", "note_id": visit.id, "start": 50, "end": 56, "text": "Darren", "person_id": "p-darren"},
            {"id": "m3", "note_id": school.id, "start": 32, "end": 38, "text": "Darren", "person_id": "p-darren"},
        ],
        "events": [
            {"id": "visit", "note_id": visit.id, "start": 0, "end": 10, "date": "2023-03-12", "type": "home_visit",
             "significance": 1, "people": ["p-darren"]},
            {"id": "school", "note_id": school.id, "start": 0, "end": 13, "date": "2023-05-02",
             "type": "positive_event", "significance": 2, "people": ["p-darren"]},
        ],
        "risks": [{"id": "r1", "note_id": visit.id, "start": 32, "end": 40, "text": "shouting",
                   "category": "domestic_abuse", "cin_code": "3B"}],
    }
    replace_note_facts(case, [visit.id, school.id], **facts)
    people = [{"id": "p-darren", "name": "Darren", "kind": "family", "relationship": "parent_partner",
               "aliases": ["Darren Smith", "Uncle Darren"]},
              {"id": "p-gran", "name": "Gran", "kind": "family", "relationship": "grandmother"}]
    replace_case_facts(case, people, {}, [])
    case.facts = facts
    case.notes = (visit, school)
    return case


def _re_extract(case):
    replace_note_facts(case, [n.id for n in case.notes], **case.facts)


def test_an_added_event_shows_in_the_chronology_summary_and_export_and_survives_re_extraction(family_case):
    case = family_case
    event_id = curation.add_manual(case, "event", {
        "date": "2023-04", "precision": "month", "type": "household_change", "summary": "Darren moved in",
        "significance": 2, "impact": "Kayden shares a room", "action": "Visit to check sleeping"})
    assert event_id.startswith("manual-event-")
    _re_extract(case)
    rows = queries.chronology(case)
    assert [r["id"] for r in rows] == ["visit", event_id, "school"]
    added = rows[1]
    assert added["manual"] and added["curated"] and added["note_id"] is None
    assert queries.chronology_ids(case, min_significance=2) == [event_id, "school"]
    assert queries.chronology_ids(case, text="moved") == [event_id]
    assert queries.events(case, [event_id])[event_id]["impact"] == "Kayden shares a room"
    assert queries.case_summary(case)["key_events"] == 2
    exported = {e["id"]: e for e in case_to_json(case)["events"]}
    assert exported[event_id]["curated"] is True and exported[event_id]["summary"] == "Darren moved in"
    assert "household_change" in queries.event_types_present(case)


def test_an_added_event_can_be_corrected_and_removed(family_case):
    case = family_case
    event_id = curation.add_manual(case, "event", {"date": "2023-04-01", "precision": "day", "summary": "Moved"})
    curation.set_value(case, "event", event_id, "hidden", True)
    assert event_id not in queries.chronology_ids(case)
    row = curation.remove_manual(case, "event", event_id)
    assert curation.rows(case, orphaned=True)[0]["target_id"] == event_id
    curation.add_manual(case, "event", row)
    assert curation.rows(case, orphaned=True) == []
    assert event_id in queries.chronology_ids(case, hidden=True)


def test_an_added_risk_counts_in_categories_summary_and_the_risk_filter(family_case):
    case = family_case
    visit = case.notes[0]
    start = VISIT.index("drinks every night")
    risk_id = curation.add_manual(case, "risk", {
        "note_id": visit.id, "start": start, "end": start + 18, "text": "drinks every night",
        "category": "alcohol_misuse", "status": "current", "person_id": "p-darren"})
    _re_extract(case)
    categories = {r.category: r for r in queries.risk_categories(case)}
    assert categories["alcohol_misuse"].current == 1
    assert queries.case_summary(case)["current_risks"] == 2
    assert queries.chronology_ids(case, risk_category="alcohol_misuse") == ["visit"]
    [mention] = queries.risk_mentions(case, category="alcohol_misuse")
    assert mention.id == risk_id and mention.sentence == "Mum said Darren drinks every night."
    assert any(r["id"] == risk_id and r["curated"] for r in case_to_json(case)["risks"])


def test_risk_corrections_change_the_current_risk_count_and_the_risk_filter(family_case):
    case = family_case
    assert queries.case_summary(case)["current_risks"] == 1
    curation.set_value(case, "risk", "r1", "status", "negated")
    assert queries.case_summary(case)["current_risks"] == 0
    assert queries.chronology_ids(case, risk_category="domestic_abuse") == []
    curation.set_value(case, "risk", "r1", "status", "current")
    curation.set_value(case, "risk", "r1", "category", "emotional_abuse")
    assert queries.chronology_ids(case, risk_category="emotional_abuse") == ["visit"]
    assert queries.risk_categories_present(case) == ["emotional_abuse"]


def test_the_person_filter_follows_the_workers_merges(family_case):
    case = family_case
    curation.set_value(case, "person", "p-darren", "merged_into", "p-gran")
    assert queries.chronology_ids(case, person_id="p-gran") == ["visit", "school"]
    assert [pid for pid, _ in queries.people_choices(case)] == ["p-gran"]
    assert queries.case_summary(case)["people"] == 1


def test_splitting_a_person_moves_the_chosen_mentions_their_events_and_aliases(family_case):
    case = family_case
    assert [m["id"] for m in queries.person_mentions(case, "p-darren")] == ["m1", "m2", "m3"]
    person, changes = curation.split_person(case, "p-darren", ["m3"], {
        "name": "Darren (uncle)", "relationship": "uncle", "kind": "family", "aliases": ["Uncle Darren"]})
    new_id = curation.add_manual(case, "person", person)
    for kind, target, values in changes:
        for name, value in values.items():
            curation.set_value(case, kind, target, name, value)
    _re_extract(case)
    replace_case_facts(case, [{"id": "p-darren", "name": "Darren", "kind": "family",
                               "aliases": ["Darren Smith", "Uncle Darren"]},
                              {"id": "p-gran", "name": "Gran", "kind": "family"}], {}, [])
    assert [m["id"] for m in queries.person_mentions(case, new_id)] == ["m3"]
    assert queries.chronology_ids(case, person_id=new_id) == ["school"]
    assert queries.chronology_ids(case, person_id="p-darren") == ["visit"]
    people = {p["id"]: p for p in queries.people(case)}
    assert people[new_id]["name"] == "Darren (uncle)" and people[new_id]["manual"]
    assert people["p-darren"]["aliases"] == ["Darren Smith"]
    assert any(p["id"] == new_id for p in case_to_json(case)["people"])


def test_only_the_worker_can_add_events_risks_and_people(family_case):
    with pytest.raises(ValueError):
        curation.add_manual(family_case, "gap", {"item": "school"})
    with pytest.raises(ValueError):
        curation.add_manual(family_case, "event", {"colour": "red"})
