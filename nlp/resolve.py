"""Case-level resolution: from every note's mentions to the people around the child.

Runs once the whole case has been extracted (``nlp.extract``), over the stored rows:

1. **People.** Named mentions are clustered by name (rapidfuzz for spelling, nicknames from
   ``resources/nicknames.tsv``): "Sarah Jones", "Sarah", "Ms Jones", "S.J." and "Sara Jones" are one
   person when the case holds no other candidate. Role links made per note ("Mum (Sarah Jones)",
   "Sarah's partner Dan") give a named person a relationship. Mentions by role only ("Mum",
   "maternal grandmother", "the health visitor") join the named person holding that role, first in
   the same note, then in the case; otherwise they form a person known by role. A foster carer is
   ``foster_carer`` whatever the child calls her, so a birth mother and a foster "mum" stay apart.
   A professional written by role only ("SW", "FSW") is the note's author when the author holds
   that role, else the author holding it nearest in time (``find_author_roles``). A kinship word
   is read through its possessor ("Mum said her father..." is the maternal grandfather; "Lily's
   father" is the child's only if Lily is the child). A role known only by its word is given to
   a named adult by the family surname of its side, by nearness, by shared notes, never across
   sex (titles, pronouns after the name); "Nan" with no side is the grandmother around most.
2. **The subject child**: the children named in the case's ``subjects`` or, failing that, the
   most-mentioned child (stated age under 18, a date of birth, "Tyler (7)"); other children with
   no stated relationship are the subject's siblings.
3. **Attribution**: each mention, risk and strength gets its ``person_id``; a risk or strength is
   about the mention the risk component named, else the nearest person named before it in its
   sentence, else the subject. Events get ``people`` from their participants.
4. **Repeated events**: the same event (same type and date, similar summary) recorded in several
   notes is kept once: the earliest note's row is primary, the others get ``duplicate_of``.
5. **Gaps** via ``nlp.checklist.summarise_gaps`` when gap evidence is given.
"""
from __future__ import annotations

import bisect
import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Protocol, Sequence

from rapidfuzz import fuzz

from nlp.checklist import summarise_gaps
from nlp.ids import person_id
from nlp.wordlists import PERSON_VERBS_FILE, default_word_list, resource_text

NICKNAMES_FILE = "nicknames.tsv"

_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "pc", "dc", "ps", "ds", "di", "dci", "wpc",
           "sgt", "sergeant", "constable", "inspector", "det", "pcso"}
_FEMALE_TITLES = {"mrs", "ms", "miss"}
_MALE_TITLES = {"mr"}
_FEMALE = {"mother", "stepmother", "grandmother", "aunt"}
_MALE = {"father", "stepfather", "grandfather", "uncle"}
_IN_HOUSEHOLD_BY_DEFAULT = {"mother", "stepmother", "stepfather", "parent_partner", "sibling", "half_sibling"}
_OUTSIDE = {"professional", "agency"}
_TALLIED = ("relationship", "role", "side", "kind")
# Roles one person holds in a family, so a named adult can be inferred to hold them.
# Kinship words that change meaning with whose they are ("her father" said by mum is the
# child's maternal grandfather): relationship of the word → relationship through a parent.
_COMPOSABLE = {"mother": "grandmother", "father": "grandfather", "sibling": "sibling",
               "parent_partner": "parent_partner", "ex_partner_of_parent": "ex_partner_of_parent"}
_DOCTOR_ROLES = ("GP", "doctor")
_ADOPTABLE = {"mother", "father", "stepmother", "stepfather", "parent_partner", "grandmother", "grandfather",
              "aunt", "uncle", "ex_partner_of_parent"}
# Characters between a role word and a name close enough to suggest they are the same person.
_ROLE_NAME_REACH = 120
_SUBJECT_PRONOUN = re.compile(r"\s+(?P<verb>[a-z]+)\b(?:\s+(?:that|to|me|us|the\s+\w+))?\s+"
                              r"(?P<pronoun>she|her|he|his|him)\b", re.IGNORECASE)
_SENTENCE_PRONOUN = re.compile(r"\s*(She|He)\b")
_FEMALE_PRONOUNS = {"she", "her", "hers", "herself"}
_INITIALS = re.compile(r"^(?:[A-Z]\.){2,3}$")
_COLLAR = re.compile(r"\b(?:PC|DC|PS|DS|DI|DCI|WPC|Sgt\.?|Sergeant|Constable|Inspector|Det)\s+(\d{2,6})\b")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")

# Name matching thresholds (rapidfuzz 0-100): spelling variants of one name ("Sara"/"Sarah",
# "Jonnes"/"Jones") score above them; different names of the same length do not.
_SAME_NAME = 85
_SAME_SURNAME = 90
_SAME_AGENCY = 90
_SAME_SUMMARY = 70
# The steps resolve_case reports to its progress callback.
RESOLVE_STEPS = 8
# A note author who writes a professional role word in this share of their own notes (and in
# at least _AUTHOR_ROLE_NOTES of them) is taken to hold that role ("FSW visit - routines work").
_AUTHOR_ROLE_SHARE = 0.4
_AUTHOR_ROLE_NOTES = 3
# The role most case notes are written by: an author with no other role who writes at least
# this many notes (or this share of the case) is taken to be a social worker on the case.
_CASE_HOLDER_ROLE = "social worker"
_CASE_HOLDER_NOTES = 5
_CASE_HOLDER_SHARE = 0.05
_ADDRESSED = re.compile(r"\b(?:to|informed|inform|told|tell|update|updated|contacted|contact|asked|with|from|see|saw|"
                        r"ring|rang|call|called|at|for|attend|attended|and)"
                        r"\s+(?:the\s+)?$", re.IGNORECASE)
_SELF_REFERENCE = re.compile(r"(?:^|\n|[.:;!?]\s+|\bby\s+)$")
_AUTHOR_WITH_ROLE = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<role>[^()]+)\)\s*$")
# How far (characters) from a professional's name an agency may be to count as where they work.
_ORGANISATION_REACH = 60


# --------------------------------------------------------------------------------------------
# Inputs and outputs
# --------------------------------------------------------------------------------------------

class CaseRowsLike(Protocol):
    """What resolution reads: the case's subjects, current notes and their stored fact rows
    (``services.extraction.CaseRows`` or ``CaseFacts``). ``gap_evidence`` is optional."""

    subjects: Sequence[Mapping[str, Any]]
    notes: Sequence[Mapping[str, Any]]
    mentions: Sequence[Mapping[str, Any]]
    events: Sequence[Mapping[str, Any]]
    risks: Sequence[Mapping[str, Any]]
    strengths: Sequence[Mapping[str, Any]]


@dataclass
class CaseFacts:
    """A case's rows gathered in memory (tests, tools); the store gives ``CaseRows``."""

    notes: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    events: list[dict[str, Any]] = field(default_factory=list)
    risks: list[dict[str, Any]] = field(default_factory=list)
    strengths: list[dict[str, Any]] = field(default_factory=list)
    gap_evidence: list[dict[str, Any]] = field(default_factory=list)
    subjects: list[dict[str, Any]] = field(default_factory=list)


class Resolution(NamedTuple):
    """People rows (JSON interchange shape, plus ``subject``/``dob`` on the subject children),
    field updates ``{table: {row_id: {field: value}}}`` and gap rows."""

    people: list[dict[str, Any]]
    updates: dict[str, dict[str, dict[str, Any]]]
    gaps: list[dict[str, Any]]

    @property
    def subjects(self) -> list[dict[str, Any]]:
        """The subject children as the case record holds them: ``{"person_id", "name", "dob"}``."""
        return [{"person_id": p["id"], "name": p["name"], "dob": p.get("dob")}
                for p in self.people if p.get("subject")]


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NameParts:
    """A written name taken apart: "Ms Jones", "PC 1234 Smith", "Sarah Jones", "S.J."."""

    text: str
    title: str | None = None
    first: str | None = None
    last: str | None = None
    collar: str | None = None
    initials: str | None = None

    @property
    def full(self) -> str | None:
        return f"{self.first} {self.last}" if self.first and self.last else None


def parse_name(name: str | None, mention_text: str = "") -> NameParts | None:
    """Split a name into title, first name, surname, police collar number or initials."""
    collar_match = _COLLAR.search(mention_text) or _COLLAR.search(name or "")
    collar = collar_match.group(1) if collar_match else None
    words = [w for w in re.split(r"\s+", (name or "").strip()) if w]
    words = [w[:-2] if w.endswith(("'s", "’s")) else w for w in words]
    title = None
    rest = []
    for word in words:
        bare = word.rstrip(".").lower()
        if bare in _TITLES and not rest and title is None:
            title = bare
        elif not word.isdigit():
            rest.append(word.strip(",;:()"))
    rest = [w for w in rest if w]
    if len(rest) == 1 and _INITIALS.match(rest[0]):
        return NameParts(name or "", title, initials=rest[0].replace(".", "").lower(), collar=collar)
    if not rest:
        return NameParts(name or mention_text, title, collar=collar) if collar else None
    lowered = [w.lower() for w in rest]
    if len(lowered) == 1:
        if title or collar:  # "Ms Jones", "PC 1234 Smith": a titled single name is a surname
            return NameParts(name or "", title, last=lowered[0], collar=collar)
        return NameParts(name or "", None, first=lowered[0], collar=collar)
    return NameParts(name or "", title, first=lowered[0], last=lowered[-1], collar=collar)


def load_nicknames(text: str | None = None) -> dict[str, set[str]]:
    """name → every name it may be written as (including itself), from ``nicknames.tsv``."""
    if text is None:
        text = resource_text(NICKNAMES_FILE)
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    if reader.fieldnames != ["name", "nicknames"]:
        raise ValueError(f"{NICKNAMES_FILE}: columns must be name, nicknames")
    groups: dict[str, set[str]] = defaultdict(set)
    for row in reader:
        family = {row["name"].strip().lower()} | {n.strip().lower() for n in row["nicknames"].split(",") if n.strip()}
        for member in family:
            groups[member] |= family
    return dict(groups)


class _NameRules:
    def __init__(self) -> None:
        self.nicknames = load_nicknames()

    @lru_cache(maxsize=4096)
    def same_first(self, a: str, b: str) -> bool:
        if a == b:
            return True
        if b in self.nicknames.get(a, ()):
            return True
        short, long = sorted((a, b), key=len)
        if len(short) >= 3 and long.startswith(short):
            return True
        return fuzz.ratio(a, b) >= _SAME_NAME

    @staticmethod
    @lru_cache(maxsize=4096)
    def same_last(a: str, b: str) -> bool:
        return a == b or fuzz.ratio(a, b) >= _SAME_SURNAME


# --------------------------------------------------------------------------------------------
# Clusters of mentions
# --------------------------------------------------------------------------------------------

@dataclass
class _Cluster:
    key: str
    kind_hint: str  # "named", "role" or "agency"
    mentions: list[dict[str, Any]] = field(default_factory=list)
    parts: list[NameParts] = field(default_factory=list)
    subject: bool = False
    fixed_id: str | None = None
    fixed_name: str | None = None
    fixed_dob: str | None = None

    # Tallies of the mention fields clustering asks about again and again, kept as mentions
    # arrive so that resolving a 600-note case stays well under a second.
    counts: dict[str, Counter] = field(default_factory=dict)
    note_ids: set[str] = field(default_factory=set)
    child_evidence: bool = False
    firsts: set[str] = field(default_factory=set)
    last: str | None = None
    collars: set[str] = field(default_factory=set)
    # Initials ("ab") of the full names the cluster holds, so "A.B." finds "Amy Brown".
    full_initials: set[str] = field(default_factory=set)
    # The note dates the cluster's mentions come from, sorted, and the first offset it is
    # mentioned at in each note: which holder of a role was seen last before a note, and
    # which was named earlier in the same note, without walking every mention.
    note_days: Mapping[str, str | None] = field(default_factory=dict)
    days: list[str] = field(default_factory=list)
    first_start: dict[str, int] = field(default_factory=dict)
    # The relationship vote, asked for by every role word looking for its holder; forgotten
    # whenever the tallies change.
    known_relationship: str | None = None

    def add(self, mention: dict[str, Any], parts: NameParts | None = None) -> None:
        self.mentions.append(mention)
        self.known_relationship = None
        note_id = mention["note_id"]
        if note_id not in self.note_ids:
            self.note_ids.add(note_id)
            bisect.insort(self.days, self.note_days.get(note_id) or "")
        start = mention["start"]
        if note_id not in self.first_start or start < self.first_start[note_id]:
            self.first_start[note_id] = start
        age = mention.get("age")
        self.child_evidence = self.child_evidence or bool(mention.get("child")) or (age is not None and age < 18)
        for key in _TALLIED:
            self.counts.setdefault(key, Counter())[mention.get(key)] += 1
        if parts is not None:
            self.parts.append(parts)
            if parts.first:
                self.firsts.add(parts.first)
            if parts.last and self.last is None:
                self.last = parts.last
            if parts.collar:
                self.collars.add(parts.collar)
            if parts.full:
                self.full_initials.add((parts.first or "")[:1] + (parts.last or "")[:1])

    def take_all(self, other: "_Cluster") -> None:
        """Move every mention of ``other`` into this cluster."""
        for mention in other.mentions:
            self.add(mention)
        other.mentions, other.counts, other.note_ids, other.child_evidence = [], {}, set(), False
        other.days, other.first_start, other.known_relationship = [], {}, None

    def latest_day_before(self, day: str) -> str:
        """The latest note date (``YYYY-MM-DD``) of the cluster's mentions on or before ``day``;
        "" when there is none."""
        index = bisect.bisect_right(self.days, day)
        return self.days[index - 1] if index else ""

    def relabel(self, key: str, old: Any, new: Any) -> None:
        """Change ``key`` from ``old`` to ``new`` on every mention holding ``old``."""
        for mention in self.mentions:
            if mention.get(key) == old:
                mention[key] = new
                self.known_relationship = None
                self.counts[key][old] -= 1
                self.counts[key][new] += 1

    def votes(self, key: str, skip: Iterable[Any] = (None, "unknown")) -> Counter:
        skipped = set(skip)
        if key in _TALLIED:
            return Counter({value: n for value, n in self.counts.get(key, Counter()).items()
                            if n > 0 and value not in skipped})
        return Counter(m.get(key) for m in self.mentions if m.get(key) not in skipped)

    def top(self, key: str, skip: Iterable[Any] = (None, "unknown")) -> Any:
        """The most frequent value of ``key`` (the first seen on a tie), ignoring ``skip``."""
        if key not in _TALLIED:
            votes = self.votes(key, skip)
            return votes.most_common(1)[0][0] if votes else None
        best, most = None, 0
        for value, count in self.counts.get(key, {}).items():
            if count > most and value not in skip:
                best, most = value, count
        return best

    @property
    def relationship(self) -> str:
        if self.known_relationship is None:
            self.known_relationship = self.top("relationship") or "unknown"
        return self.known_relationship


    @property
    def notes(self) -> set[str]:
        return self.note_ids

    @property
    def is_child(self) -> bool:
        return self.child_evidence

    @property
    def professional(self) -> bool:
        kinds = self.counts.get("kind", Counter())
        return kinds["professional"] > kinds["family"]


_POLICE_TITLES = {"pc", "dc", "ps", "ds", "di", "dci", "wpc", "sgt", "sergeant", "constable", "inspector", "det", "pcso"}


def _job(cluster: _Cluster) -> str | None:
    """What a professional does, from their role or their title ("PC Robinson" is police)."""
    if cluster.professional and cluster.top("role"):
        return cluster.top("role")
    titles = {p.title for p in cluster.parts}
    if titles & _POLICE_TITLES:
        return "police officer"
    return "doctor" if titles & {"dr", "doctor"} else None


def _gender_ok(title: str | None, cluster: _Cluster) -> bool:
    return _title_fits(title, cluster.relationship)


def _title_fits(title: str | None, relationship: str) -> bool:
    """"Mr" is not a mother and "Ms" is not a father; anything else may be anyone."""
    if title in _FEMALE_TITLES:
        return relationship not in _MALE
    if title in _MALE_TITLES:
        return relationship not in _FEMALE
    return True


class _Resolver:
    def __init__(self, rows: CaseRowsLike) -> None:
        self.rows = rows
        self.names = _NameRules()
        self.notes = {note["id"]: note for note in rows.notes}
        self.day = {note_id: (note.get("note_date") or "")[:10] or None for note_id, note in self.notes.items()}
        self.named: list[_Cluster] = []
        self.roles: list[_Cluster] = []
        self.agencies: list[_Cluster] = []
        self.subject_refs: list[dict[str, Any]] = []
        self.person_of_mention: dict[str, _Cluster] = {}
        self._sentence_bounds: dict[str, list[int]] = {}
        self._agencies_by_note: dict[str, list[tuple[dict[str, Any], _Cluster]]] | None = None
        self._people_by_note: dict[str, list[tuple[int, str]]] = {}
        self.author_of_note: dict[str, str] = {}
        self.author_days: dict[str, list[date]] = {}
        self.authors_by_role: dict[str, list[str]] = defaultdict(list)
        self.author_cluster: dict[str, _Cluster] = {}
        self.sideless: list[dict[str, Any]] = []
        self.possessed: list[tuple[dict[str, Any], Mapping[str, Any]]] = []
        self.person_verbs = _person_verbs()
        self._mentions_by_note: dict[str, list[Mapping[str, Any]]] | None = None
        # Named clusters by surname, first name, collar number and initials while mentions are
        # being clustered (see _add_named), each keyed by id() in the order clusters were made.
        self._named_by: dict[str, dict[str, dict[int, _Cluster]]] = {
            "last": defaultdict(dict), "first": defaultdict(dict), "collar": defaultdict(dict),
            "initials": defaultdict(dict)}
        self._named_at: dict[int, int] = {}

    # -- ordering and sentences -------------------------------------------------------------

    def order(self, row: Mapping[str, Any]) -> tuple[str, str, int]:
        return (self.day.get(row["note_id"]) or "9999", row["note_id"], int(row["start"]))

    def sentence(self, note_id: str, offset: int) -> tuple[int, int]:
        """The sentence (or line) of a note holding ``offset``, as character bounds."""
        bounds = self._sentence_bounds.get(note_id)
        if bounds is None:
            text = self.notes.get(note_id, {}).get("text") or ""
            bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text) + 1]
            self._sentence_bounds[note_id] = bounds
        index = bisect.bisect_right(bounds, offset) - 1
        index = max(0, min(index, len(bounds) - 2))
        return bounds[index], bounds[index + 1]

    # -- clustering -------------------------------------------------------------------------

    def cluster(self) -> None:
        named: list[tuple[dict[str, Any], NameParts]] = []
        role_only: list[dict[str, Any]] = []
        for mention in sorted(self.rows.mentions, key=self.order):
            mention = dict(mention)
            if mention.get("kind") == "agency":
                self._add_agency(mention)
                continue
            if mention.get("group") or (mention.get("child") and not mention.get("name")):
                if mention.get("child"):  # "the children", "the baby": the subject stands for them
                    self.subject_refs.append(mention)
                continue  # "officers", "foster carers": several people, none of them a person row
            parts = parse_name(mention.get("name"), mention.get("text") or "")
            if parts is not None:
                named.append((mention, parts))
            elif mention.get("relationship") not in (None, "unknown") or mention.get("role"):
                role_only.append(mention)
        # Most complete names first, so "Sarah" and "Ms Jones" find "Sarah Jones".
        def completeness(item: tuple[dict[str, Any], NameParts]) -> int:
            parts = item[1]
            return 0 if parts.full else 1 if parts.collar else 2 if parts.first else 3 if parts.last else 4
        for mention, parts in sorted(named, key=completeness):
            self._add_named(mention, parts)
        self.find_author_roles(role_only)
        by_note: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for mention in self.rows.mentions:
            by_note[mention["note_id"]].append(mention)
        for mention in role_only:
            possessor = self._possessor(mention, by_note[mention["note_id"]])
            if possessor is not None:
                whose = self._relative_of(mention, possessor)
                if whose == "drop":
                    continue
                if whose == "named":
                    self.possessed.append((mention, possessor))
                    continue
            if mention.get("kind") == "family" and mention.get("relationship") in ("grandmother", "grandfather") \
                    and not mention.get("side") and not mention.get("name"):
                self.sideless.append(mention)
                continue
            self._add_role_only(mention)

    # -- whose relative: "her father", "Lily's father" ----------------------------------------

    def _possessor(self, mention: Mapping[str, Any], note_mentions: Sequence[Mapping[str, Any]]
                   ) -> Mapping[str, Any] | None:
        """The person a kinship word belongs to: the mention written just before "'s" ("Lily's
        father", "mum's sister"), or for "her"/"his" the last person named before it in the
        sentence ("Mum said her father drank")."""
        if mention.get("kind") != "family" or mention.get("relationship") not in _COMPOSABLE:
            return None
        text = self.notes.get(mention["note_id"], {}).get("text") or ""
        start = int(mention["start"])
        before = text[max(0, start - 40):start]
        people = [m for m in note_mentions if m.get("kind") != "agency" and not m.get("group")
                  and int(m["end"]) <= start and m["id"] != mention["id"]]
        apostrophe = re.search(r"['’]s\s+$", before)
        if apostrophe:
            at = start - len(before) + apostrophe.start()
            return next((m for m in people if int(m["end"]) == at), None)
        if re.search(r"\b(?:her|his)\s+$", before, re.IGNORECASE):
            sentence_start = self.sentence(mention["note_id"], start)[0]
            inside = [m for m in people if int(m["start"]) >= sentence_start]
            return max(inside, key=lambda m: int(m["start"])) if inside else None
        return None

    @staticmethod
    def _relative_of(mention: dict[str, Any], possessor: Mapping[str, Any]) -> str:
        """Re-read a kinship word through its possessor: a parent's father is a grandfather on
        that parent's side ("composed"); a professional's relatives are nobody in the case
        ("drop"); a named person's are the child's only if that person is the child ("named",
        decided once the subject is known); anyone else's are kept as written ("kept")."""
        relationship = possessor.get("relationship")
        if possessor.get("kind") == "professional":
            return "drop"
        if relationship in ("mother", "father") and not possessor.get("child"):
            if mention["relationship"] in ("parent_partner", "ex_partner_of_parent"):
                return "kept"  # "Mum said her partner...": already the parent's partner
            side = "maternal" if relationship == "mother" else "paternal"
            composed = _COMPOSABLE[mention["relationship"]]
            word = (mention.get("text") or "").lower()
            if mention["relationship"] == "sibling":
                composed = "aunt" if any(w in word for w in ("sister", "sis")) else \
                    "uncle" if "brother" in word else "other_relative"
            mention.update(relationship=composed, side=side, role=f"{side} {composed.replace('_', ' ')}")
            return "composed"
        if possessor.get("name") and relationship in (None, "unknown"):
            return "named"
        if relationship not in (None, "unknown"):
            return "drop"  # "Mum's partner's mother", "Nan's sister": not the child's own
        return "kept"

    def place_possessed(self) -> None:
        """Kinship words owned by a named person ("Lily's father", "Nathan is at his mum's"):
        the child's own relatives when that person is the subject child, else nobody's."""
        # Only the possessed words themselves can join a named person during this loop, so every
        # other possessor's person is looked up once; a possessed possessor is searched for.
        moving = {mention["id"] for mention, _ in self.possessed}
        named_of: dict[str, _Cluster] = {}
        for cluster in self.named:
            for row in cluster.mentions:
                named_of.setdefault(row["id"], cluster)
        for mention, possessor in self.possessed:
            if possessor["id"] in moving:
                holder = next((c for c in self.named if any(m["id"] == possessor["id"] for m in c.mentions)), None)
            else:
                holder = named_of.get(possessor["id"])
            if holder is not None and holder.subject:
                self._add_role_only(mention)

    def _new(self, clusters: list[_Cluster], key: str, hint: str) -> _Cluster:
        cluster = _Cluster(key, hint, note_days=self.day)
        clusters.append(cluster)
        return cluster

    def _compatible_kind(self, mention: dict[str, Any], cluster: _Cluster, first_only: bool = False) -> bool:
        """A professional and a family member who share a first name are different people, and
        so are two professionals known by one first name in different jobs ("FSW Megan" and
        Megan the midwife; "Dr Howard" the GP is still "Dr Harriet Howard" the doctor)."""
        kind = mention.get("kind")
        if kind in ("family", "professional"):
            other = "professional" if cluster.professional else cluster.top("kind", (None, "other"))
            if other in ("family", "professional") and other != kind:
                return False
        relationship = mention.get("relationship")
        if first_only and kind == "professional" and mention.get("role") \
                and _job(cluster) not in (None, mention.get("role")):
            return False  # "FSW Megan" is not Megan the midwife, "Megan (HV)" not PC Megan Robinson
        return relationship in (None, "unknown") or cluster.relationship in ("unknown", relationship)

    def _named_with(self, index: str, keys: Iterable[str]) -> list[_Cluster]:
        """The named clusters filed under any of ``keys`` in ``index``, in the order they were
        made (so ties are broken exactly as a scan of every cluster would break them)."""
        found: dict[int, _Cluster] = {}
        filed = self._named_by[index]
        for key in keys:
            found.update(filed.get(key, {}))
        return sorted(found.values(), key=lambda c: self._named_at[id(c)])

    def _named_like(self, index: str, same: Callable[[str, str], bool], value: str) -> list[_Cluster]:
        """Clusters filed under a key that ``same(key, value)`` accepts: each distinct name is
        compared once, not each cluster."""
        return self._named_with(index, [key for key in self._named_by[index] if same(key, value)])

    def _file_named(self, cluster: _Cluster) -> None:
        """File ``cluster`` under its surname, first names, collar numbers and initials."""
        self._named_at.setdefault(id(cluster), len(self._named_at))
        keyed = (("last", [cluster.last] if cluster.last else []), ("first", cluster.firsts),
                 ("collar", cluster.collars), ("initials", cluster.full_initials))
        for index, keys in keyed:
            for key in keys:
                self._named_by[index][key][id(cluster)] = cluster

    def _add_named(self, mention: dict[str, Any], parts: NameParts) -> None:
        """Put a named mention with the person it names, or start a new person. Candidates are
        looked up by name (surname, first name, collar number, initials) rather than by comparing
        with every person so far; the rules deciding a match are the same either way."""
        rules = self.names
        candidates: list[_Cluster]
        if parts.full:
            candidates = [c for c in self._named_like("last", rules.same_last, parts.last or "")
                          if any(rules.same_first(f, parts.first or "") for f in c.firsts)]
        elif parts.collar:
            candidates = self._named_with("collar", [parts.collar])
            if not candidates and parts.last:
                candidates = [c for c in self._named_like("last", rules.same_last, parts.last) if c.professional]
        elif parts.first:
            # "Chris" is Chris Fisher before he is Christine Kowalski
            candidates = self._named_with("first", [parts.first]) or \
                self._named_like("first", rules.same_first, parts.first)
            if not candidates:  # a lone word may be a surname: "Chaudhry said..." for "Bridget Chaudhry"
                candidates = [c for c in self._named_with("last", [parts.first]) if not c.is_child]
        elif parts.last:
            candidates = [c for c in self._named_like("last", rules.same_last, parts.last)
                          if _gender_ok(parts.title, c) and not c.is_child]
            if parts.title in ("pc", "dc", "ps", "ds", "di", "dci", "wpc", "sgt", "sergeant", "constable",
                               "inspector", "det", "pcso", "dr", "doctor"):
                candidates = [c for c in candidates if c.professional] or candidates
            else:  # "Mr Shaw" is the father or the uncle before he is a Shaw child
                adults = [c for c in candidates if c.relationship not in ("unknown", "sibling", "half_sibling")
                          or c.professional]
                unknown = [c for c in candidates if c.relationship == "unknown"]
                candidates = adults or unknown or candidates
        elif parts.initials:
            candidates = self._named_with("initials", [parts.initials[:1] + parts.initials[-1:]])
        else:
            candidates = []
        first_only = bool(parts.first and not parts.last)
        candidates = [c for c in candidates if self._compatible_kind(mention, c, first_only)]
        if parts.title and len(candidates) > 1:  # "Dr Smith" is Dr Fatima Smith, not Miss Smith
            titled = [c for c in candidates if any(p.title == parts.title for p in c.parts)]
            untitled = [c for c in candidates if not any(p.title for p in c.parts)]
            candidates = titled or untitled or candidates
        if len(candidates) > 1 and mention.get("kind") == "professional" and mention.get("role"):
            same_job = [c for c in candidates if c.top("role") == mention["role"]]
            candidates = same_job or candidates  # "HV Megan" is Megan the health visitor
        if len(candidates) > 1:
            same_note = [c for c in candidates if mention["note_id"] in c.notes]
            candidates = same_note or candidates
            candidates.sort(key=lambda c: -len(c.mentions))
        if candidates:
            candidates[0].add(mention, parts)
            self._file_named(candidates[0])
            return
        key = "name:" + (parts.full or (f"collar {parts.collar}" if parts.collar else None)
                         or (f"{parts.title or ''} {parts.last}".strip() if parts.last else None)
                         or parts.first or parts.initials or parts.text)
        cluster = self._new(self.named, key, "named")
        cluster.add(mention, parts)
        self._file_named(cluster)

    # -- note authors ----------------------------------------------------------------------

    def find_author_roles(self, role_only: Sequence[Mapping[str, Any]]) -> None:
        """Which note authors hold which professional role, so that "SW" in a note means the
        social worker of that time, not whichever one the case names most.

        An author's role is, in order: the role written with the author ("Jane Smith (Social
        Worker)", an ``author_role`` field); the role the notes give the named person
        ("FSW Jane", "TM Sam Baker"); a role word the author writes in most of their own notes
        ("FSW visit - routines work"); else, for an author of many notes who does not write to
        "SW" as to someone else ("informed SW"), social worker."""
        notes_by_author: dict[str, list[str]] = defaultdict(list)
        written_role: dict[str, Counter] = defaultdict(Counter)
        for note_id, note in self.notes.items():
            author = (note.get("author") or "").strip()
            role = note.get("author_role")
            match = _AUTHOR_WITH_ROLE.match(author)
            if match:
                author, role = match.group("name").strip(), role or match.group("role")
            if not author or parse_name(author) is None:
                continue
            self.author_of_note[note_id] = author
            notes_by_author[author].append(note_id)
            if role:
                written_role[author][role.strip().lower()] += 1
        if not notes_by_author:
            return
        known_roles = {m.get("role") for m in role_only if m.get("kind") == "professional" and m.get("role")}
        known_roles |= {c.top("role") for c in self.named if c.professional and c.top("role")}
        role_notes: dict[str, Counter] = defaultdict(Counter)
        addressed: Counter = Counter()  # "informed SW", "advised to see GP": someone else
        written: Counter = Counter()
        for mention in role_only:
            author = self.author_of_note.get(mention["note_id"])
            if not (author and mention.get("kind") == "professional" and mention.get("role")):
                continue
            text = self.notes[mention["note_id"]].get("text") or ""
            before = text[max(0, int(mention["start"]) - 30):int(mention["start"])]
            other = bool(_ADDRESSED.search(before))
            if _SELF_REFERENCE.search(before):  # "FSW visit", "Actions: SW to...", "reviewed by TM"
                role_notes[author][(mention["role"], mention["note_id"])] = 1
            if mention["role"] == _CASE_HOLDER_ROLE:
                written[author] += 1
                addressed[author] += other
        total = sum(len(ids) for ids in notes_by_author.values())
        for author, note_ids in notes_by_author.items():
            cluster = self._cluster_of_author(author)
            role = None
            if written_role[author]:
                role = _known_role(written_role[author].most_common(1)[0][0], known_roles)
            if role is None and cluster is not None and cluster.professional:
                role = cluster.top("role")
            if role is None:
                share = Counter(r for r, _ in role_notes[author])
                for candidate, count in share.most_common():
                    if candidate != _CASE_HOLDER_ROLE and count >= _AUTHOR_ROLE_NOTES \
                            and count >= _AUTHOR_ROLE_SHARE * len(note_ids):
                        role = candidate
                        break
            if role is None and (cluster is None or cluster.top("kind", (None, "other")) in (None, "professional")) \
                    and len(note_ids) >= max(_CASE_HOLDER_NOTES, _CASE_HOLDER_SHARE * total) \
                    and not (written[author] and addressed[author] * 2 >= written[author]):
                role = _CASE_HOLDER_ROLE
            if role is None:
                continue
            self.authors_by_role[role].append(author)
            self.author_days[author] = sorted({day for n in note_ids if (day := _day(self.day.get(n)))})
            if cluster is not None:
                self.author_cluster[author] = cluster

    def _cluster_of_author(self, author: str) -> _Cluster | None:
        """The named person the notes' text makes of an author: same first name and surname,
        or a first name written alone ("FSW Jane") that no other author shares."""
        parts = parse_name(author)
        if parts is None or not parts.first:
            return None
        usable = [c for c in self.named if not c.subject and not c.is_child
                  and c.relationship in ("unknown", "professional")
                  and c.top("kind", (None, "other")) in (None, "professional")]
        if parts.last:
            full = [c for c in usable if c.last and self.names.same_last(c.last, parts.last)
                    and any(self.names.same_first(f, parts.first) for f in c.firsts)]
            if full:
                return max(full, key=lambda c: len(c.mentions))
        others = {parse_name(a).first for a in set(self.author_of_note.values()) if a != author and parse_name(a)}
        if parts.first in others:
            return None
        alone = [c for c in usable if not c.last and parts.first in c.firsts]
        return alone[0] if len(alone) == 1 else None

    def _author_holding(self, mention: Mapping[str, Any]) -> _Cluster | None:
        """The author who holds a professional role written by role only: the note's own
        author when they hold it ("SW to send mum the minutes"), else the holder who wrote
        notes nearest in time to this note."""
        holders = self.authors_by_role.get(mention.get("role") or "")
        if not holders:
            return None
        author = self.author_of_note.get(mention["note_id"])
        if author not in holders:
            day = _day(self.day.get(mention["note_id"]))
            if day is None:
                return None
            def distance(name: str) -> tuple[int, int]:
                days = self.author_days.get(name) or []
                if not days:
                    return (10 ** 6, 0)
                at = bisect.bisect_left(days, day)
                near = [abs((d - day).days) for d in days[max(0, at - 1):at + 1]]
                return (min(near), -len(days))
            author = min(holders, key=distance)
            if distance(author)[0] >= 10 ** 6:
                return None
        cluster = self.author_cluster.get(author)
        if cluster is None:
            cluster = self._new(self.named, f"name:{author.lower()}", "named")
            cluster.fixed_name = author
            parts = parse_name(author)
            if parts is not None:
                cluster.firsts |= {parts.first} if parts.first else set()
                cluster.last = parts.last
            self.author_cluster[author] = cluster
        return cluster

    def _add_role_only(self, mention: dict[str, Any]) -> None:
        relationship = mention.get("relationship") or "unknown"
        side = mention.get("side")
        if mention.get("kind") == "professional":
            author = self._author_holding(mention)
            if author is not None:
                author.add(mention)
                return
            role = mention.get("role")
            holders = [c for c in self.named if c.top("role") == role] or \
                [c for c in self.named if c.professional and c.counts.get("role", Counter())[role] > 0]
        else:
            holders = [c for c in self.named if c.relationship == relationship
                       and (side is None or c.top("side") in (None, side))]
        if relationship in ("friend", "unknown") and mention.get("kind") != "professional":
            holders = [c for c in holders if mention["note_id"] in c.notes]
        chosen = self._choose_holder(mention, holders)
        if chosen is not None:
            chosen.add(mention)
            return
        role_key = mention.get("role") if mention.get("kind") == "professional" else relationship
        same = [c for c in self.roles if c.key.split(":")[1] == role_key]
        if side is not None:
            same = [c for c in same if c.top("side") in (None, side)]
        if len(same) == 1 or (same and side is None):
            same[0].add(mention)
            return
        self._new(self.roles, f"role:{role_key}:{side or ''}", "role").add(mention)

    def _choose_holder(self, mention: dict[str, Any], holders: list[_Cluster]) -> _Cluster | None:
        if not holders:
            return None
        same_note = [c for c in holders if mention["note_id"] in c.notes]
        if same_note:
            note_id = mention["note_id"]
            before = [c for c in same_note if c.first_start[note_id] < mention["start"]]
            return max(before or same_note, key=lambda c: len(c.mentions))
        if len(holders) == 1:
            return holders[0]
        day = self.day.get(mention["note_id"]) or ""
        return max(holders, key=lambda c: (c.latest_day_before(day), len(c.mentions)))

    def merge_generic_agencies(self) -> None:
        """"The police" in a case whose notes name one force ("Northam Police") is that force;
        likewise CAMHS, housing, the school... when exactly one named agency has the role."""
        named_by_role: dict[str, list[_Cluster]] = defaultdict(list)
        for cluster in self.agencies:
            if cluster.key.startswith("agency:name:"):
                named_by_role[cluster.top("role") or ""].append(cluster)
        for cluster in self.agencies:
            if cluster.key.startswith("agency:role:") and len(named_by_role.get(cluster.top("role") or "", [])) == 1:
                named_by_role[cluster.top("role") or ""][0].take_all(cluster)

    def _add_agency(self, mention: dict[str, Any]) -> None:
        name = mention.get("name")
        if name:
            norm = re.sub(r"^the\s+", "", name.strip().lower())
            for cluster in self.agencies:
                # "Hillside Infant and Junior" and "Hillside Infant and Junior School" are one school
                if cluster.key.startswith("agency:name:") and cluster.top("role") == mention.get("role") and (
                        fuzz.token_set_ratio(cluster.key[len("agency:name:"):], norm) >= _SAME_AGENCY):
                    cluster.add(mention)
                    return
            self._new(self.agencies, f"agency:name:{norm}", "agency").add(mention)
            return
        key = f"agency:role:{mention.get('role') or (mention.get('text') or '').lower()}"
        for cluster in self.agencies:
            if cluster.key == key:
                cluster.add(mention)
                return
        self._new(self.agencies, key, "agency").add(mention)

    # -- the subject child ------------------------------------------------------------------

    def find_subjects(self) -> list[_Cluster]:
        given = [s for s in (self.rows.subjects or []) if s.get("name")]
        subjects: list[_Cluster] = []
        for subject in given:
            parts = parse_name(subject["name"])
            match = None
            if parts is not None:
                for cluster in sorted(self.named, key=lambda c: -len(c.mentions)):
                    if parts.full and cluster.last and self.names.same_last(cluster.last, parts.last or "") \
                            and any(self.names.same_first(f, parts.first or "") for f in cluster.firsts):
                        match = cluster
                        break
                    if parts.first and parts.first in cluster.firsts and not cluster.last:
                        match = match or cluster
            if match is None:
                match = self._new(self.named, f"name:{subject['name'].lower()}", "named")
            match.subject = True
            match.fixed_id = subject.get("person_id") or None
            match.fixed_name = subject["name"]
            match.fixed_dob = subject.get("dob") or None
            subjects.append(match)
        if not subjects:
            latest = max((d for d in self.day.values() if d), default=None)
            def young(cluster: _Cluster) -> bool:
                return cluster.is_child or _dob_young(self._dob(cluster), latest)
            # The child the notes are about is the one most written about; a stated age or date of
            # birth counts double, so an adult named often but never linked to a role loses out.
            children = [c for c in self.named if c.relationship == "unknown" and not c.professional
                        and c.top("kind", (None, "other")) in (None, "family")]
            if any(young(c) for c in children):
                best = max(children, key=lambda c: len(c.notes) * (2 if young(c) else 1))
                best.subject = True
                subjects.append(best)
        for cluster in self.named:
            if not cluster.subject and cluster.relationship == "unknown" and cluster.is_child and subjects:
                cluster.relabel("relationship", None, "sibling")
                cluster.relabel("relationship", "unknown", "sibling")
        self._siblings_listed_with_the_child(subjects)
        self._half_siblings_by_surname(subjects)
        return subjects

    def _siblings_listed_with_the_child(self, subjects: list[_Cluster]) -> None:
        """"Skye and Freya were home", "Present: Mum, Skye and Freya": someone with no stated
        relationship, no adult title and the child's surname (or none written), listed with the
        subject child in at least two notes, is a sibling."""
        if len(subjects) != 1:
            return
        child = subjects[0]
        spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for mention in child.mentions:
            spans[mention["note_id"]].append((int(mention["start"]), int(mention["end"])))
        for cluster in self.named:
            if cluster.subject or cluster.relationship != "unknown" or cluster.professional \
                    or any(p.title for p in cluster.parts) or cluster.last and cluster.last != child.last:
                continue
            listed = set()
            for mention in cluster.mentions:
                text = self.notes.get(mention["note_id"], {}).get("text") or ""
                for start, end in spans.get(mention["note_id"], ()):
                    between = text[end:int(mention["start"])] if end <= int(mention["start"]) \
                        else text[int(mention["end"]):start]
                    between = re.sub(r"\([^()]{0,12}\)", "", between)  # "Skye (9) and Freya"
                    if between.strip() in ("and", ",", "&") and len(between) <= 6:
                        listed.add(mention["note_id"])
            if len(listed) >= 2:
                cluster.relabel("relationship", None, "sibling")
                cluster.relabel("relationship", "unknown", "sibling")

    def _half_siblings_by_surname(self, subjects: list[_Cluster]) -> None:
        """A sibling whose surname is neither the child's nor either parent's has another
        parent: a half-sibling ("Ruby Campbell", mum's baby with her partner, beside "Lily
        Parker" and her father "Daniel Parker")."""
        if len(subjects) != 1 or not subjects[0].last:
            return
        parents = {c.last for c in self.named if c.relationship in ("mother", "father") and c.last}
        for cluster in self.named:
            if cluster.relationship == "sibling" and cluster.last and cluster.top("relationship") == "sibling" \
                    and cluster.last != subjects[0].last and cluster.last not in parents \
                    and not self.names.same_last(cluster.last, subjects[0].last):
                cluster.relabel("relationship", "sibling", "half_sibling")

    def adopt_role_clusters(self) -> None:
        """Give a role known only by its word ("Mum") to the named adult who keeps its company.

        Notes often name a parent once ("Family support session with Joanne Nowak.") and call her
        "Mum" from then on. When no named person holds the role, the named adult with no
        relationship who is written close to the role word ("Call from Sheila. MGM said..."), or
        who appears in most of the notes that use it (at least two, and half of her own notes), is
        taken to hold it; but the one adult known to be of the right sex who carries the family
        name of that side (a maternal grandmother named Nowak when mum is Joanne Nowak), or a
        half-sibling's surname for a parent's (ex-)partner, comes before them. Nobody
        takes a role of the other sex ("Mr", "he said"), a maternal role while carrying only the
        father's surname, or a parent's partner's role while carrying the mother's own family
        name. A professional role ("the midwife") needs a name written close to it, never one
        of the family's surnames. Each person takes at most one role."""
        taken: set[int] = set()
        surnames = self._family_surnames()
        for role in sorted(self.roles, key=lambda c: -len(c.notes)):
            relationship, side = role.relationship, role.top("side")
            professional = role.professional
            if professional:
                if any(c.top("role") == role.top("role") for c in self.named):
                    continue
            elif relationship not in _ADOPTABLE or any(
                    c.relationship == relationship and (side is None or c.top("side") in (None, side))
                    for c in self.named):
                continue
            role_notes = role.notes
            best: tuple[tuple[int, int], _Cluster] | None = None
            kin: list[_Cluster] = []
            for cluster in self.named:
                if id(cluster) in taken or cluster.subject or cluster.is_child \
                        or cluster.relationship != "unknown" or not cluster.firsts and not cluster.last:
                    continue
                if cluster.professional != professional and not (professional and cluster.top("kind") in (None, "other")):
                    continue
                if not self._sex_fits(cluster, relationship):
                    continue
                if professional and cluster.last in surnames["any"]:
                    continue
                if not professional and not self._surname_fits(cluster, relationship, side, surnames):
                    continue
                shared = len(cluster.notes & role_notes)
                close = self._close_together(role, cluster)
                if not professional and cluster.last and (
                        side and cluster.last in surnames[side]
                        or relationship in ("ex_partner_of_parent", "parent_partner") and cluster.last in surnames["half"]):
                    kin.append(cluster)  # mum's family name; a half-sibling's father's name
                if not (close or not professional and shared >= 2 and shared * 2 >= len(cluster.notes)):
                    continue
                if best is None or (close, shared) > best[0]:
                    best = ((close, shared), cluster)
            # the family name outweighs being written nearby; a role of one sex needs a person
            # whose pronouns say so, a partner may be anyone
            sure = kin if relationship not in _MALE | _FEMALE else [c for c in kin if self._pronoun_sex(c) is not None]
            if len(sure) == 1:
                best = ((0, 0), sure[0])
            if professional and role.top("role") in _DOCTOR_ROLES:
                # "the GP" in a case that names one doctor ("Dr Harriet Howard") is that doctor,
                # whoever else is written near the word
                doctors = [c for c in self.named if c.professional and id(c) not in taken
                           and any(p.title in ("dr", "doctor") for p in c.parts) and c.top("role") in (None, *_DOCTOR_ROLES)]
                if len(doctors) == 1:
                    best = ((0, 0), doctors[0])
            if best is not None:
                taken.add(id(best[1]))
                best[1].take_all(role)

    def _family_surnames(self) -> dict[str, set[str]]:
        """Surnames of the mother's side, the father's side, the whole family (subject, parents,
        siblings) and the half-siblings' own, from the named people holding those relationships."""
        found: dict[str, set[str]] = {"maternal": set(), "paternal": set(), "any": set(), "half": set()}
        for cluster in self.named:
            if not cluster.last or cluster.professional:
                continue
            relationship = cluster.relationship
            if relationship == "mother" or cluster.top("side") == "maternal":
                found["maternal"].add(cluster.last)
            if relationship == "father" or cluster.top("side") == "paternal":
                found["paternal"].add(cluster.last)
            if cluster.subject or relationship not in ("unknown", "professional", "friend"):
                found["any"].add(cluster.last)
            if relationship == "half_sibling":
                found["half"].add(cluster.last)
        found["half"] -= found["paternal"] | {c.last for c in self.named if c.subject}
        return found

    @staticmethod
    def _surname_fits(cluster: _Cluster, relationship: str, side: str | None, surnames: dict[str, set[str]]) -> bool:
        last = cluster.last
        if not last:
            return True
        if side in ("maternal", "paternal"):
            # another branch's surname (the father's, a half-sibling's) when this side's is known
            return last in surnames[side] or not (surnames[side] and last in surnames["any"])
        if relationship in ("parent_partner", "ex_partner_of_parent"):
            return last not in surnames["maternal"] or last in surnames["paternal"]
        return True

    def _sex_fits(self, cluster: _Cluster, relationship: str) -> bool:
        """A title ("Mr", "Ms") or the pronouns written after the name ("Margaret said she...")
        rule out a role of the other sex."""
        if not all(_title_fits(p.title, relationship) for p in cluster.parts):
            return False
        sex = self._pronoun_sex(cluster)
        if sex == "female":
            return relationship not in _MALE
        if sex == "male":
            return relationship not in _FEMALE
        return True

    def _pronoun_sex(self, cluster: _Cluster) -> str | None:
        """"female"/"male" when the person's name is the subject of a verb of speech or action
        followed by a pronoun in the same sentence ("Margaret said she is worried", "Dan told
        me he...") or the next sentence starts with one ("Call from Denise. She said..."): every
        time, or at least twice and three times in four."""
        votes: Counter = Counter()
        for mention in cluster.mentions:
            if not mention.get("name"):
                continue
            text = self.notes.get(mention["note_id"], {}).get("text") or ""
            end = int(mention["end"])
            sentence_end = self.sentence(mention["note_id"], end)[1]
            found = _SUBJECT_PRONOUN.match(text, end, sentence_end)
            if found and found.group("verb").lower() in self.person_verbs:
                votes["female" if found.group("pronoun").lower() in _FEMALE_PRONOUNS else "male"] += 1
                continue
            # "Call from Denise Reid. She said...": the next sentence starts with a pronoun and
            # nobody else is named in between
            following = _SENTENCE_PRONOUN.match(text, sentence_end)
            if found is None and following and not any(
                    end < int(m["start"]) < following.end() for m in self._note_mentions(mention["note_id"])):
                votes["female" if following.group(1).lower() == "she" else "male"] += 1
        if not votes:
            return None
        sex, count = votes.most_common(1)[0]
        total = sum(votes.values())
        return sex if count == total or count >= 2 and count * 4 >= total * 3 else None

    def _note_mentions(self, note_id: str) -> list[Mapping[str, Any]]:
        if self._mentions_by_note is None:
            self._mentions_by_note = defaultdict(list)
            for mention in self.rows.mentions:
                self._mentions_by_note[mention["note_id"]].append(mention)
        return self._mentions_by_note.get(note_id, [])

    def place_sideless_grandparents(self) -> None:
        """"Nan", "Grandad" with no side: the grandparent named in the same note, else the one the
        case writes about most (the child's "Nan" is the grandmother around the family)."""
        for mention in self.sideless:
            relationship = mention.get("relationship")
            holders = [c for c in [*self.named, *self.roles] if c.mentions and c.relationship == relationship
                       and not c.professional]
            if not holders:
                self._add_role_only(mention)
                continue
            same_note = [c for c in holders if mention["note_id"] in c.notes]
            max(same_note or holders, key=lambda c: len(c.mentions)).add(mention)

    @staticmethod
    def _close_together(role: _Cluster, named: _Cluster) -> int:
        """How many notes write the role word and the name within a sentence or so of each other
        ("Call from Sheila Clarke. MGM said...")."""
        by_note: dict[str, list[int]] = defaultdict(list)
        for mention in named.mentions:
            by_note[mention["note_id"]].append(mention["start"])
        notes = {m["note_id"] for m in role.mentions
                 if any(abs(m["start"] - start) <= _ROLE_NAME_REACH for start in by_note.get(m["note_id"], ()))}
        return len(notes)

    @staticmethod
    def _dob(cluster: _Cluster) -> str | None:
        if cluster.fixed_dob:
            return cluster.fixed_dob
        votes = Counter(m["dob"] for m in cluster.mentions if m.get("dob"))
        return votes.most_common(1)[0][0] if votes else None

    # -- people rows ------------------------------------------------------------------------

    def people(self, subjects: list[_Cluster]) -> list[dict[str, Any]]:
        rows = []
        used: set[str] = set()
        for cluster in [*self.named, *self.roles, *self.agencies]:
            if not cluster.mentions and not cluster.subject:
                continue
            row = self._person_row(cluster)
            if row["id"] in used:
                row["id"] = person_id(f"{cluster.key}:{row['kind']}:{len(used)}")
            used.add(row["id"])
            for mention in cluster.mentions:
                self.person_of_mention[mention["id"]] = cluster
            cluster.fixed_id = row["id"]
            rows.append(row)
        return rows

    def _person_row(self, cluster: _Cluster) -> dict[str, Any]:
        mentions = cluster.mentions
        if cluster.kind_hint == "agency":
            kind, relationship = "agency", "professional"
        elif cluster.subject:
            kind, relationship = "family", "unknown"
        else:
            relationship = cluster.relationship
            if cluster.professional or relationship == "professional":
                kind, relationship = "professional", "professional"
            elif relationship != "unknown" or cluster.is_child:
                kind = "family"
            else:
                kind = "other"
        name = cluster.fixed_name or self._name(cluster)
        aliases = sorted({m.get("name") or m.get("text") for m in mentions} - {name, None, ""})
        days = sorted(d for d in (self.day.get(m["note_id"]) for m in mentions) if d)
        phones = sorted({p for m in mentions for p in m.get("phones") or []})
        emails = sorted({e for m in mentions for e in m.get("emails") or []})
        row: dict[str, Any] = {
            "id": cluster.fixed_id or person_id(cluster.key),
            "name": name,
            "aliases": aliases,
            "kind": kind,
            "role": "child (subject)" if cluster.subject else cluster.top("role"),
            "organisation": self._organisation(cluster) if kind == "professional" else None,
            "relationship": relationship,
            "side": cluster.top("side"),
            "household": self._household(cluster, relationship),
            "contacts": {"phones": phones, "emails": emails},
            "first_seen": days[0] if days else None,
            "last_seen": days[-1] if days else None,
        }
        if cluster.subject:
            row["subject"] = True
            row["dob"] = self._dob(cluster)
        return row

    @staticmethod
    def _name(cluster: _Cluster) -> str:
        if cluster.collars and not any(p.full for p in cluster.parts):
            badge = next(match.group(0) for m in cluster.mentions
                         if (match := _COLLAR.search(m.get("text") or "") or _COLLAR.search(m.get("name") or "")))
            return f"{badge} {cluster.last.title()}" if cluster.last else badge
        if cluster.kind_hint == "agency":
            named = Counter(m["name"] for m in cluster.mentions if m.get("name"))
            if named:
                return named.most_common(1)[0][0]
        full = Counter(p.text for p in cluster.parts if p.full)
        if full:
            return max(full, key=lambda text: (full[text], len(text)))
        named = Counter(p.text for p in cluster.parts if p.text)
        if named:
            return named.most_common(1)[0][0]
        text = Counter((m.get("text") or "").strip() for m in cluster.mentions).most_common(1)[0][0]
        text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
        return text[:1].upper() + text[1:]

    def _organisation(self, cluster: _Cluster) -> str | None:
        """The agency most often named right next to this professional ("Amy Brown, health
        visitor at Oakfield Surgery")."""
        if self._agencies_by_note is None:
            self._agencies_by_note = defaultdict(list)
            for agency in self.agencies:
                for mention in agency.mentions:
                    self._agencies_by_note[mention["note_id"]].append((mention, agency))
            self._people_by_note = defaultdict(list)
            for mention in self.rows.mentions:
                if mention.get("kind") != "agency":
                    self._people_by_note[mention["note_id"]].append((mention["start"], mention["id"]))
        agencies_by_note, own = self._agencies_by_note, {m["id"] for m in cluster.mentions}
        people_by_note = {note: [start for start, mention_id in starts if mention_id not in own]
                          for note, starts in self._people_by_note.items() if note in cluster.notes}
        votes: Counter = Counter()
        for mention in cluster.mentions:
            bounds = self.sentence(mention["note_id"], mention["start"])
            near = []
            for agency_mention, agency in agencies_by_note[mention["note_id"]]:
                low, high = sorted((agency_mention["start"], mention["start"]))
                # close by, in the same sentence, with nobody else named in between
                if bounds[0] <= agency_mention["start"] < bounds[1] and high - low <= _ORGANISATION_REACH \
                        and not any(low < other < high for other in people_by_note.get(mention["note_id"], ())):
                    near.append((high - low, agency))
            if near:
                votes[self._name(min(near, key=lambda pair: pair[0])[1])] += 1
        return votes.most_common(1)[0][0] if votes else None

    def _household(self, cluster: _Cluster, relationship: str) -> bool:
        evidence = sorted((self.order(m), m["household"]) for m in cluster.mentions if m.get("household") is not None)
        if evidence:
            return bool(evidence[-1][1])
        return cluster.subject or relationship in _IN_HOUSEHOLD_BY_DEFAULT

    # -- attribution ------------------------------------------------------------------------

    def person_for_concern(self, concern: Mapping[str, Any], by_note: dict[str, list[dict[str, Any]]],
                           subject_id: str | None) -> str | None:
        named = concern.get("person_mention")
        if named and named in self.person_of_mention:
            return self.person_of_mention[named].fixed_id
        start, end = self.sentence(concern["note_id"], concern["start"])
        nearby = [m for m in by_note.get(concern["note_id"], [])
                  if start <= m["start"] < concern["end"] and m.get("kind") not in _OUTSIDE
                  and (m["id"] in self.person_of_mention or m.get("group") or m.get("child"))]
        if nearby:
            mention = max(nearby, key=lambda m: m["start"])
            cluster = self.person_of_mention.get(mention["id"])
            return cluster.fixed_id if cluster is not None else subject_id
        return subject_id


@lru_cache(maxsize=1)
def _person_verbs() -> frozenset[str]:
    return default_word_list(PERSON_VERBS_FILE)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _known_role(written: str, known: set[str]) -> str | None:
    """The role a written job title names: "Social Worker" → "social worker", "MASH Social
    Worker" → "social worker", "Family Support Worker" → "family support worker"."""
    written = " ".join(written.lower().split())
    lowered = {role.lower(): role for role in known | {_CASE_HOLDER_ROLE}}
    if written in lowered:
        return lowered[written]
    inside = [role for low, role in lowered.items() if re.search(rf"\b{re.escape(low)}\b", written)]
    return max(inside, key=len) if inside else None


def _dob_young(dob: str | None, latest: str | None) -> bool:
    if not dob:
        return False
    try:
        born = date.fromisoformat(dob)
        seen = date.fromisoformat(latest) if latest else date.today()
    except ValueError:
        return False
    return (seen - born).days < 18 * 365


# --------------------------------------------------------------------------------------------
# Repeated events
# --------------------------------------------------------------------------------------------

def find_duplicate_events(events: Sequence[Mapping[str, Any]], note_day: Mapping[str, str | None]) -> dict[str, str]:
    """``{event id: primary event id}`` for events recorded again in a later note: same type and
    date, similar summary (rapidfuzz token-set ratio), in a different note. The earliest
    recording (by note date) is the primary."""
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for event in events:
        if event.get("date") and event.get("type") not in (None, "other", "contact"):
            groups[(event["type"], event["date"])].append(event)
    duplicates: dict[str, str] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        group = sorted(group, key=lambda e: (note_day.get(e["note_id"]) or "9999", e["note_id"], e["start"]))
        primaries: list[Mapping[str, Any]] = []
        for event in group:
            match = next((p for p in primaries if p["note_id"] != event["note_id"] and fuzz.token_set_ratio(
                (p.get("summary") or "").lower(), (event.get("summary") or "").lower()) >= _SAME_SUMMARY), None)
            if match is None:
                primaries.append(event)
            else:
                duplicates[event["id"]] = match["id"]
    return duplicates


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------

def _summarise_gaps(evidence: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    if evidence is None:
        return []
    return summarise_gaps([dict(row) for row in evidence])


def resolve_case(rows: CaseRowsLike, progress: Callable[[int, int], None] | None = None) -> Resolution:
    """People, per-row updates (``person_id``, event ``people``/``duplicate_of``) and gaps for a
    whole case. Deterministic: the same rows give the same people ids and updates.

    ``progress``, when given, is called with ``(steps done, RESOLVE_STEPS)`` after each step,
    ending with ``(RESOLVE_STEPS, RESOLVE_STEPS)``."""
    def step(done: int) -> None:
        if progress is not None:
            progress(done, RESOLVE_STEPS)

    resolver = _Resolver(rows)
    resolver.cluster()
    step(1)
    subjects = resolver.find_subjects()
    resolver.place_possessed()
    step(2)
    resolver.adopt_role_clusters()
    resolver.place_sideless_grandparents()
    resolver.merge_generic_agencies()
    step(3)
    people = resolver.people(subjects)
    step(4)
    subject_id = subjects[0].fixed_id if subjects else None
    of_mention = resolver.person_of_mention

    mentions_by_note: dict[str, list[dict[str, Any]]] = defaultdict(list)
    updates: dict[str, dict[str, dict[str, Any]]] = {"mentions": {}, "events": {}, "risks": {}, "strengths": {}}
    for mention in rows.mentions:
        mention = dict(mention)
        mentions_by_note[mention["note_id"]].append(mention)
        cluster = of_mention.get(mention["id"])
        if cluster is not None:
            pid = cluster.fixed_id
        elif mention.get("child") and not mention.get("group") and not mention.get("name"):
            pid = subject_id  # "the child", "the baby"; "the children" are several people
        else:
            pid = None
        updates["mentions"][mention["id"]] = {"person_id": pid}
    step(5)
    for table, concerns in (("risks", rows.risks), ("strengths", rows.strengths)):
        for concern in concerns:
            updates[table][concern["id"]] = {
                "person_id": resolver.person_for_concern(concern, mentions_by_note, subject_id)}
    step(6)
    duplicates = find_duplicate_events(rows.events, resolver.day)
    step(7)
    for event in rows.events:
        inside = event.get("participants")
        if not inside:
            inside = [m["id"] for m in mentions_by_note.get(event["note_id"], [])
                      if event["start"] <= m["start"] and m["end"] <= event["end"]]
        people_ids: list[str] = []
        for mention_id in inside:
            pid = updates["mentions"].get(mention_id, {}).get("person_id")
            if pid and pid not in people_ids:
                people_ids.append(pid)
        updates["events"][event["id"]] = {"people": people_ids, "duplicate_of": duplicates.get(event["id"])}
    gaps = _summarise_gaps(getattr(rows, "gap_evidence", None))
    step(8)
    return Resolution(people, updates, gaps)
