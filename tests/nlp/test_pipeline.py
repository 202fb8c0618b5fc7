"""nlp.pipeline: one cached pipeline, unused model parts left out, CaseLens components in order."""
from __future__ import annotations

import pytest

from nlp import pipeline


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
