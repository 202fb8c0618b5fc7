"""How dates and ages read in a chronology: "12 Mar 2023", "Mar 2023", "c. 2019", "6y 2m", "unborn".

Dates arrive as the contracted ISO value truncated to its precision ("2023-03-12", "2023-03",
"2023") with an ``approximate`` flag. Nothing here knows about cases or documents.
"""
from __future__ import annotations

from datetime import date

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_iso(value: str | date | None) -> date | None:
    """The first day a contracted ISO value can mean ("2023-03" -> 1 Mar 2023); None when absent
    or unreadable. A time part ("2023-03-12T14:30") is ignored."""
    if value is None:
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()[:10]
    parts = text.split("-")
    try:
        if len(parts) == 1 and len(parts[0]) == 4:
            return date(int(parts[0]), 1, 1)
        if len(parts) == 2:
            return date(int(parts[0]), int(parts[1]), 1)
        if len(parts) == 3:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None
    return None


def precision_of(value: str) -> str:
    """"day", "month" or "year" from the shape of a contracted ISO value."""
    head = value.strip()[:10]
    return {1: "year", 2: "month"}.get(len(head.split("-")), "day")


def display_date(value: str | None, precision: str | None = None, approximate: bool = False) -> str:
    """A date as a chronology shows it: "12 Mar 2023", "Mar 2023", "2019", or with ``approximate``
    "c. 12 Mar 2023" / "c. 2019". Undated events read "Undated"."""
    day = parse_iso(value)
    if day is None or value is None:
        return "Undated"
    precision = precision or precision_of(value)
    if precision == "year":
        text = f"{day.year}"
    elif precision == "month":
        text = f"{_MONTHS[day.month - 1]} {day.year}"
    else:
        text = f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    return f"c. {text}" if approximate else text


def display_note_date(value: str | None) -> str:
    """A note's date and, when known, time: "12 Mar 2023 14:30"."""
    if not value:
        return "Undated note"
    shown = display_date(value[:10])
    if "T" in value and len(value) >= 16:
        shown += f" {value[11:16]}"
    return shown


def _months_between(born: date, on: date) -> int:
    months = (on.year - born.year) * 12 + (on.month - born.month)
    if on.day < born.day:
        months -= 1
    return months


def age_at(dob: str | date | None, value: str | None, precision: str | None = None) -> str:
    """The child's age on an event's date: "unborn" before birth, weeks under a month ("2w"),
    months under a year ("5m"), else years and months ("6y 2m").
    A month-precision date counts from mid-month; a year-precision date gives whole years with
    "c." because the month is unknown. Empty when either date is missing."""
    born = parse_iso(dob)
    on = parse_iso(value)
    if born is None or on is None or value is None:
        return ""
    precision = precision or precision_of(value)
    if precision == "year":
        if on.year < born.year:
            return "unborn"
        if on.year == born.year:
            return "year of birth"
        return f"c. {on.year - born.year}y"
    if precision == "month":
        on = on.replace(day=15)
        if (on.year, on.month) < (born.year, born.month):
            return "unborn"
        if (on.year, on.month) == (born.year, born.month):
            return "newborn"
    if on < born:
        return "unborn"
    months = _months_between(born, on)
    if months < 1:
        weeks = (on - born).days // 7
        return f"{weeks}w" if weeks else "newborn"
    if months < 12:
        return f"{months}m"
    return f"{months // 12}y {months % 12}m"
