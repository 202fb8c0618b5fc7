"""The synthetic case generator: deterministic, exact gold, the same notes in every format."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.base import canonical_text, note_identity
from services.corpus import build_case, generate_case
from services.corpus.banks import _phrase, load_banks
from services.corpus.gold import build_gold
from services.corpus.writers import FORMATS

NOTES = 40


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory) -> Path:
    return generate_case(tmp_path_factory.mktemp("case"), notes=NOTES, seed=7)


@pytest.fixture(scope="module")
def gold(case_dir) -> dict:
    return json.loads((case_dir / "gold.json").read_text(encoding="utf-8"))


def test_one_file_per_format_plus_gold_and_a_reexport(case_dir):
    names = sorted(p.name for p in case_dir.iterdir() if p.is_file())
    assert names == sorted([f"case.{fmt}" for fmt in FORMATS] + ["gold.json"])
    assert (case_dir / "reexport" / "case.csv").is_file()


def test_same_seed_writes_the_same_case_and_another_seed_a_different_family(tmp_path, case_dir, gold):
    again = generate_case(tmp_path / "again", notes=NOTES, seed=7)
    for name in ["gold.json", "reexport/case.csv"] + [f"case.{fmt}" for fmt in FORMATS]:
        assert (again / name).read_bytes() == (case_dir / name).read_bytes(), name
    other = build_case(notes=NOTES, seed=8)
    assert other.subject.name != gold["subjects"][0]["name"]
    shared = {n.text for n in other.notes} & {note["text"] for note in gold["notes"].values()}
    assert len(shared) < NOTES // 5  # only name-free one-liners ("File read.") can recur


def test_notes_counts_current_notes_with_distinct_ids(gold):
    assert gold["notes_count"] == NOTES == len(gold["notes"])
    for note_id, note in gold["notes"].items():
        assert canonical_text(note["text"]) == note["text"]
        assert note_identity(note["date"], note["text"]) == note_id


def test_a_600_note_case_has_every_kind_of_note():
    case = build_case(notes=600, seed=7)
    assert len({n.id for n in case.notes}) == 600
    kinds = {n.note_type for n in case.notes}
    for kind in ("Home Visit", "Telephone Call", "Strategy Discussion", "Section 47 Enquiry",
                 "Child Protection Conference", "Core Group", "Police Notification", "MARAC", "Missing Episode",
                 "Court", "Placement Move", "Management Oversight", "Case Summary"):
        assert kind in kinds
    lengths = sorted(len(n.text) for n in case.notes)
    assert lengths[0] < 60 and lengths[-1] > 900
    assert any(n.note_date is None for n in case.notes)
    assert sum(len(n.source_ids) > 1 for n in case.notes) >= 3


def test_every_gold_offset_points_at_the_text_it_names(gold):
    texts = {note_id: note["text"] for note_id, note in gold["notes"].items()}
    for kind in ("mentions", "events", "risks", "strengths", "dates"):
        assert gold[kind], kind
        for row in gold[kind]:
            assert texts[row["note_id"]][row["start"]:row["end"]] == row["text"], (kind, row)
    for gap in gold["gaps"]:
        assert gap["found"] == bool(gap["evidence"])
        for evidence in gap["evidence"]:
            assert evidence["end"] > evidence["start"] and evidence["note_id"] in texts


def test_gold_uses_the_contracted_vocabularies(gold):
    assert {r["status"] for r in gold["risks"]} <= {"current", "negated", "historical", "hypothetical", "uncertain"}
    assert {r["experiencer"] for r in gold["risks"]} <= {"subject", "other"}
    assert {d["precision"] for d in gold["dates"]} <= {"day", "month", "year"}
    people = {p["id"]: p for p in gold["people"]}
    assert people["p_mother"]["relationship"] == "mother" and people["p_mother"]["household"]
    assert gold["subjects"][0]["person_id"] == "p_child"


def _read_back(fmt: str, case_dir: Path, gold: dict) -> dict[str, str]:
    """Read ``case.<fmt>`` and check it holds exactly the gold notes; returns text by note id."""
    extractors = pytest.importorskip("extractors", reason="the export readers are not in this tree")
    notes = extractors.read_export(case_dir / f"case.{fmt}").notes
    texts = {note.id: note.text for note in notes}
    assert set(texts) == set(gold["notes"])
    group_notes = sum(1 for note in gold["notes"].values() if note["group_note"])
    assert len(notes) == len(gold["notes"]) + group_notes  # a group note is in the file twice
    return texts


def _assert_offsets_hold(texts: dict[str, str], gold: dict) -> None:
    for row in gold["risks"] + gold["mentions"] + gold["events"] + gold["dates"]:
        assert texts[row["note_id"]][row["start"]:row["end"]] == row["text"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_back_to_the_same_notes_and_offsets(fmt, case_dir, gold):
    texts = _read_back(fmt, case_dir, gold)
    for note_id, text in texts.items():
        assert text == gold["notes"][note_id]["text"]
    _assert_offsets_hold(texts, gold)


def test_a_600_note_pdf_reads_back_exactly(tmp_path):
    """Paragraph breaks that fall at the foot of a PDF page come back as breaks, not spaces."""
    pytest.importorskip("reportlab")
    folder = generate_case(tmp_path / "big", notes=600, seed=8)
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    texts = _read_back("pdf", folder, gold)
    assert [note_id for note_id, text in texts.items() if text != gold["notes"][note_id]["text"]] == []


def test_the_reexport_holds_an_edited_version_of_a_note_under_the_same_source_id(case_dir, gold):
    extractors = pytest.importorskip("extractors", reason="the export readers are not in this tree")
    [note] = extractors.read_export(case_dir / "reexport" / "case.csv").notes
    original = gold["notes"][gold["reexport"]["replaces_note_id"]]
    assert note.source_note_id == gold["reexport"]["source_note_id"] in original["source_note_ids"]
    assert note.text == gold["reexport"]["text"] != original["text"]
    assert note.id == gold["reexport"]["note_id"]


def test_phrase_banks_refuse_unknown_keys():
    assert load_banks().phrases["hv.open"]
    with pytest.raises(ValueError, match="unknown keys"):
        _phrase("hv.open", {"t": "Visited.", "whne": ["cp"]})


def test_written_dates_carry_the_value_a_correct_reader_gives():
    import random
    from datetime import date

    from services.corpus.dates import DateRef, write_date

    rng = random.Random(0)
    anchor = date(2023, 3, 15)  # a Wednesday
    seen = {}
    for _ in range(200):
        for ref in (DateRef(date(2023, 3, 14)), DateRef(date(2023, 3, 10)), DateRef(date(2023, 3, 1))):
            written = write_date(ref, anchor, rng, on=True)
            seen[written.text] = (written.value, written.prefix)
    assert seen["yesterday"] == ("2023-03-14", "")
    assert seen["Friday"] == ("2023-03-10", "on ")
    assert seen["last Friday"] == ("2023-03-10", "")
    assert seen["two weeks ago"] == ("2023-03-01", "")
    assert seen["1st March"] == ("2023-03-01", "on ")
    early = write_date(DateRef(date(2019, 1, 1), "year", True), anchor, random.Random(2))
    assert early.value == "2019" and early.precision == "year" and early.approximate


def test_an_unanswered_checklist_item_is_never_answered_by_any_note():
    case = build_case(notes=300, seed=11)
    gold = build_gold(case)
    banks = load_banks()
    unanswered = {gap["item"] for gap in gold["gaps"] if not gap["found"]}
    assert unanswered, "each case leaves some of the checklist open"
    for note in case.notes:
        assert not banks.gap_items_named(note.text) & unanswered, note.text


def test_held_out_phrasings_appear_only_in_held_out_cases(monkeypatch):
    from services.corpus.compose import Composer

    used: list[str] = []
    render = Composer.render

    def recording(self, template, ctx, draft):
        used.append(template)
        return render(self, template, ctx, draft)

    monkeypatch.setattr(Composer, "render", recording)
    held_out = {p.template for phrases in load_banks().phrases.values() for p in phrases if p.held_out}
    build_case(notes=150, seed=7)
    assert held_out and not held_out & set(used)
    used.clear()
    build_case(notes=150, seed=7, held_out=True)
    assert held_out & set(used)


@pytest.mark.parametrize("seed,held_out", [(7, False), (1729, True)])
def test_the_gold_marks_every_risk_statement_the_audit_finds(seed, held_out):
    """Every risk keyword sits inside a gold risk or strength span (or is allowed with a reason),
    every negated risk names the risk, and every uncertain or historical label has the words
    that make it so."""
    from services.corpus.audit import audit_gold, clean_gold, unmarked_statuses, unnamed_negations

    gold = clean_gold(seed, notes=200, held_out=held_out)
    assert [(hit.word, hit.sentence) for hit in audit_gold(gold)] == []
    assert [row["text"] for row in unnamed_negations(gold)] == []
    assert [(row["status"], row["text"]) for row in unmarked_statuses(gold)] == []


def test_the_audit_lists_a_risk_statement_left_unannotated():
    from services.corpus.audit import audit_gold, unmarked_statuses, unnamed_negations

    text = "Mum said she had been drinking. No concerns raised. Dad said he was scared."
    gold = {"notes": {"n1": {"text": text}},
            "risks": [{"note_id": "n1", "start": 32, "end": 50, "text": "No concerns raised", "negated": True,
                       "uncertain": False, "historical": False, "status": "negated"},
                      {"note_id": "n1", "start": 52, "end": 75, "text": text[52:75], "negated": False,
                       "uncertain": True, "historical": False, "status": "uncertain"}],
            "strengths": []}
    assert [hit.word for hit in audit_gold(gold)] == ["drinking"]
    assert [row["text"] for row in unnamed_negations(gold)] == ["No concerns raised"]
    assert [row["status"] for row in unmarked_statuses(gold)] == ["uncertain"]


def test_negated_risks_are_written_many_ways():
    gold = build_gold(build_case(notes=600, seed=7))
    negated = {row["text"].split()[0].lower() for row in gold["risks"] if row["negated"]}
    assert len([row for row in gold["risks"] if row["negated"]]) >= 60
    assert {"no", "mum", "there"} <= negated and len(negated) >= 10


@pytest.fixture(scope="module")
def large_gold() -> dict:
    return build_gold(build_case(notes=600, seed=7))


def _templates() -> list[str]:
    return [phrase.template for phrases in load_banks().phrases.values() for phrase in phrases]


def test_a_strength_the_text_denies_is_a_negated_strength(large_gold):
    """"Mum has not engaged with the parenting course" is an engagement strength, negated, as the
    design's Contracts give strengths the same status flags as risks."""
    negated = [row for row in large_gold["strengths"] if row["negated"]]
    assert len(negated) >= 5
    assert all(row["status"] == "negated" for row in negated)
    assert any("has not engaged with the parenting course" in row["text"]
               and row["category"] == "engagement_with_services" and row["experiencer"] == "subject"
               for row in negated)


def test_would_never_denies_a_behaviour_and_is_annotated_negated():
    """"She would never leave the children alone" denies the concern: negated, never hypothetical."""
    denials = [template for template in _templates() if "would never" in template]
    assert len(denials) >= 2
    for template in denials:
        assert "st=neg" in template and "st=hyp" not in template, template


def test_private_fostering_ruled_out_is_a_negated_privately_fostered_risk():
    from services.corpus.compose import cin_code

    mentions = [template for template in _templates() if "private fostering" in template.lower()]
    assert mentions
    for template in mentions:
        assert "risk:privately_fostered" in template and "st=neg" in template, template
    assert cin_code("privately_fostered", "sib_old", set()) == "8F"


def test_a_school_exclusion_is_also_an_education_risk(large_gold):
    """The exclusion itself is an education concern (the behaviour behind it is a risk of its own)."""
    assert all("risk:education" in template for template in _templates() if "ev:school_exclusion" in template)
    exclusions = [row for row in large_gold["events"] if row["type"] == "school_exclusion"]
    assert exclusions
    for event in exclusions:
        assert any(risk["note_id"] == event["note_id"] and risk["category"] == "education"
                   and risk["start"] <= event["start"] and event["end"] <= risk["end"]
                   for risk in large_gold["risks"]), event["text"]
