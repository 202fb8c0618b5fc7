"""Small synthetic inputs shared by the store, services and CLI tests (no real case data)."""
from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from extractors.base import RawNote, ReadResult
from nlp.facts import NoteFacts


def note(text: str, day: str | None = "2023-03-12", ref: str = "row 1", source_id: str | None = None, **extra: Any) -> RawNote:
    return RawNote(text=text, ref=ref, note_date=day, source_note_id=source_id, **extra)


def read_result(*notes: RawNote, skipped: dict[str, int] | None = None) -> ReadResult:
    return ReadResult(notes=list(notes), format="csv", shape="row_per_note", skipped=skipped or {})


def write_csv(path: Path, rows: Sequence[tuple[str, str, str]]) -> Path:
    """A tiny row-per-note CSV export: Ref, Date (DD/MM/YYYY or empty), Note."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Ref", "Date", "Note"])
        writer.writerows(rows)
    return path


class KeywordExtractor:
    """A tiny stand-in for the spaCy extractor: "police" is a police attendance, "shouting" a
    domestic-abuse risk, "Mum" a person mention; resolution makes one person of every "Mum"."""

    def __init__(self) -> None:
        self.extracted: list[str] = []
        self.resolutions = 0

    def extract(self, notes) -> Iterator[NoteFacts]:
        for item in notes:
            self.extracted.append(item.id)
            facts = NoteFacts(item.id)
            for match in re.finditer(r"police", item.text):
                facts.events.append({
                    "id": f"e-{item.id}-{match.start()}", "note_id": item.id, "start": match.start(),
                    "end": match.end(), "date": (item.note_date or "")[:10] or None, "precision": "day",
                    "date_source": "note_date", "type": "police_attendance", "summary": "Police attended",
                    "significance": 2, "confidence": 0.9, "status": "current", "trigger": "police",
                })
            for match in re.finditer(r"shouting", item.text):
                facts.risks.append({
                    "id": f"r-{item.id}-{match.start()}", "note_id": item.id, "start": match.start(),
                    "end": match.end(), "text": "shouting", "category": "domestic_abuse", "cin_code": "3B",
                })
            for match in re.finditer(r"\bGP\b", item.text):
                facts.gap_evidence.append({"id": f"g-{item.id}-{match.start()}", "item": "gp",
                                           "start": match.start(), "end": match.end()})
            for match in re.finditer(r"Mum", item.text):
                facts.mentions.append({
                    "id": f"m-{item.id}-{match.start()}", "start": match.start(), "end": match.end(),
                    "text": "Mum", "role": "mother",
                })
            yield facts

    def resolve(self, rows):
        self.resolutions += 1
        mums = [m for m in rows.mentions if m.get("role") == "mother"]
        people = [{"id": "p-mum", "name": "Mum", "kind": "family", "relationship": "mother", "household": True}] if mums else []
        updates = {"mentions": {m["id"]: {"person_id": "p-mum"} for m in mums}}
        evidence = [{"note_id": g["note_id"], "start": g["start"], "end": g["end"]} for g in rows.gap_evidence]
        gaps = [{"item": "gp", "found": bool(evidence), "evidence": evidence}]
        if mums:
            people.append({"id": "p-child", "name": "Kayden", "kind": "family", "subject": True, "dob": "2015-06-01"})
        return people, updates, gaps
