"""Word lists and rule files under ``resources/``, read without spaCy.

Case-level resolution (``nlp.resolve``) runs in the process that stores facts, which never
imports spaCy; the lists it shares with the pipeline's components are read here.
"""
from __future__ import annotations

import re
from importlib import resources as package_resources


PERSON_VERBS_FILE = "person_verbs.txt"  # words after a name that show it is a person's


class EntityRulesError(ValueError):
    """The entity rules (a data file under ``resources/``) are malformed."""


def resource_text(name: str) -> str:
    """The text of one file under ``resources/``."""
    return package_resources.files("resources").joinpath(name).read_text(encoding="utf-8")


def parse_word_list(text: str, source: str) -> frozenset[str]:
    """A word list (``not_names.txt``: capitalised words that are never part of a name, such
    as "Email", "Flat", "Monday"; ``person_verbs.txt``: words after a name that show it is a
    person): one lower-case word a line; ``#`` starts a comment line."""
    words = set()
    for number, line in enumerate(text.splitlines(), start=1):
        word = line.strip()
        if not word or word.startswith("#"):
            continue
        if not re.fullmatch(r"[a-z][a-z'\-]*", word):
            raise EntityRulesError(f"{source} line {number}: {word!r} is not one lower-case word")
        words.add(word)
    return frozenset(words)


def default_word_list(name: str) -> frozenset[str]:
    return parse_word_list(resource_text(name), name)
