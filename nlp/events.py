"""Events: the ``caselens_events`` component.

At most one typed event per sentence: the most specific trigger in it wins (each trigger rule
has a ``priority``). The event keeps the date written in its sentence (from ``doc._.dates``)
apart from the note's date, which is only the fallback (``date_source`` "note_date"). Its
status comes from ``nlp.context`` (a conference "to be convened" is hypothetical, i.e. planned),
its significance from the type, raised by serious cues and lowered to 0 by routine-process cues
("left voicemail", "case discussed in supervision"); a failed attempt ("tried to call, no
answer", "no access visit") is a negated event. A note gives the event it records (its first
sentence with a trigger, where a trigger opening the sentence wins: "Telephone call to mum re
the incident" is a contact) plus any later key events, so a routine note gives one
low-significance event, not one per sentence.

Rules are data: ``resources/event_patterns.jsonl``, one JSON object a line whose ``kind`` is
``trigger``, ``routine``, ``attempt`` (a failed call or visit: the event did not happen),
``escalate``, ``location``, ``plan_kind`` or ``stage``.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

import nlp.doc_ext  # noqa: F401  (registers the Doc extensions this component writes)
from nlp.doc_ext import doc_text
from nlp.context import assess_span, status_of
from nlp.risks import RuleMatcher, person_mentions, read_rules, resource_text, sentence_spans, write_rules

EVENT_TYPES: tuple[str, ...] = (
    "referral", "contact", "assessment", "strategy_discussion", "s47_enquiry",
    "child_protection_conference", "core_group", "plan_start", "plan_end", "home_visit",
    "police_attendance", "arrest", "domestic_abuse_incident", "other_incident", "injury",
    "hospital_attendance", "health_appointment", "missing_episode", "disclosure",
    "school_exclusion", "school_non_attendance", "marac", "court_hearing", "placement_move",
    "change_of_address", "household_change", "positive_event", "other",
)
PLAN_KINDS = ("cp", "cin", "lac", "ehcp")
STAGES = ("initial", "review")
EVENT_RULES_FILE = "event_patterns.jsonl"
SUMMARY_CHARS = 200
# A trigger starting within this many tokens of a sentence's start "opens" it.
_OPENING_TOKENS = 1

# Types a failed attempt ("no answer", "no access") turns into something that did not happen.
_ATTEMPTABLE = {"contact", "home_visit", "health_appointment", "other"}
# Formal steps whose past, dated occurrences belong in a chronology ("previous involvement").
_RECORDED_PROCESS = {"plan_start", "plan_end", "child_protection_conference", "court_hearing", "placement_move"}

_KIND_KEYS: dict[str, set[str]] = {
    "trigger": {"type", "priority", "significance", "plan_kind", "stage"},
    "routine": {"type"},
    "escalate": set(),
    "attempt": set(),
    "location": {"location"},
    "plan_kind": {"plan_kind"},
    "stage": {"stage"},
}
_ALL_KEYS = {"kind", "phrases", "patterns", "comment"} | set().union(*_KIND_KEYS.values())

# A date expression is "relative" when it needs the note date to be understood.
_RELATIVE = re.compile(
    r"\b(yesterday|today|tonight|tomorrow|ago|last|next|this|previous|following|earlier|later|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|morning|afternoon|evening|"
    r"night|week|fortnight)\b",
    re.IGNORECASE,
)
_HAS_DIGIT_OR_MONTH = re.compile(
    r"\d|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)
_REFERS_BACK = re.compile(
    r"\b(following|after|since|re|regarding|about|concerning|referral of|report of|incident of)\b", re.IGNORECASE
)
_NOT_EVENT_DATE = re.compile(r"\b(dob|d\.o\.b|born|date of birth|aged?)\W*$", re.IGNORECASE)


def _check_event_rule(row: dict[str, Any]) -> str | None:
    kind = row.get("kind")
    if kind not in _KIND_KEYS:
        return f"unknown kind {kind!r} (one of {sorted(_KIND_KEYS)})"
    extra = set(row) - {"kind", "phrases", "patterns", "comment"} - _KIND_KEYS[kind]
    if extra:
        return f"keys {sorted(extra)} do not belong to a {kind} rule"
    if kind in ("trigger", "routine") and row.get("type") not in EVENT_TYPES:
        return f"unknown event type {row.get('type')!r}"
    if kind == "trigger":
        if not isinstance(row.get("priority"), int) or row.get("significance") not in (0, 1, 2, 3):
            return "a trigger needs an integer 'priority' and a 'significance' of 0-3"
        if row.get("plan_kind") not in (None, *PLAN_KINDS) or row.get("stage") not in (None, *STAGES):
            return "unknown plan_kind or stage"
    if kind == "plan_kind" and row.get("plan_kind") not in PLAN_KINDS:
        return f"plan_kind must be one of {PLAN_KINDS}"
    if kind == "stage" and row.get("stage") not in STAGES:
        return f"stage must be one of {STAGES}"
    if kind == "location" and not isinstance(row.get("location"), str):
        return "a location rule needs a 'location' name"
    return None


def read_event_rules(text: str, source: str = EVENT_RULES_FILE) -> list[dict[str, Any]]:
    """Parse and validate event rules (JSONL)."""
    return read_rules(text, source, _ALL_KEYS, _check_event_rule)


def clean_summary(text: str, limit: int = SUMMARY_CHARS) -> str:
    """One line, without list bullets, cut at a word boundary to about ``limit`` characters."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^[-*\u2022\u2013>]+\s*", "", text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "\u2026"


def _strip_span(doc: Doc, sentence: Span) -> tuple[int, int]:
    text = sentence.text
    start = sentence.start_char + (len(text) - len(text.lstrip()))
    return start, sentence.start_char + len(text.rstrip())


class EventFinder:
    """Writes ``doc._.events`` (row keys: see ``nlp.doc_ext``)."""

    def __init__(self, nlp: Language, name: str = "caselens_events", rules: list[dict[str, Any]] | None = None):
        self.name = name
        self._vocab = nlp.vocab
        self._make_doc = nlp.make_doc
        self._set_rules(read_event_rules(resource_text(EVENT_RULES_FILE)) if rules is None else rules)

    def _set_rules(self, rules: list[dict[str, Any]]) -> None:
        self.rules = rules
        self._matchers = {
            kind: RuleMatcher(
                self._vocab, self._make_doc, [r for r in rules if r["kind"] == kind], keep_overlaps=kind == "trigger"
            )
            for kind in _KIND_KEYS
        }

    def __call__(self, doc: Doc) -> Doc:
        matches = {kind: matcher(doc) for kind, matcher in self._matchers.items()}
        events: list[dict[str, Any]] = []
        for sentence in sentence_spans(doc):
            event = self._sentence_event(doc, sentence, matches, leading=not events)
            if event is not None:
                events.append(event)
        doc._.events = _without_flooding(events)
        return doc

    def _sentence_event(
        self,
        doc: Doc,
        sentence: Span,
        matches: dict[str, list[tuple[dict[str, Any], Span]]],
        leading: bool,
    ) -> dict[str, Any] | None:
        """The sentence's event. ``leading`` marks the note's first sentence with an event in
        it: it names what the note records ("Telephone call to mum re the incident"), so a
        trigger opening it wins over a later, more specific word."""
        def inside(kind: str) -> list[tuple[dict[str, Any], Span]]:
            return [(r, s) for r, s in matches[kind] if sentence.start <= s.start and s.end <= sentence.end]

        triggers = inside("trigger")
        routine = inside("routine")
        opening = [(r, s) for r, s in triggers if s.start - sentence.start <= _OPENING_TOKENS]
        if triggers:
            if leading and opening:
                rule, trigger = max(opening, key=lambda rs: (-rs[1].start, len(rs[1]), rs[0]["priority"]))
            else:
                rule, trigger = max(triggers, key=lambda rs: (rs[0]["priority"], len(rs[1]), -rs[1].start))
            event_type = rule["type"]
            significance = rule["significance"]
            if routine and rule["priority"] < 60:
                significance = 0
            elif inside("escalate"):
                significance = min(3, significance + 1)
        elif routine:
            rule, trigger = routine[0]
            event_type, significance = rule["type"], 0
        else:
            return None

        plan_kind = stage = None
        if event_type in ("plan_start", "plan_end"):
            plan_kind = rule.get("plan_kind") or next((r["plan_kind"] for r, _ in inside("plan_kind")), None)
        if event_type == "child_protection_conference":
            stage = rule.get("stage") or next((r["stage"] for r, _ in inside("stage")), None) or "initial"
        context = assess_span(doc, trigger.start_char, trigger.end_char)
        flags = {key: bool(context[key]) for key in ("negated", "historical", "hypothetical", "uncertain")}
        if event_type in _ATTEMPTABLE and inside("attempt"):
            flags["negated"] = True  # "Tried to call mum, no answer": the contact did not happen
        start, end = _strip_span(doc, sentence)
        locations = inside("location")
        return {
            "start": start,
            "end": end,
            **_event_date(doc, start, end, trigger.end_char),
            "type": event_type,
            "plan_kind": plan_kind,
            "stage": stage,
            "summary": clean_summary(doc_text(doc)[start:end]),
            "significance": significance,
            "confidence": 0.9 if rule.get("priority", 0) >= 80 else 0.75 if rule.get("priority", 0) >= 50 else 0.6,
            "status": status_of(flags),
            "location": locations[0][0]["location"] if locations else None,
            "participants": [
                (m["start"], m["end"]) for m in person_mentions(doc) if start <= m["start"] and m["end"] <= end
            ],
        }

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_rules(path / EVENT_RULES_FILE, self.rules)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "EventFinder":
        self._set_rules(read_event_rules((Path(path) / EVENT_RULES_FILE).read_text(encoding="utf-8")))
        return self


def _event_date(doc: Doc, start: int, end: int, trigger_end: int) -> dict[str, Any]:
    """The first date written in the sentence for this event, else the note's date. Not a
    date of birth, and not a date that belongs to another event the sentence refers to
    ("strategy discussion following the missing episode yesterday")."""
    for mention in doc._.dates or []:
        if not (start <= mention.start and mention.end <= end) or mention.value is None:
            continue
        if mention.start >= trigger_end and _REFERS_BACK.search(doc_text(doc)[trigger_end: mention.start]):
            continue
        if _NOT_EVENT_DATE.search(doc_text(doc)[max(start, mention.start - 16): mention.start]):
            continue
        if doc_text(doc)[mention.start - 1: mention.start] == "(" and doc_text(doc)[mention.end: mention.end + 1] == ")":
            continue  # "Amelia (26/06/2011)": a date of birth after a name
        written = doc_text(doc)[mention.start: mention.end]
        relative = not re.search(r"\d", written) and (
            bool(_RELATIVE.search(written)) or not _HAS_DIGIT_OR_MONTH.search(written)
        )
        return {
            "date": mention.value,
            "precision": mention.precision,
            "approximate": bool(mention.approximate),
            "date_source": "relative" if relative else "explicit",
        }
    note_date = doc._.note_date
    if isinstance(note_date, date):
        return {
            "date": note_date.isoformat()[:10], "precision": "day", "approximate": False, "date_source": "note_date",
        }
    return {"date": None, "precision": None, "approximate": False, "date_source": "note_date"}


def _without_flooding(events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep what a chronology needs from one note: the event the note records (its first),
    plus later sentences only when they record a further key event, happened or planned (not
    a negated, doubtful or passing mention; a past one only when it is a dated formal step such
    as "was subject to a CP plan from October 2016"), of a type not already kept."""
    if not events:
        return []
    kept = [events[0]]
    for event in events[1:]:
        dated_history = (
            event["status"] == "historical"
            and event["date_source"] == "explicit"
            and event["type"] in _RECORDED_PROCESS
        )
        if (
            event["significance"] >= 2
            and (event["status"] in ("current", "hypothetical") or dated_history)
            and all(event["type"] != other["type"] for other in kept)
        ):
            kept.append(event)
    return kept


@Language.factory("caselens_events")
def make_event_finder(nlp: Language, name: str) -> EventFinder:
    """Typed, dated events with significance, status, location and participants."""
    return EventFinder(nlp, name)
