"""The anonymised variant: the same chronology with the people and places nobody outside the case
should be able to recognise replaced or removed.

People are replaced *consistently* by what they are to the child ("Mother", "Child 1",
"Maternal grandmother", "Professional A"), so a reader can still follow who did what. Contact
details, addresses and postcodes, dates of birth, NHS and other reference numbers, police collar
numbers and the names of schools, GP surgeries and other identifying places are removed or
generalised ("[postcode]", "[school]"...). The rules (labels, place words, street words,
reference words) are data in ``anonymise_rules.json``, checked on load.

This is a strong first pass, not a guarantee: a name the extraction never linked to a person
and that has no title ("Mr", "PC"...) in front of it stays as written. The export dialog shows a
preview so the worker can redact further (``redactions``).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from reports.formatting import parse_iso

_RULE_KEYS = {
    "relationship_labels", "side_prefixes", "lettered_labels", "kind_labels", "subject_label",
    "honorifics", "police_ranks", "not_name_words", "places", "place_prefixes", "street_suffixes",
    "named_street_suffixes", "dwelling_words", "reference_words", "dob_words", "name_particles",
    "family_words",
}
_PLACE_KEYS = {"label", "suffixes"}
_PLACE_PREFIX_KEYS = {"label", "prefixes"}
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")

NAME = "[name]"
REDACTED = "[redacted]"


@dataclass(frozen=True, eq=False)
class AnonymiseRules:
    """The validated contents of ``anonymise_rules.json``."""

    relationship_labels: dict[str, str]
    side_prefixes: dict[str, str]
    lettered_labels: frozenset[str]
    kind_labels: dict[str, str]
    subject_label: str
    honorifics: tuple[str, ...]
    police_ranks: tuple[str, ...]
    not_name_words: frozenset[str]
    places: tuple[tuple[str, tuple[str, ...]], ...]
    place_prefixes: tuple[tuple[str, tuple[str, ...]], ...]
    street_suffixes: tuple[str, ...]
    named_street_suffixes: tuple[str, ...]
    dwelling_words: tuple[str, ...]
    reference_words: tuple[str, ...]
    dob_words: tuple[str, ...]
    name_particles: frozenset[str]
    family_words: frozenset[str]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnonymiseRules:
        """Check and build the rules; unknown or missing keys are an error."""
        unknown = set(data) - _RULE_KEYS
        missing = _RULE_KEYS - set(data)
        if unknown or missing:
            raise ValueError(f"anonymise rules: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
        places = []
        for entry in data["places"]:
            if set(entry) != _PLACE_KEYS:
                raise ValueError(f"anonymise rules: a place entry needs exactly {sorted(_PLACE_KEYS)}: {entry}")
            places.append((str(entry["label"]), tuple(_strings(entry["suffixes"], "suffixes"))))
        prefixes = []
        for entry in data["place_prefixes"]:
            if set(entry) != _PLACE_PREFIX_KEYS:
                raise ValueError(f"anonymise rules: a place prefix needs exactly {sorted(_PLACE_PREFIX_KEYS)}: {entry}")
            prefixes.append((str(entry["label"]), tuple(_strings(entry["prefixes"], "prefixes"))))
        return cls(
            relationship_labels=dict(data["relationship_labels"]),
            side_prefixes=dict(data["side_prefixes"]),
            lettered_labels=frozenset(_strings(data["lettered_labels"], "lettered_labels")),
            kind_labels=dict(data["kind_labels"]),
            subject_label=str(data["subject_label"]),
            honorifics=tuple(_strings(data["honorifics"], "honorifics")),
            police_ranks=tuple(_strings(data["police_ranks"], "police_ranks")),
            not_name_words=frozenset(_strings(data["not_name_words"], "not_name_words")),
            places=tuple(places),
            place_prefixes=tuple(prefixes),
            street_suffixes=tuple(_strings(data["street_suffixes"], "street_suffixes")),
            named_street_suffixes=tuple(_strings(data["named_street_suffixes"], "named_street_suffixes")),
            dwelling_words=tuple(_strings(data["dwelling_words"], "dwelling_words")),
            reference_words=tuple(_strings(data["reference_words"], "reference_words")),
            dob_words=tuple(_strings(data["dob_words"], "dob_words")),
            name_particles=frozenset(p.casefold() for p in _strings(data["name_particles"], "name_particles")),
            family_words=frozenset(w.casefold() for w in _strings(data["family_words"], "family_words")),
        )


def _strings(values: Any, key: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise ValueError(f"anonymise rules: {key} must be a list of non-empty strings")
    return values


@lru_cache(maxsize=1)
def load_rules() -> AnonymiseRules:
    """The packaged rules (read once per process)."""
    text = resources.files("reports").joinpath("anonymise_rules.json").read_text(encoding="utf-8")
    return AnonymiseRules.from_dict(json.loads(text))


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first so "Primary School" wins over "School"."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


class _Patterns:
    """The fixed (case-independent) patterns, compiled once from the rules."""

    def __init__(self, rules: AnonymiseRules) -> None:
        self.email = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
        self.postcode = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
        self.phone = re.compile(r"(?<![\w+/])(?:\+\s?44|0)[\d\s()\-]{8,16}\d(?![\w/])")
        self.nhs = re.compile(r"(?<![\w/])[1-9]\d{2}[\s-]?\d{3}[\s-]?\d{4}(?![\w/])")
        ranks = _alternation(rules.police_ranks)
        self.collar = re.compile(
            rf"\b((?:{ranks})\.?\s+(?:[A-Z][\w'’-]+\s+)?)(\d{{2,6}})\b"
            r"|\b((?i:collar|shoulder|warrant)\s+(?i:number|no\.?|#)?\s*:?\s*)(\d{2,7})\b"
        )
        street = _alternation(rules.street_suffixes)
        named_street = _alternation(rules.named_street_suffixes)
        dwelling = _alternation(rules.dwelling_words)
        word = r"[A-Z][\w'’-]*"
        postcode = r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"
        not_name = _alternation(rules.not_name_words)
        town = rf"(?!(?:{not_name})\b){word}"
        # The house number and street, and the town after it when a postcode follows or the
        # sentence ends there ("51 Victoria Road, Westbridge.").
        self.address = re.compile(
            rf"(?:\b(?:{dwelling})\s+\d+[A-Za-z]?,?\s+(?:{word}\s+){{0,3}})?"
            rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:{word}\s+){{1,3}}(?:{street})\b"
            rf"(?:(?:,?\s+{word}){{1,3}}(?=,?\s+{postcode}\b)|,\s+{town}(?:\s+{town})?(?=\s*[.;:),]|\s*$))?"
        )
        self.named_street = re.compile(
            rf"\b((?:on|in|at|to|of|from)\s+)(?:{word}\s+){{1,2}}(?:{named_street})\b"
        )
        # A place name: capitalised words before a place word ("Oakfield Primary School").
        # The first may not be a common word, a past-tense verb ("Phoned") or itself a place
        # word, and no word may be one, so "Hospital and The Castle Practice" stays two places.
        place_words = {w for _, suffixes in rules.places for s in suffixes for w in s.split()}
        not_place = _alternation(place_words)
        name_word = rf"(?!(?:{not_place})\b)[A-Z][\w'’&-]*"
        first_word = rf"(?!(?:{not_name}|{not_place})\b)(?![A-Z][a-z]+ed\b)[A-Z][\w'’&-]*"
        connector = r"(?:of|the|on|upon|de|le)"
        self.places: list[tuple[re.Pattern[str], str]] = []
        for label, suffixes in rules.places:
            self.places.append((
                re.compile(rf"\b{first_word}\s+(?:(?:{name_word}|{connector})\s+){{0,4}}(?:{_alternation(suffixes)})\b"),
                label,
            ))
        for label, prefixes in rules.place_prefixes:
            self.places.append((
                re.compile(rf"\b(?:{_alternation(prefixes)})\s+{name_word}(?:\s+{name_word}){{0,2}}"), label,
            ))
        reference = _alternation(rules.reference_words)
        self.reference = re.compile(
            rf"(?i:\b(?:{reference}))\b\.?\s*(?i:number|no\.?|num)?\s*[:#.]?\s*"
            r"((?=[\w/-]*\d)[A-Za-z0-9][\w/-]{2,})"
        )
        self.coded = re.compile(r"\b(?=(?:[A-Z/-]*\d){3})(?=[\d/-]*[A-Z])[A-Z0-9][A-Z0-9/-]{4,}\b")
        self.long_number = re.compile(r"(?<![\w/.:-])\d{6,}(?![\w/:-])")
        dob = _alternation(rules.dob_words)
        months = "|".join(_MONTH_NAMES) + "|" + "|".join(m[:3] for m in _MONTH_NAMES) + "|Sept"
        date_text = (
            rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}"
            rf"|(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{months})\.?,?\s+\d{{4}}"
            rf"|\d{{4}}-\d{{2}}-\d{{2}})"
        )
        self.dob = re.compile(rf"(?i:\b(?:{dob}))(?:\s*[:\-]\s*|\s+)({date_text})", re.IGNORECASE)
        titles = _alternation(rules.honorifics + rules.police_ranks)
        label_words = {w for label in (*rules.relationship_labels.values(), *rules.kind_labels.values(),
                                       *rules.side_prefixes.values(), rules.subject_label)
                       for w in re.findall(r"[\w'’-]+", label)}
        not_label = _alternation(rules.not_name_words | {w.capitalize() for w in label_words})
        # A title and a name nobody linked to a person ("Mr Brown", "PC Green"): "[name]".
        self.titled_name = (
            rf"\b(?:{titles})\.?\s+(?:[A-Z]\.?\s+)?(?!(?:{not_label})\b)[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)?"
        )


@dataclass
class _PersonEntry:
    label: str
    names: set[str] = field(default_factory=set)


class Anonymiser:
    """Consistent replacement of identifying details in every text of one case.

    Build it with ``Anonymiser.from_case(case)`` (or from plain rows), then call ``text(s)`` on
    each string going into the document. The same person always gets the same label.
    """

    def __init__(
        self,
        people: Sequence[Mapping[str, Any]] = (),
        subjects: Sequence[Mapping[str, Any]] = (),
        authors: Sequence[str] = (),
        mention_texts: Mapping[str, Iterable[str]] | None = None,
        redactions: Sequence[str] = (),
        rules: AnonymiseRules | None = None,
    ) -> None:
        self.rules = rules or load_rules()
        self._patterns = _patterns(self.rules)
        self._labels: dict[str, str] = {}
        self._entries: list[_PersonEntry] = []
        self._subject_dobs: list[date] = []
        self._literal_contacts: set[str] = set()
        self._assign_labels(list(people), list(subjects), mention_texts or {})
        for author in authors:
            self._register_author(author)
        self._redactions = [r.strip() for r in redactions if r and r.strip()]
        self._name_pattern, self._name_lookup = self._compile_names()

    @classmethod
    def from_case(cls, case: Any, redactions: Sequence[str] = ()) -> Anonymiser:
        """Everything the case knows about who is who: subjects, people (worker's edits and
        merges applied), how each person is written in the notes, and the notes' authors."""
        from reports import queries
        from store import cases

        header = cases.header(case)
        return cls(
            people=queries.people(case),
            subjects=header["subjects"],
            authors=queries.note_authors(case),
            mention_texts=queries.person_mention_texts(case),
            redactions=redactions,
        )

    # --- labels -----------------------------------------------------------------------------

    def label(self, person_id: str) -> str | None:
        """The label a person (or subject child) is shown under, e.g. "Mother"."""
        return self._labels.get(person_id)

    def subject_label(self, index: int) -> str:
        """"Child 1", "Child 2"... for the case's subject children in order."""
        return f"{self.rules.subject_label} {index + 1}"

    def _assign_labels(
        self,
        people: list[Mapping[str, Any]],
        subjects: list[Mapping[str, Any]],
        mention_texts: Mapping[str, Iterable[str]],
    ) -> None:
        by_id = {p.get("id"): p for p in people if p.get("id")}
        subject_ids: set[str] = set()
        for index, subject in enumerate(subjects):
            entry = _PersonEntry(self.subject_label(index))
            entry.names.update(n for n in [subject.get("name")] if n)
            person = by_id.get(subject.get("person_id"))
            if person is None and subject.get("name"):
                person = next((p for p in people if _same_name(p.get("name"), subject["name"])), None)
            if person is not None:
                subject_ids.add(person["id"])
                self._labels[person["id"]] = entry.label
                entry.names.update(self._person_names(person, mention_texts))
            if subject.get("person_id"):
                self._labels[subject["person_id"]] = entry.label
            dob = parse_iso(subject.get("dob"))
            if dob is not None and len(str(subject.get("dob"))) >= 10:
                self._subject_dobs.append(dob)
            self._entries.append(entry)
        # Agencies are organisations, not people: their names are generalised by the place
        # rules ("[school]") and generic ones ("Police", "CAMHS") stay readable.
        others = [p for p in people if p.get("id") not in subject_ids and p.get("kind") != "agency"]
        others.sort(key=lambda p: (p.get("first_seen") or "9999", p.get("name") or "", p.get("id") or ""))
        bases = {p.get("id"): self._base_label(p) for p in others}
        totals: dict[str, int] = {}
        for base in bases.values():
            totals[base] = totals.get(base, 0) + 1
        seen: dict[str, int] = {}
        for person in others:
            base = bases[person.get("id")]
            seen[base] = seen.get(base, 0) + 1
            if base in self.rules.lettered_labels:
                label = f"{base} {_letters(seen[base])}"
            elif totals[base] > 1:
                label = f"{base} {seen[base]}"
            else:
                label = base
            if person.get("id"):
                self._labels[person["id"]] = label
            entry = _PersonEntry(label, self._person_names(person, mention_texts))
            self._entries.append(entry)
            contacts = person.get("contacts") or {}
            for key in ("phones", "emails"):
                self._literal_contacts.update(c for c in contacts.get(key, []) if c)

    def _base_label(self, person: Mapping[str, Any]) -> str:
        rules = self.rules
        kind = person.get("kind") or "other"
        relationship = person.get("relationship")
        if kind == "professional" or relationship == "professional":
            return rules.kind_labels.get("professional", "Professional")
        if relationship and relationship in rules.relationship_labels and relationship != "unknown":
            base = rules.relationship_labels[relationship]
            side = rules.side_prefixes.get(person.get("side") or "")
            return f"{side} {base[0].lower()}{base[1:]}" if side else base
        return rules.kind_labels.get(kind, rules.kind_labels.get("other", "Person"))

    def _person_names(self, person: Mapping[str, Any], mention_texts: Mapping[str, Iterable[str]]) -> set[str]:
        """The ways a person is written that are a personal name ("Sarah Jones", "Sarah"),
        not a role the extraction also recorded ("school nurse", "SW", "Teacher")."""
        candidates = {person.get("name") or "", *(person.get("aliases") or []),
                      *mention_texts.get(person.get("id"), ())}
        role = _fold(person.get("role") or "")
        return {c.strip() for c in candidates if c and c.strip() and _fold(c) != role and self._looks_like_name(c)}

    def _looks_like_name(self, text: str) -> bool:
        """Capitalised words (particles such as "de" or "bin" aside), at least one of them
        neither an abbreviation ("SW", "DSL", "M.H."), a number nor a common word."""
        tokens = re.findall(r"[\w'’-]+", text)
        words = [t for t in tokens if t.casefold() not in self.rules.name_particles]
        if not words or any(t[0].islower() for t in words):
            return False
        return any(self._name_token(t) for t in words)

    def _name_token(self, token: str) -> bool:
        """A word that on its own can stand for a person: not an abbreviation, number,
        title or common capitalised word."""
        rules = self.rules
        return (
            len(token) > 1
            and token[0].isupper()
            and not token.isupper()
            and not any(ch.isdigit() for ch in token)
            and token not in rules.not_name_words
            and token not in rules.honorifics
            and token not in rules.police_ranks
            and token.casefold() not in rules.family_words
        )

    def _register_author(self, author: str) -> None:
        name = re.split(r"\s*[(\[,]|\s+[-–—|]\s+", author.strip(), maxsplit=1)[0].strip()
        if not name or not self._looks_like_name(name):
            return
        if any(_same_name(name, known) for entry in self._entries for known in entry.names):
            return
        base = self.rules.kind_labels.get("professional", "Professional")
        used = sum(1 for entry in self._entries if entry.label.startswith(base + " "))
        self._entries.append(_PersonEntry(f"{base} {_letters(used + 1)}", {name}))

    # --- names ------------------------------------------------------------------------------

    def _compile_names(self) -> tuple[re.Pattern[str], dict[str, str]]:
        """One pattern for every way a known person is written. Full names match whatever the
        case; a single word (a first name or surname alone) must be capitalised, so "May" the
        name is replaced but "may" the verb is not. A word shared by two people becomes "[name]"."""
        multi: dict[str, str] = {}
        single: dict[str, set[str]] = {}
        titles = self.rules.honorifics + self.rules.police_ranks
        professional = self.rules.kind_labels.get("professional", "Professional")
        for entry in self._entries:
            entry_titles = titles if entry.label.startswith(professional) else self.rules.honorifics
            for name in entry.names:
                tokens = re.findall(r"[\w'’-]+", name)
                if not tokens:
                    continue
                if len(tokens) > 1:
                    multi[_fold(name)] = entry.label
                for token in tokens:
                    if self._name_token(token):
                        single.setdefault(token, set()).add(entry.label)
                surname = tokens[-1]
                if len(tokens) > 1 and surname[0].isupper():
                    for title in entry_titles:
                        multi.setdefault(_fold(f"{title} {surname}"), entry.label)
                        multi.setdefault(_fold(f"{title}. {surname}"), entry.label)
        labels_by_word: dict[str, set[str]] = {}
        for token, labels in single.items():
            labels_by_word.setdefault(token.casefold(), set()).update(labels)
        folded_titles = {t.casefold() for t in titles}
        for key in list(multi):
            parts = key.split()
            if len(parts) < 2:
                continue
            if parts[0].rstrip(".") in folded_titles and len(labels_by_word.get(parts[-1], ())) > 1:
                multi[key] = NAME
        lookup: dict[str, str] = dict(multi)
        for token, labels in single.items():
            lookup[token] = labels.pop() if len(labels) == 1 else NAME
        alternatives = []
        for key in sorted(lookup, key=lambda k: (-len(k), k)):
            if key in multi:
                parts = [re.escape(p) for p in key.split()]
                alternatives.append("(?i:" + r"[\s\u00a0]+".join(parts) + ")")
            else:
                alternatives.append(re.escape(key))
        alternatives.append(self._patterns.titled_name)
        pattern = re.compile(r"(?<![\w@])(?:" + "|".join(alternatives) + r")(?![\w@])")
        return pattern, lookup

    def _replace_name(self, match: re.Match[str]) -> str:
        found = match.group(0)
        folded = _fold(found)
        if folded in self._name_lookup:
            return self._name_lookup[folded]
        return self._name_lookup.get(found, NAME)

    # --- text -------------------------------------------------------------------------------

    def text(self, value: str | None) -> str:
        """``value`` with every identifying detail this anonymiser knows about replaced."""
        if not value:
            return value or ""
        p = self._patterns
        out = value
        for phrase in self._redactions:
            out = re.sub(re.escape(phrase), REDACTED, out, flags=re.IGNORECASE)
        out = p.email.sub("[email]", out)
        for contact in sorted(self._literal_contacts, key=len, reverse=True):
            out = out.replace(contact, "[phone]" if "@" not in contact else "[email]")
        out = p.dob.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + "[date of birth]", out)
        for dob in self._subject_dobs:
            out = _dob_pattern(dob).sub("[date of birth]", out)
        out = p.address.sub("[address]", out)
        out = p.postcode.sub("[postcode]", out)
        out = p.named_street.sub(lambda m: m.group(1) + "[address]", out)
        out = p.phone.sub(_phone_or_keep, out)
        out = p.collar.sub(_collar, out)
        out = p.nhs.sub("[NHS number]", out)
        out = p.reference.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + "[reference]", out)
        out = p.coded.sub("[reference]", out)
        out = p.long_number.sub("[number]", out)
        for pattern, label in p.places:
            out = pattern.sub(label, out)
        return self._name_pattern.sub(self._replace_name, out)


def _phone_or_keep(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if digits.startswith("44"):
        return "[phone]" if 11 <= len(digits) <= 13 else match.group(0)
    return "[phone]" if 10 <= len(digits) <= 11 else match.group(0)


def _collar(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return f"{match.group(1)}[collar number]"
    return f"{match.group(3)}[collar number]"


@lru_cache(maxsize=64)
def _dob_pattern(dob: date) -> re.Pattern[str]:
    """A subject's date of birth written any usual way: 12/03/2015, 12.3.15, 12 March 2015,
    12th Mar 2015, 2015-03-12."""
    day, month, year = dob.day, dob.month, dob.year
    numeric = rf"0?{day}[/.-]0?{month}[/.-](?:{year}|{year % 100:02d})"
    name = _MONTH_NAMES[month - 1]
    words = rf"0?{day}(?:st|nd|rd|th)?\s+(?:{name}|{name[:3]})\.?,?\s+{year}"
    return re.compile(rf"(?<![\w/])(?:{numeric}|{words}|{dob.isoformat()})(?![\w/])", re.IGNORECASE)


@lru_cache(maxsize=4)
def _patterns(rules: AnonymiseRules) -> _Patterns:
    return _Patterns(rules)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _same_name(a: str | None, b: str | None) -> bool:
    return bool(a and b and _fold(a) == _fold(b))


def _letters(number: int) -> str:
    """1 -> "A", 26 -> "Z", 27 -> "AA"."""
    text = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        text = chr(ord("A") + rest) + text
    return text
