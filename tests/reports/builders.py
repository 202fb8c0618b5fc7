"""Synthetic cases for the export tests, built through the store's own functions.

Everything here is invented: names, addresses, phone numbers, schools and references.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from extractors.base import RawNote, ReadResult
from store import cases, curation, facts, notes
from store.connection import open_case

MOTHER = "Sarah Jones"
FATHER = "Darren Smith"
CHILD = "Amy Jones"
SOCIAL_WORKER = "Priya Patel"
HEALTH_VISITOR = "Helen Brook"
SCHOOL = "Oakfield Primary School"
PHONE = "07700 900123"
POSTCODE = "BS1 4AA"
EMAIL = "sarah.jones@example.com"
COLLAR = "PC 4521"
DOB = "2015-03-12"

_TEMPLATES = [
    ("police_attendance", 3, "Police attended after a 999 call from {mother}; {collar} spoke to {father}, who had left."),
    ("domestic_abuse_incident", 3, "{mother} disclosed that {father} pushed her against the wall in front of {child}."),
    ("home_visit", 2, "Home visit to {mother} at 14 Acacia Avenue, Bristol {postcode}; {child} seen alone in her bedroom."),
    ("school_non_attendance", 2, "{school} reported {child}'s attendance has dropped to 81% this term."),
    ("health_appointment", 1, "{hv} (health visitor) called {mother} on {phone} to rearrange the appointment."),
    ("referral", 2, "Referral received from {school} DSL about bruising to {child}'s arm; email from {email}."),
    ("strategy_discussion", 3, "Strategy discussion held with police and health; threshold for section 47 met."),
    ("child_protection_conference", 3, "Initial child protection conference: {child} made subject of a CP plan under neglect."),
    ("positive_event", 2, "{child} told {sw} she enjoys the after-school club and feels safe with her nan."),
    ("contact", 0, "Left voicemail for {mother}."),
]


def _text(template: str) -> str:
    return template.format(
        mother=MOTHER, father=FATHER, child="Amy", collar=COLLAR, postcode=POSTCODE, school=SCHOOL,
        hv=HEALTH_VISITOR, phone=PHONE, email=EMAIL, sw=SOCIAL_WORKER,
    )


def build_case(path: Path, events: int = 12, *, seed: int = 7, title: str = "Jones family") -> Path:
    """A case with ``events`` events (one note each) cycling through the templates above, the
    people they name, risks, strengths, gaps, and some worker curation. Returns ``path``."""
    rng = random.Random(seed)
    case = open_case(path, create=True)
    try:
        cases.set_title(case, title)
        cases.set_subjects(case, [{"person_id": "p-child", "name": CHILD, "dob": DOB}])
        start = date(2014, 9, 1)
        raw_notes = []
        for index in range(events):
            kind, significance, template = _TEMPLATES[index % len(_TEMPLATES)]
            when = start + timedelta(days=int(index * 3000 / max(events, 1)) + rng.randint(0, 2))
            text = f"{_text(template)} Case recording {index}."
            raw_notes.append(RawNote(
                text=text, ref=f"row {index + 1}", note_date=f"{when.isoformat()}T10:{index % 60:02d}",
                author=SOCIAL_WORKER if index % 3 else f"{HEALTH_VISITOR} (Health Visitor)",
                note_type="Case Note", agency="Children's Services", source_note_id=f"SN{100000 + index}",
            ))
        notes.store_import(case, path.with_suffix(".csv"), f"sha-{seed}-{events}", "csv",
                           ReadResult(raw_notes, "csv", "row_per_note"))
        rows: dict[str, list[dict]] = {"mentions": [], "events": [], "risks": [], "strengths": []}
        for index, note in enumerate(raw_notes):
            for table, found in _note_facts(index, note).items():
                rows[table].extend(found)
        facts.replace_note_facts(case, [n.id for n in raw_notes], **rows)
        facts.replace_case_facts(case, people=_people(), updates={}, gaps=[
            {"item": "marac", "found": False}, {"item": "school", "found": True,
                                                "evidence": [{"note_id": raw_notes[0].id, "start": 0, "end": 5}]},
        ])
        if events > 3:
            curation.set_value(case, "event", "e0001", "impact", f"{CHILD} was frightened and could not sleep.")
            curation.set_value(case, "event", "e0001", "action", "Referred to MARAC; safety plan agreed with Sarah.")
            curation.set_value(case, "event", "e0002", "reviewed", True)
            curation.set_value(case, "event", "e0000", "hidden", True)
    finally:
        case.close()
    return path


def _note_facts(index: int, note: RawNote) -> dict[str, list[dict]]:
    """The extraction output for one synthetic note: its event, and a risk, strength or
    mention when its text has one. Dates cycle through day, month and (approximate) year."""
    kind, significance, _ = _TEMPLATES[index % len(_TEMPLATES)]
    first = note.text.split(" Case recording")[0]
    precision = ("day", "day", "day", "month", "day", "year")[index % 6]
    value = note.note_date[:{"day": 10, "month": 7, "year": 4}[precision]]
    found: dict[str, list[dict]] = {"mentions": [], "risks": [], "strengths": [], "events": [{
        "id": f"e{index:04d}", "note_id": note.id, "start": 0, "end": len(first), "date": value,
        "precision": precision, "approximate": precision == "year", "date_source": "note_date",
        "type": kind, "summary": first, "significance": significance, "confidence": 0.8, "status": "current",
        "people": ["p-mother"] if MOTHER in first else [],
    }]}
    if kind == "domestic_abuse_incident":
        found["risks"].append({"id": f"r{index:04d}", "note_id": note.id, "start": 0, "end": 20, "text": first[:20],
                               "category": "domestic_abuse", "cin_code": "3B", "person_id": "p-mother"})
    if kind == "positive_event":
        found["strengths"].append({"id": f"s{index:04d}", "note_id": note.id, "start": 0, "end": 20,
                                   "text": first[:20], "category": "family_support"})
    if MOTHER in first:
        at = first.index(MOTHER)
        found["mentions"].append({"id": f"m{index:04d}", "note_id": note.id, "start": at, "end": at + len(MOTHER),
                                  "text": MOTHER, "person_id": "p-mother"})
    return found


def _people() -> list[dict]:
    return [
        {"id": "p-child", "name": CHILD, "kind": "family", "relationship": "unknown", "household": True},
        {"id": "p-mother", "name": MOTHER, "aliases": ["Sarah"], "kind": "family", "relationship": "mother",
         "household": True, "contacts": {"phones": [PHONE], "emails": [EMAIL]},
         "first_seen": "2014-09-01", "last_seen": "2022-11-01"},
        {"id": "p-father", "name": FATHER, "aliases": ["Darren"], "kind": "family", "relationship": "father",
         "household": False, "first_seen": "2014-09-10"},
        {"id": "p-sw", "name": SOCIAL_WORKER, "kind": "professional", "role": "Social worker",
         "organisation": "Children's Services", "contacts": {"phones": ["0117 496 0000"], "emails": []}},
        {"id": "p-hv", "name": HEALTH_VISITOR, "kind": "professional", "role": "Health visitor",
         "organisation": "Bristol Community Health"},
        {"id": "p-school", "name": SCHOOL, "kind": "agency", "role": "School"},
    ]


def tiny_png(width: int = 40, height: int = 20) -> bytes:
    """A small valid PNG (a grey rectangle), standing in for the rendered timeline or a logo."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x99\x99\x99" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
