"""How case workers write dates, and the gold value each written form stands for.

Every form produced here follows the contracted reading of dates (UK day-first, two-digit years to
the nearest century, a weekday or day-month without a year is the most recent past occurrence unless
the sentence is about the future), so the gold value is exactly what a correct reader returns.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_SMALL_NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five"}


@dataclass(frozen=True)
class DateRef:
    """A date the storyline knows, at the precision the writer knows it."""

    day: date
    precision: str = "day"  # day, month, year
    approximate: bool = False

    @property
    def value(self) -> str:
        if self.precision == "year":
            return f"{self.day.year:04d}"
        if self.precision == "month":
            return f"{self.day.year:04d}-{self.day.month:02d}"
        return self.day.isoformat()


@dataclass(frozen=True)
class WrittenDate:
    text: str
    value: str | None
    precision: str
    approximate: bool
    source: str  # "explicit" or "relative"
    prefix: str = ""  # "on " / "in " written before the date, outside its span


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _explicit_day(d: date, rng: random.Random, with_year: bool = True) -> str:
    month = MONTHS[d.month - 1]
    forms = [
        f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"{d.day}/{d.month}/{d.year % 100:02d}",
        f"{d.day}.{d.month}.{d.year % 100:02d}",
        f"{d.day:02d}.{d.month:02d}.{d.year}",
        f"{_ordinal(d.day)} {month} {d.year}",
        f"{d.day} {month} {d.year}",
        f"{d.day} {month[:3]} {d.year}",
        f"{WEEKDAYS[d.weekday()]} {_ordinal(d.day)} {month} {d.year}",
    ]
    if not with_year:
        forms = [f"{_ordinal(d.day)} {month}", f"{d.day} {month}", f"{d.day}/{d.month}", f"{_ordinal(d.day)} {month[:3]}"]
    return rng.choice(forms)


def write_date(ref: DateRef, anchor: date | None, rng: random.Random, style: str = "any",
               on: bool = False) -> WrittenDate:
    """Write ``ref`` as a worker might, relative to the note's date ``anchor``.

    ``style``: "any" (explicit or relative) or "explicit" (always with a year). ``on``: the
    sentence wants a preposition ("was arrested on 12/03/2023", "in March 2021", but "yesterday"
    and "two weeks ago" take none); it is written outside the date's span."""
    d = ref.day
    if ref.precision == "year":
        y = str(d.year)
        options = ([(y, True), (f"early {y}", True), (f"late {y}", True), (f"around {y}", True), (f"mid {y}", True)]
                   if ref.approximate else [(y, False)])
        text, approx = rng.choice(options)
        return WrittenDate(text, ref.value, "year", approx, "explicit", "in " if on else "")
    if ref.precision == "month":
        month = MONTHS[d.month - 1]
        text = rng.choice([f"{month} {d.year}", f"{month[:3]} {d.year}", f"{month} {d.year}"])
        return WrittenDate(text, ref.value, "month", ref.approximate, "explicit", "in " if on else "")
    if anchor is not None and style == "any" and rng.random() < 0.55:
        relative = _relative(d, anchor, rng, on)
        if relative is not None:
            return relative
    prefix = "on " if on else ""
    gap = (anchor - d).days if anchor is not None else None
    past_no_year = gap is not None and 0 < gap < 250
    future_no_year = gap is not None and -250 < gap < 0
    if style != "explicit" and (past_no_year or future_no_year) and rng.random() < 0.45:
        return WrittenDate(_explicit_day(d, rng, with_year=False), ref.value, "day", ref.approximate, "explicit", prefix)
    return WrittenDate(_explicit_day(d, rng), ref.value, "day", ref.approximate, "explicit", prefix)


def _relative(d: date, anchor: date, rng: random.Random, on: bool) -> WrittenDate | None:
    gap = (anchor - d).days
    value = d.isoformat()
    weekday = WEEKDAYS[d.weekday()]
    weekday_prefix = "on " if on else ""
    prefix = ""
    if gap == 0:
        text = rng.choice(["today", "this morning", "earlier today", "this afternoon"])
    elif gap == 1:
        text = rng.choice(["yesterday", "last night", "yesterday evening", "yesterday"])
    elif 2 <= gap <= 6:
        options = [(weekday_prefix, weekday), ("", f"last {weekday}")]
        if gap in _SMALL_NUMBERS:
            options.append(("", f"{_SMALL_NUMBERS[gap]} days ago"))
        prefix, text = rng.choice(options)
    elif gap in (14, 21):
        text = f"{_SMALL_NUMBERS[gap // 7]} weeks ago"
        return WrittenDate(text, value, "day", True, "relative")
    elif gap == -1:
        text = "tomorrow"
    elif -6 <= gap <= -2:
        prefix, text = weekday_prefix, weekday
    else:
        return None
    return WrittenDate(text, value, "day", False, "relative", prefix)


def add_months(d: date, months: int) -> date:
    month_index = d.month - 1 + months
    year = d.year + month_index // 12
    month = month_index % 12 + 1
    day = min(d.day, 28)
    return date(year, month, day)


def weekday_on_or_before(d: date) -> date:
    """Move a weekend date to the Friday before it (a school or surgery day already past)."""
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


def weekday_on_or_after(d: date) -> date:
    """Move a weekend date to the Monday after it: most professional recording is on weekdays."""
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d
