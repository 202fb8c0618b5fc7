"""nlp.extract: notes in, complete fact rows with stable ids and evidence offsets out."""
from __future__ import annotations

from datetime import date

import spacy

from nlp.entities import EntityRecogniser
from nlp.extract import NoteInput, extract_batch, extract_notes, facts_from_doc, note_anchor
from nlp.ids import fact_id, person_id


def test_fact_ids_are_stable_and_tell_facts_apart():
    assert fact_id("n1", "mention", 0, 3) == fact_id("n1", "mention", 0, 3)
    assert len({fact_id("n1", "mention", 0, 3), fact_id("n1", "mention", 0, 4),
                fact_id("n2", "mention", 0, 3), fact_id("n1", "risk:neglect", 0, 3)}) == 4
    assert fact_id("n1", "event:arrest", 5, 9).startswith("e")
    assert person_id("Sarah Jones") == person_id("sarah jones")


def test_note_anchor_reads_iso_dates_with_or_without_time():
    assert note_anchor("2023-03-12T14:30") == date(2023, 3, 12)
    assert note_anchor(None) is None and note_anchor("unknown") is None


def _doc_with_facts():
    """A processed note as the other components would leave it (written by hand)."""
    blank = spacy.blank("en")
    text = "Police attended after Dad hit Mum. Dad drinks daily."
    doc = blank.make_doc(text)
    doc._.note_date = date(2023, 3, 14)
    doc = EntityRecogniser(blank)(doc)
    doc._.events = [{"start": 0, "end": 34, "type": "police_attendance", "significance": 2,
                     "participants": [(22, 25), (30, 33)]}]
    doc._.risks = [{"start": 39, "end": 45, "text": "drinks", "category": "alcohol_misuse",
                    "cin_code": "1B", "historical": True, "person_start": 35, "person_end": 38}]
    doc._.strengths = []
    doc._.gap_evidence = [("gp", 0, 6)]
    return doc


def test_rows_are_complete_and_reference_mentions():
    doc = _doc_with_facts()
    facts = facts_from_doc("n1", doc)
    dad_ids = [m["id"] for m in facts.mentions if m["text"] == "Dad"]
    mum_id = next(m["id"] for m in facts.mentions if m["text"] == "Mum")
    event = facts.events[0]
    assert event["participants"] == [dad_ids[0], mum_id]
    assert event["date"] == "2023-03-14" and event["date_source"] == "note_date"
    assert event["people"] == [] and event["hidden"] is False and event["duplicate_of"] is None
    risk = facts.risks[0]
    assert risk["status"] == "historical"  # from the flags when the component gave no status
    assert risk["experiencer"] == "subject" and risk["negated"] is False
    assert risk["person_mention"] == dad_ids[1]
    assert facts.gap_evidence == [{"id": fact_id("n1", "gap:gp", 0, 6), "note_id": "n1", "item": "gp",
                                   "start": 0, "end": 6}]
    for row in facts.mentions + facts.events + facts.risks:
        assert row["note_id"] == "n1" and 0 <= row["start"] < row["end"] <= len(doc.text)


def test_extract_notes_gives_every_note_its_facts_with_evidence(nlp):
    notes = [
        NoteInput("n1", "Home visit. Mum (Sarah Jones) said PC 1234 attended on 12/03/2023.", "2023-03-14"),
        NoteInput("n2", "Tyler (7) attends Hillside Primary School.", None),
    ]
    done: list[int] = []
    first = list(extract_notes(nlp, notes, batch_size=1, progress=done.append))
    again = list(extract_notes(nlp, notes))
    assert [f.note_id for f in first] == ["n1", "n2"] and done == [1, 2]
    assert [m["id"] for f in first for m in f.mentions] == [m["id"] for f in again for m in f.mentions]
    texts = {n.id: n.text for n in notes}
    for facts in first:
        for row in facts.mentions:
            assert texts[facts.note_id][row["start"]:row["end"]] == row["text"]
    assert {m["text"] for m in first[0].mentions} >= {"Mum", "Sarah Jones", "PC 1234"}


def test_a_worker_batch_gives_the_facts_extract_notes_gives(nlp):
    notes = [NoteInput("n1", "Police attended after Mum called 999.", "2023-03-14"),
             NoteInput("n2", "No concerns about alcohol.", "2023-03-15")]
    rows = extract_batch([(note.id, note.text, note.note_date) for note in notes])
    expected = list(extract_notes(nlp, notes))
    assert [row["note_id"] for row in rows] == ["n1", "n2"]
    for row, facts in zip(rows, expected):
        for table in ("mentions", "events", "risks", "strengths", "gap_evidence"):
            assert row[table] == getattr(facts, table)
    assert rows[0]["events"]


def test_a_repeated_text_gets_the_facts_a_full_run_gives_dated_from_its_own_note(nlp):
    text = ("Home visit. Mum said Darren hit her yesterday and police attended. "
            "Kayden (7) was upset. Next visit on Monday.")
    first = NoteInput("a", text, "2023-03-14")
    other = NoteInput("c", "Phone call with school: attendance good.", "2023-05-03")
    again = NoteInput("b", text, "2023-05-02")
    together = list(extract_notes(nlp, [first, other, again]))
    alone = [next(extract_notes(nlp, [note])) for note in (first, other, again)]
    for got, expected in zip(together, alone):
        for table in ("mentions", "events", "risks", "strengths", "gap_evidence"):
            assert getattr(got, table) == getattr(expected, table)
    # "yesterday" is the day before each note's own date
    assert "2023-03-13" in {e["date"] for e in together[0].events}
    assert "2023-05-01" in {e["date"] for e in together[2].events}
