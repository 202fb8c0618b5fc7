"""The cached sentence accessor gives what spaCy's own ``doc.sents`` / ``span.sent`` give."""
from __future__ import annotations

import spacy

from nlp.doc_ext import sentence_of, sentences


def test_sentences_match_the_sentence_tagger_and_are_worked_out_once(nlp) -> None:
    doc = nlp("Mum was seen at home. Lily said she was happy at school! Dad did not attend.")
    found = sentences(doc)
    assert [s.text for s in found] == [s.text for s in doc.sents]
    assert sentences(doc) is found  # the second call reads the cache


def test_sentence_of_matches_span_sent(nlp) -> None:
    doc = nlp("Mum was seen at home. Lily said she was happy at school. Dad did not attend.")
    for start in range(len(doc)):
        span = doc[start:start + 1]
        assert sentence_of(span) == span.sent


def test_a_doc_without_sentence_boundaries_is_one_sentence() -> None:
    blank = spacy.blank("en")
    doc = blank("Mum was seen at home. Dad did not attend.")
    assert [s.text for s in sentences(doc)] == [doc.text]
    assert sentence_of(doc[6:7]).text == doc.text
    assert sentences(blank("")) == []


def test_every_line_break_starts_a_sentence(nlp) -> None:
    doc = nlp("Present: Mum, SW and Lily\nActions: SW to visit next week\nMum to attend the GP")
    assert [s.text.strip() for s in sentences(doc)] == [
        "Present: Mum, SW and Lily", "Actions: SW to visit next week", "Mum to attend the GP"]
