"""People, professionals and agencies: the ``caselens_entities`` component.

The base model finds ``PERSON`` names but knows nothing of case-note English: it tags "Mum" as a
name, a child's first name as an organisation and "PC 1234" as a date. This component keeps the
statistical model for names and adds rules (``resources/entity_patterns.jsonl``) for kinship and
household roles, professional roles and agencies, then links roles to names written next to them
("Mum (Sarah Jones)", "Sarah Jones (mother)", "maternal grandmother Pat", "Sarah's partner Dan",
"Jane Smith, social worker").

Each mention written to ``doc._.mentions`` has the keys documented in ``nlp.doc_ext`` plus:

- ``child``: the words name a child ("son", "the children", "Tyler (7)"),
- ``group``: the words name several people ("the children"),
- ``age``: a stated age in years ("aged 7", "(7)"), ``dob``: an ISO date of birth ("DOB 12/03/2015"),
- ``phones`` / ``emails``: contact details in the same sentence, on professionals and agencies,
- ``household``: ``True``/``False`` when the sentence says the person lives in (or has left) the
  household ("lives with", "moved out"), else ``None``.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import minibatch

import nlp.doc_ext  # noqa: F401  (registers the Doc extensions this component writes)
from nlp.doc_ext import doc_text, sentences
from nlp.wordlists import PERSON_VERBS_FILE, EntityRulesError, default_word_list, parse_word_list, resource_text

PATTERNS_FILE = "entity_patterns.jsonl"
HOUSEHOLD_CUES_FILE = "household_cues.tsv"
NOT_NAMES_FILE = "not_names.txt"

KINDS = ("family", "professional", "agency", "other")
RELATIONSHIPS = (
    "mother", "father", "stepmother", "stepfather", "parent_partner", "sibling", "half_sibling",
    "grandmother", "grandfather", "aunt", "uncle", "other_relative", "foster_carer",
    "ex_partner_of_parent", "friend", "professional", "unknown",
)
SIDES = ("maternal", "paternal")

_PATTERN_KEYS = {"kind", "pattern", "role", "relationship", "side", "case_sensitive", "named",
                 "child", "group", "trim_start"}
# Words of context either side of a possible name when the base model's recogniser runs on part
# of a note: beyond its reach of four (see ``EntityRecogniser._recognise_names``).
NAME_CONTEXT = 6
_CUE_EFFECTS = ("in", "out")
_CUE_SCOPES = ("sentence", "preceding")

# Entity labels the base model gives a child's first name by mistake.
_NEVER_NAME_LABELS = {"DATE", "TIME", "MONEY", "QUANTITY", "PERCENT", "CARDINAL", "ORDINAL"}
# Labels of words that are never a person's name written as a subject or in a list ("English
# is spoken at home"). Not "GPE":
# the base model gives children's first names that label as often as towns ("Aaliyah", "Olivia").
_PLACE_LABELS = {"LOC", "FAC", "NORP", "LANGUAGE"}
# Lower-case words after a capitalised word that make it a place ("the Meadows estate").
_PLACE_AFTER = {"estate", "area", "ward"}
# Words before a name that make the role an unspecified person ("a neighbour", "an ex-partner").
_INDEFINITE = {"a", "an", "another", "any"}
# Parts of speech a name written after a role word can never be.
_NOT_NAME_POS = {"VERB", "AUX", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "PART", "NUM", "ADV", "PUNCT"}

_MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
_DATE_VALUE = (r"(?:(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})"
               r"|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y2>\d{4}))")
_DOB = re.compile(r"\b(?:D\.?O\.?B\.?|[Dd]ate of [Bb]irth|[Bb]orn(?: on)?)\s*[:\-]?\s*" + _DATE_VALUE)
# "Lily (26/12/2011)", "Harley Holt (24/09/2012)": a whole date in brackets straight after a name
_DATE_IN_BRACKETS = re.compile(r"\(\s*" + _DATE_VALUE + r"\s*\)")
_AGE = re.compile(
    r"\(\s*(?P<paren>\d{1,2})\s*(?:y(?:ea)?rs?(?: old)?|y/?o)?\s*\)"
    r"|\b[Aa]ged?\s+(?P<aged>\d{1,2})\b"
    r"|\b(?P<old>\d{1,2})[\s\-]*(?:y(?:ea)?rs?|y/o)[\s\-]*old\b"
    r"|\b(?P<yrs>\d{1,2})\s*yrs\b")
_PHONE = re.compile(r"(?<![\d+])(?:\+44\s?\(?0?\)?\s?|0)(?:\d[\s\-]?){9,10}(?!\d)")
_WORD_RE = re.compile(r"\w+")
_EMAIL = re.compile(r"\b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\b")


@dataclass(frozen=True)
class EntityPattern:
    """One rule: words (a phrase or a spaCy token pattern) and what they say about a person."""

    kind: str
    pattern: str | list[dict[str, Any]]
    role: str | None = None
    relationship: str = "unknown"
    side: str | None = None
    case_sensitive: bool = False
    named: bool = False  # the matched words are a name ("Ms Jones", "Hillside Primary School")
    child: bool = False
    group: bool = False
    trim_start: int = 0  # leading tokens that are context, not the mention ("'s partner")

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> "EntityPattern":
        """Build a rule, rejecting unknown keys and values outside the contracted vocabularies."""
        unknown = set(row) - _PATTERN_KEYS
        if unknown:
            raise EntityRulesError(f"unknown keys {sorted(unknown)}")
        if row.get("kind") not in KINDS:
            raise EntityRulesError(f"kind must be one of {KINDS}, not {row.get('kind')!r}")
        relationship = row.get("relationship", "unknown")
        if relationship not in RELATIONSHIPS:
            raise EntityRulesError(f"unknown relationship {relationship!r}")
        if row.get("side") not in (None, *SIDES):
            raise EntityRulesError(f"side must be maternal or paternal, not {row.get('side')!r}")
        pattern = row.get("pattern")
        valid_tokens = isinstance(pattern, list) and pattern and all(isinstance(t, dict) for t in pattern)
        if not (isinstance(pattern, str) and pattern.strip()) and not valid_tokens:
            raise EntityRulesError("pattern must be a phrase or a list of token patterns")
        trim = row.get("trim_start", 0)
        if not isinstance(trim, int) or trim < 0:
            raise EntityRulesError("trim_start must be a whole number of tokens")
        return cls(kind=row["kind"], pattern=pattern, role=row.get("role"), relationship=relationship,
                   side=row.get("side"), case_sensitive=bool(row.get("case_sensitive", False)),
                   named=bool(row.get("named", False)), child=bool(row.get("child", False)),
                   group=bool(row.get("group", False)), trim_start=trim)

    def to_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {"kind": self.kind, "pattern": self.pattern}
        for name, default in (("role", None), ("relationship", "unknown"), ("side", None),
                              ("case_sensitive", False), ("named", False), ("child", False),
                              ("group", False), ("trim_start", 0)):
            value = getattr(self, name)
            if value != default:
                row[name] = value
        return row


@dataclass(frozen=True)
class HouseholdCue:
    """Words saying someone lives in the household (``in``) or has left it (``out``).

    ``scope`` says whom: everyone named in the sentence ("lives with mum and nan") or the person
    named just before the cue ("Dad moved out")."""

    cue: str
    effect: str
    scope: str
    regex: re.Pattern[str] = field(compare=False, repr=False, default=re.compile(""))


def parse_patterns(text: str, source: str = PATTERNS_FILE) -> list[EntityPattern]:
    """Parse JSONL entity rules; a bad line names the file and line number."""
    patterns = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            patterns.append(EntityPattern.from_dict(json.loads(line)))
        except (json.JSONDecodeError, EntityRulesError) as error:
            raise EntityRulesError(f"{source} line {number}: {error}") from error
    return patterns


def parse_household_cues(text: str, source: str = HOUSEHOLD_CUES_FILE) -> list[HouseholdCue]:
    """Parse the tab-separated ``cue, effect, scope`` table (header row first)."""
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    if reader.fieldnames != ["cue", "effect", "scope"]:
        raise EntityRulesError(f"{source}: columns must be cue, effect, scope")
    cues = []
    for number, row in enumerate(reader, start=2):
        if row["effect"] not in _CUE_EFFECTS or row["scope"] not in _CUE_SCOPES or not row["cue"]:
            raise EntityRulesError(f"{source} line {number}: bad cue row {row}")
        words = r"\s+".join(re.escape(word) for word in row["cue"].lower().split())
        cues.append(HouseholdCue(row["cue"], row["effect"], row["scope"],
                                 re.compile(rf"\b{words}\b", re.IGNORECASE)))
    return cues


def default_patterns() -> list[EntityPattern]:
    return parse_patterns(resource_text(PATTERNS_FILE))


def default_household_cues() -> list[HouseholdCue]:
    return parse_household_cues(resource_text(HOUSEHOLD_CUES_FILE))


def _cues_text(cues: Sequence[HouseholdCue]) -> str:
    return "cue\teffect\tscope\n" + "".join(f"{c.cue}\t{c.effect}\t{c.scope}\n" for c in cues)


# --------------------------------------------------------------------------------------------
# Text-level finders (also used without a pipeline)
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BirthDetail:
    """A date of birth or a stated age at ``[start, end)`` of the text. ``bracketed``: a date
    in brackets with no word saying it is a birth date, which counts only straight after a name."""

    start: int
    end: int
    dob: str | None
    age: int | None
    bracketed: bool = False


def _two_digit_year(year: int, anchor: date | None) -> int:
    pivot = (anchor or date.today()).year
    candidate = 2000 + year
    return candidate if candidate <= pivot else 1900 + year


def find_birth_details(text: str, anchor: date | None = None) -> list[BirthDetail]:
    """Dates of birth ("DOB 12/03/2015", "born on 4th May 2019", "Lily (26/12/2011)") and ages
    ("aged 7", "(7)").

    Dates are read day-first; a two-digit year is the most recent one not after ``anchor``. A
    bracketed date after ``anchor`` (the note's date) is not a birth date."""
    found: list[BirthDetail] = []
    for match in _DOB.finditer(text):
        value = _birth_date(match, anchor)
        if value is not None:
            found.append(BirthDetail(match.start(), match.end(), value, None))
    for match in _DATE_IN_BRACKETS.finditer(text):
        value = _birth_date(match, anchor)
        if value is not None and (anchor is None or value <= anchor.isoformat()):
            found.append(BirthDetail(match.start(), match.end(), value, None, bracketed=True))
    for match in _AGE.finditer(text):
        number = next(int(group) for group in match.groups() if group is not None)
        if number <= 25:
            found.append(BirthDetail(match.start(), match.end(), None, number))
    return sorted(found, key=lambda detail: detail.start)


def _birth_date(match: re.Match[str], anchor: date | None) -> str | None:
    """The ISO date a ``_DATE_VALUE`` match names, or None when it is no date."""
    if match.group("d"):
        day, month, year = int(match.group("d")), int(match.group("m")), int(match.group("y"))
        if len(match.group("y")) == 2:
            year = _two_digit_year(year, anchor)
    else:
        month = _MONTHS.get(match.group("mon").lower().rstrip("."), 0)
        day, year = int(match.group("d2")), int(match.group("y2"))
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def normalise_phone(text: str) -> str:
    """A UK phone number written the usual way: digits grouped as written, single spaces."""
    return re.sub(r"[\s\-]+", " ", text.strip())


def find_contacts(text: str) -> list[tuple[int, int, str, str]]:
    """``(start, end, "phone"|"email", value)`` for UK phone numbers and email addresses."""
    found = [(m.start(), m.end(), "email", m.group()) for m in _EMAIL.finditer(text)]
    found += [(m.start(), m.end(), "phone", normalise_phone(m.group()))
              for m in _PHONE.finditer(text)]
    return sorted(found)


# --------------------------------------------------------------------------------------------
# The component
# --------------------------------------------------------------------------------------------

@dataclass
class _Found:
    """A mention being built: a token span plus what the rules say about it."""

    span: Span
    kind: str
    role: str | None = None
    relationship: str = "unknown"
    side: str | None = None
    name: str | None = None
    is_name: bool = False
    child: bool = False
    group: bool = False
    linked: "_Found | None" = None

    def row(self) -> dict[str, Any]:
        return {"start": self.span.start_char, "end": self.span.end_char, "text": self.span.text,
                "kind": self.kind, "role": self.role, "relationship": self.relationship,
                "side": self.side, "name": self.name, "child": self.child, "group": self.group,
                "age": None, "dob": None, "phones": [], "emails": [], "household": None}


class EntityRecogniser:
    """Finds person, professional and agency mentions and writes ``doc._.mentions``.

    ``model_ner``, when set (``nlp.pipeline`` sets it to the base model's ``ner``, which it
    takes out of the pipeline), is run here first, on the parts of each note that could hold a
    name (see ``_recognise_names``); without it the rules read whatever entities the doc has.
    """

    model_ner: Any = None

    def __init__(self, nlp: Language, name: str = "caselens_entities",
                 patterns: Iterable[EntityPattern] | None = None,
                 household_cues: Iterable[HouseholdCue] | None = None,
                 not_names: Iterable[str] | None = None) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.make_doc = nlp.make_doc
        self.not_names = frozenset(default_word_list(NOT_NAMES_FILE) if not_names is None else not_names)
        self.person_verbs = default_word_list(PERSON_VERBS_FILE)
        self._set_rules(list(default_patterns() if patterns is None else patterns),
                        list(default_household_cues() if household_cues is None else household_cues))

    def _set_rules(self, patterns: list[EntityPattern], cues: list[HouseholdCue]) -> None:
        self.patterns = patterns
        self.household_cues = cues
        self._cue_words = [frozenset(_WORD_RE.findall(cue.cue.lower())) for cue in cues]
        self._exact = PhraseMatcher(self.vocab, attr="ORTH")
        self._lower = PhraseMatcher(self.vocab, attr="LOWER")
        self._tokens = Matcher(self.vocab)
        role_words: set[str] = set()
        for index, rule in enumerate(patterns):
            key = str(index)
            if isinstance(rule.pattern, str):
                doc = self.make_doc(rule.pattern if rule.case_sensitive else rule.pattern.lower())
                (self._exact if rule.case_sensitive else self._lower).add(key, [doc])
                if rule.kind in ("family", "professional") and not rule.named:
                    role_words.update(token.lower_ for token in doc if token.is_alpha)
            else:
                self._tokens.add(key, [rule.pattern])
        self._role_words = frozenset(role_words)

    # -- matching ---------------------------------------------------------------------------

    def _rule_spans(self, doc: Doc) -> list[tuple[Span, EntityPattern]]:
        matches = [match for matcher in (self._exact, self._lower, self._tokens) if len(matcher)
                   for match in matcher(doc)]
        candidates = []
        for match_id, start, end in matches:
            rule = self.patterns[int(self.vocab.strings[match_id])]
            start += rule.trim_start
            if rule.named:
                start = self._skip_leading_non_name(doc, start, end, rule.kind == "agency")
                if rule.kind != "agency" and end < len(doc) and doc[end].text in ("'s", "’s"):
                    continue  # "a previous relationship with Tyler's father": Tyler is not the one
            if start < end:
                candidates.append((start, end, rule))
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        taken = [False] * len(doc)
        chosen = []
        for start, end, rule in candidates:
            if any(taken[start:end]):
                continue
            taken[start:end] = [True] * (end - start)
            chosen.append((doc[start:end], rule))
        return sorted(chosen, key=lambda c: c[0].start)

    @staticmethod
    def _skip_leading_non_name(doc: Doc, start: int, end: int, agency: bool) -> int:
        """Named patterns start with any title-case word; drop a sentence-initial verb or
        determiner caught that way ("Visited Hillside Primary School") and, for an agency, a
        person's name written just before it ("Eleanor Nolan Hillside Primary School")."""
        while start < end - 1 and (doc[start].is_stop or doc[start].pos_ in _NOT_NAME_POS):
            start += 1
        if agency and doc[start].ent_type_ == "PERSON" and doc[start].ent_iob_ == "B":
            person_end = start + 1
            while person_end < end - 1 and doc[person_end].ent_iob_ == "I" and doc[person_end].ent_type_ == "PERSON":
                person_end += 1
            # the model's person may run into the agency's own name: keep at least a first name
            # and surname for the person and a capitalised word to start the agency
            for cut in (person_end, start + 2):
                if cut - start >= 2 and cut < end - 1 and doc[cut].is_title:
                    return cut
        return start

    def _name_like(self, token: Token) -> bool:
        """Could this word be part of a person's name? A capitalised first word of a sentence
        ("Liaison with...", "Informed TM") only counts when the tagger calls it a proper noun;
        words of case recording ("Email", "Flat") never do."""
        if token.is_sent_start and token.pos_ and token.pos_ != "PROPN":
            return False
        return (token.is_title and token.is_alpha and not token.is_stop and len(token) > 1
                and token.lower_ not in self._role_words and token.lower_ not in self.not_names
                and token.pos_ not in _NOT_NAME_POS)

    def _is_place(self, doc: Doc, start: int, end: int) -> bool:
        """A street after a house number ("Flat 11, 20 Dale View"), a town after an address
        ("41 Coronation Street, Redfield", "20 Dale View, Redfield") or a named estate ("the
        Meadows estate") is a place, whatever the base model calls it."""
        if self._after_house_number(doc, start):
            return True
        if start >= 2 and doc[start - 1].text == ",":
            if doc[start - 2].is_title and doc[start - 2].lower_ in self.not_names:
                return True
            street = start - 2
            while street > 0 and start - 2 - street < 3 and doc[street].is_title:
                street -= 1
            if street < start - 2 and self._after_house_number(doc, street + 1):
                return True
        return end < len(doc) and doc[end].lower_ in _PLACE_AFTER

    def _after_house_number(self, doc: Doc, start: int) -> bool:
        """"20 Dale View": a capitalised word straight after a house number that follows a
        comma, an address word or a lower-case word ("visited 20 Dale View"), not a badge
        number ("PC 1234 Smith")."""
        if start < 1 or not doc[start - 1].text.isdigit():
            return False
        before = doc[start - 2] if start >= 2 else None
        return before is None or before.is_punct or before.is_lower or before.lower_ in self.not_names

    def _model_names(self, doc: Doc, taken: list[bool]) -> list[_Found]:
        """Names from the base model's ``PERSON`` entities, minus role words and tokens the rules
        already hold ("Mum Sarah" gives the name "Sarah"; "Mum" alone gives none)."""
        found = []
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            if any(t.lower_ in self.not_names and not t.is_sent_start for t in ent):
                continue  # "Mill Lane", "Flat 4": an address, not a person
            tokens = [t for t in ent if not taken[t.i]]
            while tokens and not self._name_like(tokens[0]):
                tokens.pop(0)
            if not tokens:
                continue
            # "Helen re Skye", "Flat 4", "Skye's": the name ends at the first word that is not one
            end = tokens[0].i + 1
            while end < ent.end and not taken[end] and (doc[end].is_title and doc[end].is_alpha
                                                         or doc[end].text == "-" and not doc[end].whitespace_):
                end += 1
            while end > tokens[0].i + 1 and (doc[end - 1].text == "-" or doc[end - 1].lower_ in self._role_words):
                end -= 1
            span = doc[tokens[0].i:end]
            if self._is_place(doc, span.start, span.end):
                continue
            found.append(_Found(span, kind="other", name=span.text, is_name=True))
            taken[span.start:span.end] = [True] * len(span)
        return found

    def _untagged_names(self, doc: Doc, taken: list[bool], known: set[str]) -> list[_Found]:
        """Names the base model missed or mislabelled (a child's first name as ``ORG``/``GPE``):
        up to three name-like words that the text treats as a person ("Jade said", "Tyler (7)",
        "Tyler Jones DOB ...", a proper noun as the subject of a verb: "Riley was in his room")
        or that repeat a name already found in the note."""
        found: list[_Found] = []
        for _pass in range(2):  # the second pass finds earlier repeats of names cued later on
            index = 0
            while index < len(doc):
                if taken[index] or not self._name_like(doc[index]) or doc[index].ent_type_ in _NEVER_NAME_LABELS:
                    index += 1
                    continue
                end = index + 1
                while end < len(doc) and end - index < 3 and not taken[end] and self._name_like(doc[end]):
                    end += 1
                span = doc[index:end]
                if self._is_place(doc, index, end):
                    index = end
                    continue
                if span[0].text in known or self._person_cue_after(doc, end, index):
                    found.append(_Found(span, kind="other", name=span.text, is_name=True))
                    taken[index:end] = [True] * (end - index)
                    known.add(span[0].text)
                index = end
        return found

    def _person_cue_after(self, doc: Doc, end: int, start: int | None = None) -> bool:
        following = doc[end:end + 3]
        if not len(following):
            return False
        first = following[0]
        if first.lower_ in self.person_verbs or first.text in ("DOB", "D.O.B", "D.O.B."):
            return True
        if start is not None and doc[start].pos_ == "PROPN" and doc[start].ent_type_ not in _PLACE_LABELS \
                and first.pos_ == "AUX" and first.tag_ in ("VBD", "VBZ", "MD"):
            return True  # "Riley was in his bedroom", "Olivia sleeps in her cot"
        if first.lower_ == "born" or len(following) >= 2 and first.lower_ in ("aged", "age") and following[1].like_num:
            return True
        return len(following) >= 3 and first.text == "(" and following[1].like_num and following[2].text == ")"

    def _names_in_lists(self, doc: Doc, found: list[_Found], taken: list[bool]) -> list[_Found]:
        """Names listed with a person ("Present: Mum, Lily and Aaliyah", "Father of Lily Parker
        and Aaliyah"): a proper noun joined by "and" or a comma to a person is one too."""
        extra: list[_Found] = []
        people = [item for item in found if item.kind != "agency" and not item.group]
        queue = list(people)
        while queue:
            item = queue.pop()
            for direction in (1, -1):
                joint = item.span.end if direction == 1 else item.span.start - 1
                if not 0 <= joint < len(doc) or doc[joint].lower_ not in (",", "and", "&"):
                    continue
                first = joint + direction
                if not 0 <= first < len(doc) or taken[first] or not self._listed_name(doc[first]):
                    continue
                last = first
                while 0 <= last + direction < len(doc) and abs(last + direction - first) < 2 \
                        and not taken[last + direction] and self._listed_name(doc[last + direction]):
                    last += direction
                begin, end = min(first, last), max(first, last) + 1
                if self._is_place(doc, begin, end):
                    continue
                new = _Found(doc[begin:end], kind="other", name=doc[begin:end].text, is_name=True)
                taken[begin:end] = [True] * (end - begin)
                extra.append(new)
                queue.append(new)
        return extra

    def _listed_name(self, token: Token) -> bool:
        return self._name_like(token) and token.ent_type_ not in _NEVER_NAME_LABELS | _PLACE_LABELS \
            and (token.pos_ in ("PROPN", "") or token.ent_type_ == "PERSON")

    def _names_after_roles(self, doc: Doc, found: list[_Found], taken: list[bool]) -> list[_Found]:
        """Untagged names written straight after a role ("maternal grandmother Pat", "Mum
        (Sarah Jones)") or just before a bracketed role ("Pat (nan)")."""
        extra = []
        for item in found:
            if item.is_name or item.group or item.kind == "agency":
                continue
            first = item.span.end
            bracket = first < len(doc) and doc[first].text == "("
            if first < len(doc) and doc[first].text in (",", "("):
                first += 1
            last = first
            while last < len(doc) and last - first < 3 and not taken[last] and self._name_like(doc[last]):
                last += 1
            if bracket and (last >= len(doc) or doc[last].text != ")"):
                last = first
            if last > first:
                extra.append(_Found(doc[first:last], kind="other", name=doc[first:last].text, is_name=True))
                taken[first:last] = [True] * (last - first)
            # "Pat (nan)"; "Amy Brown HV" (a job title straight after a full name)
            bracket = item.span.start >= 1 and doc[item.span.start - 1].text == "("
            if not bracket and item.kind != "professional":
                continue
            comma = not bracket and item.span.start >= 1 and doc[item.span.start - 1].text == ","
            end = item.span.start - 1 if bracket or comma else item.span.start
            begin = end
            while begin > 0 and end - begin < 3 and not taken[begin - 1] and self._name_like(doc[begin - 1]):
                begin -= 1
            if end - begin >= (1 if bracket else 2):
                extra.append(_Found(doc[begin:end], kind="other", name=doc[begin:end].text, is_name=True))
                taken[begin:end] = [True] * (end - begin)
        return extra

    @staticmethod
    def _compose_possessives(doc: Doc, found: list[_Found]) -> list[_Found]:
        """"Mum's sister", "dad's brother", "mum's father": a parent's relative is the child's
        aunt, uncle or grandparent on that parent's side, written as one mention."""
        result: list[_Found] = []
        index = 0
        while index < len(found):
            owner = found[index]
            relative = found[index + 1] if index + 1 < len(found) else None
            gap = [t.text for t in doc[owner.span.end:relative.span.start]] if relative else []
            composed = _composed(owner, relative) if relative and gap in (["'s"], ["’s"]) else None
            if composed is None:
                result.append(owner)
                index += 1
                continue
            relationship, side = composed
            role = relative.role if side is None else f"{side} {relationship.replace('_', ' ')}"
            result.append(_Found(doc[owner.span.start:relative.span.end], kind="family", role=role,
                                 relationship=relationship, side=side))
            index += 2
        return result

    @staticmethod
    def _unspecified(doc: Doc, item: _Found) -> bool:
        """"A neighbour said...", "a caution for assault on an ex-partner": a role with an
        indefinite article and no name is nobody in particular, not a person in the case."""
        if item.is_name or item.linked is not None or item.kind == "agency" or item.group:
            return False
        return item.span.start > 0 and doc[item.span.start - 1].lower_ in _INDEFINITE

    # -- linking ----------------------------------------------------------------------------

    @staticmethod
    def _adjacent(doc: Doc, left: _Found, right: _Found) -> str | None:
        """How ``right`` follows ``left``: "direct", "bracket", "comma" or None."""
        gap = doc[left.span.end:right.span.start]
        texts = [t.text for t in gap]
        if not texts:
            return "direct"
        if texts == ["("] and right.span.end < len(doc) and doc[right.span.end].text == ")":
            return "bracket"
        if texts == [","]:
            return "comma"
        return None

    def _link(self, doc: Doc, found: list[_Found]) -> None:
        """Link roles to the names written beside them; a role straight before a name ("HV
        Megan") is linked first, so a comma list ("Nisha Evans, HV Megan") does not take it."""
        pairs = list(zip(found, found[1:]))
        covered = {index for item in found for index in range(item.span.start, item.span.end)}
        ranked = sorted(pairs, key=lambda pair: self._adjacent(doc, *pair) == "comma")
        for left, right in ranked:
            if left.group or right.group or left.linked or right.linked:
                continue
            how = self._adjacent(doc, left, right)
            if how is None:
                continue
            if left.is_name and not right.is_name and right.role and (
                    how in ("bracket", "comma") or right.kind == "professional"):
                role, name = right, left
                if how == "comma" and (not self._comma_role(right) or self._in_list(doc, left, covered)):
                    continue
            elif right.is_name and not left.is_name and left.role and left.kind != "agency":
                role, name = left, right
                if how == "comma" and (not self._comma_role(left) or self._in_list(doc, left, covered)):
                    continue
            else:
                continue
            if role is left and any(token.like_num for token in role.span):
                name.name = f"{role.span.text} {name.name}"  # "PC 1234 Smith": the badge identifies
            role.name = name.name
            role.linked, name.linked = name, role
            name.role, name.relationship, name.side = role.role, role.relationship, role.side
            name.child = name.child or role.child
            if name.kind == "other":
                name.kind = role.kind

    @staticmethod
    def _professional_by_agency(doc: Doc, found: list[_Found]) -> None:
        """"Call from Fatima Webb at Hillside Primary School", "Amy Brown (Oakfield Surgery)": a
        person named next to an agency this way works there."""
        for left, right in zip(found, found[1:]):
            gap = [t.lower_ for t in doc[left.span.end:right.span.start]]
            if left.is_name and left.kind == "other" and right.kind == "agency":
                # "at" alone is where anyone may be ("Skye at Hillside School"); after "call
                # from"/"met with" it is where the caller works.
                before = doc[left.span.start - 1].lower_ if left.span.start else ""
                if gap in (["from"], ["("]) or gap == ["at"] and before in ("from", "with", "by"):
                    left.kind, left.relationship = "professional", "professional"

    def _link_copula(self, doc: Doc, found: list[_Found]) -> None:
        """"Father of Skye and Freya is Steven Shaw", "Her social worker is Jane Mitchell": a
        role, a few words, then "is" and a name, within one sentence."""
        for index, role in enumerate(found):
            if not role.role or role.is_name or role.linked or role.group or role.kind == "agency":
                continue
            if role.span.end < len(doc) and doc[role.span.end].text in ("'s", "’s"):
                continue  # "mum's ex-partner, who is...": the role is mum's, not the name's
            before = role.span.start
            if before >= 1 and (doc[before - 1].lower_ == "whose" or doc[before - 1].text in ("'s", "’s")
                                and before >= 2 and doc[before - 2].is_title and doc[before - 2].lower_ != "mum"):
                continue  # "Riley's father is Jamie Clarke": Riley's, who may not be the child
            name = next((n for n in found[index + 1:] if n.is_name and n.span.start - role.span.end <= 7
                         and n.span.start > 0 and doc[n.span.start - 1].lower_ in ("is", "was")), None)
            if name is not None and name.span.end < len(doc) and doc[name.span.end].text in ("'s", "’s"):
                continue  # "Lily's father, who is L.I.'s father"
            if name is None or name.linked:
                continue
            gap = doc[role.span.end:name.span.start]
            if any(t.is_sent_start or t.text in (".", ";", ":", "(", ")") for t in gap):
                continue
            role.name = name.name
            role.linked, name.linked = name, role
            name.role, name.relationship, name.side, name.kind = role.role, role.relationship, role.side, role.kind

    @staticmethod
    def _in_list(doc: Doc, left: _Found, covered: set[int]) -> bool:
        """"HV, Joanne, IDVA": a name after a listed person is one more item, not an apposition."""
        start = left.span.start
        return start >= 2 and doc[start - 1].text == "," and (start - 2 in covered or doc[start - 2].text == ")")

    @staticmethod
    def _comma_role(role: _Found) -> bool:
        """"Jane Smith, social worker" and "Dan, her partner" are appositions; "Sarah, Mum and
        Dad" is a list, so a bare kinship word after a comma is not linked."""
        return role.kind == "professional" or role.span[0].lower_ in ("her", "his", "the", "their") \
            or role.span.start > 0 and role.span.doc[role.span.start - 1].lower_ in ("her", "his", "the", "their")

    # -- attributes from the surrounding text ------------------------------------------------

    @staticmethod
    def _segments(doc: Doc) -> list[tuple[int, int]]:
        """Sentence character ranges, cut at line breaks too (notes are often lists of lines)."""
        if doc.has_annotation("SENT_START"):
            bounds = [(sent.start_char, sent.end_char) for sent in sentences(doc)]
        else:
            bounds = [(0, len(doc_text(doc)))]
        pieces = []
        for start, end in bounds:
            for line in re.finditer(r"[^\n]+", doc_text(doc)[start:end]):
                pieces.append((start + line.start(), start + line.end()))
        return pieces

    def _attach_details(self, doc: Doc, rows: list[dict[str, Any]]) -> None:
        @cache  # cut only when needed: most notes have no birth detail, contact or household cue
        def segments() -> list[tuple[int, int]]:
            return self._segments(doc)

        def segment_of(offset: int) -> tuple[int, int] | None:
            return next(((s, e) for s, e in segments() if s <= offset < e), None)

        people = [row for row in rows if row["kind"] != "agency" and not row["group"]]
        for detail in find_birth_details(doc_text(doc), doc._.note_date):
            segment = segment_of(detail.start)
            if segment is None:
                continue
            before = [r for r in people if segment[0] <= r["start"] and r["end"] <= detail.start]
            if (detail.age is not None or detail.bracketed) and doc_text(doc)[detail.start] == "(":
                before = [r for r in before if not doc_text(doc)[r["end"]:detail.start].strip()]
            elif detail.age is not None:
                before = [r for r in before if detail.start - r["end"] <= 40]
            if not before:
                continue
            holder = max(before, key=lambda r: r["end"])
            targets = [holder] + [r for r in people if r is not holder and r["start"] == holder.get("_linked")]
            for target in targets:
                if detail.dob:
                    target["dob"] = detail.dob
                if detail.age is not None:
                    target["age"] = detail.age
                    target["child"] = target["child"] or detail.age < 18

        contactable = [row for row in rows if row["kind"] in ("professional", "agency")]
        for start, _end, kind, value in find_contacts(doc_text(doc)):
            segment = segment_of(start)
            if segment is None:
                continue
            near = [r for r in contactable if segment[0] <= r["start"] < segment[1]]
            if not near:
                continue
            preceding = [r for r in near if r["end"] <= start]
            # A mobile number or an email belongs to a person more often than to an office: when
            # a professional is named before it in the sentence, they get it.
            personal = kind == "email" or re.match(r"(?:\+44\s?|0)7", value)
            people = [r for r in preceding if r["kind"] == "professional"]
            if personal and people:
                preceding = people
            holder = max(preceding, key=lambda r: r["end"]) if preceding else min(near, key=lambda r: r["start"])
            bucket = holder["phones" if kind == "phone" else "emails"]
            if value not in bucket:
                bucket.append(value)

        by_start = {row["start"]: row for row in rows}
        for row in rows:
            partner = by_start.get(row.get("_linked", -1))
            if partner is not None:
                for key in ("phones", "emails"):
                    partner[key] = row[key] = sorted(set(partner[key]) | set(row[key]))

        family = [row for row in rows if row["kind"] in ("family", "other") and not row["group"]]
        lower = doc_text(doc).lower()
        # only the cues whose every word is in the note are looked for, sentence by sentence
        words = set(_WORD_RE.findall(lower)) if family else set()
        cues = [cue for cue, needed in zip(self.household_cues, self._cue_words) if needed <= words]
        for start, end in segments() if cues else ():
            for cue in cues:
                for match in cue.regex.finditer(lower, start, end):
                    inside = [r for r in family if start <= r["start"] < end]
                    if cue.scope == "preceding":
                        inside = [r for r in inside if r["end"] <= match.start()][-1:]
                    for row in inside:
                        row["household"] = cue.effect == "in"

    # -- the component ----------------------------------------------------------------------

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """``__call__`` over ``docs``, running the base model's recogniser once per batch."""
        for batch in minibatch(docs, batch_size):
            if self.model_ner is not None:
                self._recognise_names(batch)
            for doc in batch:
                yield self._annotate(doc)

    def __call__(self, doc: Doc) -> Doc:
        if self.model_ner is not None:
            self._recognise_names([doc])
        return self._annotate(doc)

    # -- the base model's names, only where a name can be -------------------------------------

    def _name_windows(self, doc: Doc) -> list[tuple[int, int]]:
        """Token ranges holding every word that could be part of a name, with ``NAME_CONTEXT``
        words either side (across sentence ends: the model reads its neighbours there too),
        overlapping ranges joined."""
        windows: list[tuple[int, int]] = []
        for token in doc:
            if not self._name_like(token):
                continue
            start, end = max(0, token.i - NAME_CONTEXT), min(len(doc), token.i + NAME_CONTEXT + 1)
            if windows and windows[-1][1] >= start:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((start, end))
        return windows

    def _recognise_names(self, docs: Sequence[Doc]) -> None:
        """Set each doc's entities with the base model's recogniser run on its name windows only.

        The rules read the model's entities on name-like words alone (a ``PERSON`` starting
        with one, a date label vetoing one), and about half of a note's words are in no
        sentence with such a word; the recogniser was half of extraction time. Its decisions
        depend on four words either side (its convolution's reach), so with six words of
        context a window gets the labels the whole note would: on the synthetic corpus the
        mentions found are identical. Words outside every window are marked outside any entity.
        """
        docs = [doc for doc in docs if not doc._.model_entities]
        pieces = [(doc, start, doc[start:end].as_doc())
                  for doc in docs for start, end in self._name_windows(doc)]
        found: dict[int, list[Span]] = {id(doc): [] for doc in docs}
        analysed = self.model_ner.pipe((piece for _, _, piece in pieces), batch_size=256)
        for (doc, start, _), piece in zip(pieces, analysed):
            found[id(doc)].extend(Span(doc, start + ent.start, start + ent.end, label=ent.label)
                                  for ent in piece.ents)
        for doc in docs:
            doc.set_ents(found[id(doc)], default="outside")

    def _annotate(self, doc: Doc) -> Doc:
        taken = [False] * len(doc)
        found: list[_Found] = []
        for span, rule in self._rule_spans(doc):
            is_name = rule.named and rule.kind != "agency"
            found.append(_Found(span, kind=rule.kind, role=rule.role, relationship=rule.relationship,
                                side=rule.side, name=span.text if rule.named else None,
                                is_name=is_name, child=rule.child, group=rule.group))
            taken[span.start:span.end] = [True] * len(span)
        found += self._model_names(doc, taken)
        known = {item.span[0].text for item in found if item.is_name}
        found += self._untagged_names(doc, taken, known)
        found.sort(key=lambda f: f.span.start)
        found += self._names_after_roles(doc, found, taken)
        found += self._names_in_lists(doc, found, taken)
        found.sort(key=lambda f: f.span.start)
        found = self._compose_possessives(doc, found)
        self._link(doc, found)
        self._link_copula(doc, found)
        self._professional_by_agency(doc, found)
        found = [item for item in found if not self._unspecified(doc, item)]
        agencies_at = {item.span.start for item in found if item.kind == "agency"}
        found = [item for item in found if not (item.is_name and item.kind == "other" and item.linked is None
                                                and item.span.end in agencies_at and len(item.span) == 1)]
        rows = []
        for item in found:
            row = item.row()
            if item.linked is not None:
                row["_linked"] = item.linked.span.start_char
            rows.append(row)
        self._attach_details(doc, rows)
        for row in rows:
            row.pop("_linked", None)
        doc._.mentions = rows
        return doc

    # -- serialisation ----------------------------------------------------------------------

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        lines = (json.dumps(rule.to_dict(), ensure_ascii=False) for rule in self.patterns)
        (path / PATTERNS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
        (path / HOUSEHOLD_CUES_FILE).write_text(_cues_text(self.household_cues), encoding="utf-8")
        (path / NOT_NAMES_FILE).write_text("".join(f"{w}\n" for w in sorted(self.not_names)), encoding="utf-8")
        (path / PERSON_VERBS_FILE).write_text("".join(f"{w}\n" for w in sorted(self.person_verbs)),
                                              encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "EntityRecogniser":
        path = Path(path)
        patterns = parse_patterns((path / PATTERNS_FILE).read_text(encoding="utf-8"), str(path / PATTERNS_FILE))
        cues = parse_household_cues((path / HOUSEHOLD_CUES_FILE).read_text(encoding="utf-8"),
                                    str(path / HOUSEHOLD_CUES_FILE))
        self.not_names = parse_word_list((path / NOT_NAMES_FILE).read_text(encoding="utf-8"),
                                         str(path / NOT_NAMES_FILE))
        self.person_verbs = parse_word_list((path / PERSON_VERBS_FILE).read_text(encoding="utf-8"),
                                            str(path / PERSON_VERBS_FILE))
        self._set_rules(patterns, cues)
        return self


def _composed(owner: _Found, relative: _Found) -> tuple[str, str | None] | None:
    """The child's relationship to a parent's relative (``owner``'s ``relative``), or None when
    the words are not a parent's kinship word."""
    if owner.is_name or owner.kind != "family" or owner.relationship not in ("mother", "father") \
            or relative.is_name or relative.kind != "family" or relative.group:
        return None
    side = "maternal" if owner.relationship == "mother" else "paternal"
    word = relative.span.text.lower()
    if relative.relationship in ("mother", "father"):
        return ("grandmother" if relative.relationship == "mother" else "grandfather"), side
    if relative.relationship in ("sibling", "half_sibling"):
        if "sister" in word:
            return "aunt", side
        if "brother" in word:
            return "uncle", side
        return "other_relative", side
    if relative.relationship in ("parent_partner", "ex_partner_of_parent"):
        return relative.relationship, None
    return None


@Language.factory("caselens_entities")
def make_entity_recogniser(nlp: Language, name: str) -> EntityRecogniser:
    """Person, professional and agency mentions with roles, relationships and names."""
    return EntityRecogniser(nlp, name)
