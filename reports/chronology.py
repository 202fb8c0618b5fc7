"""What a chronology export holds, whatever the file format: the selected events as rows of
display text (No., Date, Age of child, Event, Source, Impact on child, Action/Outcome), the
title block and, optionally, the case summary. ``word`` and ``csv_export`` only lay it out.

Anonymising happens here, once, on every text that goes into an export.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from reports import queries
from reports.anonymise import Anonymiser
from reports.formatting import age_at, display_date, display_note_date, parse_iso
from store import cases
from store import queries as store_queries
from store.connection import Case

COLUMNS: tuple[str, ...] = ("No.", "Date", "Age of child", "Event", "Source", "Impact on child", "Action/Outcome")
ALL_STATUSES = ("current", "historical", "hypothetical", "uncertain", "negated")
KEY_SIGNIFICANCE = 2
DRAFT_MARK = "*"

_ACRONYMS = {"marac", "idva", "isva", "gp", "cp", "cin", "lac", "dsl", "senco", "camhs", "mash", "yot",
             "ehcp", "sw", "hv", "ae", "fgm", "cse", "cce", "nhs", "uasc"}
_LABEL_KEYS = {"event_types", "plan_kinds", "stages", "risk_categories", "statuses", "relationships", "gap_items"}


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    """Display names for the contracted vocabularies where turning ``snake_case`` into words is
    not enough ("s47_enquiry" -> "Section 47 enquiry"); checked on load."""
    data = json.loads(resources.files("reports").joinpath("labels.json").read_text(encoding="utf-8"))
    if set(data) != _LABEL_KEYS:
        raise ValueError(f"reports/labels.json: expected keys {sorted(_LABEL_KEYS)}, found {sorted(data)}")
    for key, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise ValueError(f"reports/labels.json: {key} must map names to strings")
    return data


def label(kind: str, value: str | None) -> str:
    """The display name of a vocabulary value: the labels file, else the words of the value."""
    if not value:
        return ""
    found = labels()[kind].get(value)
    if found is not None:
        return found
    words = [w.upper() if w in _ACRONYMS else w for w in value.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def iso(value: date | str | None) -> str | None:
    """A filter date as ISO ("2023-03-12"); accepts a ``date`` or an ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    parsed = parse_iso(value)
    if parsed is None:
        raise ValueError(f"not an ISO date: {value!r}")
    return str(value)[:10]


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: how many events, and where."""

    count: int
    path: Path


@dataclass(frozen=True)
class ChronologyEntry:
    """One row of the chronology, every field display text (already anonymised if asked)."""

    number: str  # "12", or "12*" when drafted by extraction and not yet reviewed
    date: str
    age: str
    event_type: str
    event: str
    source: str
    impact: str
    action: str
    reviewed: bool
    event_id: str

    def cells(self) -> tuple[str, ...]:
        """The row's cells in ``COLUMNS`` order; the event cell starts with its type."""
        event = f"{self.event_type}: {self.event}" if self.event_type else self.event
        return (self.number, self.date, self.age, event, self.source, self.impact, self.action)


@dataclass
class Subject:
    name: str
    dob: str  # display text: "12 Mar 2015", "2015" (anonymised) or "" when unknown


@dataclass
class CaseSummary:
    """The optional summary section: people, professionals, risks, strengths, gaps."""

    family: list[dict[str, str]] = field(default_factory=list)
    professionals: list[dict[str, str]] = field(default_factory=list)
    risks: list[dict[str, str]] = field(default_factory=list)
    strengths: list[dict[str, str]] = field(default_factory=list)
    gaps: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Chronology:
    """Everything an export lays out."""

    title: str
    subjects: list[Subject]
    period: str
    entries: list[ChronologyEntry]
    anonymised: bool
    filter: dict[str, Any]
    summary: CaseSummary | None = None
    # What every text went through: the anonymiser's ``text`` for the anonymised variant.
    clean: Callable[[str | None], str] = field(default=lambda text: text or "", repr=False)

    @property
    def reviewed(self) -> int:
        return sum(1 for entry in self.entries if entry.reviewed)

    def provenance(self) -> str:
        """The statement of where the entries came from, shown above the table."""
        total = len(self.entries)
        reviewed = self.reviewed
        drafted = total - reviewed
        text = (
            f"This chronology has {total} {'entry' if total == 1 else 'entries'}. "
            f"{reviewed} {'was' if reviewed == 1 else 'were'} reviewed by the worker. "
        )
        if drafted:
            text += (
                f"The other {drafted} (numbered with {DRAFT_MARK}) {'was' if drafted == 1 else 'were'} drafted "
                "by automatic extraction from the case notes and have not been checked by a worker: "
                "check them against the source note before relying on them. "
            )
        text += "Every entry names the case note it comes from."
        if self.anonymised:
            text += (
                " This is an anonymised copy: people are shown by their relationship to the child "
                "and identifying details have been removed or generalised."
            )
        return text


def select_events(
    case: Case,
    *,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    key_only: bool = True,
    event_ids: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The events to export, curation applied, in date order (undated last), hidden ones left
    out. ``event_ids`` (the worker's selection or current filter in the app) is the exact set
    to export, whatever their significance or status; otherwise key events only
    (significance 2–3) unless ``key_only`` is false. The date range applies either way."""
    common = {"date_from": iso(date_from), "date_to": iso(date_to), "hidden": False}
    if event_ids is not None:
        wanted = set(event_ids)
        rows = store_queries.chronology(case, include_statuses=ALL_STATUSES, **common)
        return [row for row in rows if row["id"] in wanted]
    return store_queries.chronology(
        case, min_significance=KEY_SIGNIFICANCE if key_only else None, **common
    )


def build_chronology(
    case: Case,
    *,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    key_only: bool = True,
    anonymise: bool = False,
    event_ids: list[str] | None = None,
    with_summary: bool = False,
    redactions: tuple[str, ...] = (),
    anonymiser: Anonymiser | None = None,
) -> Chronology:
    """Select the events and turn them into display rows (and the summary when asked)."""
    events = select_events(case, date_from=date_from, date_to=date_to, key_only=key_only, event_ids=event_ids)
    if anonymise and anonymiser is None:
        anonymiser = Anonymiser.from_case(case, redactions=redactions)
    clean = anonymiser.text if anonymise and anonymiser is not None else _plain
    header = cases.header(case)
    subjects = header["subjects"]
    subject_names = [
        anonymiser.subject_label(i) if anonymise and anonymiser is not None else (s.get("name") or f"Child {i + 1}")
        for i, s in enumerate(subjects)
    ]
    sources = queries.note_sources(case, {e["note_id"] for e in events})
    copies = queries.duplicate_notes(case, [e["id"] for e in events])
    copy_sources = queries.note_sources(case, {n for notes in copies.values() for n in notes})
    evidence = _evidence_sentences(case, [e for e in events if not e.get("summary")])
    entries = []
    for number, event in enumerate(events, start=1):
        entries.append(_entry(
            number, event, subjects, subject_names, sources, copies, copy_sources, evidence, clean, anonymise,
        ))
    if anonymise:
        title = "Chronology for " + ", ".join(subject_names) if subject_names else "Chronology"
    else:
        title = header.get("title") or "Chronology"
    shown_subjects = [
        Subject(name, _subject_dob(s.get("dob"), anonymise)) for name, s in zip(subject_names, subjects)
    ]
    chronology = Chronology(
        title=title,
        subjects=shown_subjects,
        period=_period(date_from, date_to, events),
        entries=entries,
        anonymised=anonymise,
        clean=clean,
        filter=describe_filter(date_from=date_from, date_to=date_to, key_only=key_only, event_ids=event_ids),
    )
    if with_summary:
        subject_ids = {s.get("person_id") for s in subjects}
        chronology.summary = build_summary(case, clean, anonymiser if anonymise else None, subject_ids)
    return chronology


def describe_filter(
    *, date_from: date | str | None, date_to: date | str | None, key_only: bool, event_ids: list[str] | None
) -> dict[str, Any]:
    """The filter as recorded in the audit trail (no case content, only options)."""
    described: dict[str, Any] = {"from": iso(date_from), "to": iso(date_to)}
    if event_ids is not None:
        described["selection"] = len(event_ids)
    else:
        described["key_only"] = key_only
    return described


def _plain(text: str | None) -> str:
    return text or ""


def _subject_dob(dob: str | None, anonymise: bool) -> str:
    if not dob:
        return ""
    if anonymise:
        return f"born {dob[:4]}"
    return display_date(dob)


def _period(date_from: date | str | None, date_to: date | str | None, events: list[dict[str, Any]]) -> str:
    dated = [e["date"] for e in events if e.get("date")]
    start = display_date(iso(date_from)) if date_from else (display_date(min(dated)) if dated else "")
    end = display_date(iso(date_to)) if date_to else (display_date(max(dated)) if dated else "")
    if not start and not end:
        return "No dated events"
    return f"{start} to {end}"


def _evidence_sentences(case: Case, events: list[dict[str, Any]]) -> dict[str, str]:
    """The evidence text of events that have no summary, from their note."""
    result: dict[str, str] = {}
    by_note: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_note.setdefault(event["note_id"], []).append(event)
    for note_id, note_events in by_note.items():
        row = case.db.execute("SELECT text FROM notes WHERE id = ?", (note_id,)).fetchone()
        if row is None:
            continue
        for event in note_events:
            result[event["id"]] = " ".join(row[0][event["start"]:event["end"]].split())
    return result


def _entry(
    number: int,
    event: dict[str, Any],
    subjects: list[dict[str, Any]],
    subject_names: list[str],
    sources: dict[str, queries.NoteSource],
    copies: dict[str, list[str]],
    copy_sources: dict[str, queries.NoteSource],
    evidence: dict[str, str],
    clean: Callable[[str | None], str],
    anonymise: bool,
) -> ChronologyEntry:
    value, precision = event.get("date"), event.get("precision")
    ages = [age_at(s.get("dob"), value, precision) for s in subjects]
    if len(subjects) == 1:
        age = ages[0]
    else:
        age = "\n".join(f"{name}: {a}" for name, a in zip(subject_names, ages) if a)
    event_type = label("event_types", event.get("type"))
    if event.get("plan_kind"):
        event_type = f"{event_type} ({label('plan_kinds', event['plan_kind'])})"
    if event.get("stage"):
        event_type = f"{label('stages', event['stage'])} {event_type[:1].lower()}{event_type[1:]}"
    text = clean(event.get("summary") or evidence.get(event["id"], ""))
    status = label("statuses", event.get("status")) if event.get("status") != "current" else ""
    if status:
        text = f"{text} ({status})"
    reviewed = bool(event.get("reviewed"))
    return ChronologyEntry(
        number=f"{number}" if reviewed else f"{number}{DRAFT_MARK}",
        date=display_date(value, precision, bool(event.get("approximate"))),
        age=age,
        event_type=event_type,
        event=text,
        source=_source_text(sources.get(event["note_id"]), copies.get(event["id"], []), copy_sources, clean, anonymise),
        impact=clean(event.get("impact")),
        action=clean(event.get("action")),
        reviewed=reviewed,
        event_id=event["id"],
    )


def _source_text(
    source: queries.NoteSource | None,
    copies: list[str],
    copy_sources: dict[str, queries.NoteSource],
    clean: Callable[[str | None], str],
    anonymise: bool,
) -> str:
    if source is None:
        return ""
    first = display_note_date(source.note_date)
    if source.note_type:
        first += f", {clean(source.note_type)}"
    lines = [first]
    who = ", ".join(clean(part) for part in (source.author, source.agency) if part)
    if who:
        lines.append(who)
    if source.source_note_ids and not anonymise:
        lines.append("Ref " + ", ".join(source.source_note_ids))
    if copies:
        dates = [display_date((copy_sources[n].note_date or "")[:10] or None) for n in copies if n in copy_sources]
        lines.append("Also recorded: " + "; ".join(dates))
    return "\n".join(lines)


def build_summary(
    case: Case, clean: Callable[[str | None], str], anonymiser: Anonymiser | None, subject_ids: set[str | None] | frozenset[str] = frozenset()
) -> CaseSummary:
    """The summary section's tables as display text."""
    summary = CaseSummary()
    agencies: set[str] = set()
    for person in queries.people(case):
        shown = anonymiser.label(person["id"]) if anonymiser is not None and person.get("kind") != "agency" else None
        name = shown or clean(person.get("name") or person.get("role") or "")
        seen = _seen(person.get("first_seen"), person.get("last_seen"))
        if person.get("kind") == "agency":
            agencies.add(name)
        if person.get("kind") in ("professional", "agency") or person.get("relationship") == "professional":
            contacts = person.get("contacts") or {}
            details = [] if anonymiser is not None else [*contacts.get("phones", []), *contacts.get("emails", [])]
            summary.professionals.append({
                "Name": name,
                "Role": _capitalised(clean(person.get("role") or "")),
                "Organisation": clean(person.get("organisation") or ""),
                "Contacts": "\n".join(details) if details else ("removed" if anonymiser is not None and
                                                               any(contacts.values()) else ""),
                "Involved": seen,
            })
        else:
            relationship = label("relationships", person.get("relationship"))
            if person["id"] in subject_ids:
                relationship = "Subject child"
            if person.get("side") and relationship:
                relationship = f"{relationship} ({person['side']})"
            household = person.get("household")
            summary.family.append({
                "Name": name,
                "Relationship": relationship,
                "In household": "Yes" if household else ("No" if household is False else "Not known"),
                "Seen in notes": seen,
            })
    # professionals before agencies; anonymised labels ("Professional A", "B"...) in order
    summary.professionals.sort(key=lambda row: (
        row["Name"] in agencies, (len(row["Name"]), row["Name"]) if anonymiser is not None else (0, "")))
    for row in queries.category_summary(case, "risks"):
        summary.risks.append({
            "Risk": label("risk_categories", row["category"]),
            "CIN code": ", ".join(row["cin_codes"]),
            "Mentions": str(row["count"]),
            "First seen": display_date(row["first_seen"]) if row["first_seen"] else "",
            "Last seen": display_date(row["last_seen"]) if row["last_seen"] else "",
        })
    for row in queries.category_summary(case, "strengths"):
        summary.strengths.append({
            "Strength": label("risk_categories", row["category"]),
            "Mentions": str(row["count"]),
            "First seen": display_date(row["first_seen"]) if row["first_seen"] else "",
            "Last seen": display_date(row["last_seen"]) if row["last_seen"] else "",
        })
    for gap in queries.gaps(case):
        summary.gaps.append({
            "Checked for": label("gap_items", gap["item"]),
            "In the notes": "Recorded" if gap.get("found") else "Not found in the notes",
        })
    return summary


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _seen(first: str | None, last: str | None) -> str:
    if not first and not last:
        return ""
    start, end = display_date(first[:10]) if first else "", display_date(last[:10]) if last else ""
    if not start or not end or start == end:
        return start or end
    return f"{start} to {end}"
