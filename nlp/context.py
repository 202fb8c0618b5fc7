"""ConText: is a mention negated, hypothetical, uncertain, historical, or about someone else?

An implementation of the ConText algorithm (Chapman et al., "ConText: an algorithm for
determining negation, experiencer, and temporal status from clinical reports", 2011), in the
style of medspaCy's ``context`` package: trigger phrases with a category, a direction and a
scope; the scope of a trigger ends at the sentence end, at a terminator ("but", "however",
";"...) or after ``max_scope`` tokens; pseudo-triggers ("not only", "no increase in") look like
triggers but are not, and they hide the shorter triggers inside them.

Rules are data: ``resources/context_rules.jsonl``, one JSON object a line with the keys
``category`` (NEGATED, HYPOTHETICAL, HISTORICAL, UNCERTAIN, OTHER_EXPERIENCER or TERMINATE),
exactly one of ``literal`` (a phrase, matched case-insensitively on word boundaries) or
``pattern`` (a Python regex, case-insensitive unless it says otherwise),
``direction`` (forward, backward, bidirectional, terminate, pseudo) and optionally
``max_scope`` (tokens), ``inside`` and ``comment``. Unknown keys are rejected on load.

A trigger inside the mention itself is ignored (the words are the concept's own: "was not
brought", "no longer drinking"), unless the rule says ``"inside": true`` and the rest of the
mention lies in its scope: then a clause such as "alleged assault by dad" or "Mum denies any
drug use" is assessed as a whole, just as "assault" or "drug use" would be. A ``terminate``
rule whose category is TERMINATE ends every scope; one with another category ends only that
category's scopes (e.g. "mum" ends the scope of "maternal grandfather").

Two entry points share one engine:

- :func:`assess` (contracted) takes any English text and a character span; it splits the text
  into sentences with a small rule-based splitter (no trained model).
- :func:`assess_span` takes a spaCy ``Doc`` from the pipeline (what the risk, event and gap
  components call for every mention); it shares the sentence split and the trigger cache.

The engine works on one sentence at a time and caches each sentence's trigger matches, so many
mentions in one note cost one scan per sentence.
"""
from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc
from spacy.util import get_package_path

from nlp.doc_ext import doc_text

RULES_FILE = "context_rules.jsonl"

NEGATED = "NEGATED"
HYPOTHETICAL = "HYPOTHETICAL"
HISTORICAL = "HISTORICAL"
UNCERTAIN = "UNCERTAIN"
OTHER_EXPERIENCER = "OTHER_EXPERIENCER"
TERMINATE = "TERMINATE"

CATEGORIES = (NEGATED, HYPOTHETICAL, HISTORICAL, UNCERTAIN, OTHER_EXPERIENCER, TERMINATE)
DIRECTIONS = ("forward", "backward", "bidirectional", "terminate", "pseudo")
_RULE_KEYS = {"category", "literal", "pattern", "direction", "max_scope", "inside", "comment"}

#: Status precedence, as contracted: the first true flag wins.
STATUS_ORDER = (("negated", "negated"), ("hypothetical", "hypothetical"),
                ("uncertain", "uncertain"), ("historical", "historical"))

_FLAG_OF = {NEGATED: "negated", HYPOTHETICAL: "hypothetical", HISTORICAL: "historical",
            UNCERTAIN: "uncertain"}


class ContextRuleError(ValueError):
    """A ConText rule is malformed (a packaging fault, not a user error)."""


@dataclass(frozen=True)
class ContextRule:
    """One trigger, terminator or pseudo-trigger."""

    category: str
    direction: str
    literal: str | None = None
    pattern: str | None = None
    max_scope: int | None = None
    inside: bool = False
    comment: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, object], where: str = "rule") -> ContextRule:
        """Validate one rule; unknown keys, bad values and bad regexes are rejected."""
        if not isinstance(data, Mapping):
            raise ContextRuleError(f"{where}: a rule must be a JSON object")
        unknown = set(data) - _RULE_KEYS
        if unknown:
            raise ContextRuleError(f"{where}: unknown keys {sorted(unknown)}")
        category, direction = data.get("category"), data.get("direction")
        if category not in CATEGORIES:
            raise ContextRuleError(f"{where}: category must be one of {CATEGORIES}, not {category!r}")
        if direction not in DIRECTIONS:
            raise ContextRuleError(f"{where}: direction must be one of {DIRECTIONS}, not {direction!r}")
        if category == TERMINATE and direction != "terminate":
            raise ContextRuleError(f"{where}: TERMINATE rules must have direction 'terminate'")
        literal, pattern = data.get("literal"), data.get("pattern")
        if (literal is None) == (pattern is None):
            raise ContextRuleError(f"{where}: give exactly one of 'literal' or 'pattern'")
        for name, value in (("literal", literal), ("pattern", pattern), ("comment", data.get("comment"))):
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise ContextRuleError(f"{where}: '{name}' must be a non-empty string")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ContextRuleError(f"{where}: bad pattern {pattern!r}: {error}") from error
        max_scope = data.get("max_scope")
        if max_scope is not None and (isinstance(max_scope, bool) or not isinstance(max_scope, int)
                                      or max_scope < 1):
            raise ContextRuleError(f"{where}: max_scope must be a positive whole number")
        inside = data.get("inside", False)
        if not isinstance(inside, bool):
            raise ContextRuleError(f"{where}: inside must be true or false")
        if inside and direction in ("terminate", "pseudo"):
            raise ContextRuleError(f"{where}: only triggers can be 'inside' a mention")
        return cls(category=category, direction=direction,
                   literal=" ".join(literal.lower().split()) if literal else None,
                   pattern=pattern, max_scope=max_scope, inside=inside, comment=data.get("comment"))

    def to_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v is not None and v is not False}


def parse_rules(lines: Iterable[str], source: str = RULES_FILE) -> list[ContextRule]:
    """Rules from JSONL lines (blank lines skipped)."""
    rules = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise ContextRuleError(f"{source} line {number}: not JSON ({error})") from error
        rules.append(ContextRule.from_dict(data, f"{source} line {number}"))
    if not rules:
        raise ContextRuleError(f"{source}: no rules")
    return rules


def load_rules() -> list[ContextRule]:
    """The packaged rules, located with importlib.resources."""
    text = resources.files("resources").joinpath(RULES_FILE).read_text(encoding="utf-8")
    return parse_rules(text.splitlines())


@dataclass(frozen=True, slots=True)
class _Trigger:
    start: int
    end: int
    rules: tuple[ContextRule, ...]


_TOKEN_RE = re.compile(r"\w+(?:'\w+)*|[^\w\s]")


# --- swapped letters ---------------------------------------------------------------------------

_LONG_WORD_RE = re.compile(r"[A-Za-z]{4,}")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The lower-cased words of the base model's vocabulary (about 85,000): real words that
    must never be taken for a misspelling ("complaint" is not a slip for "compliant").

    Empty when the model's strings table cannot be found; then nothing is corrected."""
    from nlp.pipeline import BASE_MODEL  # the pipeline module imports no component at load

    try:
        root = Path(get_package_path(BASE_MODEL))
    except (ImportError, OSError):
        return frozenset()
    for path in (*root.glob("vocab/strings.json"), *root.glob("*/vocab/strings.json")):
        strings = json.loads(path.read_text(encoding="utf-8"))
        return frozenset(word.lower() for word in strings if isinstance(word, str) and word.isalpha())
    return frozenset()


class SwappedLetters:
    """Corrects the commonest typing slip, two neighbouring letters swapped ("concenrs",
    "appointmetns", "heaivly"), in the words a rule set looks for.

    Only words of four letters or more, only inside the word (first and last letters kept), and
    never into or out of a real word. A swap keeps the text's length, so every offset stays
    valid and the corrected text can be matched in place of the original."""

    def __init__(self, words: Iterable[str], known: frozenset[str] | None = None) -> None:
        known = english_words() if known is None else known
        targets = {w.lower() for w in words if len(w) >= 4 and w.isalpha()}
        corrections: dict[str, str] = {}
        ambiguous: set[str] = set()
        if known:
            for word in targets:
                for i in range(1, len(word) - 2):
                    slip = word[:i] + word[i + 1] + word[i] + word[i + 2:]
                    if slip == word or slip in known or slip in targets:
                        continue
                    if corrections.get(slip, word) != word:
                        ambiguous.add(slip)
                    corrections[slip] = word
        self.corrections = {slip: word for slip, word in corrections.items() if slip not in ambiguous}

    def __contains__(self, word: str) -> bool:
        return word.lower() in self.corrections

    def fix(self, text: str) -> str:
        """``text`` with known slips corrected (same length, the original's capitals kept)."""
        if not self.corrections:
            return text

        def correct(match: re.Match[str]) -> str:
            word = match.group()
            right = self.corrections.get(word.lower())
            if right is None:
                return word
            if word.isupper():
                return right.upper()
            return right[0].upper() + right[1:] if word[0].isupper() else right

        return _LONG_WORD_RE.sub(correct, text)


def _literal_regex(literals: Iterable[str]) -> re.Pattern[str]:
    """One regex for all literal phrases, built as a prefix tree so scanning stays fast.

    A phrase starting (ending) with a letter or digit must start (end) on a word boundary;
    spaces match any whitespace; at each point the longest phrase is preferred.
    """
    def build(node: dict[str, dict]) -> str:
        branches = [(r"\s+" if char == " " else re.escape(char)) + build(child)
                    for char, child in sorted(node.items()) if char]
        if "" in node:
            branches.append(node[""])
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    word_start: dict[str, dict] = {}
    other_start: dict[str, dict] = {}
    for literal in literals:
        node = word_start if literal[0].isalnum() else other_start
        for char in literal:
            node = node.setdefault(char, {})
        node[""] = r"(?!\w)" if literal[-1].isalnum() else ""
    parts = []
    if word_start:
        parts.append(r"(?<!\w)" + build(word_start))
    if other_start:
        parts.append(build(other_start))
    return re.compile("|".join(parts))


def _caseless(pattern: str) -> bool:
    """Whether a pattern matches lower-cased text exactly as it would match any text with
    IGNORECASE: it sets no inline flags ("(?-i:...)") and names no capital letter (escapes
    such as \\S aside)."""
    if re.search(r"\(\?[aiLmsux-]+[:)]", pattern):
        return False
    return not re.search(r"[A-Z]", re.sub(r"\\.", "", pattern))


class ContextEngine:
    """The compiled rule set; assesses a span within one sentence."""

    def __init__(self, rules: Iterable[ContextRule]) -> None:
        self.rules = list(rules)
        self._by_literal: dict[str, list[ContextRule]] = {}
        # (regex, rule, runs on the lower-cased text): a pattern with no capitals of its own
        # runs case-sensitively on lower-cased text, which is twice as fast as IGNORECASE.
        self._patterns: list[tuple[re.Pattern[str], ContextRule, bool]] = []
        for rule in self.rules:
            if rule.literal is not None:
                self._by_literal.setdefault(rule.literal, []).append(rule)
            else:
                on_lowered = _caseless(rule.pattern)
                flags = 0 if on_lowered else re.IGNORECASE
                self._patterns.append((re.compile(rule.pattern, flags), rule, on_lowered))
        self._literal_re = _literal_regex(self._by_literal) if self._by_literal else None
        self.spelling = SwappedLetters(
            word for literal in self._by_literal for word in re.findall(r"[a-z]+", literal))
        self.sentence_triggers = lru_cache(maxsize=8192)(self._sentence_triggers)

    def _sentence_triggers(self, sentence: str) -> tuple[tuple[_Trigger, ...], tuple[int, ...]]:
        """Triggers (longest first, no overlaps) and token starts for one sentence."""
        normal = self.spelling.fix(sentence.replace("’", "'"))
        lowered = normal.lower()
        if len(lowered) != len(normal):  # a rare letter whose lower case is longer ("İ")
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in normal)
        found: list[_Trigger] = []
        if self._literal_re is not None:
            for match in self._literal_re.finditer(lowered):
                key = " ".join(match.group().split())
                found.append(_Trigger(match.start(), match.end(), tuple(self._by_literal[key])))
        for pattern, rule, on_lowered in self._patterns:
            for match in pattern.finditer(lowered if on_lowered else normal):
                if match.end() > match.start():
                    found.append(_Trigger(match.start(), match.end(), (rule,)))
        found.sort(key=lambda t: (t.start, -(t.end - t.start)))
        merged: list[_Trigger] = []
        for trigger in found:
            if merged and trigger.start < merged[-1].end:
                last = merged[-1]
                if (trigger.start, trigger.end) == (last.start, last.end):
                    merged[-1] = _Trigger(last.start, last.end, last.rules + trigger.rules)
                continue
            merged.append(trigger)
        tokens = tuple(m.start() for m in _TOKEN_RE.finditer(normal))
        return tuple(merged), tokens

    def assess_in_sentence(self, sentence: str, start: int, end: int) -> dict[str, object]:
        """Flags for ``sentence[start:end]`` (offsets relative to the sentence)."""
        triggers, tokens = self.sentence_triggers(sentence)
        flags: dict[str, object] = {"negated": False, "historical": False, "hypothetical": False,
                                    "uncertain": False, "experiencer": "subject"}
        length = len(sentence)
        for index, trigger in enumerate(triggers):
            overlaps = trigger.start < end and trigger.end > start
            for rule in trigger.rules:
                if rule.direction in ("terminate", "pseudo"):
                    continue
                if overlaps and not rule.inside and not self._leads_into(rule, trigger, start, end):
                    continue  # part of the mention's own words ("was not brought", "no longer drinking")
                if rule.direction in ("forward", "bidirectional") and end > trigger.end and (
                        overlaps or start >= trigger.end):
                    limit = self._forward_limit(triggers, index, rule, tokens, length)
                    if max(start, trigger.end) < limit:
                        self._apply(flags, rule.category)
                if rule.direction in ("backward", "bidirectional") and start < trigger.start and (
                        overlaps or end <= trigger.start):
                    limit = self._backward_limit(triggers, index, rule, tokens)
                    if min(end, trigger.start) > limit:
                        self._apply(flags, rule.category)
        return flags

    @staticmethod
    def _leads_into(rule: ContextRule, trigger: _Trigger, start: int, end: int) -> bool:
        """Whether a negation trigger starts outside the mention and runs into it.

        "not engaging" is one trigger, yet in "not engaging well with the worker" its "not"
        stands before the mention "engaging well with": the negating words that are not the
        mention's own still apply to it (and symmetrically for a backward trigger that starts
        inside the mention and runs on past its end). Only negation: in "has stopped smoking"
        the words outside the mention ("has") say nothing of their own."""
        if rule.category != NEGATED:
            return False
        if rule.direction in ("forward", "bidirectional") and trigger.start < start < trigger.end < end:
            return True
        return rule.direction in ("backward", "bidirectional") and start < trigger.start < end < trigger.end

    @staticmethod
    def _apply(flags: dict[str, object], category: str) -> None:
        if category == OTHER_EXPERIENCER:
            flags["experiencer"] = "other"
        else:
            flags[_FLAG_OF[category]] = True

    @staticmethod
    def _terminates(trigger: _Trigger, category: str) -> bool:
        return any(r.direction == "terminate" and r.category in (TERMINATE, category)
                   for r in trigger.rules)

    def _forward_limit(self, triggers: tuple[_Trigger, ...], index: int, rule: ContextRule,
                       tokens: tuple[int, ...], length: int) -> int:
        limit = length
        if rule.max_scope is not None:
            first = bisect.bisect_left(tokens, triggers[index].end)
            if first + rule.max_scope < len(tokens):
                limit = tokens[first + rule.max_scope]
        for later in triggers[index + 1:]:
            if later.start >= limit:
                break
            if self._terminates(later, rule.category):
                return later.start
        return limit

    def _backward_limit(self, triggers: tuple[_Trigger, ...], index: int, rule: ContextRule,
                        tokens: tuple[int, ...]) -> int:
        limit = 0
        if rule.max_scope is not None:
            first = bisect.bisect_left(tokens, triggers[index].start)
            if first - rule.max_scope > 0:
                limit = tokens[first - rule.max_scope]
        for earlier in reversed(triggers[:index]):
            if earlier.end <= limit:
                break
            if self._terminates(earlier, rule.category):
                return earlier.end
        return limit


# --- sentences -----------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    "mr mrs ms miss dr prof st no nos approx c ca e.g i.e eg ie etc vs v re ref tel mob dept "
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun "
    "pc ds dc sgt insp cllr a.m p.m am pm inc ltd".split()
)
_BOUNDARY_RE = re.compile(r"[.!?]+[\"')\]]*[ \t]+(?=[\"'(\[]?[A-Z0-9])|\n")


@lru_cache(maxsize=256)
def sentence_bounds(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence (and line) boundaries of ``text`` as ``(start, end)`` pairs covering it.

    A sentence ends at ., ! or ? followed by a space and a capital or digit (not after a common
    abbreviation such as "Dr." or "c."), and at a line break unless the next line just continues
    the sentence in lower case (a hard-wrapped paragraph).
    """
    cuts = [0]
    for match in _BOUNDARY_RE.finditer(text):
        if match.group() == "\n":
            following = text[match.end():match.end() + 1]
            previous = text[cuts[-1]:match.start()].rstrip()
            if following.islower() and previous and previous[-1] not in ".!?:;":
                continue
        else:
            word = re.search(r"([\w.]+)$", text[cuts[-1]:match.start()])
            if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
                continue
        cuts.append(match.end())
    cuts.append(len(text))
    return tuple((a, b) for a, b in zip(cuts, cuts[1:]) if b > a)


def _enclosing(bounds: tuple[tuple[int, int], ...], start: int, end: int) -> tuple[int, int]:
    """From the start of the sentence holding ``start`` to the end of the one holding ``end``."""
    if not bounds:
        return start, end
    starts = [a for a, _ in bounds]
    first = max(bisect.bisect_right(starts, start) - 1, 0)
    last = max(bisect.bisect_right(starts, max(end - 1, start)) - 1, first)
    return bounds[first][0], bounds[last][1]


# --- public functions ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def default_engine() -> ContextEngine:
    """The engine over the packaged rules, built once per process."""
    return ContextEngine(load_rules())


def _check_span(length: int, start: int, end: int) -> None:
    if not 0 <= start <= end <= length:
        raise ValueError(f"span [{start}, {end}) is outside the text (length {length})")


def assess(text: str, start: int, end: int) -> dict[str, object]:
    """ConText flags for the span ``text[start:end]`` of any English text.

    Returns ``{"negated", "historical", "hypothetical", "uncertain": bool,
    "experiencer": "subject" | "other"}``.
    """
    _check_span(len(text), start, end)
    left, right = _enclosing(sentence_bounds(text), start, end)
    return default_engine().assess_in_sentence(text[left:right], start - left, end - left)


def assess_span(doc: Doc, start_char: int, end_char: int) -> dict[str, object]:
    """:func:`assess` for a pipeline ``Doc``: the same rules, the same sentences.

    The sentence comes from the same rule-based splitter as :func:`assess` (cached per text),
    not from the parser: the small model cuts case-note headings ("DA:") into sentences of
    their own, which would hide "DA: mum says she has had no contact" from its negation.
    """
    return assess(doc_text(doc), start_char, end_char)


def status_of(flags: Mapping[str, object]) -> str:
    """The single contracted status: negated, hypothetical, uncertain, historical, else current."""
    for flag, status in STATUS_ORDER:
        if flags.get(flag):
            return status
    return "current"
