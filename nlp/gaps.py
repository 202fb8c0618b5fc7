"""Gaps: what the file does and does not say, against a checklist (``resources/gaps.jsonl``).

The ``caselens_gaps`` component writes ``doc._.gap_evidence`` with every statement in a note
that answers a checklist item. Only an actual statement of the fact counts: "no safety plan in
place" or "a safety plan will be drawn up" leave the gap open, so negated, hypothetical and
uncertain matches are not evidence, except for items whose question a negative answers
("there are no other children in the household" answers "are there other children?").

``nlp.checklist.summarise_gaps`` turns the evidence of every note into the case's answer for each
item (re-exported here).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from spacy.language import Language
from spacy.tokens import Doc

import nlp.doc_ext  # noqa: F401  (registers the Doc extensions this component writes)
from nlp.checklist import GAP_ITEMS, summarise_gaps  # noqa: F401  (part of this module's interface)
from nlp.context import assess_span
from nlp.risks import RuleMatcher, read_rules, resource_text, write_rules

GAPS_FILE = "gaps.jsonl"
_KEYS = {"item", "label", "question", "phrases", "patterns", "negation_answers", "comment"}


@dataclass(frozen=True)
class GapItem:
    """One checklist question, in the words shown to the worker."""

    item: str
    label: str
    question: str
    negation_answers: bool


def _check_gap(row: dict[str, Any]) -> str | None:
    if row.get("item") not in GAP_ITEMS:
        return f"unknown checklist item {row.get('item')!r} (one of {GAP_ITEMS})"
    for key in ("label", "question"):
        if not isinstance(row.get(key), str) or not row[key].strip():
            return f"'{key}' must be a non-empty string"
    if not isinstance(row.get("negation_answers", False), bool):
        return "'negation_answers' must be true or false"
    return None


def read_gap_rules(text: str, source: str = GAPS_FILE) -> list[dict[str, Any]]:
    """Parse and validate the checklist (JSONL); every item must appear exactly once."""
    rules = read_rules(text, source, _KEYS, _check_gap)
    items = [rule["item"] for rule in rules]
    if sorted(items) != sorted(GAP_ITEMS):
        raise ValueError(f"{source}: the checklist must hold each of {GAP_ITEMS} once, found {items}")
    return rules


@lru_cache(maxsize=1)
def _default_rules() -> tuple[dict[str, Any], ...]:
    return tuple(read_gap_rules(resource_text(GAPS_FILE)))


def load_checklist() -> list[GapItem]:
    """The checklist items in the order the Gaps view lists them."""
    by_item = {rule["item"]: rule for rule in _default_rules()}
    return [
        GapItem(item, by_item[item]["label"], by_item[item]["question"], bool(by_item[item].get("negation_answers")))
        for item in GAP_ITEMS
    ]


class GapFinder:
    """Writes ``doc._.gap_evidence``: ``[(item, start, end), ...]``."""

    def __init__(self, nlp: Language, name: str = "caselens_gaps", rules: list[dict[str, Any]] | None = None):
        self.name = name
        self._vocab = nlp.vocab
        self._make_doc = nlp.make_doc
        self._set_rules(list(_default_rules()) if rules is None else rules)

    def _set_rules(self, rules: list[dict[str, Any]]) -> None:
        self.rules = rules
        self._matcher = RuleMatcher(self._vocab, self._make_doc, rules)

    def __call__(self, doc: Doc) -> Doc:
        found: list[tuple[str, int, int]] = []
        for rule, span in self._matcher(doc):
            context = assess_span(doc, span.start_char, span.end_char)
            if context["hypothetical"] or context["uncertain"]:
                continue
            if context["negated"] and not rule.get("negation_answers"):
                continue
            found.append((rule["item"], span.start_char, span.end_char))
        doc._.gap_evidence = found
        return doc

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_rules(path / GAPS_FILE, self.rules)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "GapFinder":
        self._set_rules(read_gap_rules((Path(path) / GAPS_FILE).read_text(encoding="utf-8")))
        return self


@Language.factory("caselens_gaps")
def make_gap_finder(nlp: Language, name: str) -> GapFinder:
    """Checklist evidence: statements that answer a gap-checklist question."""
    return GapFinder(nlp, name)
