"""Reading the dates and times that exports put in their date columns and note headers.

Always UK day-first: ``03/04/2023`` is 3 April. Handles what real exports contain: day-first
numeric dates (``/``, ``-`` or ``.``; two- or four-digit years), month names (``12 Mar 2023``,
``Sunday 12th March 2023``, ``12-Mar-2023``), ISO and SQL Server datetimes
(``2023-03-12 14:30:00.000``), Excel cells (``datetime``/``date``/``time`` objects or serial
numbers), and the coarse dates of prior chronologies (``March 2023``, ``2019``).

This is deliberately not ``nlp.dates``: it parses a value that *is* a date, it does not find dates
inside free text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday|rsday)?\.?,?\s+)?"
_TIME = r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d{1,7})?)?\s*(?P<ampm>[ap]\.?m\.?)?"

_NUMERIC = re.compile(r"(?P<day>\d{1,2})[/.\-](?P<month>\d{1,2})[/.\-](?P<year>\d{4}|\d{2})", re.I)
_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})", re.I)
_DAY_MONTH_NAME = re.compile(
    rf"{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?[\s\-/]+(?:of\s+)?(?P<mname>{_MONTH_NAME})\.?,?[\s\-/]+(?P<year>\d{{4}}|\d{{2}})",
    re.I,
)
_MONTH_NAME_DAY = re.compile(
    rf"{_WEEKDAY}(?P<mname>{_MONTH_NAME})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})", re.I
)
_MONTH_YEAR = re.compile(rf"(?P<mname>{_MONTH_NAME})\.?\s+(?P<year>\d{{4}})", re.I)
_NUMERIC_MONTH_YEAR = re.compile(r"(?P<month>\d{1,2})/(?P<year>\d{4})")
_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})")
_TIME_ONLY = re.compile(rf"(?:at\s+)?{_TIME}", re.I)
_SEPARATOR = re.compile(r"^(?:T|\s*,?\s*(?:at\s+)?)", re.I)

# Excel stores dates as days since 1899-12-30 (the 1900 leap-year bug included).
_EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2_958_465  # 31/12/9999


@dataclass(frozen=True)
class ParsedDate:
    """A date read from a cell or a header. ``day`` is ISO (``YYYY-MM-DD``) or ``None``.

    ``time`` is ``HH:MM`` when one was given (midnight exactly, as database exports write for
    "no time", counts as no time). ``approximate`` is true when only a month or year was given
    (``day`` is then the first of that month/year). ``invalid`` holds the text of a value that
    looked like a date but is not a real one (``31/02/2023``)."""

    day: str | None = None
    time: str | None = None
    approximate: bool = False
    invalid: str | None = None

    @property
    def iso(self) -> str | None:
        """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM``, the form ``RawNote.note_date`` takes."""
        if self.day is None:
            return None
        return f"{self.day}T{self.time}" if self.time else self.day


NO_DATE = ParsedDate()


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        pivot = (date.today().year + 1) % 100
        year += 2000 if year <= pivot else 1900
    return year


def _time_from_match(match: re.Match[str]) -> str | None:
    hour, minute = int(match["hour"]), int(match["minute"])
    ampm = (match["ampm"] or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    if hour == 0 and minute == 0 and not (match["second"] or "").strip("0"):
        return None
    return f"{hour:02d}:{minute:02d}"


def parse_time(value: object) -> str | None:
    """``HH:MM`` from a time cell (``14:30``, ``2.30pm``, a ``time``/``datetime`` object), else None."""
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        return None if (value.hour, value.minute) == (0, 0) else f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, float) and 0 <= value < 1:  # an Excel time serial
        minutes = round(value * 24 * 60)
        return None if minutes == 0 else f"{minutes // 60:02d}:{minutes % 60:02d}"
    text = str(value or "").strip()
    match = _TIME_ONLY.fullmatch(text)
    return _time_from_match(match) if match else None


def _build(year: int, month: int, day: int, rest: str, raw: str, approximate: bool = False) -> ParsedDate:
    try:
        parsed = date(year, month, day)
    except ValueError:
        return ParsedDate(invalid=raw)
    clock = None
    rest = _SEPARATOR.sub("", rest, count=1)
    time_match = re.match(_TIME, rest, re.I)
    if time_match:
        clock = _time_from_match(time_match)
    return ParsedDate(parsed.isoformat(), clock, approximate)


def parse_date(value: object, *, allow_coarse: bool = False) -> ParsedDate:
    """Read a date (and a time, if the value carries one) from a cell or header value.

    ``allow_coarse`` accepts month-only and year-only values (prior chronologies); otherwise
    they are not dates. Anything unreadable gives ``NO_DATE``; an impossible date gives a
    ``ParsedDate`` with ``invalid`` set."""
    if value is None:
        return NO_DATE
    if isinstance(value, datetime):
        clock = parse_time(value.time())
        return ParsedDate(value.date().isoformat(), clock)
    if isinstance(value, date):
        return ParsedDate(value.isoformat())
    if isinstance(value, bool):
        return NO_DATE
    if isinstance(value, (int, float)):
        if 1 <= value < _EXCEL_MAX_SERIAL:
            moment = _EXCEL_EPOCH + timedelta(days=float(value))
            moment = moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))
            return parse_date(moment)
        return NO_DATE
    text = str(value).strip()
    if not text or len(text) > 80:
        return NO_DATE
    for pattern in (_ISO, _NUMERIC):
        match = pattern.match(text)
        if match:
            return _build(_year(match["year"]), int(match["month"]), int(match["day"]), text[match.end():], text)
    for pattern in (_DAY_MONTH_NAME, _MONTH_NAME_DAY):
        match = pattern.match(text)
        if match:
            return _build(_year(match["year"]), _MONTHS[match["mname"][:3].lower()], int(match["day"]), text[match.end():], text)
    if allow_coarse:
        match = _MONTH_YEAR.match(text)
        if match:
            return _build(int(match["year"]), _MONTHS[match["mname"][:3].lower()], 1, "", text, approximate=True)
        match = _NUMERIC_MONTH_YEAR.match(text)
        if match:
            return _build(int(match["year"]), int(match["month"]), 1, "", text, approximate=True)
        match = _YEAR.match(text)
        if match:
            return _build(int(match["year"]), 1, 1, "", text, approximate=True)
    return NO_DATE


def combine(day: ParsedDate, clock: str | None) -> ParsedDate:
    """Attach a time read from a separate Time column to a date (the date's own time wins)."""
    if day.day is None or day.time or not clock:
        return day
    return ParsedDate(day.day, clock, day.approximate)
