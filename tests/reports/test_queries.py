from reports import queries
from store import curation, facts


def test_people_with_the_workers_merge_applied(case):
    curation.set_value(case, "person", "p-father", "merged_into", "p-mother")
    people = {p["id"]: p for p in queries.people(case)}
    assert "p-father" not in people
    assert "Darren Smith" in people["p-mother"]["aliases"]


def test_people_with_the_workers_edits_applied(case):
    curation.set_value(case, "person", "p-hv", "role", "Specialist health visitor")
    people = {p["id"]: p for p in queries.people(case)}
    assert people["p-hv"]["role"] == "Specialist health visitor"


def test_note_sources_carry_the_source_system_id(case):
    note_id = case.db.execute("SELECT note_id FROM events WHERE id = 'e0001'").fetchone()[0]
    source = queries.note_sources(case, [note_id])[note_id]
    assert source.source_note_ids == ("SN100001",)
    assert source.author == "Priya Patel" and source.agency == "Children's Services"


def test_other_notes_recording_the_same_event(case):
    copy_note = case.db.execute("SELECT note_id FROM events WHERE id = 'e0004'").fetchone()[0]
    facts.replace_case_facts(case, people=queries.people(case), updates={"events": {"e0004": {"duplicate_of": "e0003"}}},
                             gaps=[])
    assert queries.duplicate_notes(case, ["e0003"]) == {"e0003": [copy_note]}


def test_risks_by_category_count_current_household_mentions(case):
    risks = queries.category_summary(case, "risks")
    assert [r["category"] for r in risks] == ["domestic_abuse"]
    assert risks[0]["cin_codes"] == ["3B"] and risks[0]["count"] == 2
    assert risks[0]["first_seen"] <= risks[0]["last_seen"]


def test_gaps_list_what_was_and_was_not_found(case):
    assert {g["item"]: g["found"] for g in queries.gaps(case)} == {"marac": False, "school": True}


def test_risk_summary_counts_the_workers_corrections_and_added_risks(case):
    risk_id, note_id = case.db.execute("SELECT id, note_id FROM risks WHERE category = 'domestic_abuse'").fetchone()
    curation.set_value(case, "risk", risk_id, "status", "negated")
    curation.add_manual(case, "risk", {"note_id": note_id, "start": 0, "end": 4, "text": "home",
                                       "category": "neglect", "status": "current"})
    risks = {r["category"]: r for r in queries.category_summary(case, "risks")}
    assert risks["domestic_abuse"]["count"] == 1 and risks["neglect"]["count"] == 1
