from reports.chronology import build_chronology, label, select_events
from reports.word import export_docx
from store import cases, facts


def test_vocabulary_labels():
    assert label("event_types", "s47_enquiry") == "Section 47 enquiry"
    assert label("event_types", "school_exclusion") == "School exclusion"
    assert label("gap_items", "gp") == "GP"
    assert label("event_types", None) == ""


def test_a_selection_exports_any_status_but_never_hidden_events(case):
    case.db.execute("UPDATE events SET status = 'uncertain' WHERE id = 'e0005'")
    assert [e["id"] for e in select_events(case, event_ids=["e0005", "e0000"])] == ["e0005"]
    assert "e0005" not in [e["id"] for e in select_events(case)]


def test_planned_events_say_so(case):
    chronology = build_chronology(case, key_only=False)
    case.db.execute("UPDATE events SET status = 'hypothetical' WHERE id = 'e0007'")
    planned = build_chronology(case, key_only=False)
    row = next(e for e in planned.entries if e.event_id == "e0007")
    assert row.event.endswith("(planned)")
    assert len(planned.entries) == len(chronology.entries)


def test_an_event_recorded_in_several_notes_is_one_row_naming_each_note(case):
    facts.replace_case_facts(case, people=[], updates={"events": {"e0004": {"duplicate_of": "e0003"}}}, gaps=[])
    entries = build_chronology(case, key_only=False).entries
    assert "e0004" not in [e.event_id for e in entries]
    row = next(e for e in entries if e.event_id == "e0003")
    assert "Also recorded: " in row.source


def test_each_child_gets_an_age(case, tmp_path):
    cases.set_subjects(case, [{"person_id": "p-child", "name": "Amy Jones", "dob": "2015-03-12"},
                              {"person_id": "p-baby", "name": "Kai Jones", "dob": "2019-06-01"}])
    chronology = build_chronology(case)
    assert chronology.entries[0].age == "Amy Jones: 1m\nKai Jones: unborn"
    anonymised = build_chronology(case, anonymise=True)
    assert anonymised.entries[0].age == "Child 1: 1m\nChild 2: unborn"
    assert [s.name for s in anonymised.subjects] == ["Child 1", "Child 2"]
    assert anonymised.title == "Chronology for Child 1, Child 2"
    assert export_docx(case, tmp_path / "two.docx").count == len(chronology.entries)
