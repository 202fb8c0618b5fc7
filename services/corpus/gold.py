"""The gold standard of a generated case (``gold.json``, documented in docs/corpus.md)."""
from __future__ import annotations

from services.corpus.banks import GAP_ITEMS
from services.corpus.generate import CaseNote, GeneratedCase

GOLD_FORMAT = "caselens-gold/1"


def _rows(note: CaseNote, kind: str) -> list[dict]:
    rows = []
    for row in getattr(note.draft, kind):
        out = {"note_id": note.id, **row}
        if kind in ("risks", "strengths"):
            out["person"] = out.pop("person")
        rows.append(out)
    return rows


def build_gold(case: GeneratedCase) -> dict:
    """Everything the generator wrote, with offsets into each note's canonical text."""
    mentioned: dict[str, int] = {}
    contacts: dict[str, dict[str, list[str]]] = {}
    for note in case.notes:
        for mention in note.draft.mentions:
            mentioned[mention["person"]] = mentioned.get(mention["person"], 0) + 1
        for slot, kind, value in note.draft.contacts:
            person_contacts = contacts.setdefault(f"p_{slot}", {"phones": [], "emails": []})
            bucket = person_contacts["phones" if kind == "phone" else "emails"]
            if value not in bucket:
                bucket.append(value)
    final_household = case.story.household(case.story.end)
    people = []
    for slot, person in case.cast.people.items():
        if person.id not in mentioned:
            continue
        aliases = sorted({form for form in person.forms if form != person.name})
        people.append({
            "id": person.id, "name": person.name, "aliases": aliases, "kind": person.kind,
            "role": person.role, "organisation": person.organisation,
            "relationship": None if slot == "child" else person.relationship, "side": person.side,
            "household": slot in final_household, "contacts": contacts.get(person.id, {"phones": [], "emails": []}),
            "mentions": mentioned[person.id],
        })
    gaps = []
    for item in sorted(GAP_ITEMS):
        spans = sorted({(note.id, ev["start"], ev["end"]) for note in case.notes for ev in note.draft.gap_evidence
                        if ev["item"] == item})
        evidence = [{"note_id": note_id, "start": start, "end": end} for note_id, start, end in spans]
        gaps.append({"item": item, "found": bool(evidence), "evidence": evidence})
    child = case.subject
    gold = {
        "format": GOLD_FORMAT,
        "seed": case.seed,
        "held_out": case.held_out,
        "today": case.today.isoformat(),
        "subjects": [{"person_id": child.id, "name": child.name, "dob": child.dob.isoformat()}],
        "notes_count": len(case.notes),
        "notes": {note.id: _note_entry(note) for note in case.notes},
        "people": people,
        "mentions": [row for note in case.notes for row in _rows(note, "mentions")],
        "events": [row for note in case.notes for row in _rows(note, "events")],
        "risks": [row for note in case.notes for row in _rows(note, "risks")],
        "strengths": [row for note in case.notes for row in _rows(note, "strengths")],
        "dates": [row for note in case.notes for row in _rows(note, "dates")],
        "gaps": gaps,
    }
    if case.reexport is not None and case.reexport_of is not None:
        gold["reexport"] = {"file": "reexport/case.csv", "source_note_id": case.reexport.source_ids[0],
                            "replaces_note_id": case.reexport_of.id, "note_id": case.reexport.id,
                            "text": case.reexport.text}
    return gold


def _note_entry(note: CaseNote) -> dict:
    return {"note_date": note.iso_date, "date": note.note_date.isoformat() if note.note_date else None,
            "recorded_date": note.recorded_date.isoformat() if note.recorded_date else None,
            "note_type": note.note_type, "author": note.author, "title": note.title, "text": note.text,
            "source_note_ids": list(note.source_ids), "group_note": len(note.source_ids) > 1}

