"""Per-note extraction: run the pipeline over notes and turn each ``Doc`` into fact rows.

Rows are shaped as the JSON interchange (``../shared/DESIGN.md`` → Contracts) with every field
present, plus a few internal keys the case-level resolver reads (kept by the store in ``extra``):

- mentions: ``kind``, ``role``, ``relationship``, ``side``, ``name``, ``child``, ``group``,
  ``age``, ``dob``, ``phones``, ``emails``, ``household`` (see ``nlp.entities``);
- events: ``participants`` (ids of the mentions taking part);
- risks and strengths: ``person_mention`` (id of the mention the concern is about, when the
  risk component named one);
- gap evidence: ``{"id", "note_id", "item", "start", "end"}``.

``person_id`` and the events' ``people`` are filled by ``nlp.resolve`` once the whole case is seen.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable, Iterator, Protocol

from spacy.language import Language
from spacy.tokens import Doc

from nlp.doc_ext import doc_text  # (importing it registers the Doc extensions read here)
from nlp.facts import NoteFacts
from nlp.ids import fact_id

FLAGS = ("negated", "hypothetical", "uncertain", "historical")  # the contracted status precedence


class NoteLike(Protocol):
    """Anything with a note's id, canonical text and ISO date (``NoteInput`` or a store row)."""

    id: str
    text: str
    note_date: str | None


@dataclass(frozen=True)
class NoteInput:
    id: str
    text: str
    note_date: str | None = None


def note_anchor(note_date: str | None) -> date | None:
    """The day a note was written, from its ISO date (``YYYY-MM-DD[THH:MM]``), or None."""
    if not note_date:
        return None
    try:
        return date.fromisoformat(note_date[:10])
    except ValueError:
        return None


def status_from_flags(row: dict[str, Any]) -> str:
    """The single status: the first true flag in the contracted order, else ``current``."""
    return next((flag for flag in FLAGS if row.get(flag)), "current")


def extract_notes(
    nlp: Language,
    notes: Iterable[NoteLike],
    *,
    batch_size: int = 64,
    n_process: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Iterator[NoteFacts]:
    """Run the pipeline over ``notes`` (in order) and yield one ``NoteFacts`` per note.

    A note whose text an earlier note of the same call already had (a note copied to a
    sibling's file, a standard entry recorded again on another day) does not go through the
    statistical model again: it gets a copy of that note's analysis (words, parts of speech,
    sentences, the model's names), and only the CaseLens rules run again, because the date a
    note was written changes what its dates, ages and events mean. The model's analysis of a
    text does not depend on the note's date, so the facts are those a full run would give.

    ``progress`` is called with the number of notes done so far after each note."""
    notes = list(notes)
    first_with_text: dict[str, int] = {}
    for index, note in enumerate(notes):
        first_with_text.setdefault(note.text, index)
    repeated = {notes[index].text for index in range(len(notes)) if first_with_text[notes[index].text] != index}

    def docs() -> Iterator[tuple[Doc, NoteLike]]:
        for index, note in enumerate(notes):
            if first_with_text[note.text] == index:
                yield _new_doc(nlp, note), note

    analysed = nlp.pipe(docs(), batch_size=batch_size, n_process=n_process, as_tuples=True)
    models: dict[str, Doc] = {}
    rules = rule_components(nlp)
    for done, note in enumerate(notes, start=1):
        if note.text in models:
            doc = models[note.text].copy()
            _set_note(doc, note)
            doc._.model_entities = True  # the copy holds the model's names already
            for _name, component in rules:
                doc = component(doc)
        else:
            doc, _note = next(analysed)
            if note.text in repeated:
                models[note.text] = _model_analysis(doc)
        yield facts_from_doc(note.id, doc)
        if progress is not None:
            progress(done)


def rule_components(nlp: Language) -> list[tuple[str, Any]]:
    """The pipeline's CaseLens components, in order: what runs again for a repeated text."""
    from nlp.pipeline import COMPONENTS

    ours = {factory for factory, _module in COMPONENTS}
    return [(name, component) for name, component in nlp.pipeline if name in ours]


def _new_doc(nlp: Language, note: NoteLike) -> Doc:
    doc = nlp.make_doc(note.text)
    _set_note(doc, note)
    return doc


def _set_note(doc: Doc, note: NoteLike) -> None:
    doc._.note_date = note_anchor(note.note_date)
    doc._.text = note.text  # what doc.text would join from the tokens (doc_ext.doc_text)


def _model_analysis(doc: Doc) -> Doc:
    """A copy of ``doc`` with what the model set (tokens, tags, sentences, entities, token
    vectors) and none of the CaseLens attributes, which belong to one note."""
    kept = doc.user_data
    doc.user_data = {}
    try:
        return doc.copy()
    finally:
        doc.user_data = kept


def facts_from_doc(note_id: str, doc: Doc) -> NoteFacts:
    """The rows for one processed note (whatever components ran: absent ones give no rows)."""
    facts = NoteFacts(note_id)
    mention_ids: dict[tuple[int, int], str] = {}
    seen: set[str] = set()

    def unique(row: dict[str, Any]) -> bool:
        if row["id"] in seen:
            return False
        seen.add(row["id"])
        return True

    for mention in doc._.mentions or []:
        row = _mention_row(note_id, mention)
        if unique(row):
            mention_ids[(row["start"], row["end"])] = row["id"]
            facts.mentions.append(row)
    for event in doc._.events or []:
        row = _event_row(note_id, doc, event, mention_ids)
        if unique(row):
            facts.events.append(row)
    for risk in doc._.risks or []:
        row = _concern_row(note_id, doc, "risk", risk, mention_ids)
        if unique(row):
            facts.risks.append(row)
    for strength in doc._.strengths or []:
        row = _concern_row(note_id, doc, "strength", strength, mention_ids)
        row.pop("cin_code", None)
        if unique(row):
            facts.strengths.append(row)
    for item, start, end in doc._.gap_evidence or []:
        row = {"id": fact_id(note_id, f"gap:{item}", start, end), "note_id": note_id,
               "item": item, "start": start, "end": end}
        if unique(row):
            facts.gap_evidence.append(row)
    return facts


_MENTION_DEFAULTS: dict[str, Any] = {
    "kind": "other", "role": None, "relationship": "unknown", "side": None, "name": None,
    "child": False, "group": False, "age": None, "dob": None, "household": None,
}


def _mention_row(note_id: str, mention: dict[str, Any]) -> dict[str, Any]:
    start, end = mention["start"], mention["end"]
    row: dict[str, Any] = {"id": fact_id(note_id, "mention", start, end), "note_id": note_id,
                           "start": start, "end": end, "text": mention.get("text", ""), "person_id": None}
    for key, default in _MENTION_DEFAULTS.items():
        row[key] = mention.get(key, default)
    row["phones"] = list(mention.get("phones") or [])
    row["emails"] = list(mention.get("emails") or [])
    return row


def _event_row(note_id: str, doc: Doc, event: dict[str, Any], mention_ids: dict[tuple[int, int], str]) -> dict[str, Any]:
    start, end = event["start"], event["end"]
    kind = event.get("type") or "other"
    anchor = doc._.note_date
    row: dict[str, Any] = {
        "id": fact_id(note_id, f"event:{kind}", start, end), "note_id": note_id, "start": start, "end": end,
        "date": event.get("date"), "precision": event.get("precision"),
        "approximate": bool(event.get("approximate", False)), "date_source": event.get("date_source"),
        "type": kind, "plan_kind": event.get("plan_kind"), "stage": event.get("stage"),
        "summary": event.get("summary") or doc_text(doc)[start:end].strip(),
        "significance": int(event.get("significance", 1)), "confidence": event.get("confidence"),
        "status": event.get("status") or "current", "people": [], "location": event.get("location"),
        "impact": None, "action": None, "reviewed": False, "hidden": False, "duplicate_of": None,
    }
    if row["date"] is None and anchor is not None:
        row.update(date=anchor.isoformat(), precision="day", date_source="note_date")
    participants = []
    for pair in event.get("participants") or []:
        mention_id = mention_ids.get(tuple(pair))
        if mention_id is not None and mention_id not in participants:
            participants.append(mention_id)
    row["participants"] = participants
    return row


def _concern_row(note_id: str, doc: Doc, kind: str, concern: dict[str, Any],
                 mention_ids: dict[tuple[int, int], str]) -> dict[str, Any]:
    start, end = concern["start"], concern["end"]
    category = concern.get("category") or "other"
    row: dict[str, Any] = {
        "id": fact_id(note_id, f"{kind}:{category}", start, end), "note_id": note_id,
        "start": start, "end": end, "text": concern.get("text") or doc_text(doc)[start:end],
        "category": category, "cin_code": concern.get("cin_code"),
    }
    for flag in FLAGS:
        row[flag] = bool(concern.get(flag, False))
    row["status"] = concern.get("status") or status_from_flags(row)
    row["experiencer"] = concern.get("experiencer") or "subject"
    row["person_id"] = None
    person = (concern.get("person_start"), concern.get("person_end"))
    row["person_mention"] = mention_ids.get(person) if None not in person else None
    return row


# --- worker processes ---------------------------------------------------------------------
# ``services.extraction`` runs extraction in a pool of processes (one per core) for large jobs;
# these are the functions each worker runs. The model is loaded once per worker; each batch it
# is sent comes back as plain rows, so the process storing them never needs spaCy itself.

FACT_TABLES = ("mentions", "events", "risks", "strengths", "gap_evidence")


def start_worker() -> None:
    """Pool initialiser: build this worker's pipeline before the first batch arrives."""
    from nlp.pipeline import load_pipeline

    load_pipeline()


def extract_batch(notes: list[tuple[str, str, str | None]]) -> list[dict[str, Any]]:
    """The facts of a batch of ``(id, text, note_date)`` notes, in order, with this process's
    pipeline, as plain data: ``{"note_id", "mentions", "events", "risks", "strengths",
    "gap_evidence"}`` per note."""
    from nlp.pipeline import load_pipeline

    inputs = [NoteInput(*note) for note in notes]
    return [
        {"note_id": facts.note_id, **{table: getattr(facts, table) for table in FACT_TABLES}}
        for facts in extract_notes(load_pipeline(), inputs, batch_size=max(1, len(inputs)))
    ]
