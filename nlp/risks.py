"""Risks and strengths: the ``caselens_risks`` component.

Risk and strength mentions are found by rules kept as data (``resources/risk_patterns.jsonl``,
``resources/strength_patterns.jsonl``): lower-cased phrases or spaCy token patterns. Each mention
gets a category from the contracted vocabulary, a CIN census code chosen by whom the concern is
about (``resources/risk_taxonomy.tsv``), the ConText flags and status from ``nlp.context`` and the
person mention it concerns when the sentence names one.

A risk rule has ``category`` and ``phrases`` and/or ``patterns``, and optionally ``about``
(child, parent or household: whom the words always concern), ``perpetrator`` (child or adult),
``cin_code`` (a stated sub-code), ``umbrella`` (a harm named with its causes counts once) and
``only_negated`` (words worth recording only when denied: "no injuries seen"). Words with two
neighbouring letters swapped ("appointmetns") are read as meant (``nlp.context.SwappedLetters``).

This module also holds the small rule machinery the other CaseLens rule components share
(``read_rules``, ``RuleMatcher``, ``sentence_spans``, ``person_mentions``).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans, minibatch
from spacy.vocab import Vocab

import nlp.doc_ext  # noqa: F401  (registers the Doc extensions this component writes)
from nlp.doc_ext import doc_text, sentence_of, sentences
from nlp.context import SwappedLetters, assess_span, status_of
from nlp.wordlists import resource_text

RISK_CATEGORIES: tuple[str, ...] = (
    "alcohol_misuse", "drug_misuse", "domestic_abuse", "mental_health", "learning_disability",
    "physical_disability_illness", "young_carer", "privately_fostered", "uasc", "missing", "cse",
    "trafficking", "gangs", "socially_unacceptable_behaviour", "self_harm", "neglect",
    "emotional_abuse", "physical_abuse", "sexual_abuse", "fgm", "faith_belief_abuse", "cce",
    "housing", "finances", "education", "adult_offending", "weapons", "was_not_brought",
    "home_conditions",
)
STRENGTH_CATEGORIES: tuple[str, ...] = (
    "family_support", "engagement_with_services", "school_attendance", "parenting_capacity",
    "child_wellbeing", "stable_housing", "employment", "recovery", "safety_plan",
    "community_support", "other",
)
WHOM = ("child", "parent", "household")
PERPETRATORS = ("child", "adult")

RISK_RULES_FILE = "risk_patterns.jsonl"
STRENGTH_RULES_FILE = "strength_patterns.jsonl"
TAXONOMY_FILE = "risk_taxonomy.tsv"

_MATCH_KEYS = {"phrases", "patterns"}
_RISK_KEYS = _MATCH_KEYS | {"category", "about", "perpetrator", "cin_code", "umbrella", "only_negated", "comment"}
_STRENGTH_KEYS = _MATCH_KEYS | {"category", "comment"}


# --------------------------------------------------------------------------------------------
# Rules as data
# --------------------------------------------------------------------------------------------

def read_rules(
    text: str,
    source: str,
    allowed: set[str],
    check: Callable[[dict[str, Any]], str | None] | None = None,
) -> list[dict[str, Any]]:
    """Parse JSONL rules, rejecting unknown keys and rows without ``phrases`` or ``patterns``.

    ``check`` may return a problem description for a row (e.g. an unknown category)."""
    rules: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{source} line {number}: not valid JSON ({error.msg})") from None
        if not isinstance(row, dict):
            raise ValueError(f"{source} line {number}: a rule must be a JSON object")
        unknown = set(row) - allowed
        if unknown:
            raise ValueError(f"{source} line {number}: unknown keys {sorted(unknown)}")
        problem = _match_problem(row) if allowed & _MATCH_KEYS else None
        if problem is None and check is not None:
            problem = check(row)
        if problem:
            raise ValueError(f"{source} line {number}: {problem}")
        rules.append(row)
    return rules


def _match_problem(row: dict[str, Any]) -> str | None:
    phrases = row.get("phrases", [])
    patterns = row.get("patterns", [])
    if not phrases and not patterns:
        return "needs 'phrases' or 'patterns'"
    if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
        return "'phrases' must be a list of non-empty strings"
    if not isinstance(patterns, list) or not all(
        isinstance(p, list) and p and all(isinstance(t, dict) for t in p) for p in patterns
    ):
        return "'patterns' must be a list of spaCy token patterns"
    return None


def write_rules(path: Path, rules: Iterable[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rules), encoding="utf-8")


class RuleMatcher:
    """Finds where rules match a ``Doc``: ``phrases`` compared lower-cased, ``patterns`` with
    spaCy's ``Matcher``. Overlapping matches keep the longest (then the earliest), unless
    ``keep_overlaps`` asks for every match."""

    def __init__(
        self,
        vocab: Vocab,
        make_doc: Callable[[str], Doc],
        rules: Sequence[dict[str, Any]],
        keep_overlaps: bool = False,
    ):
        self.rules = list(rules)
        self.keep_overlaps = keep_overlaps
        self._phrases = PhraseMatcher(vocab, attr="LOWER")
        self._patterns = Matcher(vocab)
        for index, rule in enumerate(self.rules):
            key = f"rule{index}"
            if rule.get("phrases"):
                self._phrases.add(key, [make_doc(p) for p in rule["phrases"]])
            if rule.get("patterns"):
                self._patterns.add(key, rule["patterns"])
        self._index = {vocab.strings.add(f"rule{i}"): i for i in range(len(self.rules))}

    def __call__(self, doc: Doc) -> list[tuple[dict[str, Any], Span]]:
        found = list(self._phrases(doc)) if len(self._phrases) else []
        if len(self._patterns):
            found += self._patterns(doc)
        spans = [Span(doc, start, end, label=key) for key, start, end in found]
        kept = sorted(spans if self.keep_overlaps else filter_spans(spans), key=lambda s: (s.start, s.end))
        return [(self.rules[self._index[s.label]], s) for s in kept]


def sentence_spans(doc: Doc) -> list[Span]:
    """The doc's sentences, or the whole doc as one sentence when nothing set boundaries."""
    return list(sentences(doc))


def person_mentions(doc: Doc) -> list[dict[str, Any]]:
    """Person mentions from ``caselens_entities``, in text order (empty when it did not run)."""
    return sorted(doc._.mentions or [], key=lambda m: m["start"])


# --------------------------------------------------------------------------------------------
# The taxonomy and CIN codes
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CategoryCodes:
    """How one risk category takes its CIN code, and the labels of its codes."""

    category: str
    code_by: str  # person, perpetrator, subtype, fixed or none
    labels: dict[str, str]


def load_taxonomy(text: str | None = None) -> dict[str, CategoryCodes]:
    """Read ``resources/risk_taxonomy.tsv`` (comment lines start with ``#``)."""
    text = resource_text(TAXONOMY_FILE) if text is None else text
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t")
    if reader.fieldnames != ["category", "code_by", "cin_code", "label"]:
        raise ValueError(f"{TAXONOMY_FILE}: unexpected columns {reader.fieldnames}")
    codes: dict[str, dict[str, str]] = {}
    code_by: dict[str, str] = {}
    for row in reader:
        category = row["category"]
        if category not in RISK_CATEGORIES:
            raise ValueError(f"{TAXONOMY_FILE}: unknown category {category!r}")
        if row["code_by"] not in ("person", "perpetrator", "subtype", "fixed", "none"):
            raise ValueError(f"{TAXONOMY_FILE}: unknown code_by {row['code_by']!r}")
        code_by[category] = row["code_by"]
        codes.setdefault(category, {})[row["cin_code"] or ""] = row["label"]
    missing = set(RISK_CATEGORIES) - set(codes)
    if missing:
        raise ValueError(f"{TAXONOMY_FILE}: categories without a row {sorted(missing)}")
    return {c: CategoryCodes(c, code_by[c], codes[c]) for c in RISK_CATEGORIES}


_PERSON_LETTER = {"child": "A", "parent": "B", "household": "C"}


def choose_cin_code(
    taxonomy: dict[str, CategoryCodes],
    category: str,
    whom: str | None,
    perpetrator: str | None,
    stated_code: str | None = None,
) -> str | None:
    """The CIN code of a risk mention.

    ``whom`` is who the concern is about (child, parent, household); without one, families 1-6
    default to the parent/carer (B), the usual subject of such recording. Physical and sexual
    abuse default to an adult perpetrator (C) unless a child is named as the perpetrator."""
    entry = taxonomy[category]
    if entry.code_by == "none":
        return None
    if stated_code:
        return stated_code
    if entry.code_by == "fixed":
        return next(iter(entry.labels))
    if entry.code_by == "subtype":
        return next(code for code in entry.labels if code.endswith("F"))
    if entry.code_by == "perpetrator":
        letter = "B" if perpetrator == "child" else "C"
    else:
        letter = _PERSON_LETTER.get(whom or "parent", "B")
    return next(code for code in entry.labels if code.endswith(letter))


# --------------------------------------------------------------------------------------------
# Who a concern is about
# --------------------------------------------------------------------------------------------

_PARENT_RELATIONSHIPS = {"mother", "father", "stepmother", "stepfather", "foster_carer"}
_CHILD_RELATIONSHIPS = {"subject", "self", "child"}
_YOUNG_RELATIONSHIPS = {"sibling", "half_sibling", "friend"}
# Plain words that say who someone is when no person mention covers them (or on pipelines
# without the entities component): the role words of everyday case recording.
_CHILD_WORDS = {
    "child", "children", "yp", "baby", "son", "daughter", "boy", "girl", "toddler", "infant",
    "pupil", "peer", "peers", "classmate", "teenager", "student", "young",
}
_SIBLING_WORDS = {"brother", "sister", "sibling", "siblings", "stepbrother", "stepsister"}
_PARENT_WORDS = {
    "mum", "mother", "dad", "father", "parent", "parents", "carer", "carers", "mom", "mummy",
    "daddy", "stepdad", "stepfather", "stepmum", "stepmother", "parental", "maternal", "paternal",
}
_HOUSEHOLD_WORDS = {
    "partner", "boyfriend", "girlfriend", "grandmother", "grandfather", "nan", "nana", "grandad",
    "grandma", "grandpa", "uncle", "aunt", "auntie", "cousin", "lodger",
}
_OUTSIDE_KINDS = {"professional", "agency"}


def whom_of_mention(mention: dict[str, Any]) -> str | None:
    """child, parent or household for a person mention (None for professionals/agencies)."""
    if mention.get("kind") in _OUTSIDE_KINDS:
        return None
    relationship = mention.get("relationship") or ""
    role = (mention.get("role") or "").lower()
    if relationship in _PARENT_RELATIONSHIPS:
        return "parent"
    if mention.get("child") or relationship in _CHILD_RELATIONSHIPS or role in _CHILD_WORDS | {"subject"}:
        return "child"
    if relationship and relationship not in ("unknown", "professional"):
        return "household"
    return _whom_of_words(role.split()) if role else None


def _whom_of_words(words: Iterable[str]) -> str | None:
    for word in words:
        word = word.lower()
        word = word[:-2] if word.endswith("'s") else word
        if word in _PARENT_WORDS:
            return "parent"
        if word in _CHILD_WORDS:
            return "child"
        if word in _SIBLING_WORDS or word in _HOUSEHOLD_WORDS:
            return "household"
    return None


def _is_young(mention: dict[str, Any] | None, token: Token | None) -> bool | None:
    """Whether a perpetrator is a child; None when nothing says."""
    if mention is not None:
        if mention.get("child") or mention.get("relationship") in _YOUNG_RELATIONSHIPS | _CHILD_RELATIONSHIPS:
            return True
        whom = whom_of_mention(mention)
        if whom in ("parent", "household"):
            return False
    if token is not None:
        words = [token.lower_] + [c.lower_ for c in token.children if c.dep_ in ("amod", "compound")]
        if any(w in _CHILD_WORDS or w in _SIBLING_WORDS for w in words):
            return True
        if any(w in _PARENT_WORDS or w in _HOUSEHOLD_WORDS or w in {"man", "woman", "adult"} for w in words):
            return False
    return None


@dataclass
class _Participant:
    token: Token | None
    mention: dict[str, Any] | None


def _mention_at(mentions: Sequence[dict[str, Any]], token: Token, offset: int = 0) -> dict[str, Any] | None:
    """The mention holding ``token``, whose text starts ``offset`` characters into the note."""
    at = token.idx + offset
    for mention in mentions:
        if mention["start"] <= at < mention["end"]:
            return mention
    return None


def _governing_verb(span: Span) -> Token:
    token = span.root
    for _ in range(6):
        if token.pos_ in ("VERB", "AUX") or token.head is token:
            return token
        token = token.head
    return token


def _roles(span: Span, mentions: Sequence[dict[str, Any]],
           offset: int = 0) -> tuple[_Participant | None, _Participant | None]:
    """(actor, undergoer) of the clause governing ``span`` from the dependency parse. ``span``
    may lie in a parse of its sentence alone, whose text starts ``offset`` characters into the
    note (the mentions' offsets are the note's)."""
    if not span.doc.has_annotation("DEP"):
        return None, None
    actor = undergoer = None
    for child in span.root.children:
        if child.dep_ == "poss":
            actor = _Participant(child, _mention_at(mentions, child, offset))
    verb = _governing_verb(span)
    for _ in range(3):
        for child in verb.children:
            if child.dep_ == "nsubj" and actor is None:
                actor = _Participant(child, _mention_at(mentions, child, offset))
            elif child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    actor = _Participant(objects[0], _mention_at(mentions, objects[0], offset))
            elif child.dep_ in ("nsubjpass", "dobj") and undergoer is None:
                undergoer = _Participant(child, _mention_at(mentions, child, offset))
        if actor is not None or verb.head is verb or verb.dep_ not in ("xcomp", "conj", "advcl", "ccomp"):
            break
        verb = verb.head
    return actor, undergoer


# --------------------------------------------------------------------------------------------
# Which matches count, and the evidence each one keeps
# --------------------------------------------------------------------------------------------

def _outweighs(other: Span, span: Span, strictly: bool = False) -> bool:
    """Whether ``other`` overlaps ``span`` and is longer (or as long, unless ``strictly``)."""
    if not (other.start < span.end and span.start < other.end):
        return False
    return len(other) > len(span) or (not strictly and len(other) == len(span))


_NEIGHBOUR_GAP = 3
_SEPARATORS = {"but", "however", "although", "though", "whereas", ";", ".", "!", "?", "\n"}


def _merge_neighbours(doc: Doc, found: list[tuple[dict[str, Any], Span]]) -> list[tuple[dict[str, Any], Span]]:
    """Join mentions of one category a few words apart in one clause ("self-harming by
    cutting her arms") into one piece of evidence, so one concern is counted once."""
    merged: list[tuple[dict[str, Any], Span]] = []
    for rule, span in found:
        if merged:
            last_rule, last = merged[-1]
            between = doc[last.end: span.start]
            if (
                last_rule["category"] == rule["category"]
                and len(between) <= _NEIGHBOUR_GAP
                and not any(t.lower_ in _SEPARATORS or t.is_space or _is_boundary(t) for t in between)
                and (not doc.has_annotation("SENT_START") or not any(t.is_sent_start for t in doc[last.end: span.end]))
            ):
                merged[-1] = (last_rule, doc[last.start: span.end])
                continue
        merged.append((rule, span))
    return merged


_CLAUSE_BOUNDARIES = {
    ";", ":", "but", "however", "although", "though", "whereas", "whilst", "while", "-", "\u2013",
    "\u2014", "(", ")",
}


def clause_of(span: Span) -> tuple[int, int]:
    """Character offsets of the clause holding ``span``: the words around it up to the
    sentence's edges or a clause boundary (";", ":", "but", a dash...). A worker reads the
    whole statement ("Mum has asthma and finds it hard to manage"), not only the keyword."""
    doc = span.doc
    sentence = sentence_of(span)
    start = span.start
    while start > sentence.start and not _is_boundary(doc[start - 1]):
        start -= 1
    end = span.end
    while end < sentence.end and not _is_boundary(doc[end]):
        end += 1
    while end > span.end and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    while start < span.start and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def _is_boundary(token: Token) -> bool:
    if token.text == "-" and token.i > 0 and not token.doc[token.i - 1].whitespace_:
        return False  # a hyphen inside a word ("part-time"), not a dash between clauses
    return token.lower_ in _CLAUSE_BOUNDARIES or "\n" in token.text


def _one_per_clause(doc: Doc, rows: list[tuple[Span, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Give each mention its clause as evidence, one mention per category and clause."""
    kept: list[dict[str, Any]] = []
    seen: set[tuple[str, int, int]] = set()
    for span, row in rows:
        start, end = clause_of(span)
        key = (row["category"], start, end)
        if key in seen:
            continue
        seen.add(key)
        kept.append({**row, "start": start, "end": end, "text": doc_text(doc)[start:end]})
    return kept


_FLAG_KEYS = ("category", "negated", "historical", "hypothetical", "uncertain", "experiencer")


def _join_dashed(doc: Doc, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Join two mentions of one concern with the same flags that a dash alone separates
    ("Family history of depression - Nan was treated for depression"): the words after the
    dash say more about the same concern, so they are one piece of evidence."""
    joined: list[dict[str, Any]] = []
    for row in sorted(rows, key=lambda r: r["start"]):
        previous = next((r for r in reversed(joined) if r["category"] == row["category"]), None)
        if (
            previous is not None
            and all(previous.get(key) == row.get(key) for key in _FLAG_KEYS)
            and doc_text(doc)[previous["end"]: row["start"]].strip() in ("-", "\u2013", "\u2014")
        ):
            previous["end"] = row["end"]
            previous["text"] = doc_text(doc)[previous["start"]: row["end"]]
            if previous.get("person_start") is None:
                previous["person_start"], previous["person_end"] = row.get("person_start"), row.get("person_end")
            continue
        joined.append(dict(row))
    return joined


def _without_named_causes(rows: list[dict[str, Any]], umbrellas: list[tuple[int, int, str]]) -> list[dict[str, Any]]:
    """In a clause that names a harm and its causes ("at risk of emotional harm from
    witnessing DA"), the harm is the concern; the causes are not counted again.
    ``umbrellas`` holds (clause start, clause end, category) of each harm named so."""
    harms = {(start, end): category for start, end, category in umbrellas}
    return [row for row in rows if harms.get((row["start"], row["end"]), row["category"]) == row["category"]]


# --------------------------------------------------------------------------------------------
# The component
# --------------------------------------------------------------------------------------------

def _check_risk(taxonomy: dict[str, CategoryCodes]) -> Callable[[dict[str, Any]], str | None]:
    def check(row: dict[str, Any]) -> str | None:
        category = row.get("category")
        if category not in taxonomy:
            return f"unknown risk category {category!r}"
        if row.get("about") is not None and row["about"] not in WHOM:
            return f"'about' must be one of {WHOM}"
        if row.get("perpetrator") is not None and row["perpetrator"] not in PERPETRATORS:
            return f"'perpetrator' must be one of {PERPETRATORS}"
        for flag in ("umbrella", "only_negated"):
            if row.get(flag) is not None and not isinstance(row[flag], bool):
                return f"'{flag}' must be true or false"
        if row.get("cin_code") is not None and row["cin_code"] not in taxonomy[category].labels:
            return f"cin_code {row['cin_code']!r} does not belong to {category}"
        return None

    return check


def _rule_words(rules: Iterable[dict[str, Any]]) -> set[str]:
    """Every word the rules look for: their phrases' words and the words listed in patterns."""
    words: set[str] = set()
    for rule in rules:
        for phrase in rule.get("phrases", []):
            words.update(phrase.lower().split())
        for pattern in rule.get("patterns", []):
            for token in pattern:
                for value in token.values():
                    if isinstance(value, str):
                        words.add(value.lower())
                    elif isinstance(value, dict):
                        words.update(v.lower() for v in value.get("IN", []) if isinstance(v, str))
    return words


def _check_strength(row: dict[str, Any]) -> str | None:
    if row.get("category") not in STRENGTH_CATEGORIES:
        return f"unknown strength category {row.get('category')!r}"
    return None


def read_risk_rules(
    text: str, source: str = RISK_RULES_FILE, taxonomy: dict[str, CategoryCodes] | None = None
) -> list[dict[str, Any]]:
    """Parse and validate risk rules (JSONL)."""
    return read_rules(text, source, _RISK_KEYS, _check_risk(taxonomy or load_taxonomy()))


def read_strength_rules(text: str, source: str = STRENGTH_RULES_FILE) -> list[dict[str, Any]]:
    """Parse and validate strength rules (JSONL)."""
    return read_rules(text, source, _STRENGTH_KEYS, _check_strength)


class RiskFinder:
    """Writes ``doc._.risks`` and ``doc._.strengths`` (row keys: see ``nlp.doc_ext``).

    Who a concern is about comes from the dependency parse of its clause. ``model_parser``,
    when set (``nlp.pipeline`` sets it to the base model's parser, which it takes out of the
    pipeline), parses only the sentences that hold a concern, once per batch of notes: the
    rest of a note needs sentences (the ``senter``) and parts of speech, not a parse. The
    parser reads the token vectors the pipeline's ``tok2vec`` already wrote on the note, so a
    sentence is analysed as it would be in the whole note. A doc that has its own parse is
    read as it is.
    """

    model_parser: Any = None

    def __init__(
        self,
        nlp: Language,
        name: str = "caselens_risks",
        risk_rules: list[dict[str, Any]] | None = None,
        strength_rules: list[dict[str, Any]] | None = None,
    ) -> None:
        self.name = name
        self._vocab = nlp.vocab
        self._make_doc = nlp.make_doc
        self._parses: dict[tuple[int, int], Doc] = {}  # sentence parses of the doc being written
        self.taxonomy = load_taxonomy()
        if risk_rules is None:
            risk_rules = read_risk_rules(resource_text(RISK_RULES_FILE), taxonomy=self.taxonomy)
        if strength_rules is None:
            strength_rules = read_strength_rules(resource_text(STRENGTH_RULES_FILE))
        self._set_rules(risk_rules, strength_rules)

    def _set_rules(self, risk_rules: list[dict[str, Any]], strength_rules: list[dict[str, Any]]) -> None:
        self.risk_rules = risk_rules
        self.strength_rules = strength_rules
        self._risks = RuleMatcher(self._vocab, self._make_doc, risk_rules)
        self._strengths = RuleMatcher(self._vocab, self._make_doc, strength_rules)
        self._spelling = SwappedLetters(_rule_words(risk_rules + strength_rules))

    def _matches(self, matcher: RuleMatcher, doc: Doc, fixed: Doc | None) -> list[tuple[dict[str, Any], Span]]:
        """``matcher`` over the doc, or over its spelling-corrected twin mapped back onto it."""
        if fixed is None:
            return matcher(doc)
        return [(rule, doc[span.start: span.end]) for rule, span in matcher(fixed)]

    def _spelling_fixed(self, doc: Doc) -> Doc | None:
        """The doc's words with swapped letters corrected ("missed two appointmetns"), tokenised
        alike so spans carry over by token index; None when nothing needs correcting."""
        if not any(token.lower_ in self._spelling for token in doc if len(token) >= 4):
            return None
        fixed = self._make_doc(self._spelling.fix(doc_text(doc)))
        if [len(t) for t in fixed] != [len(t) for t in doc]:
            return None
        return fixed

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """``__call__`` over ``docs``, parsing the sentences that hold a concern once per batch."""
        for batch in minibatch(docs, batch_size):
            found = [self._concerns(doc) for doc in batch]
            parses = self._parse_sentences([span for concerns in found for kind in concerns[1:] for _, span in kind])
            for doc, concerns in zip(batch, found):
                self._write(doc, *concerns, parses)
                yield doc

    def __call__(self, doc: Doc) -> Doc:
        concerns = self._concerns(doc)
        self._write(doc, *concerns, self._parse_sentences([span for kind in concerns[1:] for _, span in kind]))
        return doc

    def _parse_sentences(self, spans: Sequence[Span]) -> dict[tuple[int, int], Doc]:
        """A parse of each sentence holding one of ``spans`` (by doc and sentence start), when
        the docs have no parse of their own and a parser is set; else nothing."""
        wanted: dict[tuple[int, int], Span] = {}
        for span in spans:
            if self.model_parser is not None and not span.doc.has_annotation("DEP"):
                sentence = sentence_of(span)
                wanted.setdefault((id(span.doc), sentence.start), sentence)
        if not wanted:
            return {}
        parsed = self.model_parser.pipe((sentence.as_doc() for sentence in wanted.values()), batch_size=256)
        return dict(zip(wanted, parsed))

    def _concerns(self, doc: Doc) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], Span]],
                                           list[tuple[dict[str, Any], Span]]]:
        """The doc's person mentions, and the risk and strength matches that stand."""
        everyone = person_mentions(doc)
        mentions = [m for m in everyone if m.get("kind") not in _OUTSIDE_KINDS]
        # The name of a service ("IDVA", "CAMHS", "Youth Offending Team") is not a concern.
        services = [(m["start"], m["end"]) for m in everyone if m.get("kind") in _OUTSIDE_KINDS]

        def inside(span: Span, ranges: Sequence[tuple[int, int]]) -> bool:
            return any(a <= span.start_char and span.end_char <= b for a, b in ranges)

        fixed = self._spelling_fixed(doc)
        strengths = [(rule, span) for rule, span in self._matches(self._strengths, doc, fixed)
                     if not inside(span, services)]
        risks = [
            (rule, span)
            for rule, span in self._matches(self._risks, doc, fixed)
            if not inside(span, services)
        ]
        # Where a protective statement and a concern share words, the longer reading wins:
        # "abstinent from alcohol" is a strength, not an alcohol risk; "has not engaged with
        # the parenting course" is a concern, not engagement. A denied strength protects nothing.
        standing = [
            span for _, span in strengths if not assess_span(doc, span.start_char, span.end_char)["negated"]
        ]
        # A concern the same words say is over ("home conditions have improved") is kept as a
        # negated concern beside the strength, so the Risks view can show it was looked at.
        risks = [
            (rule, span) for rule, span in risks
            if not any(_outweighs(other, span) for other in standing)
            or assess_span(doc, span.start_char, span.end_char)["negated"]
        ]
        strengths = [
            (rule, span) for rule, span in strengths if not any(_outweighs(other, span, True) for _, other in risks)
        ]
        # Words that count only when denied ("no injuries seen", "no further incidents"): said
        # plainly, an injury may be accidental and an incident may be anything.
        risks = [
            (rule, span) for rule, span in risks
            if not rule.get("only_negated") or assess_span(doc, span.start_char, span.end_char)["negated"]
        ]
        return mentions, _merge_neighbours(doc, risks), _merge_neighbours(doc, strengths)

    def _write(self, doc: Doc, mentions: list[dict[str, Any]], risks: list[tuple[dict[str, Any], Span]],
               strengths: list[tuple[dict[str, Any], Span]], parses: dict[tuple[int, int], Doc]) -> None:
        self._parses = parses
        risk_rows = _one_per_clause(doc, [(span, self._risk_row(doc, rule, span, mentions)) for rule, span in risks])
        harms = [(*clause_of(span), rule["category"]) for rule, span in risks if rule.get("umbrella")]
        doc._.risks = _join_dashed(doc, _without_named_causes(risk_rows, harms))
        doc._.strengths = _join_dashed(doc, _one_per_clause(
            doc, [(span, self._strength_row(doc, rule, span, mentions)) for rule, span in strengths]
        ))
        self._parses = {}

    def _parsed(self, span: Span) -> tuple[Span, int]:
        """``span`` in the parse that covers it, and where that parse's text starts in the note:
        the doc itself, or the parse of the span's sentence from ``_parse_sentences``."""
        sentence = sentence_of(span)
        parsed = self._parses.get((id(span.doc), sentence.start))
        if parsed is None:
            return span, 0
        start = span.start - sentence.start
        return parsed[start: max(start + 1, min(len(parsed), span.end - sentence.start))], sentence.start_char

    def _flags(self, doc: Doc, span: Span) -> dict[str, Any]:
        context = assess_span(doc, span.start_char, span.end_char)
        flags = {key: bool(context[key]) for key in ("negated", "historical", "hypothetical", "uncertain")}
        return {**flags, "status": status_of(flags), "experiencer": context["experiencer"]}

    def _concerned(
        self, span: Span, mentions: Sequence[dict[str, Any]]
    ) -> tuple[dict[str, Any] | None, str | None, _Participant | None, _Participant | None]:
        """The person mention the concern is about, who that is (child/parent/household), and
        the clause's actor and undergoer."""
        parsed, offset = self._parsed(span)
        actor, undergoer = _roles(parsed, mentions, offset)
        sentence = sentence_of(span)
        mention = actor.mention if actor is not None else None
        whom = whom_of_mention(mention) if mention else None
        if mention is None:
            before = [m for m in mentions if sentence.start_char <= m["start"] and m["end"] <= span.start_char]
            if before:
                mention = before[-1]
                whom = whom_of_mention(mention)
        if whom is None and actor is not None and actor.token is not None:
            whom = _whom_of_words([actor.token.lower_])
        if whom is None:
            window = span.doc[max(sentence.start, span.start - 4): span.end]
            whom = _whom_of_words(t.lower_ for t in reversed(list(window)))
        return mention, whom, actor, undergoer

    def _risk_row(
        self, doc: Doc, rule: dict[str, Any], span: Span, mentions: Sequence[dict[str, Any]]
    ) -> dict[str, Any]:
        category = rule["category"]
        mention, whom, actor, undergoer = self._concerned(span, mentions)
        if category == "domestic_abuse" and undergoer is not None:
            if undergoer.mention:
                victim = whom_of_mention(undergoer.mention)
            else:
                victim = _whom_of_words([undergoer.token.lower_] if undergoer.token is not None else [])
            whom = victim or "parent"
        elif category == "domestic_abuse" and whom == "household":
            whom = "parent"
        if rule.get("about"):
            whom = rule["about"]
        perpetrator = rule.get("perpetrator")
        if perpetrator is None and actor is not None:
            young = _is_young(actor.mention, actor.token)
            perpetrator = None if young is None else ("child" if young else "adult")
        flags = self._flags(doc, span)
        code = choose_cin_code(self.taxonomy, category, whom, perpetrator, rule.get("cin_code"))
        if flags["experiencer"] == "other" and self.taxonomy[category].code_by == "person":
            code = None  # CIN factors describe the child's household, not someone outside it
        return {
            "start": span.start_char,
            "end": span.end_char,
            "text": span.text,
            "category": category,
            "cin_code": code,
            **flags,
            "person_start": mention["start"] if mention else None,
            "person_end": mention["end"] if mention else None,
        }

    def _strength_row(
        self, doc: Doc, rule: dict[str, Any], span: Span, mentions: Sequence[dict[str, Any]]
    ) -> dict[str, Any]:
        mention, _, _, _ = self._concerned(span, mentions)
        return {
            "start": span.start_char,
            "end": span.end_char,
            "text": span.text,
            "category": rule["category"],
            **self._flags(doc, span),
            "person_start": mention["start"] if mention else None,
            "person_end": mention["end"] if mention else None,
        }

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_rules(path / RISK_RULES_FILE, self.risk_rules)
        write_rules(path / STRENGTH_RULES_FILE, self.strength_rules)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "RiskFinder":
        path = Path(path)
        self._set_rules(
            read_risk_rules((path / RISK_RULES_FILE).read_text(encoding="utf-8"), taxonomy=self.taxonomy),
            read_strength_rules((path / STRENGTH_RULES_FILE).read_text(encoding="utf-8")),
        )
        return self


@Language.factory("caselens_risks")
def make_risk_finder(nlp: Language, name: str) -> RiskFinder:
    """Risk and strength mentions with CIN codes, context flags and the person concerned."""
    return RiskFinder(nlp, name)
