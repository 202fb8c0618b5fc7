"""Turn phrase templates into note text while recording the gold for every span written.

Template syntax (resources/corpus/phrases.json):

- ``((a|b|c))`` picks one alternative.
- ``{mother}`` writes a mention of a person or agency in one of their forms; ``{mother.full}``,
  ``{mother.first}`` force a form, ``{mgm=Nan}`` a given one of the person's forms (a genogram
  writes "MGM - {mgm.full} ({mgm=Nan})" so the file says who "Nan" is); ``{hv.phone}`` /
  ``{hv.email}`` write a contact (not a mention);
  ``{child.dob}`` writes a date of birth; ``{child.age}`` an age; ``{addr}`` the current address.
- ``{child.he}``, ``{child.his}``, ``{child.him}``, ``{child.himself}`` write the pronoun for that
  person; ``{today}`` writes "today" (a date: the note's own).
- ``{d:KEY}`` writes the storyline date KEY (relative or explicit); ``{d:KEY:explicit}`` always
  with a year; ``{d:KEY:on}`` adds the preposition the form needs ("on 12/03/2023", "in March
  2021", "yesterday").
- ``[text|spec]`` annotates ``text`` (which may hold slots): ``risk:CATEGORY``, ``str:CATEGORY``
  or ``ev:TYPE`` followed by ``key=value`` options: ``who=SLOT`` (the person it concerns),
  ``st=neg|hyp|unc|hist`` (joined with ``+``), ``exp=other``, ``perp=child``, and for events
  ``date=KEY``, ``sig=0..3``, ``plan=cp|cin|lac|ehcp``, ``stage=initial|review``.

Offsets are taken while the text is appended, so they are exact by construction.
"""
from __future__ import annotations

import random
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import date

from services.corpus.cast import Cast, Person
from services.corpus.dates import DateRef, WrittenDate, write_date

_ALTERNATION = re.compile(r"\(\(([^()]*)\)\)")
_TOKENS = re.compile(r"(\{[^{}]+\}|\[|\|[^\]|]*\])")
_SLOT_NAMES = re.compile(r"\{([^{}:.=]+)(?:\.[a-z]+|=[^{}]+)?\}")
_DATE_KEYS = re.compile(r"\{d:([a-z0-9_]+)(?::[a-z]+)?\}")
_SENTENCE_END = re.compile(r"(^|[.!?:]\s+|\n)$")

EVENT_SIGNIFICANCE = {
    "referral": 2, "contact": 0, "assessment": 1, "strategy_discussion": 2, "s47_enquiry": 2,
    "child_protection_conference": 3, "core_group": 1, "plan_start": 3, "plan_end": 2, "home_visit": 0,
    "police_attendance": 2, "arrest": 2, "domestic_abuse_incident": 3, "other_incident": 2, "injury": 3,
    "hospital_attendance": 2, "health_appointment": 1, "missing_episode": 2, "disclosure": 3,
    "school_exclusion": 2, "school_non_attendance": 1, "marac": 2, "court_hearing": 3, "placement_move": 3,
    "change_of_address": 2, "household_change": 2, "positive_event": 1, "other": 0,
}
_FAMILY_CODES = {"alcohol_misuse": "1", "drug_misuse": "2", "domestic_abuse": "3", "mental_health": "4",
                 "learning_disability": "5", "physical_disability_illness": "6"}
_SINGLE_CODES = {"young_carer": "7A", "privately_fostered": "8F", "uasc": "9A", "missing": "10A", "cse": "11A",
                 "trafficking": "12A", "gangs": "13A", "socially_unacceptable_behaviour": "14A", "self_harm": "15A",
                 "neglect": "16A", "emotional_abuse": "17A", "fgm": "22A", "faith_belief_abuse": "23A", "cce": "24A"}
_STATUS_FLAGS = {"neg": "negated", "hyp": "hypothetical", "unc": "uncertain", "hist": "historical"}
_MISSPELLINGS = {"received": "recieved", "occurred": "occured", "separate": "seperate", "accommodation": "accomodation",
                 "definitely": "definately", "until": "untill", "argument": "arguement", "believe": "beleive",
                 "tomorrow": "tommorow", "which": "wich", "their": "thier", "would": "woudl", "the": "teh",
                 "because": "becuase", "appointment": "appointmnet", "concerns": "concenrs", "school": "shcool"}
_PRONOUNS = {"he": ("he", "she"), "his": ("his", "her"), "him": ("him", "her"), "himself": ("himself", "herself"),
             "boy": ("boy", "girl")}
_ROLE_SLOTS = {"mum": "mother", "dad": "father", "nan": "mgm", "sw": "sw", "tm": "tm", "dsl": "dsl", "hv": "hv",
               "fsw": "fsw", "iro": "iro", "idva": "idva", "gp": "gp", "senco": "senco", "midwife": "midwife",
               "police": "@police", "camhs": "@camhs", "yot": "@yot", "mash": "@mash"}
# Role words and generic agency names in a template's own words are mentions too: "Mum", "the DSL",
# "police", "CAMHS" name whoever holds that role (or that agency) on the note's date.
_ROLE_WORDS = re.compile(r"\b(?:Mum|mum|Dad|dad|Nan|midwife|[Pp]olice|POLICE|CAMHS|YOT|MASH)\b"
                         r"|(?<!new )\b(?:SW|TM|DSL|HV|FSW|IRO|IDVA|GP|SENCO)\b")
_CONTACT_SLOTS = {"idva": "idva", "gp": "gp", "@surgery": "gp", "hv": "health_visitor"}


def status_of(flags: dict[str, bool]) -> str:
    """The single contracted status: the first true flag in the order negated, hypothetical,
    uncertain, historical, else current."""
    for name in ("negated", "hypothetical", "uncertain", "historical"):
        if flags[name]:
            return name
    return "current"


def cin_code(category: str, who: str | None, household: set[str], perp_child: bool = False) -> str | None:
    if category in _SINGLE_CODES:
        return _SINGLE_CODES[category]
    if category == "physical_abuse":
        return "18B" if perp_child else "18C"
    if category == "sexual_abuse":
        return "19B" if perp_child else "19C"
    family = _FAMILY_CODES.get(category)
    if family is None:
        return None
    if category == "domestic_abuse":
        return family + ("A" if who == "child" else "B")
    if who == "child":
        return family + "A"
    if who in ("mother", "father"):
        return family + "B"
    if who in household:
        return family + "C"
    return None


@dataclass
class NoteContext:
    """What a note's writer knows: its date, the storyline dates, the family's state then."""

    note_date: date | None
    refs: dict[str, DateRef]
    flags: set[str]
    household: set[str]
    address: str
    who: str = "mother"
    allowed_gaps: set[str] = field(default_factory=set)


@dataclass
class NoteDraft:
    parts: list[str] = field(default_factory=list)
    length: int = 0
    mentions: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    risks: list[dict] = field(default_factory=list)
    strengths: list[dict] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    gap_evidence: list[dict] = field(default_factory=list)
    contacts: list[tuple[str, str, str]] = field(default_factory=list)
    date_sources: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def append(self, piece: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return start, self.length

    def at_sentence_start(self) -> bool:
        tail = "".join(self.parts[-3:])[-3:] if self.parts else ""
        return not tail or bool(_SENTENCE_END.search(tail))


class Composer:
    """Renders templates for one case; one instance per generated case (it owns the rng)."""

    def __init__(self, cast: Cast, rng: random.Random, typo_rate: float = 0.006, held_out: bool = False) -> None:
        self.cast = cast
        self.held_out = held_out
        self.rng = rng
        self.typo_rate = typo_rate
        self.recent: deque[str] = deque(maxlen=60)  # templates used lately, tried last

    # -- eligibility ------------------------------------------------------------------------
    def can_render(self, template: str, ctx: NoteContext) -> bool:
        for slot in _SLOT_NAMES.findall(template):
            if slot in ("addr", "today"):
                continue
            if self.cast.resolve(slot, ctx.note_date) is None:
                return False
        return all(key in ctx.refs for key in _DATE_KEYS.findall(template))

    # -- rendering --------------------------------------------------------------------------
    def render(self, template: str, ctx: NoteContext, draft: NoteDraft) -> tuple[int, int]:
        text = template
        while True:
            replaced = _ALTERNATION.sub(lambda m: self.rng.choice(m.group(1).split("|")), text)
            if replaced == text:
                break
            text = replaced
        begin = draft.length
        open_spans: list[int] = []
        for token in _TOKENS.split(text):
            if not token:
                continue
            if token == "[":
                open_spans.append(draft.length)
            elif token.startswith("|") and token.endswith("]"):
                start = open_spans.pop()
                self._annotate(token[1:-1], start, draft, ctx)
            elif token.startswith("{"):
                self._slot(token[1:-1], ctx, draft)
            else:
                self._literal(self._typos(token), ctx, draft)
        if open_spans:
            raise ValueError(f"unclosed span in template: {template!r}")
        return begin, draft.length

    def _typos(self, literal: str) -> str:
        if self.typo_rate <= 0:
            return literal
        words = literal.split(" ")
        for index, word in enumerate(words):
            if len(word) < 4 or not word.isalpha() or self.rng.random() >= self.typo_rate:
                continue
            lower = word.lower()
            if lower in _MISSPELLINGS:
                words[index] = _MISSPELLINGS[lower] if word.islower() else word
            elif word.islower():
                i = self.rng.randrange(1, len(word) - 2)
                words[index] = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        return " ".join(words)

    def _literal(self, text: str, ctx: NoteContext, draft: NoteDraft) -> None:
        """Append template words, recording the role words in them ("Mum", "Nan", "SW", "the DSL")
        as mentions of whoever holds that role on the note's date."""
        position = 0
        for match in _ROLE_WORDS.finditer(text):
            person = self.cast.resolve(_ROLE_SLOTS[match.group(0).lower()], ctx.note_date)
            if person is None:
                continue
            draft.append(text[position:match.start()])
            start, end = draft.append(match.group(0))
            draft.mentions.append({"start": start, "end": end, "text": match.group(0), "person": person.id})
            position = match.end()
        draft.append(text[position:])

    def _person_text(self, person: Person, form: str | None, draft: NoteDraft) -> str:
        if form == "full":
            text = person.name
        elif form == "first":
            text = person.name.split()[0]
        else:
            text = self.rng.choice(person.forms)
        if draft.at_sentence_start() and text[:1].islower():
            text = text[0].upper() + text[1:]
        return text

    def _slot(self, slot: str, ctx: NoteContext, draft: NoteDraft) -> None:
        if slot.startswith("d:"):
            _, key, *options = slot.split(":")
            unknown = set(options) - {"explicit", "on"}
            if unknown:
                raise ValueError(f"unknown date options {sorted(unknown)} in {{{slot}}}")
            written = write_date(ctx.refs[key], ctx.note_date, self.rng,
                                 "explicit" if "explicit" in options else "any", on="on" in options)
            self._write_date(written, draft, key)
            return
        if slot == "addr":
            draft.append(ctx.address)
            return
        if slot == "today":
            if ctx.note_date is None:
                draft.append("on the day")
                return
            self._write_date(WrittenDate("today", ctx.note_date.isoformat(), "day", False, "relative"), draft, None)
            return
        name, _, form = slot.partition(".")
        name, _, given = name.partition("=")
        person = self.cast.resolve(name, ctx.note_date)
        if person is None:
            raise ValueError(f"slot {{{slot}}} has nobody on {ctx.note_date}")
        if given:
            if given not in person.forms and given != person.name:
                raise ValueError(f"slot {{{slot}}}: {given!r} is not one of {name}'s forms {person.forms}")
            start, end = draft.append(given)
            draft.mentions.append({"start": start, "end": end, "text": given, "person": person.id})
            return
        if form in ("phone", "email"):
            value = person.phone if form == "phone" else person.email
            draft.append(value)
            draft.contacts.append((person.slot, form, value))
            return
        if form == "dob":
            self._write_date(WrittenDate(person.dob.strftime("%d/%m/%Y"), person.dob.isoformat(), "day", False,
                                         "explicit"), draft, None)
            return
        if form == "age":
            years = (ctx.note_date - person.dob).days // 365 if ctx.note_date else 0
            draft.append(f"{years}")
            return
        if form in _PRONOUNS:
            text = _PRONOUNS[form][0 if person.sex == "m" else 1]
            if draft.at_sentence_start():
                text = text[0].upper() + text[1:]
            draft.append(text)
            return
        if form == "role":
            draft.append(person.role or person.relationship)
            return
        text = self._person_text(person, form or None, draft)
        start, end = draft.append(text)
        draft.mentions.append({"start": start, "end": end, "text": text, "person": person.id})
        if name in _CONTACT_SLOTS:
            draft.gap_evidence.append({"item": _CONTACT_SLOTS[name], "start": start, "end": end})

    def _write_date(self, written: WrittenDate, draft: NoteDraft, key: str | None) -> None:
        text = written.text
        if written.prefix:
            draft.append(written.prefix.capitalize() if draft.at_sentence_start() else written.prefix)
        if draft.at_sentence_start() and text[:1].islower():
            text = text[0].upper() + text[1:]
        start, end = draft.append(text)
        draft.dates.append({"start": start, "end": end, "text": text, "value": written.value,
                            "precision": written.precision, "approximate": written.approximate})
        if key is not None:
            draft.date_sources[key] = written.source

    def _annotate(self, spec: str, start: int, draft: NoteDraft, ctx: NoteContext) -> None:
        head, *options = spec.split()
        kind, _, label = head.partition(":")
        opts = dict(option.split("=", 1) for option in options)
        unknown = set(opts) - {"who", "st", "exp", "perp", "date", "sig", "plan", "stage"}
        if unknown:
            raise ValueError(f"unknown span options {sorted(unknown)} in {spec!r}")
        statuses = set(opts.get("st", "").split("+")) - {""}
        flags = {name: short in statuses for short, name in _STATUS_FLAGS.items()}
        text = draft.text[start:draft.length]
        if kind in ("risk", "str"):
            who = opts.get("who", ctx.who)
            in_subject = who in ctx.household or who in ("child", "mother", "father")
            experiencer = opts.get("exp", "subject" if in_subject else "other")
            row = {"start": start, "end": draft.length, "text": text, "category": label, **flags,
                   "status": status_of(flags), "experiencer": experiencer, "person": f"p_{who}"}
            if kind == "risk":
                row["cin_code"] = cin_code(label, who, ctx.household, opts.get("perp") == "child")
                draft.risks.append(row)
            else:
                draft.strengths.append(row)
        elif kind == "ev":
            key = opts.get("date", "note")
            ref = ctx.refs.get(key) if key != "note" else (DateRef(ctx.note_date) if ctx.note_date else None)
            if ref is not None and ctx.note_date is not None and ref.day > ctx.note_date:
                flags["hypothetical"] = True
            draft.events.append({
                "start": start, "end": draft.length, "text": text, "type": label,
                "date": ref.value if ref else None, "precision": ref.precision if ref else None,
                "approximate": ref.approximate if ref else False,
                "date_source": "note_date" if key == "note" else draft.date_sources.get(key, "explicit"),
                "plan_kind": opts.get("plan"), "stage": opts.get("stage"),
                "significance": int(opts.get("sig", EVENT_SIGNIFICANCE[label])),
                "status": status_of(flags)})
        else:
            raise ValueError(f"unknown span kind {kind!r} in {spec!r}")
