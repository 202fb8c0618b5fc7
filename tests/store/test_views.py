"""The views' read queries (no Qt): risks by category, mentions, gaps, a note's facts, people."""
from __future__ import annotations

import pytest

from store import curation, open_case, queries
from tests.desktop.conftest import store_facts, write_case_notes


@pytest.fixture
def small_case(tmp_path):
    """Four notes, six events (one planned), two risks (one negated), three people, two gaps."""
    path = tmp_path / "small.caselens"
    return store_facts(path, write_case_notes(path))


def test_risk_categories_count_only_current_mentions_about_the_household(small_case):
    with open_case(small_case.path) as case:
        rows = {r.category: r for r in queries.risk_categories(case)}
    assert rows["domestic_abuse"].current == 1 and rows["domestic_abuse"].cin_codes == ["3B"]
    assert rows["domestic_abuse"].last_seen == "2023-03-04"
    assert rows["alcohol_misuse"].current == 0 and rows["alcohol_misuse"].not_current == 1


def test_mentions_carry_their_sentence_and_the_span_inside_it(small_case):
    with open_case(small_case.path) as case:
        mention = queries.risk_mentions(case, category="alcohol_misuse")[0]
    assert mention.sentence == "Mum said there were no concerns about alcohol."
    start, end = mention.span_in_sentence
    assert mention.sentence[start:end] == "no concerns about alcohol"
    assert mention.person == "Sarah Jones" and not mention.current


def test_evidence_sentence_stops_at_sentence_ends_and_lines():
    text = "First line\nShe said the police came. Then they left."
    sentence, (start, end) = queries.evidence_sentence(text, text.index("police"), text.index("police") + 6)
    assert sentence == "She said the police came."
    assert sentence[start:end] == "police"


def test_gaps_use_the_checklist_wording_and_list_missing_items_first(small_case):
    with open_case(small_case.path) as case:
        items = queries.gaps(case)
    assert [g["item"] for g in items] == ["marac_status", "school"]
    assert items[0]["label"] == "MARAC status" and items[0]["question"].startswith("Has the case")


def test_a_note_comes_with_every_fact_found_in_it(small_case):
    with open_case(small_case.path) as case:
        note = queries.note_with_facts(case, small_case.note(1).id)
    kinds = sorted(kind for kind, *_ in note.facts)
    assert kinds == ["event", "event", "person", "risk"]
    assert note.author == "PC 1234" and note.sources[0]["source_note_id"] == "1001"
    assert note.versions == []


def test_strengths_are_grouped_like_risks(small_case):
    from store.facts import replace_note_facts
    from tests.desktop.conftest import build_facts

    note = small_case.note(3)
    start = note.text.index("Grandmother collects her daily")
    events, risks, mentions = build_facts(small_case.notes)
    with open_case(small_case.path) as case:
        replace_note_facts(case, [n.id for n in small_case.notes], mentions=mentions, events=events, risks=risks,
                           strengths=[{"id": "s1", "note_id": note.id, "start": start, "end": start + 30,
                                       "text": "Grandmother collects her daily", "category": "family_support"}])
        rows = queries.risk_categories(case, table="strengths")
    assert [(r.category, r.current, r.cin_codes) for r in rows] == [("family_support", 1, [])]


def test_a_gap_the_worker_marked_found_shows_as_found(small_case):
    with open_case(small_case.path) as case:
        curation.set_value(case, "gap", "marac_status", "found", True)
        gaps = {g["item"]: g for g in queries.gaps(case)}
    assert gaps["marac_status"]["found"] and gaps["marac_status"]["curated"]
