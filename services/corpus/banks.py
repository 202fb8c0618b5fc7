"""Load and check the generator's data files (resources/corpus/): names, places, phrases/, recipes.

Phrase entries are either a template string or an object with exactly the keys in
``PHRASE_KEYS``; recipes are lists of steps with exactly the keys in ``STEP_KEYS``. Anything else
is refused on load, so a typo in a data file fails loudly instead of silently thinning the corpus.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

PHRASE_KEYS = {"t", "when", "unless", "gap"}
STEP_KEYS = {"section", "p", "n", "join"}
GAP_ITEMS = {"marac_status", "idva", "safety_plan", "perpetrator_address", "school_attendance", "gp",
             "health_visitor", "child_views", "ethnicity_language", "other_children"}


@dataclass(frozen=True)
class Phrase:
    template: str
    when: frozenset[str] = frozenset()
    unless: frozenset[str] = frozenset()
    gap: str | None = None
    held_out: bool = False  # used only in held-out cases (see ``_mark_held_out``)


@dataclass(frozen=True)
class Step:
    section: str
    p: float = 1.0
    n: tuple[int, int] = (1, 1)
    join: str = " "


@dataclass(frozen=True)
class Recipe:
    note_type: str
    label: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Banks:
    names: dict
    places: dict
    phrases: dict[str, tuple[Phrase, ...]]
    recipes: dict[str, Recipe]
    gap_cues: dict[str, tuple[re.Pattern[str], ...]]

    def gap_items_named(self, text: str) -> set[str]:
        """The checklist items whose cue words ``text`` contains."""
        return {item for item, cues in self.gap_cues.items() if any(cue.search(text) for cue in cues)}


def _read(name: str) -> dict:
    text = resources.files("resources").joinpath("corpus", name).read_text(encoding="utf-8")
    return json.loads(text)


def _phrase(section: str, entry: object) -> Phrase:
    if isinstance(entry, str):
        return Phrase(entry)
    if not isinstance(entry, dict) or "t" not in entry:
        raise ValueError(f"phrases [{section}]: an entry must be a string or an object with 't': {entry!r}")
    unknown = set(entry) - PHRASE_KEYS
    if unknown:
        raise ValueError(f"phrases [{section}]: unknown keys {sorted(unknown)} in {entry!r}")
    gap = entry.get("gap")
    if gap is not None and gap not in GAP_ITEMS:
        raise ValueError(f"phrases [{section}]: unknown gap item {gap!r}")
    return Phrase(entry["t"], frozenset(entry.get("when", [])), frozenset(entry.get("unless", [])), gap)


HELD_OUT_SHARE = 4  # one phrase in this many is kept for held-out cases
HELD_OUT_MIN_SECTION = 5


def _mark_held_out(phrases: tuple[Phrase, ...]) -> tuple[Phrase, ...]:
    """Set aside about a quarter of the phrasings of every larger section for held-out cases, so
    the evaluation meets wording that no development case contains. The choice hashes the
    template, so it is stable and independent of the order of the file."""
    if len(phrases) < HELD_OUT_MIN_SECTION:
        return phrases
    return tuple(
        replace(p, held_out=int(hashlib.sha1(p.template.encode("utf-8")).hexdigest(), 16) % HELD_OUT_SHARE == 0)
        for p in phrases
    )


def _recipe(name: str, entry: dict, sections: set[str]) -> Recipe:
    unknown = set(entry) - {"label", "steps"}
    if unknown:
        raise ValueError(f"recipes.json [{name}]: unknown keys {sorted(unknown)}")
    steps = []
    for raw in entry["steps"]:
        step = {"section": raw} if isinstance(raw, str) else raw
        bad = set(step) - STEP_KEYS
        if bad:
            raise ValueError(f"recipes.json [{name}]: unknown step keys {sorted(bad)}")
        if step["section"] not in sections:
            raise ValueError(f"recipes.json [{name}]: no phrase section {step['section']!r}")
        low, high = step.get("n", [1, 1])
        steps.append(Step(step["section"], float(step.get("p", 1.0)), (int(low), int(high)), step.get("join", " ")))
    return Recipe(name, entry["label"], tuple(steps))


@lru_cache(maxsize=1)
def load_banks() -> Banks:
    phrases: dict[str, tuple[Phrase, ...]] = {}
    folder = resources.files("resources").joinpath("corpus", "phrases")
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if not item.name.endswith(".json"):
            continue
        for section, entries in json.loads(item.read_text(encoding="utf-8")).items():
            if section.startswith("_"):
                continue
            if section in phrases:
                raise ValueError(f"phrases/{item.name}: section {section!r} is defined twice")
            phrases[section] = _mark_held_out(tuple(_phrase(section, e) for e in entries))
    recipes_raw = _read("recipes.json")
    recipes = {name: _recipe(name, entry, set(phrases)) for name, entry in recipes_raw.items()
               if not name.startswith("_")}
    cues_raw = {item: cues for item, cues in _read("gap_cues.json").items() if not item.startswith("_")}
    unknown = set(cues_raw) - GAP_ITEMS
    if unknown:
        raise ValueError(f"gap_cues.json: unknown checklist items {sorted(unknown)}")
    gap_cues = {item: tuple(re.compile(cue, re.IGNORECASE) for cue in cues) for item, cues in cues_raw.items()}
    return Banks(names=_read("names.json"), places=_read("places.json"), phrases=phrases, recipes=recipes,
                 gap_cues=gap_cues)
