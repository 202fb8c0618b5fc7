"""find_dates: UK day-first, relative dates against the note date, tense, and no false dates."""
from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import spacy

from nlp.dates import DateFinder, DateLexicon, DateLexiconError, DateMention, find_dates, load_lexicon

WED_15_MARCH_2023 = date(2023, 3, 15)


def found(text: str, anchor: date | None = WED_15_MARCH_2023) -> list[tuple[str, str | None, str, bool]]:
    """(matched words, value, precision, approximate) for each date found."""
    return [(text[m.start:m.end], m.value, m.precision, m.approximate) for m in find_dates(text, anchor)]


@pytest.mark.parametrize(
    ("text", "words", "value", "precision"),
    [
        ("Seen on 12/03/2023.", "12/03/2023", "2023-03-12", "day"),
        ("Seen on 12.3.23 at home", "12.3.23", "2023-03-12", "day"),
        ("Seen on 12-03-2023", "12-03-2023", "2023-03-12", "day"),
        ("Seen on 2023-03-12", "2023-03-12", "2023-03-12", "day"),
        ("Seen on 12th March 2023", "12th March 2023", "2023-03-12", "day"),
        ("Seen on 12 Mar 23", "12 Mar 23", "2023-03-12", "day"),
        ("Seen on March 12th 2023", "March 12th 2023", "2023-03-12", "day"),
        ("Seen on the 12th of March, 2023", "12th of March, 2023", "2023-03-12", "day"),
        ("Referral received in March 2023", "March 2023", "2023-03", "month"),
        ("Referral received Mar-23", "Mar-23", "2023-03", "month"),
        ("Referral received 03/2023", "03/2023", "2023-03", "month"),
        ("They moved in 2019", "2019", "2019", "year"),
        ("Allocated (2019)", "2019", "2019", "year"),
        ("Born 14/02/1985", "14/02/1985", "1985-02-14", "day"),
    ],
)
def test_absolute_dates(text, words, value, precision):
    assert found(text) == [(words, value, precision, False)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("03/04/2023", "2023-04-03"),  # 3 April, never 4 March
        ("01/12/2022", "2022-12-01"),
        ("3.4.23", "2023-04-03"),
    ],
)
def test_day_always_comes_first(text, value):
    assert [m.value for m in find_dates(text, WED_15_MARCH_2023)] == [value]


@pytest.mark.parametrize(
    ("text", "anchor", "value"),
    [
        ("12/03/23", date(2023, 3, 15), "2023-03-12"),
        ("12/03/85", date(2023, 3, 15), "1985-03-12"),
        ("12/03/99", date(2001, 6, 1), "1999-03-12"),
        ("12/03/01", date(1998, 6, 1), "2001-03-12"),
    ],
)
def test_two_digit_years_take_the_century_nearest_the_anchor(text, anchor, value):
    assert [m.value for m in find_dates(text, anchor)] == [value]


@pytest.mark.parametrize(
    "text",
    ["31/02/2023", "29/02/2023", "30 February 2023", "03/25/2023", "00/01/2023", "13/2023"],
)
def test_impossible_dates_are_not_dates(text):
    assert find_dates(text, WED_15_MARCH_2023) == []


@pytest.mark.parametrize(
    "text",
    [
        "PC 1234 attended",
        "the child, aged 7, was seen",
        "call 07700 900123 after 5",
        "visit at 14:30",
        "started at 9.15am",
        "2 children and 3 times a week",
        "NHS number 485 777 3456",
        "postcode M1 2AB",
        "rent of £2019 a year",
        "room 2019 on the second floor",
        "scored 10/10",
        "Mum may attend",
        "in may be",
    ],
)
def test_numbers_that_are_not_dates(text):
    assert find_dates(text, WED_15_MARCH_2023) == []


@pytest.mark.parametrize(
    ("text", "words", "value", "precision", "approximate"),
    [
        ("Concerns began in early 2019", "early 2019", "2019", "year", True),
        ("late 2019", "late 2019", "2019", "year", True),
        ("mid-2019", "mid-2019", "2019", "year", True),
        ("over the summer 2019", "summer 2019", "2019", "year", True),
        ("around 2019", "around 2019", "2019", "year", True),
        ("c. 2019", "c. 2019", "2019", "year", True),
        ("by the end of March", "the end of March", "2023-03", "month", True),
        ("around March", "around March", "2023-03", "month", True),
        ("last week", "last week", "2023-03-08", "day", True),
        ("about two weeks ago", "about two weeks ago", "2023-03-01", "day", True),
        ("a few days ago", "a few days ago", "2023-03-12", "day", True),
        ("earlier this year", "earlier this year", "2023", "year", True),
    ],
)
def test_vague_dates_are_approximate(text, words, value, precision, approximate):
    assert found(text) == [(words, value, precision, approximate)]


@pytest.mark.parametrize(
    ("text", "words", "value", "precision"),
    [
        ("Seen today", "today", "2023-03-15", "day"),
        ("Seen yesterday", "yesterday", "2023-03-14", "day"),
        ("Due tomorrow", "tomorrow", "2023-03-16", "day"),
        ("Called this morning", "this morning", "2023-03-15", "day"),
        ("Police called last night", "last night", "2023-03-14", "day"),
        ("Seen last Friday", "last Friday", "2023-03-10", "day"),
        ("Meeting next Friday", "next Friday", "2023-03-17", "day"),
        ("two weeks ago", "two weeks ago", "2023-03-01", "day"),
        ("3 days ago", "3 days ago", "2023-03-12", "day"),
        ("a fortnight ago", "a fortnight ago", "2023-03-01", "day"),
        ("six months ago", "six months ago", "2022-09", "month"),
        ("last month", "last month", "2023-02", "month"),
        ("last year", "last year", "2022", "year"),
        ("in two weeks", "in two weeks", "2023-03-29", "day"),
        ("in 2 weeks' time", "in 2 weeks' time", "2023-03-29", "day"),
        ("the day before yesterday", "the day before yesterday", "2023-03-13", "day"),
    ],
)
def test_relative_dates_count_from_the_note_date(text, words, value, precision):
    [(matched, got, got_precision, _)] = found(text)
    assert (matched, got, got_precision) == (words, value, precision)


@pytest.mark.parametrize(
    ("text", "anchor", "value"),
    [
        ("last Friday", date(2023, 1, 2), "2022-12-30"),  # across a year end
        ("yesterday", date(2024, 3, 1), "2024-02-29"),  # leap day
        ("yesterday", date(2023, 3, 1), "2023-02-28"),
        ("tomorrow", date(2022, 12, 31), "2023-01-01"),
        ("a month ago", date(2023, 3, 31), "2023-02"),
        ("last month", date(2023, 1, 10), "2022-12"),
        ("two weeks ago", date(2023, 1, 5), "2022-12-22"),
    ],
)
def test_relative_dates_across_month_and_year_ends(text, anchor, value):
    assert [m.value for m in find_dates(text, anchor)] == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Mum was seen on Monday.", "2023-03-13"),
        ("We will meet on Monday.", "2023-03-20"),
        ("The core group is due on Monday.", "2023-03-20"),
        ("Dad was arrested on 20th March.", "2022-03-20"),
        ("The ICPC is booked for 20th March.", "2023-03-20"),
        ("School said attendance dropped in May.", "2022-05"),
        ("The review will be held in May.", "2023-05"),
        ("Mum will attend but she missed the meeting on Monday.", "2023-03-13"),
    ],
)
def test_tense_decides_past_or_next_occurrence(text, value):
    assert [m.value for m in find_dates(text, WED_15_MARCH_2023)] == [value]


def test_a_weekday_given_with_a_day_month_picks_the_year_that_fits():
    # 12 March was a Monday in 2018, not in 2023 (a Sunday).
    assert [m.value for m in find_dates("Monday 12th March", WED_15_MARCH_2023)] == ["2018-03-12"]


def test_following_day_counts_from_the_date_just_mentioned():
    text = "On 28/02/2023 police attended. The following day mum called. Two days later dad left."
    assert [m.value for m in find_dates(text, WED_15_MARCH_2023)] == [
        "2023-02-28", "2023-03-01", "2023-03-03"]


def test_without_an_anchor_relative_dates_are_found_without_a_value():
    text = "Seen yesterday, last Friday and on 12/03/2023; a review in March."
    assert found(text, None) == [
        ("yesterday", None, "day", False),
        ("last Friday", None, "day", False),
        ("12/03/2023", "2023-03-12", "day", False),
        ("March", None, "month", False),
    ]


def test_mentions_are_sorted_non_overlapping_and_longest_wins():
    text = "Home visit Monday 12th March 2023 at 14:30, then 13/03/2023 and early 2024."
    mentions = find_dates(text, WED_15_MARCH_2023)
    assert [text[m.start:m.end] for m in mentions] == [
        "Monday 12th March 2023", "13/03/2023", "early 2024"]
    assert all(isinstance(m, DateMention) for m in mentions)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))


def test_year_ranges_give_both_years():
    assert [m.value for m in find_dates("Known to services 2019-2021", None)] == ["2019", "2021"]


# --- the spaCy component ------------------------------------------------------------------

def test_component_sets_doc_dates_from_the_note_date():
    nlp = spacy.blank("en")
    nlp.add_pipe("caselens_dates")
    doc = nlp.make_doc("Police attended yesterday.")
    doc._.note_date = date(2024, 3, 1)
    doc = nlp(doc)
    assert doc._.dates == [DateMention(16, 25, "2024-02-29", "day", False)]


def test_component_round_trips_through_disk(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("caselens_dates")
    nlp.to_disk(tmp_path / "pipeline")
    reloaded = spacy.load(tmp_path / "pipeline")
    doc = reloaded.make_doc("Seen on 03/04/2023")
    assert reloaded(doc)._.dates == [DateMention(8, 18, "2023-04-03", "day", False)]


def test_finder_from_disk_uses_the_saved_lexicon(tmp_path):
    data = load_lexicon().to_dict()
    data["months"]["maart"] = 3
    (tmp_path / "date_lexicon.json").write_text(json.dumps(data), encoding="utf-8")
    finder = DateFinder().from_disk(tmp_path)
    assert [m.value for m in finder.find("12 maart 2023", None)] == ["2023-03-12"]


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(colour=["red"]),
        lambda d: d.pop("months"),
        lambda d: d["months"].update(smarch=13),
        lambda d: d.update(hedges="about"),
    ],
)
def test_a_bad_lexicon_is_refused(change):
    data = load_lexicon().to_dict()
    change(data)
    with pytest.raises(DateLexiconError):
        DateLexicon.from_dict(data)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12-14 March 2023", [("12", "2023-03-12"), ("14 March 2023", "2023-03-14")]),
        ("between January and March 2022", [("January", "2022-01"), ("March 2022", "2022-03")]),
        ("from November to February 2023", [("November", "2022-11"), ("February 2023", "2023-02")]),
    ],
)
def test_ranges_give_both_ends(text, expected):
    assert [(text[m.start:m.end], m.value) for m in find_dates(text, WED_15_MARCH_2023)] == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("I'll see you Sunday.", "2023-03-19"),
        ("Sunday's incident was reported.", "2023-03-12"),
        ("Seen on Wednesday.", "2023-03-15"),  # the note's own day
    ],
)
def test_weekday_edge_cases(text, value):
    assert [m.value for m in find_dates(text, WED_15_MARCH_2023)] == [value]


@pytest.mark.parametrize(
    ("text", "words", "value"),
    [
        ("Seen on Monday, the 12th of March 2018.", "Monday, the 12th of March 2018", "2018-03-12"),
        ("She left last March.", "last March", "2022-03"),
        ("The review is next March.", "next March", "2024-03"),
        ("Meeting this coming Friday.", "this coming Friday", "2023-03-17"),
        ("Seen on 1st March and did not come back until the next day.", "1st March", "2023-03-01"),
    ],
)
def test_words_before_a_date_belong_to_it(text, words, value):
    assert [(text[m.start:m.end], m.value) for m in find_dates(text, WED_15_MARCH_2023)][0] == (words, value)


_DATEISH = st.sampled_from([
    "12/03/2023", "31/02/2023", "on 12/03", "12th March", "March 2023", "Mar-23", "2019", "in 2019",
    "last Friday", "yesterday", "two weeks ago", "the following day", "early 2019", "14:30", "PC 1234",
    "aged 7", "07700 900123", "£20", "the end of", "next", "week", "-", "/", ".", " ", "\n", "May", "may",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_DATEISH, st.text(max_size=6)), max_size=12),
       st.one_of(st.none(), st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))))
def test_any_text_gives_sorted_non_overlapping_mentions_inside_it(pieces, anchor):
    text = " ".join(pieces)
    mentions = find_dates(text, anchor)
    assert all(0 <= m.start < m.end <= len(text) for m in mentions)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))
    assert all(m.precision in ("day", "month", "year") for m in mentions)
    for m in mentions:
        if m.value is not None:
            assert len(m.value) == {"day": 10, "month": 7, "year": 4}[m.precision]
            date.fromisoformat(m.value + {"day": "", "month": "-01", "year": "-01-01"}[m.precision])


@pytest.mark.parametrize(
    ("text", "anchor", "value"),
    [
        ("Mum drank heavily last summer.", date(2023, 3, 15), "2022"),
        ("Mum drank heavily last summer.", date(2023, 9, 15), "2023"),
        ("The family will move next Christmas.", date(2023, 3, 15), "2023"),
    ],
)
def test_seasons_give_an_approximate_year(text, anchor, value):
    [mention] = find_dates(text, anchor)
    assert (mention.value, mention.precision, mention.approximate) == (value, "year", True)
