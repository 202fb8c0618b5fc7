"""Events: one typed, dated event per sentence at most, with status, significance and location."""
from __future__ import annotations

import json
from datetime import date

import pytest
import spacy

import nlp.dates  # noqa: F401  (registers the caselens_dates factory)
from nlp.events import EventFinder, clean_summary, read_event_rules

NOTE_DATE = date(2023, 1, 2)


@pytest.fixture(scope="module")
def blank():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("caselens_dates")
    nlp.add_pipe("caselens_events")
    return nlp


def run(nlp, text: str, note_date: date | None = NOTE_DATE, mentions: list[dict] | None = None):
    doc = nlp.make_doc(text)
    doc._.note_date = note_date
    doc._.mentions = mentions or []
    return nlp(doc)


def test_a_routine_phone_note_is_one_low_significance_contact(blank):
    doc = run(blank, "Tried to call mum, no answer. Left voicemail. Tried again later, no answer. Text sent.")
    assert [(e["type"], e["significance"], e["status"]) for e in doc._.events] == [("contact", 0, "negated")]


def test_a_call_that_got_through_is_a_current_contact(blank):
    doc = run(blank, "Telephone call to mum to arrange the next visit.")
    assert [(e["type"], e["significance"], e["status"]) for e in doc._.events] == [("contact", 0, "current")]


def test_supervision_is_routine(blank):
    doc = run(blank, "Case discussed in supervision.")
    assert [e["significance"] for e in doc._.events] == [0]


def test_a_key_event_later_in_a_routine_note_is_kept_too(blank):
    doc = run(blank, "Tried to call mum, no answer. Police attended the family home after a domestic incident.")
    assert [(e["type"], e["status"]) for e in doc._.events] == [
        ("contact", "negated"), ("domestic_abuse_incident", "current")]


def test_passing_mentions_later_in_a_note_are_not_events(blank):
    doc = run(blank, "Home visit completed. Explained the conference decides this. Attendance is poor.")
    assert [e["type"] for e in doc._.events] == ["home_visit"]


def test_a_dated_past_plan_is_kept_from_a_summary(nlp):
    doc = nlp.make_doc(
        "Transfer summary written. Previous involvement: Tyler was subject to a CP plan from October 2016.")
    doc._.note_date = NOTE_DATE
    types = [(e["type"], e["date"], e["status"]) for e in nlp(doc)._.events]
    assert ("plan_start", "2016-10", "historical") in types


def test_a_date_the_sentence_refers_back_to_is_not_the_event_date(blank):
    doc = run(blank, "Strategy discussion held following the missing episode yesterday.")
    (event,) = doc._.events
    assert (event["date"], event["date_source"]) == ("2023-01-02", "note_date")


def test_a_planned_conference_is_hypothetical_with_its_own_date(blank):
    doc = run(blank, "ICPC to be convened on 20/01/2023.")
    (event,) = doc._.events
    assert (event["type"], event["stage"], event["status"]) == (
        "child_protection_conference", "initial", "hypothetical")
    assert (event["date"], event["precision"], event["date_source"]) == ("2023-01-20", "day", "explicit")


def test_a_held_review_conference_is_current(blank):
    doc = run(blank, "The RCPC was held today and the plan continues.")
    (event,) = doc._.events
    assert (event["type"], event["stage"], event["status"]) == ("child_protection_conference", "review", "current")


def test_relative_date_across_a_year_end(blank):
    doc = run(blank, "Tyler went missing from home yesterday and was found by police.")
    (event,) = doc._.events
    assert event["type"] == "missing_episode"
    assert (event["date"], event["date_source"]) == ("2023-01-01", "relative")


def test_event_date_two_weeks_ago_across_a_month_end(blank):
    doc = run(blank, "Mum was arrested two weeks ago.", note_date=date(2023, 3, 3))
    (event,) = doc._.events
    assert (event["type"], event["date"], event["date_source"]) == ("arrest", "2023-02-17", "relative")


def test_without_a_date_in_the_sentence_the_note_date_is_used(blank):
    doc = run(blank, "Strategy discussion held with police and health.")
    (event,) = doc._.events
    assert (event["type"], event["date"], event["date_source"]) == ("strategy_discussion", "2023-01-02", "note_date")


def test_an_undated_note_gives_an_undated_event(blank):
    doc = run(blank, "Strategy discussion held with police and health.", note_date=None)
    assert doc._.events[0]["date"] is None


def test_a_date_of_birth_is_not_the_event_date(blank):
    doc = run(blank, "Referral received for Tyler (DOB 12/03/2015) from school.")
    (event,) = doc._.events
    assert (event["type"], event["date_source"]) == ("referral", "note_date")


def test_key_events_outrank_routine_ones(blank):
    doc = run(blank, "Dad was arrested at the family home. Phoned school to update them.")
    (arrest,) = doc._.events
    assert arrest["type"] == "arrest" and arrest["significance"] >= 2
    assert arrest["location"] == "family home"


@pytest.mark.parametrize(
    ("text", "event_type", "plan_kind"),
    [
        ("Tyler was made subject to a child protection plan under the category of neglect.", "plan_start", "cp"),
        ("The CIN plan was ended and the case closed.", "plan_end", "cin"),
        ("Tyler became looked after under section 20.", "plan_start", "lac"),
        ("A bruise was seen on his cheek at school.", "injury", None),
        ("He attended A&E with a cut to his head.", "hospital_attendance", None),
        ("Mum took the baby to A&E last night.", "hospital_attendance", None),
        ("Tyler disclosed that dad hit him.", "disclosure", None),
        ("He was given a fixed term exclusion for fighting.", "school_exclusion", None),
        ("The case was heard at MARAC.", "marac", None),
        ("A final hearing is listed at the family court.", "court_hearing", None),
        ("Referral received from the health visitor.", "referral", None),
        ("Mum's new partner has moved in.", "household_change", None),
    ],
)
def test_event_types(blank, text, event_type, plan_kind):
    (event,) = run(blank, text)._.events
    assert (event["type"], event["plan_kind"]) == (event_type, plan_kind)


def test_one_event_per_sentence(blank):
    doc = run(blank, "Police attended and dad was arrested after he assaulted mum.")
    assert len(doc._.events) == 1


def test_evidence_offsets_summary_and_participants(blank):
    text = "  Home visit completed. Mum and the health visitor were present at the family home."
    mentions = [{"start": text.index("Mum"), "end": text.index("Mum") + 3, "kind": "family"},
                {"start": text.index("the health visitor"), "end": text.index("the health visitor") + 18,
                 "kind": "professional"}]
    doc = run(blank, text, mentions=mentions)
    (event,) = doc._.events
    assert text[event["start"]:event["end"]] == "Home visit completed."
    assert event["summary"] == "Home visit completed."
    assert event["participants"] == []


def test_participants_are_the_mentions_in_the_sentence(blank):
    text = "Mum and dad attended the core group."
    mentions = [{"start": 0, "end": 3, "kind": "family"}, {"start": 8, "end": 11, "kind": "family"}]
    (event,) = run(blank, text, mentions=mentions)._.events
    assert event["type"] == "core_group"
    assert event["participants"] == [(0, 3), (8, 11)]


def test_long_sentences_are_summarised_briefly():
    summary = clean_summary("- " + "word " * 100)
    assert len(summary) <= 201 and summary.endswith("\u2026") and not summary.startswith("-")


def test_with_the_trained_pipeline(nlp):
    doc = nlp.make_doc("An initial child protection conference was held on 12/12/2022. Left voicemail for dad.")
    doc._.note_date = NOTE_DATE
    doc = nlp(doc)
    (event,) = doc._.events
    assert (event["type"], event["date"], event["status"], event["significance"]) == (
        "child_protection_conference", "2022-12-12", "current", 3)


def test_rules_round_trip_through_disk(blank, tmp_path):
    finder = blank.get_pipe("caselens_events")
    finder.to_disk(tmp_path / "events")
    nlp = spacy.blank("en")
    restored = EventFinder(nlp, rules=[]).from_disk(tmp_path / "events")
    assert restored.rules == finder.rules


@pytest.mark.parametrize(
    "row",
    [
        {"kind": "trigger", "type": "party", "priority": 1, "significance": 1, "phrases": ["party"]},
        {"kind": "trigger", "type": "arrest", "priority": 1, "significance": 5, "phrases": ["nicked"]},
        {"kind": "trigger", "type": "arrest", "significance": 2, "phrases": ["nicked"]},
        {"kind": "location", "phrases": ["at the pub"]},
        {"kind": "routine", "type": "contact", "phrases": ["rang"], "location": "office"},
        {"kind": "weather", "phrases": ["rain"]},
    ],
)
def test_bad_rules_are_refused(row):
    with pytest.raises(ValueError):
        read_event_rules(json.dumps(row))
