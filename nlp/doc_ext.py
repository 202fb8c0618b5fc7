"""The custom attributes CaseLens components read and write on a spaCy ``Doc``.

Registered in one place so every component (and the tests building blank pipelines) agree.
Offsets in every row are *character* offsets into ``doc.text`` (the note's canonical text),
``end`` exclusive.

- ``doc._.note_date``: ``datetime.date | None``, the anchor for relative dates; set by
  ``nlp.extract`` on the ``Doc`` before the pipeline runs (``nlp.pipe`` accepts ``Doc`` inputs).
- ``doc._.mentions``: person mentions, written by ``caselens_entities``:
  ``{"start", "end", "text", "kind", "role", "relationship", "side", "name"}``.
- ``doc._.dates``: ``list[nlp.dates.DateMention]``, written by ``caselens_dates``.
- ``doc._.risks`` / ``doc._.strengths``: written by ``caselens_risks``:
  ``{"start", "end", "text", "category", "cin_code", "negated", "historical", "hypothetical",
  "uncertain", "status", "experiencer", "person_start", "person_end"}`` (the mention the
  concern is about, when the text names one).
- ``doc._.events``: written by ``caselens_events``: the JSON interchange event fields that
  one note can know (``start``, ``end``, ``date``, ``precision``, ``approximate``,
  ``date_source``, ``type``, ``plan_kind``, ``stage``, ``summary``, ``significance``,
  ``confidence``, ``status``, ``location``) plus ``participants``: ``[(start, end), ...]`` of
  the mentions taking part.
- ``doc._.gap_evidence``: ``[(item, start, end), ...]`` checklist evidence, written by
  ``caselens_gaps``.
- ``doc._.sentences``: the cache behind :func:`sentences`; read it through that function.
- ``doc._.text``: the cache behind :func:`doc_text`; read it through that function.
- ``doc._.model_entities``: True on a copy of another note's analysis (``nlp.extract``): the
  base model's entities are set already, so ``caselens_entities`` does not run it again.
"""
from __future__ import annotations

import bisect

from spacy.language import Language
from spacy.tokens import Doc, Span

_LIST_ATTRS = ("mentions", "dates", "risks", "strengths", "events", "gap_evidence")


def register() -> None:
    """Idempotently register every CaseLens ``Doc`` extension."""
    if not Doc.has_extension("note_date"):
        Doc.set_extension("note_date", default=None)
    for name in _LIST_ATTRS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, getter=None, default=None)
    if not Doc.has_extension("sentences"):
        Doc.set_extension("sentences", default=None)
    if not Doc.has_extension("text"):
        Doc.set_extension("text", default=None)
    if not Doc.has_extension("model_entities"):
        Doc.set_extension("model_entities", default=False)


def doc_text(doc: Doc) -> str:
    """``doc.text``, worked out once per doc.

    spaCy builds ``Doc.text`` by joining every token each time it is read; the components slice
    the note's text hundreds of times per note, which made that join a tenth of extraction time.
    Components only read the text (no component changes tokens), so the first join is kept.
    """
    text = doc._.text
    if text is None:
        text = doc.text
        doc._.text = text
    return text


def sentences(doc: Doc) -> list[Span]:
    """The doc's sentences, or the whole doc as one sentence when nothing set boundaries.

    ``doc.sents`` walks every token each time it is read, and the components ask for the
    sentences many times per note, so the list is worked out once and kept on the doc. Only
    the parser sets sentence boundaries, and it runs before every CaseLens component.
    """
    return _cached(doc)[0]


def _cached(doc: Doc) -> tuple[list[Span], list[int]]:
    """The sentences and their first token indices, worked out on first use."""
    cached = doc._.sentences
    if cached is None:
        if doc.has_annotation("SENT_START"):
            found = list(doc.sents)
        else:
            found = [doc[:]] if len(doc) else []
        cached = (found, [sent.start for sent in found])
        doc._.sentences = cached
    return cached


def sentence_of(span: Span) -> Span:
    """The sentence holding the start of ``span`` (what ``span.sent`` gives), from the cache;
    the whole doc when nothing set boundaries."""
    doc = span.doc
    if not doc.has_annotation("SENT_START"):
        return doc[:]
    found, starts = _cached(doc)
    index = bisect.bisect_right(starts, span.start) - 1
    return found[max(index, 0)]


@Language.component("caselens_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break. Case notes are often lists of lines ("Present:
    Mum, SW", "Actions: ..."), headings and e-mail headers with no full stop, which the
    sentence tagger would run together; it keeps the starts set here and decides the rest."""
    for token in doc[1:]:
        before = doc[token.i - 1]
        if before.is_space and "\n" in before.text and not token.is_space:
            token.is_sent_start = True
    return doc


register()
