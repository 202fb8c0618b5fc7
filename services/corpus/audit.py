"""Find risk statements the gold does not annotate: a completeness check of the phrase banks.

Simple keyword lists (resources/corpus/audit_keywords.json) are run over every note of a generated
case; a keyword hit that no gold risk or strength span covers, and that no allowlist entry
explains, is listed. A clean audit on several seeds is what "the gold marks every risk statement a
careful annotator would mark" means in practice. Run it with
``python -m services.corpus.audit [--notes N] SEED…``.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from services.corpus.generate import build_case
from services.corpus.gold import build_gold

_KEYS = {"keywords", "allowed", "hedges", "historical"}
_ALLOWED_KEYS = {"sentence", "reason"}
_INITIAL_END = re.compile(r"\b[A-Z]\.$")
_SENTENCE = re.compile(r"[^\n]*?(?:[.!?]+(?=\s|$)|(?=\n)|$)")


@dataclass(frozen=True)
class AuditRules:
    keywords: dict[str, re.Pattern[str]]
    allowed: tuple[tuple[re.Pattern[str], str], ...]
    hedges: re.Pattern[str]
    historical: re.Pattern[str]


@dataclass(frozen=True)
class AuditHit:
    """A risk keyword in a note, outside every gold risk and strength span."""

    note_id: str
    start: int
    end: int
    category: str
    word: str
    sentence: str


@lru_cache(maxsize=1)
def load_rules() -> AuditRules:
    """The keyword lists and the allowlist, checked on load (unknown keys are refused)."""
    raw = json.loads(resources.files("resources").joinpath("corpus", "audit_keywords.json").read_text(encoding="utf-8"))
    unknown = set(raw) - _KEYS - {"_doc"}
    if unknown:
        raise ValueError(f"audit_keywords.json: unknown keys {sorted(unknown)}")
    keywords = {category: re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)
                for category, words in raw["keywords"].items()}
    allowed = []
    for entry in raw["allowed"]:
        bad = set(entry) - _ALLOWED_KEYS
        if bad or not entry.get("reason"):
            raise ValueError(f"audit_keywords.json: an allowed entry needs exactly 'sentence' and 'reason': {entry!r}")
        allowed.append((re.compile(entry["sentence"], re.IGNORECASE), entry["reason"]))
    return AuditRules(keywords, tuple(allowed), _alternation(raw["hedges"]), _alternation(raw["historical"]))


def _alternation(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?:^|\b|(?<=\W))(?:" + "|".join(words) + r")(?:\b|(?=\W)|$)", re.IGNORECASE)


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding [start, end), joined to the one before it when that one ends in an
    initial ("K.K.", "Mr T.R."), which the simple sentence pattern cannot tell from a full stop."""
    previous = ""
    for match in _SENTENCE.finditer(text):
        if match.start() <= start and end <= match.end():
            joined = previous + " " + match.group(0) if _INITIAL_END.search(previous) else match.group(0)
            return joined.strip()
        if match.group(0).strip():
            previous = match.group(0).strip()
    return text[max(0, start - 60):end + 60].strip()


def audit_gold(gold: dict, rules: AuditRules | None = None) -> list[AuditHit]:
    """Every keyword hit in ``gold``'s notes that no gold risk or strength span covers."""
    rules = rules or load_rules()
    covered: dict[str, list[tuple[int, int]]] = {}
    for row in gold["risks"] + gold["strengths"]:
        covered.setdefault(row["note_id"], []).append((row["start"], row["end"]))
    hits = []
    for note_id, note in gold["notes"].items():
        text = note["text"]
        spans = covered.get(note_id, [])
        for category, pattern in rules.keywords.items():
            for match in pattern.finditer(text):
                # "DA" is matched case-sensitively: "da" inside other words is not domestic abuse
                if match.group(0).lower() == "da" and match.group(0) != "DA":
                    continue
                if any(start <= match.start() and match.end() <= end for start, end in spans):
                    continue
                sentence = _sentence_around(text, match.start(), match.end())
                if any(allowed.search(sentence) for allowed, _ in rules.allowed):
                    continue
                hits.append(AuditHit(note_id, match.start(), match.end(), category, match.group(0), sentence))
    return hits


def unnamed_negations(gold: dict, rules: AuditRules | None = None) -> list[dict]:
    """Gold negated risks whose words name no risk ("No concerns raised", "Mum well, no concerns"):
    a negated risk mention needs the risk in its text ("no concerns about alcohol")."""
    rules = rules or load_rules()
    return [row for row in gold["risks"] if row["negated"]
            and not any(pattern.search(row["text"]) for pattern in rules.keywords.values())]


def unmarked_statuses(gold: dict, rules: AuditRules | None = None) -> list[dict]:
    """Gold risks and strengths labelled uncertain without a hedge in their sentence, or historical
    without a word placing them in the past ("history of", "used to", "when she was a child")."""
    rules = rules or load_rules()
    wrong = []
    for row in gold["risks"] + gold["strengths"]:
        sentence = _sentence_around(gold["notes"][row["note_id"]]["text"], row["start"], row["end"])
        if (row["uncertain"] and not rules.hedges.search(sentence)) or (
                row["historical"] and not rules.historical.search(sentence)):
            wrong.append(row)
    return wrong


def clean_gold(seed: int, notes: int = 600, held_out: bool = False) -> dict:
    """The gold of the case for ``seed``, built in memory without typos (a misspelt keyword would
    go unnoticed)."""
    return build_gold(build_case(notes=notes, seed=seed, held_out=held_out, typo_rate=0))


def main(argv: list[str] | None = None) -> int:
    """Audit each seed's case; exit code 1 when anything is listed."""
    parser = argparse.ArgumentParser(description="List risk keywords outside every gold risk/strength span.")
    parser.add_argument("seeds", nargs="*", type=int, default=[7, 8, 1729])
    parser.add_argument("--notes", type=int, default=600)
    args = parser.parse_args(argv)
    total = 0
    for seed in args.seeds:
        gold = clean_gold(seed, args.notes, held_out=True)  # held out: every phrasing may appear
        hits = audit_gold(gold)
        unnamed = unnamed_negations(gold)
        unmarked = unmarked_statuses(gold)
        total += len(hits) + len(unnamed) + len(unmarked)
        for row in unmarked:
            print(f"  {row['status']} with nothing in its sentence to say so: {row['text']}")
        for text in sorted({row["text"] for row in unnamed}):
            print(f"  negated risk naming no risk: {text}")
        distinct = sorted({(hit.category, hit.sentence) for hit in hits})
        print(f"seed {seed}: {len(hits)} hits outside the gold, {len(distinct)} distinct sentences")
        for category, sentence in distinct:
            print(f"  {category:<16} {sentence}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
