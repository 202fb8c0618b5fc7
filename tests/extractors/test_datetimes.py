"""Dates as exports write them: always UK day-first."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from extractors.datetimes import parse_date, parse_time


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03/04/2023", "2023-04-03"),
        ("3.4.23", "2023-04-03"),
        ("03-04-2023 09:05", "2023-04-03T09:05"),
        ("2023-03-12 14:30:00.000", "2023-03-12T14:30"),
        ("2023-03-12T14:30:00Z", "2023-03-12T14:30"),
        ("2023-03-12 00:00:00.000", "2023-03-12"),
        ("12 Mar 2023", "2023-03-12"),
        ("Sunday 12th March 2023 at 2.30pm", "2023-03-12T14:30"),
        ("12-Mar-2023", "2023-03-12"),
        ("March 12, 2023", "2023-03-12"),
        (datetime(2023, 3, 12, 14, 30), "2023-03-12T14:30"),
        (date(2023, 3, 12), "2023-03-12"),
        (45000.75, "2023-03-15T18:00"),
    ],
)
def test_dates_are_read_day_first(value: object, expected: str) -> None:
    assert parse_date(value).iso == expected


def test_impossible_and_missing_dates() -> None:
    assert parse_date("31/02/2023").invalid == "31/02/2023"
    assert parse_date("31/02/2023").iso is None
    assert parse_date("Undated").iso is None
    assert parse_date(None).iso is None


def test_coarse_dates_only_when_allowed() -> None:
    assert parse_date("March 2020").iso is None
    coarse = parse_date("March 2020", allow_coarse=True)
    assert (coarse.iso, coarse.approximate) == ("2020-03-01", True)
    assert parse_date("2019", allow_coarse=True).iso == "2019-01-01"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("14:30", "14:30"), ("2.30pm", "14:30"), ("12:15 am", "00:15"), (time(9, 5), "09:05"), ("00:00", None), ("25:00", None), ("soon", None)],
)
def test_times(value: object, expected: str | None) -> None:
    assert parse_time(value) == expected
