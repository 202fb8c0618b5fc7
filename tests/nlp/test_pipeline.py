"""nlp.pipeline: one cached pipeline, unused model parts left out, CaseLens components in order."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nlp import pipeline

ROOT = Path(__file__).resolve().parents[2]


def test_components_run_after_the_model_in_the_contracted_order(nlp):
    names = nlp.pipe_names
    assert "lemmatizer" not in names
    assert {"tok2vec", "tagger", "senter"} <= set(names)
    ours = [name for name in names if name.startswith("caselens_") and name not in ("caselens_pos", "caselens_line_breaks")]
    assert ours[0] == "caselens_entities"
    order = [factory for factory, _module in pipeline.COMPONENTS]
    assert ours == [name for name in order if name in ours]
    # the base model's recogniser runs inside caselens_entities, only around possible names,
    # and its parser inside caselens_risks, only on sentences holding a concern
    assert "ner" not in names and "parser" not in names
    assert nlp.get_pipe("caselens_entities").model_ner is not None
    assert nlp.get_pipe("caselens_risks").model_parser is not None


def test_pipeline_is_built_once_per_process(nlp):
    assert pipeline.load_pipeline() is nlp


def test_model_multiplies_with_numpys_blas_on_one_thread(nlp):
    """blis has no kernel for recent AMD processors and runs its generic code there at a fifth
    of the speed: every layer of every model the pipeline runs uses numpy's BLAS instead, held
    to one thread because extraction already runs a process per core."""
    from threadpoolctl import threadpool_info

    models = [component.model for _name, component in nlp.components if hasattr(component, "model")]
    models += [nlp.get_pipe("caselens_entities").model_ner.model, nlp.get_pipe("caselens_risks").model_parser.model]
    layers = [layer for model in models for layer in model.walk()]
    assert layers and all(getattr(layer.ops, "use_blis", None) is False for layer in layers)
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_missing_caselens_component_is_left_out(monkeypatch):
    monkeypatch.setattr(pipeline, "COMPONENTS", (("caselens_entities", "nlp.entities"),
                                                 ("caselens_nothing", "nlp.not_part_of_this_build")))
    assert pipeline.available_components() == ["caselens_entities"]


def test_missing_third_party_package_is_an_installation_error(monkeypatch):
    monkeypatch.setattr(pipeline, "COMPONENTS", (("caselens_nothing", "package_that_is_not_installed"),))
    with pytest.raises(ModuleNotFoundError):
        pipeline.available_components()


def test_rules_fingerprint_is_stable_and_follows_the_rule_files(monkeypatch):
    first = pipeline.pipeline_version()
    assert first == pipeline.pipeline_version() and len(first) == 16
    pipeline.pipeline_version.cache_clear()
    monkeypatch.setattr(pipeline, "_model_version", lambda: "another model")
    try:
        assert pipeline.pipeline_version() != first
    finally:
        pipeline.pipeline_version.cache_clear()


def test_a_fresh_process_loads_the_model_without_spacys_command_line():
    """spaCy's command line (typer, httpx, jinja2…) was a fifth of the wait before a case's
    first events; a process that builds the pipeline first never imports it, and still finds
    concerns and names."""
    script = textwrap.dedent("""
        import json, sys
        from nlp.pipeline import load_pipeline
        doc = load_pipeline()("Mum said that John Smith hit her in front of Lily.")
        print(json.dumps({"risks": [r["category"] for r in doc._.risks],
                          "names": [m["name"] for m in doc._.mentions if m["name"]],
                          "command_line": sorted(m for m in ("typer", "httpx", "jinja2", "urllib3")
                                                 if m in sys.modules)}))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {"risks": ["domestic_abuse"], "names": ["John Smith", "Lily"], "command_line": []}
