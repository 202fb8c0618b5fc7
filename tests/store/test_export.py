"""The whole case as the contracted caselens/1 document."""
from __future__ import annotations

import json

from store import cases, curation
from store.export import case_to_json
from store.facts import replace_case_facts, replace_note_facts
from store.notes import store_import
from tests.store.factory import note, read_result

CONTRACT = {
    "imports": {"id", "file", "sha256", "format", "imported_at", "status", "notes"},
    "notes": {"id", "note_date", "recorded_date", "author", "note_type", "agency", "title", "text", "sources",
              "duplicate_of", "version_of"},
    "people": {"id", "name", "aliases", "kind", "role", "organisation", "relationship", "side", "household",
               "contacts", "first_seen", "last_seen"},
    "mentions": {"id", "note_id", "start", "end", "text", "person_id"},
    "events": {"id", "note_id", "start", "end", "date", "precision", "approximate", "date_source", "type",
               "plan_kind", "stage", "summary", "significance", "confidence", "status", "people", "location",
               "impact", "action", "reviewed", "hidden", "duplicate_of", "curated"},
    "risks": {"id", "note_id", "start", "end", "text", "category", "cin_code", "status", "negated", "historical",
              "hypothetical", "uncertain", "experiencer", "person_id"},
    "gaps": {"item", "found", "evidence"},
    "curation": {"id", "target_kind", "target_id", "field", "value", "reviewed", "edited_at", "orphaned"},
    "audit": {"at", "action", "detail"},
}


def test_the_document_has_exactly_the_contracted_fields_with_curation_applied(case):
    cases.set_title(case, "Smith children")
    cases.set_subjects(case, [{"person_id": "p-child", "name": "Kayden Smith", "dob": "2015-06-01"}])
    old = note("Police attended.", source_id="9")
    store_import(case, "jan.csv", "sha-jan", "csv", read_result(old))
    replace_note_facts(case, [old.id], events=[{"id": "e-old", "note_id": old.id, "start": 0, "end": 6, "type": "police_attendance"}])
    new = note("Police attended. Mum arrested.", source_id="9")
    store_import(case, "feb.csv", "sha-feb", "csv", read_result(new))
    replace_note_facts(
        case, [new.id],
        mentions=[{"id": "m1", "note_id": new.id, "start": 17, "end": 20, "text": "Mum", "kind": "family"}],
        events=[
            {"id": "e1", "note_id": new.id, "start": 0, "end": 16, "date": "2023-03-12", "type": "police_attendance",
             "significance": 2, "summary": "Police attended"},
            {"id": "e2", "note_id": new.id, "start": 17, "end": 30, "date": "2023-03-12", "type": "arrest", "significance": 3},
        ],
        risks=[{"id": "r1", "note_id": new.id, "start": 0, "end": 6, "text": "Police", "category": "domestic_abuse"}],
    )
    replace_case_facts(case, [{"id": "p-mum", "name": "Mum", "kind": "family"}], {"mentions": {"m1": {"person_id": "p-mum"}}},
                       [{"item": "gp", "found": False, "evidence": []}])
    curation.set_value(case, "event", "e1", "hidden", True)
    curation.set_value(case, "event", "e2", "summary", "Mother arrested at home")

    document = json.loads(json.dumps(case_to_json(case)))

    assert document["format"] == "caselens/1"
    assert document["case"] == {"title": "Smith children",
                                "subjects": [{"person_id": "p-child", "name": "Kayden Smith", "dob": "2015-06-01"}]}
    for key, fields in CONTRACT.items():
        assert document[key], key
        assert all(set(row) == fields for row in document[key]), key
    assert [n["id"] for n in document["notes"]] == [new.id]
    assert document["notes"][0]["version_of"] == old.id
    assert document["notes"][0]["sources"] == [{"import_id": 2, "ref": "row 1", "source_note_id": "9"}]
    events = {e["id"]: e for e in document["events"]}
    assert set(events) == {"e1", "e2"}
    assert events["e1"]["hidden"] is True and events["e1"]["curated"] is True
    assert events["e2"]["summary"] == "Mother arrested at home" and events["e2"]["hidden"] is False
    assert document["mentions"][0]["person_id"] == "p-mum" and "kind" not in document["mentions"][0]
    assert [a["action"] for a in document["audit"]] == ["import", "import"]
    assert document["strengths"] == []
