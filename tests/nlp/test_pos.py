"""nlp.pos: the model's parts of speech, without the model's slow attribute ruler."""
from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from nlp.pipeline import BASE_MODEL
from nlp.pos import FACTORY, PosFromTags, compile_rules, replace_ruler

# Words and constructions the ruler has exceptions for: "that" as a relative pronoun, "there is"
# as a verb, "but" as an adverb, auxiliaries by dependency, pronouns, whitespace tokens.
TEXTS = [
    "There is a dog in the flat that Mum said was not hers.",
    "Jade said  she had done it, but he didn't.\n\nWhether or not Dad will attend is unclear.",
    "Nobody was home; something had happened. Those were the ones he's been given.",
    "SW visited.\tKai (7) was asleep. All of them have been seen; both were well.",
]


@pytest.fixture(scope="module")
def ruler():
    """The base model's own attribute ruler (no weights to load, so this costs little)."""
    model = spacy.load(BASE_MODEL, exclude=["tok2vec", "tagger", "parser", "lemmatizer", "ner"])
    return model.get_pipe("attribute_ruler")


def _analysed(nlp, text):
    """``text`` tagged and parsed by the session pipeline's model parts (the parse, which the
    pipeline runs only on sentences with a concern, exercises the ruler's dependency patterns)."""
    doc = nlp.make_doc(text)
    for component in (nlp.get_pipe("tok2vec"), nlp.get_pipe("tagger"), nlp.get_pipe("caselens_risks").model_parser):
        doc = component(doc)
    return doc


def test_parts_of_speech_match_the_models_ruler_token_for_token(nlp, ruler):
    ours = PosFromTags(compile_rules(ruler.patterns))
    for text in TEXTS:
        expected = ruler(_analysed(nlp, text))
        got = ours(_analysed(nlp, text))
        assert [(t.text, t.pos_, t.tag_) for t in got] == [(t.text, t.pos_, t.tag_) for t in expected]


def test_the_pipeline_runs_the_fast_version_in_the_rulers_place(nlp):
    names = nlp.pipe_names
    assert "attribute_ruler" not in names
    assert names.index("tagger") < names.index(FACTORY) < names.index("caselens_entities")
    doc = nlp("Mum said that she was there.")
    assert [t.pos_ for t in doc][1:5] == ["VERB", "SCONJ", "PRON", "AUX"]


def test_later_patterns_override_earlier_ones():
    rules = compile_rules([
        {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN"}, "index": 0},
        {"patterns": [[{"TAG": "NN", "LOWER": "nothing"}]], "attrs": {"POS": "PRON"}, "index": 0},
    ])
    doc = Doc(spacy.blank("en").vocab, words=["nothing", "flat"], tags=["NN", "NN"])
    PosFromTags(rules)(doc)
    assert [t.pos_ for t in doc] == ["PRON", "NOUN"]


def test_a_pattern_it_cannot_evaluate_keeps_the_models_ruler(nlp, ruler):
    odd = [{"patterns": [[{"LOWER": {"REGEX": "^n't$"}}]], "attrs": {"POS": "PART"}, "index": 0}]
    assert compile_rules(odd) is None
    pipeline = spacy.blank("en")
    pipeline.add_pipe("attribute_ruler").add_patterns(odd)
    assert replace_ruler(pipeline) is False
    assert pipeline.pipe_names == ["attribute_ruler"]
