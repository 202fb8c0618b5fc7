"""A tiny synthetic case built row by row (no spaCy), and the window on it."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from extractors.base import RawNote, ReadResult
from store import cases, open_case
from store.facts import replace_case_facts, replace_note_facts
from store.notes import set_import_status, store_import

NOTES = [
    ("2023-01-10", "Home Visit", "Jane Smith",
     "Home visit to Mum and Ella. Mum said there were no concerns about alcohol. Ella was happy and playing."),
    ("2023-03-04", "Police Notification", "PC 1234",
     "Police attended the home after a domestic abuse incident. Dad was arrested and Ella was present."),
    ("2023-05-22", "Strategy Discussion", "Jane Smith",
     "Strategy discussion held. Section 47 enquiry agreed. ICPC to be convened next month."),
    ("2023-09-15", "School Contact", "Mrs Patel (DSL)",
     "School reported Ella's attendance is good and she has made friends. Grandmother collects her daily."),
]


@dataclass
class SmallCase:
    path: Path
    notes: list[RawNote]
    events: list[dict[str, Any]] = field(default_factory=list)
    risks: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)

    def note(self, number: int) -> RawNote:
        return self.notes[number]

    def event(self, event_id: str) -> dict[str, Any]:
        return next(e for e in self.events if e["id"] == event_id)


def span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def build_facts(notes: list[RawNote]) -> tuple[list[dict], list[dict], list[dict]]:
    """Events, risks and mentions for the four notes, shaped as the JSON interchange."""
    n0, n1, n2, n3 = notes
    events = []

    def event(eid: str, note: RawNote, words: str, **values: Any) -> None:
        start, end = span(note.text, words)
        events.append({"id": eid, "note_id": note.id, "start": start, "end": end, "date": note.note_date[:10],
                       "precision": "day", "date_source": "note_date", "summary": words, **values})

    event("e-visit", n0, "Home visit to Mum and Ella", type="home_visit", significance=1, people=["p-mum"])
    event("e-police", n1, "Police attended the home after a domestic abuse incident",
          type="police_attendance", significance=3, people=["p-mum", "p-dad"])
    event("e-arrest", n1, "Dad was arrested", type="arrest", significance=2, people=["p-dad"])
    event("e-strategy", n2, "Strategy discussion held", type="strategy_discussion", significance=2)
    event("e-icpc", n2, "ICPC to be convened next month", type="child_protection_conference", significance=2,
          status="hypothetical")
    event("e-school", n3, "attendance is good", type="positive_event", significance=2)
    risks = []

    def risk(rid: str, note: RawNote, words: str, category: str, **values: Any) -> None:
        start, end = span(note.text, words)
        risks.append({"id": rid, "note_id": note.id, "start": start, "end": end, "text": words,
                      "category": category, **values})

    risk("r-alcohol", n0, "no concerns about alcohol", "alcohol_misuse", status="negated", negated=True,
         person_id="p-mum")
    risk("r-da", n1, "domestic abuse incident", "domestic_abuse", cin_code="3B", person_id="p-mum")
    mentions = [
        {"id": "m-mum", "note_id": n0.id, "start": span(n0.text, "Mum")[0], "end": span(n0.text, "Mum")[1],
         "text": "Mum", "person_id": "p-mum"},
        {"id": "m-dad", "note_id": n1.id, "start": span(n1.text, "Dad")[0], "end": span(n1.text, "Dad")[1],
         "text": "Dad", "person_id": "p-dad"},
    ]
    return events, risks, mentions


PEOPLE = [
    {"id": "p-mum", "name": "Sarah Jones", "kind": "family", "relationship": "mother", "household": True,
     "first_seen": "2023-01-10", "last_seen": "2023-03-04"},
    {"id": "p-dad", "name": "Mark Jones", "kind": "family", "relationship": "father", "household": False,
     "first_seen": "2023-03-04", "last_seen": "2023-03-04"},
    {"id": "p-sw", "name": "Jane Smith", "kind": "professional", "role": "Social worker",
     "organisation": "Children's Services", "contacts": {"phones": ["01632 960123"], "emails": ["jane@example.org"]},
     "first_seen": "2023-01-10", "last_seen": "2023-05-22"},
]
GAPS = [
    {"item": "marac_status", "found": False, "evidence": []},
    {"item": "school", "found": True, "evidence": [{"note_id": None, "start": 0, "end": 6}]},
]


def write_case_notes(path: Path) -> list[RawNote]:
    notes = [RawNote(text=text, ref=f"row {i + 2}", note_date=day, note_type=kind, author=author,
                     source_note_id=str(1000 + i))
             for i, (day, kind, author, text) in enumerate(NOTES)]
    with open_case(path, create=True) as case:
        outcome = store_import(case, path.with_suffix(".csv"), "sha-small", "csv", ReadResult(notes, "csv", "row_per_note"))
        cases.set_subjects(case, [{"person_id": "subject", "name": "Ella Jones", "dob": "2019-06-01"}])
        set_import_status(case, outcome.import_id, "complete")
    return notes


def store_facts(path: Path, notes: list[RawNote]) -> SmallCase:
    events, risks, mentions = build_facts(notes)
    gaps = [dict(g) for g in GAPS]
    gaps[1]["evidence"] = [{"note_id": notes[3].id, "start": span(notes[3].text, "School")[0],
                            "end": span(notes[3].text, "School")[1]}]
    with open_case(path) as case:
        replace_note_facts(case, [n.id for n in notes], mentions=mentions, events=events, risks=risks)
        replace_case_facts(case, PEOPLE, {}, gaps)
    return SmallCase(path, notes, events, risks, mentions)


@pytest.fixture
def small_case(tmp_path: Path) -> SmallCase:
    """Four notes, six events (one planned), two risks (one negated), three people, two gaps."""
    path = tmp_path / "small.caselens"
    return store_facts(path, write_case_notes(path))


@pytest.fixture
def synchronous_workers():
    from desktop import workers

    workers.use_synchronous(True)
    yield
    workers.use_synchronous(False)


@pytest.fixture
def window(qtbot, small_case, synchronous_workers):
    """The real main window on the small case, at the documented screenshot size."""
    from desktop.main_window import MainWindow
    from desktop.settings import Settings

    win = MainWindow(Settings(), preload_language_model=False)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    assert win.open_path(small_case.path)
    win.show()
    yield win
    if win.case is not None:
        win.case.close()
        win.case = None


@pytest.fixture(autouse=True)
def background_work_finishes():
    """No test leaves work running on the thread pool for the next one (or for exit)."""
    yield
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(10000)
