"""Coarse parts of speech from the tagger's tags, as the base model's ``attribute_ruler`` sets them.

The base model's ``attribute_ruler`` maps each fine-grained tag (``NNP``) to a part of speech
(``PROPN``), with exceptions by word and dependency ("that" as a relative pronoun, "is" after
an expletive "there" as a verb), and also sets morphology and lemmas. CaseLens reads only the
part of speech (``token.pos_``) and the whitespace tag, yet the ruler's general ``Matcher``
over 179 patterns cost about a tenth of extraction time. ``caselens_pos`` applies the same
patterns, restricted to ``POS`` and ``TAG``, through lookup tables: it reads the patterns from
the loaded model, so it follows the model if the model changes, and ``compile_rules`` refuses
(returns None) any pattern form it does not understand, in which case the pipeline keeps the
model's own ruler. ``tests/nlp/test_pos.py`` checks the two agree token for token.

Precedence is the ruler's: every matching pattern is applied in the order the patterns were
added, so the last matching pattern sets the value.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Token

FACTORY = "caselens_pos"
RULER = "attribute_ruler"
_SET = ("POS", "TAG")  # the attributes CaseLens reads; lemmas and morphology are left unset
# What a pattern may test, as read once per token into a row: (tag, lower, text, dep, is_space).
_FIELDS = {"TAG": 0, "LOWER": 1, "ORTH": 2, "DEP": 3, "IS_SPACE": 4}

Row = tuple[str, str, str, str, bool]
RowTest = Callable[[Row], bool]


def _row(token: Token) -> Row:
    return token.tag_, token.lower_, token.text, token.dep_, token.is_space


@dataclass(frozen=True)
class _Rule:
    order: int  # the pattern's place in the ruler: a later pattern overrides an earlier one
    tests: tuple[tuple[int, RowTest], ...]  # (offset from the token set, test of that token)
    values: tuple[tuple[str, str], ...]  # (POS or TAG, value)

    @property
    def local(self) -> bool:
        """Whether the rule looks only at the token it sets (not at its neighbours)."""
        return all(offset == 0 for offset, _ in self.tests)

    def applies(self, rows: Sequence[Row], index: int) -> bool:
        for offset, test in self.tests:
            at = index + offset
            if not 0 <= at < len(rows) or not test(rows[at]):
                return False
        return True


@dataclass(frozen=True)
class PosRules:
    """The ruler's ``POS``/``TAG`` patterns, indexed by the tag and the word they ask for.

    ``by_tag[tag]`` and ``by_word[lower]`` hold the rules that can only apply to a token with
    that tag or word; ``anywhere`` those that can apply to any token. Each token is tried
    against its candidates, latest pattern first, until each attribute has its value."""

    by_tag: Mapping[str, tuple[_Rule, ...]]
    by_word: Mapping[str, tuple[_Rule, ...]]
    anywhere: tuple[_Rule, ...]

    def values(self, rows: Sequence[Row], index: int, cache: dict[tuple[str, str], list[_Rule]]) -> dict[str, str]:
        """The ``POS``/``TAG`` values the patterns give token ``index`` of a doc's ``rows``
        (an attribute absent from the result is left as it is)."""
        key = rows[index][:2]
        candidates = cache.get(key)
        if candidates is None:
            found = {*self.by_tag.get(key[0], ()), *self.by_word.get(key[1], ()), *self.anywhere}
            candidates = sorted(found, key=lambda rule: -rule.order)
            cache[key] = candidates
        result: dict[str, str] = {}
        for rule in candidates:
            if all(attr in result for attr, _ in rule.values):
                continue
            if rule.applies(rows, index):
                for attr, value in rule.values:
                    result.setdefault(attr, value)
                if len(result) == len(_SET):
                    break
        return result


def compile_rules(patterns: Iterable[Mapping[str, Any]]) -> PosRules | None:
    """``PosRules`` from an ``AttributeRuler.patterns`` list, or None if any pattern that sets
    ``POS`` or ``TAG`` uses a form this module does not evaluate (then keep the ruler)."""
    by_tag: dict[str, list[_Rule]] = {}
    by_word: dict[str, list[_Rule]] = {}
    anywhere: list[_Rule] = []
    for order, pattern in enumerate(patterns):
        values = tuple((attr, str(value)) for attr, value in pattern["attrs"].items() if attr in _SET)
        if not values:
            continue
        alternatives = pattern["patterns"]
        index = pattern.get("index", 0)
        for tokens in alternatives:
            rule = _compile_rule(order, tokens, index, values)
            if rule is None:
                return None
            target = tokens[index]
            keyed = _index_values(target.get("TAG"))
            words = _index_values(target.get("LOWER"))
            if keyed is not None:
                for tag in keyed:
                    by_tag.setdefault(tag, []).append(rule)
            elif words is not None:
                for word in words:
                    by_word.setdefault(word, []).append(rule)
            else:
                anywhere.append(rule)
    return PosRules({k: tuple(v) for k, v in by_tag.items()}, {k: tuple(v) for k, v in by_word.items()},
                    tuple(anywhere))


def _index_values(constraint: Any) -> list[str] | None:
    """The values a constraint allows when it is a plain value or an ``IN`` list, else None."""
    if isinstance(constraint, str):
        return [constraint]
    if isinstance(constraint, Mapping) and set(constraint) == {"IN"}:
        return [str(value) for value in constraint["IN"]]
    return None


def _compile_rule(order: int, tokens: Sequence[Mapping[str, Any]], index: int,
                  values: tuple[tuple[str, str], ...]) -> _Rule | None:
    if not -len(tokens) <= index < len(tokens):
        return None
    index %= len(tokens)
    tests = []
    for position, spec in enumerate(tokens):
        for attr, constraint in spec.items():
            test = _compile_test(attr, constraint)
            if test is None:
                return None
            tests.append((position - index, test))
    return _Rule(order, tuple(tests), values)


def _compile_test(attr: str, constraint: Any) -> RowTest | None:
    field = _FIELDS.get(attr)
    if field is None:
        return None
    if isinstance(constraint, (str, bool)):
        return lambda row: row[field] == constraint
    if isinstance(constraint, Mapping) and len(constraint) == 1:
        (operator, allowed), = constraint.items()
        if operator in ("IN", "NOT_IN") and isinstance(allowed, list):
            members = frozenset(allowed)
            if operator == "IN":
                return lambda row: row[field] in members
            return lambda row: row[field] not in members
    return None


class PosFromTags:
    """Sets ``token.pos_`` (and the whitespace tag) from ``PosRules``; see the module docstring.

    A token whose candidate rules all look at that token alone gets the same values wherever
    it stands, so those values are remembered by the token's row (most tokens of a case)."""

    MEMO_LIMIT = 200_000

    def __init__(self, rules: PosRules) -> None:
        self.rules = rules
        self._cache: dict[tuple[str, str], list[_Rule]] = {}
        self._memo: dict[Row, dict[str, str]] = {}

    def __call__(self, doc: Doc) -> Doc:
        # Every pattern is matched against the tags as the tagger left them, as the ruler does,
        # so the values are worked out for the whole doc before any is written.
        rows = [_row(token) for token in doc]
        found = [self._values(rows, index) for index in range(len(rows))]
        for token, values in zip(doc, found):
            if "POS" in values:
                token.pos_ = values["POS"]
            if "TAG" in values:
                token.tag_ = values["TAG"]
        return doc

    def _values(self, rows: Sequence[Row], index: int) -> dict[str, str]:
        row = rows[index]
        values = self._memo.get(row)
        if values is not None:
            return values
        values = self.rules.values(rows, index, self._cache)
        if all(rule.local for rule in self._cache[row[:2]]):
            if len(self._memo) >= self.MEMO_LIMIT:
                self._memo.clear()
            self._memo[row] = values
        return values


@Language.factory(FACTORY)
def make_pos(nlp: Language, name: str) -> PosFromTags:
    """Built from the pipeline's ``attribute_ruler``, which must be present when it is added."""
    rules = compile_rules(nlp.get_pipe(RULER).patterns)
    if rules is None:
        raise ValueError(f"{RULER} uses a pattern form {FACTORY} does not evaluate; keep the ruler")
    return PosFromTags(rules)


def replace_ruler(pipeline: Language) -> bool:
    """Put ``caselens_pos`` in place of the pipeline's ``attribute_ruler`` when the ruler's
    patterns can be compiled; returns whether it did."""
    if RULER not in pipeline.pipe_names or compile_rules(pipeline.get_pipe(RULER).patterns) is None:
        return False
    pipeline.add_pipe(FACTORY, after=RULER)
    pipeline.remove_pipe(RULER)
    return True
