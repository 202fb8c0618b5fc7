"""Temporal expressions in English text: what date each one means, and how precisely.

``find_dates(text, anchor)`` is a contracted public function (DESIGN.md → Contracts → Dates):
every temporal expression comes back as a :class:`DateMention` with its ISO value truncated to
its precision (``"2023-03-12"``, ``"2023-03"``, ``"2023"``) and an ``approximate`` flag.

How expressions are read:

- UK order, day first, always: ``03/04/2023`` is 3 April 2023; ``03/25/2023`` is not a date.
- A two-digit year takes the century that puts it nearest the anchor (today without one).
- A weekday, a day-month or a month without a year is the most recent past occurrence relative
  to the anchor, or the next one when its clause is about the future ("will", "is due"...).
- Relative expressions ("yesterday", "last Friday", "two weeks ago") are resolved against the
  anchor (the note's date); with no anchor they are still found, with ``value=None``.
  Expressions relative to an earlier date in the text ("the following day", "two days later")
  count from the last day-precision date before them, else from the anchor.
- Hedged or vague expressions ("early 2019", "around March", "last week", "a few days ago")
  are ``approximate``.
- Times, money, phone and NHS numbers, postcodes and police collar numbers are never dates, and
  a bare four-digit number is a year only where the wording says so ("in 2019", "(2019)").

The words (months, weekdays, number words, cue words) live in ``resources/date_lexicon.json``;
the shapes are compiled once here. No dateparser: everything is a handful of compiled regexes.
"""
from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from nlp import doc_ext

doc_ext.register()

LEXICON_FILE = "date_lexicon.json"

DAY, MONTH, YEAR = "day", "month", "year"


class DateMention(NamedTuple):
    """One temporal expression: ``text[start:end]`` means ``value`` (``None`` if unresolvable)."""

    start: int
    end: int
    value: str | None
    precision: str
    approximate: bool


class DateLexiconError(ValueError):
    """The date lexicon file is malformed (a packaging fault, not a user error)."""


@dataclass(frozen=True)
class DateLexicon:
    """The words the date finder knows, as loaded from ``resources/date_lexicon.json``."""

    months: dict[str, int]
    ambiguous_month_words: tuple[str, ...]
    weekdays: dict[str, int]
    number_words: dict[str, int]
    fuzzy_number_words: dict[str, int]
    hedges: tuple[str, ...]
    period_modifiers: tuple[str, ...]
    year_cues: tuple[str, ...]
    month_cues: tuple[str, ...]
    future_cues: tuple[str, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DateLexicon:
        """Validate and build; unknown or missing keys and wrong value types are rejected."""
        expected = set(cls.__dataclass_fields__)
        if not isinstance(data, dict):
            raise DateLexiconError("the date lexicon must be a JSON object")
        unknown, missing = set(data) - expected, expected - set(data)
        if unknown or missing:
            raise DateLexiconError(
                f"date lexicon keys wrong: unknown {sorted(unknown)}, missing {sorted(missing)}"
            )
        mappings = {"months": (1, 12), "weekdays": (0, 6), "number_words": (1, 1000),
                    "fuzzy_number_words": (1, 1000)}
        values: dict[str, Any] = {}
        for key in expected:
            value = data[key]
            if key in mappings:
                low, high = mappings[key]
                if not isinstance(value, dict) or not all(
                    isinstance(k, str) and k and isinstance(v, int) and low <= v <= high
                    for k, v in value.items()
                ):
                    raise DateLexiconError(f"date lexicon '{key}' must map words to {low}..{high}")
                values[key] = {k.lower(): v for k, v in value.items()}
            else:
                if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                    raise DateLexiconError(f"date lexicon '{key}' must be a list of words")
                values[key] = tuple(v.lower() for v in value)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return {key: (list(value) if isinstance(value, tuple) else dict(value))
                for key, value in self.__dict__.items()}


def load_lexicon() -> DateLexicon:
    """The packaged lexicon, located with importlib.resources."""
    text = resources.files("resources").joinpath(LEXICON_FILE).read_text(encoding="utf-8")
    return DateLexicon.from_dict(json.loads(text))


# --- small date arithmetic -----------------------------------------------------------------

def _iso(day: date, precision: str) -> str:
    if precision == DAY:
        return day.isoformat()
    if precision == MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return f"{day.year:04d}"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _add_years(day: date, years: int) -> date:
    return _add_months(day, 12 * years)


def _valid(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _expand_year(two_digits: int, reference: date) -> int:
    """The four-digit year ending in ``two_digits`` nearest ``reference`` (ties go to the past)."""
    century = reference.year - reference.year % 100
    candidates = (century - 100 + two_digits, century + two_digits, century + 100 + two_digits)
    return min(candidates, key=lambda y: (abs(y - reference.year), y > reference.year))


def _day_month_occurrence(month: int, day: int, anchor: date, future: bool,
                          weekday: int | None = None) -> date | None:
    """Most recent (or, for the future, next) ``day month`` relative to ``anchor``.

    With a ``weekday`` ("Monday 12th March") the occurrence must fall on that weekday; the
    search looks up to 28 years away, the weekday calendar's full cycle.
    """
    step = 1 if future else -1
    year = anchor.year
    for _ in range(29):
        if _valid(year, month, day):
            candidate = date(year, month, day)
            in_direction = candidate >= anchor if future else candidate <= anchor
            if in_direction and (weekday is None or candidate.weekday() == weekday):
                return candidate
        year += step
    return None


def _weekday_occurrence(weekday: int, anchor: date, relation: str, future: bool) -> date:
    """The weekday named with an optional "last"/"next"/"this" relative to ``anchor``."""
    if relation in ("last", "past", "previous", "this past"):
        back = (anchor.weekday() - weekday) % 7 or 7
        return anchor - timedelta(days=back)
    if relation in ("next", "coming", "this coming"):
        ahead = (weekday - anchor.weekday()) % 7 or 7
        return anchor + timedelta(days=ahead)
    if relation == "this" or future:
        ahead = (weekday - anchor.weekday()) % 7
        if relation != "this" and ahead == 0:
            ahead = 7
        if relation == "this" and not future:
            back = (anchor.weekday() - weekday) % 7
            return anchor - timedelta(days=back) if back <= 3 else anchor + timedelta(days=ahead)
        return anchor + timedelta(days=ahead)
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


# --- matching ------------------------------------------------------------------------------

class _Context:
    """What a resolver needs: the anchor and the last day-precision date seen so far."""

    __slots__ = ("anchor", "previous_day")

    def __init__(self, anchor: date | None) -> None:
        self.anchor = anchor
        self.previous_day: date | None = None

    @property
    def reference(self) -> date:
        return self.anchor or date.today()


Resolution = tuple[str | None, str, bool]
Resolver = Callable[[_Context], Resolution]


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    resolve: Resolver | None  # None: a blocker (a time, a phone number, an invalid date)


def _alternation(words: Iterable[str], reverse: bool = False) -> str:
    """The words as one regex group built as a prefix tree, so a failed match fails fast.

    Spaces inside a phrase match any run of whitespace. With ``reverse`` the words are spelled
    backwards, for matching against reversed text (a fast "does the text end with...").
    """
    tree: dict[str, dict] = {}
    for word in words:
        word = " ".join(word.lower().split())
        node = tree
        for char in word[::-1] if reverse else word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [(r"\s+" if char == " " else re.escape(char)) + build(child)
                    for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    first = "".join(re.escape(char) for char in sorted(tree) if char and char != " ")
    guard = f"(?=[{first}])" if first and " " not in tree else ""
    return f"(?:{guard}{build(tree)})"


_UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14}


class DateFinder:
    """Finds dates in text (and is the ``caselens_dates`` spaCy component).

    As a component it sets ``doc._.dates = find_dates(doc.text, doc._.note_date)``.
    """

    #: Words before a weekday or month that fix which one is meant ("last Friday", "next March").
    _RELATIONS = ("this coming", "this past", "last", "next", "this", "coming", "past", "previous")
    #: Words that make "12/03" (no year) a date rather than a fraction or a score.
    _DAY_MONTH_CUES = ("on", "dated", "from", "until", "till", "since", "by", "before", "after", "w/c",
                       "wc", "be", "is", "for", "due", "and", "to")
    #: Words before a number that make it a reference, not a year ("PC 1234", "Room 2019").
    _REFERENCE_WORDS = ("pc", "pcso", "dc", "ps", "ds", "di", "dci", "sgt", "ref", "reference", "no",
                        "tel", "mob", "room", "flat", "unit", "case", "id", "nhs", "collar",
                        "badge", "house", "number", "crime", "incident", "log")

    def __init__(self, lexicon: DateLexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        self._compile()

    # spaCy component protocol ------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        doc._.dates = self.find(doc_ext.doc_text(doc), doc._.note_date)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / LEXICON_FILE).write_text(
            json.dumps(self.lexicon.to_dict(), indent=1, sort_keys=True), encoding="utf-8"
        )

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> DateFinder:
        data = json.loads((Path(path) / LEXICON_FILE).read_text(encoding="utf-8"))
        self.lexicon = DateLexicon.from_dict(data)
        self._compile()
        return self

    # the finder --------------------------------------------------------------------------
    def _compile(self) -> None:
        lex = self.lexicon
        flags = re.IGNORECASE
        month = rf"(?P<mon>\b(?:{_alternation(lex.months)}))(?![a-z])"
        weekday_full = _alternation(w for w in lex.weekdays if len(w) > 4)
        numbers = _alternation(list(lex.number_words) + list(lex.fuzzy_number_words))
        hedge = _alternation(lex.hedges)
        year4 = r"(?:19|20)\d{2}"
        end_num = r"(?![\w:/]|[.,]\d)"
        start_num = r"(?<![\w£$€#/.:\-])"

        # "Does the text before a date end with...": matched on the reversed text, at its start.
        self._prefix_re = re.compile(
            rf"(?:\s+eht)?(?:\s+(?:fo|ni))?(?:\s*-\s*|\s+)"
            rf"{_alternation(lex.hedges + lex.period_modifiers, reverse=True)}\b", flags)
        self._year_cue_re = re.compile(
            rf"\s*(?:{_alternation(lex.year_cues, reverse=True)}\b|\()", flags)
        self._month_cue_re = re.compile(rf"\s*{_alternation(lex.month_cues, reverse=True)}\b", flags)
        self._year_range_re = re.compile(r"\s*(?:-|–|ot|dna|litnu|llit|ro)\s*\d\d(?:91|02)(?!\d)", flags)
        word_cues = [c for c in lex.future_cues if c[0].isalnum()]
        other_cues = [c for c in lex.future_cues if not c[0].isalnum()]
        self._future_re = re.compile(
            rf"(?:(?<![\w']){_alternation(word_cues)}|{_alternation(other_cues)})(?!\w)", flags)
        # Words just before a match, read backwards: "Monday, the" 12th; "last" Friday; "about" 2 weeks ago
        self._weekday_before_re = re.compile(
            rf"(?:\s+eht)?\s+,?\.?(?P<wd>{_alternation(lex.weekdays, reverse=True)})\b", flags)
        self._relation_before_re = re.compile(
            rf"\s+(?P<rel>{_alternation(self._RELATIONS, reverse=True)})\b", flags)
        self._hedge_before_re = re.compile(rf"\s+{_alternation(lex.hedges, reverse=True)}\b", flags)
        self._day_month_cue_before_re = re.compile(
            rf"\s+{_alternation(self._DAY_MONTH_CUES, reverse=True)}\b", flags)
        self._year_range_after_re = re.compile(rf"\s*(?:-|–|to)\s*{year4}(?!\d)", flags)
        self._month_range_after_re = re.compile(
            rf"\s*(?:-|–|to|and|until|till|through)\s*(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?"
            rf"(?P<mon>{_alternation(lex.months)})\.?,?\s+(?P<y>{year4})(?!\d)", flags)

        # (pattern, handler, words one of which the text must hold for the pattern to run at all)
        self._patterns: list[tuple[re.Pattern[str], Callable[[re.Match[str]], _Candidate | None],
                                   tuple[str, ...]]] = [
            # 12/03/2023, 12.3.23, 12-03-2023
            (re.compile(rf"{start_num}(?P<d>\d{{1,2}})(?P<sep>[/.\-])(?P<m>\d{{1,2}})(?P=sep)"
                        rf"(?P<y>\d{{4}}|\d{{2}}){end_num}"), self._numeric_dmy, ()),
            # 2023-03-12 (also with a time: 2023-03-12T14:30)
            (re.compile(rf"{start_num}(?P<y>{year4})(?P<sep>[/.\-])(?P<m>\d{{1,2}})(?P=sep)"
                        rf"(?P<d>\d{{1,2}})(?![0-9:/A-SU-Za-su-z]|[.,]\d)"), self._iso, ()),
            # 03/2023
            (re.compile(rf"{start_num}(?P<m>\d{{1,2}})[/.\-](?P<y>{year4}){end_num}"),
             self._numeric_month_year, ()),
            # on 12/03 (a day-month with no year, only after "on"/"dated"...)
            (re.compile(rf"{start_num}(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}}){end_num}"), self._numeric_day_month, ()),
            # [Monday] 12th [of] March [2023]
            (re.compile(rf"{start_num}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+{month}"
                        rf"(?:\.(?=\s*'?\d))?(?:,?[\s\-]+(?P<y>{year4}|'?\d{{2}}){end_num})?", flags),
             self._day_month, ()),
            # 12-14 March 2023, 1st to 3rd of March
            (re.compile(rf"{start_num}(?P<d1s>(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?)\s*(?:-|–|to|and|&)\s*"
                        rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+{month}"
                        rf"(?:,?[\s\-]+(?P<y>{year4}){end_num})?", flags), self._day_range, ()),
            # [Monday] March 12th [2023]
            (re.compile(rf"{month}\.?\s+(?:the\s+)?"
                        rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?{end_num}"
                        rf"(?:,?\s+(?P<y>{year4}|'\d{{2}}){end_num})?", flags), self._day_month, ()),
            # March 2023, Mar-23, Mar '23
            (re.compile(rf"{month}\.?(?:,?\s+(?:of\s+)?(?P<y>{year4})|\s*(?:-|')\s*(?P<yy>\d{{2}}))"
                        rf"{end_num}", flags), self._month_year, ()),
            # [last|next|this] March
            (re.compile(month, flags),
             self._bare_month, ()),
            # 2019 (with a cue)
            (re.compile(rf"(?:(?<=(?:19|20)\d\d-)|(?<![\w£$€#/.:])(?<!\d-))(?P<y>{year4})"
                        rf"(?![\w%/:]|-(?!{year4})|[.,]\d|\s*(?:%|per\s*cent))"), self._bare_year, ()),
            # today, yesterday, last night...
            (re.compile(r"\b(?:(?P<dby>the\s+day\s+before\s+yesterday)|(?P<dat>the\s+day\s+after\s+tomorrow)"
                        r"|(?P<word>today|tonight|yesterday|tomorrow)(?:\s+(?:morning|afternoon|evening|night))?"
                        r"|(?P<this>this\s+(?:morning|afternoon|evening)|(?:earlier|later)\s+today)"
                        r"|(?P<lastnight>last\s+night))\b", flags), self._deictic, ("to", "yesterday", "morning", "afternoon", "evening", "night")),
            # [last|next|this] Friday [morning]
            (re.compile(rf"\b(?P<wd>{weekday_full})(?!\w)(?:\s+(?:morning|afternoon|evening|night))?",
                        flags), self._weekday, ("day",)),
            # [about] two weeks ago, a fortnight ago
            (re.compile(rf"\b(?:(?P<n>\d{{1,3}}|{numbers})\s+"
                        rf"(?P<unit>day|week|fortnight|month|year)s?|(?P<fortnight>a\s+fortnight))"
                        rf"\s+ago\b", flags), self._ago, ("ago",)),
            # in two weeks['] [time]
            (re.compile(rf"\bin\s+(?:(?P<hedge>{hedge})\s+)?(?:(?P<n>\d{{1,3}}|{numbers})\s+"
                        rf"(?P<unit>day|week|fortnight|month|year)s?|(?P<fortnight>a\s+fortnight))"
                        rf"(?:['’]?s?\s+time)?\b", flags), self._in_future, ("in",)),
            # two days later, three weeks earlier
            (re.compile(rf"\b(?P<n>\d{{1,3}}|{numbers})\s+"
                        rf"(?P<unit>day|week|fortnight|month|year)s?\s+(?P<dir>later|afterwards|earlier|previously|"
                        rf"beforehand|(?:after|before)(?=\s*(?:[.,;:!?)]|$)))\b", flags), self._offset_from_previous, ("later", "after", "earlier", "before", "previous")),
            # the following day, the day before, the same day
            (re.compile(r"\b(?:the\s+(?P<nextday>following|next)\s+(?P<unit1>day|morning|week)"
                        r"|the\s+(?P<prevday>previous|preceding)\s+(?P<unit2>day|evening|night|week)"
                        r"|the\s+(?P<unit3>day|week)\s+(?P<dir>before|after)"
                        r"|(?P<same>the\s+same\s+day|that\s+(?:same\s+)?day))\b", flags), self._sequence, ("day", "morning", "evening", "night", "week")),
            # last week, next month, earlier this year, this weekend
            (re.compile(r"\b(?P<rel>last|next|this|the\s+past|the\s+last|past|earlier\s+this|later\s+this"
                        r"|the\s+previous|the\s+following|the\s+next|over\s+the)\s+"
                        r"(?P<unit>week(?:end)?|month|year|fortnight)\b", flags), self._period,
             ("week", "month", "year", "fortnight")),
            # last summer, this Christmas
            (re.compile(r"\b(?P<rel>last|next|this|over\s+the|during\s+the)\s+"
                        r"(?P<season>spring|summer|autumn|winter|christmas|easter)\b(?!\s*(?:of\s+)?(?:19|20)\d\d)", flags),
             self._season,
             ("spring", "summer", "autumn", "winter", "christmas", "easter")),
            # never dates: times, money, collar and reference numbers, phone and NHS numbers, ages
            (re.compile(r"(?<![\w.:])\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*[ap]\.?m\b\.?)?(?![\w:]|\.\d)"
                        r"|(?<![\w.:])\d{1,2}\s*[ap]\.?m\b\.?", flags), self._blocker, ()),
            (re.compile(r"[£$€]\s?\d[\d,]*(?:\.\d+)?"), self._blocker, ("£", "$", "€")),
            (re.compile(rf"\b{_alternation(self._REFERENCE_WORDS)}\.?\s*(?:no\.?|number)?\s*[:#]?\s*"
                        rf"\d+(?![\d/.\-:])|\bage[ds]?\s+\d+", flags), self._blocker, ()),
            (re.compile(r"(?:\+44\s?\(?0?\)?\s?|(?<!\w)0)\d{2,4}[\s\-]?\d{3,4}[\s\-]?\d{3,4}\b"
                        r"|(?<!\w)\d{3}[\s\-]\d{3}[\s\-]\d{4}\b"), self._blocker, ()),
            (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b"), self._blocker, ()),
        ]

    def find(self, text: str, anchor: date | None) -> list[DateMention]:
        """Every temporal expression in ``text``, sorted, non-overlapping (longest wins)."""
        candidates: list[_Candidate] = []
        lowered = text.lower()
        for pattern, handler, needs in self._patterns:
            if needs and not any(word in lowered for word in needs):
                continue
            for match in pattern.finditer(text):
                found = handler(match)
                if isinstance(found, list):
                    candidates.extend(found)
                elif found is not None:
                    candidates.append(found)
        candidates.sort(key=lambda c: (c.start, -(c.end - c.start)))
        context = _Context(anchor)
        mentions: list[DateMention] = []
        taken_until = -1
        for candidate in candidates:
            if candidate.start < taken_until:
                continue
            taken_until = candidate.end
            if candidate.resolve is None:
                continue
            value, precision, approximate = candidate.resolve(context)
            if value is not None and precision == DAY:
                context.previous_day = date.fromisoformat(value)
            mentions.append(DateMention(candidate.start, candidate.end, value, precision, approximate))
        return mentions

    # helpers used by handlers ------------------------------------------------------------
    @staticmethod
    def _before(regex: re.Pattern[str], text: str, start: int) -> re.Match[str] | None:
        """``regex`` (written backwards) matched against the text just before ``start``."""
        return regex.match(text[max(0, start - 40):start][::-1])

    def _with_prefix(self, match: re.Match[str]) -> tuple[int, bool]:
        """Start of the expression including a hedge ("around", "early", "the end of")."""
        start = match.start()
        prefix = self._before(self._prefix_re, match.string, start)
        if prefix is None:
            return start, False
        return start - prefix.end(), True

    def _is_future(self, text: str, start: int, end: int) -> bool:
        """Is the clause holding ``text[start:end]`` about the future?"""
        left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind(";", 0, start),
                   text.rfind("? ", 0, start), text.rfind("! ", 0, start))
        rights = [i for i in (text.find(". ", end), text.find("\n", end), text.find(";", end))
                  if i != -1]
        right = min(rights) if rights else len(text)
        clause = text[left + 1:right]
        offset = left + 1
        for but in re.finditer(r"\bbut\b|\bhowever\b|\bwhereas\b", clause, re.IGNORECASE):
            if but.start() + offset < start:
                clause, offset = clause[but.end():], offset + but.end()
                break
        for but in re.finditer(r"\bbut\b|\bhowever\b|\bwhereas\b", clause, re.IGNORECASE):
            clause = clause[:but.start()]
            break
        for cue in self._future_re.finditer(clause):
            if not re.search(r"\bthe\s+$", clause[max(0, cue.start() - 6):cue.start()], re.IGNORECASE):
                return True  # "the next day" is a step in a story, not the future
        return False

    def _month_number(self, word: str, bare: bool) -> int | None:
        lowered = word.lower()
        if word.islower() and lowered in self.lexicon.ambiguous_month_words and bare:
            return None
        return self.lexicon.months.get(lowered.rstrip("."))

    @staticmethod
    def _year(text: str, reference: date) -> int:
        digits = text.lstrip("'")
        return int(digits) if len(digits) == 4 else _expand_year(int(digits), reference)

    def _weekday_number(self, word: str | None) -> int | None:
        return None if word is None else self.lexicon.weekdays.get(word.lower())

    # handlers: each turns a match into a candidate -----------------------------------------
    @staticmethod
    def _blocker(match: re.Match[str]) -> _Candidate:
        return _Candidate(match.start(), match.end(), None)

    def _fixed(self, match: re.Match[str], year: int, month: int, day: int | None,
               start: int | None = None, approximate: bool = False,
               end: int | None = None) -> _Candidate:
        start = match.start() if start is None else start
        end = match.end() if end is None else end
        if day is None:
            if not 1 <= month <= 12:
                return _Candidate(start, end, None)
            value, precision = f"{year:04d}-{month:02d}", MONTH
        elif not _valid(year, month, day):
            return _Candidate(start, end, None)
        else:
            value, precision = date(year, month, day).isoformat(), DAY
        return _Candidate(start, end, lambda ctx: (value, precision, approximate))

    def _numeric_dmy(self, match: re.Match[str]) -> _Candidate:
        d, m, y = int(match["d"]), int(match["m"]), match["y"]
        if len(y) == 4:
            start, approx = self._with_prefix(match)
            return self._fixed(match, int(y), m, d, start, approx)

        def resolve(ctx: _Context) -> Resolution:
            year = _expand_year(int(y), ctx.reference)
            return date(year, m, d).isoformat(), DAY, False

        if not _valid(2000, m, d) or (m, d) == (2, 29) and int(y) % 4:
            return _Candidate(match.start(), match.end(), None)
        return _Candidate(match.start(), match.end(), resolve)

    def _iso(self, match: re.Match[str]) -> _Candidate:
        return self._fixed(match, int(match["y"]), int(match["m"]), int(match["d"]))

    def _numeric_month_year(self, match: re.Match[str]) -> _Candidate:
        start, approx = self._with_prefix(match)
        return self._fixed(match, int(match["y"]), int(match["m"]), None, start, approx)

    def _numeric_day_month(self, match: re.Match[str]) -> _Candidate | None:
        if self._before(self._day_month_cue_before_re, match.string, match.start()) is None:
            return None
        d, m = int(match["d"]), int(match["m"])
        if not _valid(2000, m, d):
            return _Candidate(match.start(), match.end(), None)
        return self._floating_day(match, match.start(), m, d, None, False)

    def _floating_day(self, match: re.Match[str], start: int, month: int, day: int,
                      weekday: int | None, approximate: bool, end: int | None = None) -> _Candidate:
        """A day-month with no year: resolved by tense against the anchor."""
        text, end = match.string, match.end() if end is None else end

        def resolve(ctx: _Context) -> Resolution:
            if ctx.anchor is None:
                return None, DAY, approximate
            future = self._is_future(text, start, end)
            found = _day_month_occurrence(month, day, ctx.anchor, future, weekday)
            if found is None and weekday is not None:
                found = _day_month_occurrence(month, day, ctx.anchor, future)
            return (found.isoformat() if found else None), DAY, approximate

        return _Candidate(start, end, resolve)

    def _day_month(self, match: re.Match[str]) -> _Candidate | None:
        month = self._month_number(match["mon"], bare=match["y"] is None)
        if month is None:
            return None
        named_day = self._before(self._weekday_before_re, match.string, match.start())
        if named_day is None:
            start, approx = self._with_prefix(match)
            weekday = None
        else:
            start, approx = match.start() - named_day.end(), False
            weekday = self._weekday_number(named_day["wd"][::-1])
        return self._day_of_month(match, start, match.end(), int(match["d"]), month, match["y"],
                                  weekday, approx)

    def _day_range(self, match: re.Match[str]) -> list[_Candidate] | None:
        """"12-14 March 2023": both ends of the range, each its own date."""
        month = self._month_number(match["mon"], bare=match["y"] is None)
        if month is None:
            return None
        start, approx = self._with_prefix(match)
        return [
            self._day_of_month(match, start, match.end("d1s"), int(match["d1"]), month, match["y"],
                               None, approx),
            self._day_of_month(match, match.start("d"), match.end(), int(match["d"]), month,
                               match["y"], None, approx),
        ]

    def _day_of_month(self, match: re.Match[str], start: int, end: int, day: int, month: int,
                      year_text: str | None, weekday: int | None, approx: bool) -> _Candidate:
        if not _valid(2000, month, day):
            return _Candidate(start, end, None)
        if year_text is None:
            return self._floating_day(match, start, month, day, weekday, approx, end)
        if len(year_text.lstrip("'")) == 4:
            return self._fixed(match, int(year_text), month, day, start, approx, end)

        def resolve(ctx: _Context) -> Resolution:
            year = self._year(year_text, ctx.reference)
            if not _valid(year, month, day):
                return None, DAY, approx
            return date(year, month, day).isoformat(), DAY, approx

        return _Candidate(start, end, resolve)

    def _month_year(self, match: re.Match[str]) -> _Candidate | None:
        month = self._month_number(match["mon"], bare=False)
        if month is None:
            return None
        start, approx = self._with_prefix(match)
        if match["y"]:
            return self._fixed(match, int(match["y"]), month, None, start, approx)
        two = match["yy"]
        return _Candidate(start, match.end(), lambda ctx: (
            f"{self._year(two, ctx.reference):04d}-{month:02d}", MONTH, approx))

    def _bare_month(self, match: re.Match[str]) -> _Candidate | None:
        month = self._month_number(match["mon"], bare=True)
        if month is None:
            return None
        related = self._before(self._relation_before_re, match.string, match.start())
        relation = related["rel"][::-1].lower().split() if related else []
        if related and relation[-1] in ("previous",):
            relation = ["last"]
        start, approx = self._with_prefix(match)
        if related:
            start = match.start() - related.end()
        range_end = self._month_range_after_re.match(match.string, match.end())
        if range_end is not None and not relation:
            # "January to March 2022": the first month takes the year the range ends in.
            last_month = self.lexicon.months[range_end["mon"].lower()]
            year = int(range_end["y"]) - (1 if month > last_month else 0)
            return self._fixed(match, year, month, None, start, approx)
        if not relation and not approx:
            before = match.string[max(0, match.start() - 20):match.start()]
            if self._month_cue_re.match(before[::-1]) is None:
                return None
        text, end = match.string, match.end()

        def resolve(ctx: _Context) -> Resolution:
            if ctx.anchor is None:
                return None, MONTH, approx
            anchor = ctx.anchor
            if relation[-1:] == ["last"] or relation[-1:] == ["past"]:
                year = anchor.year if month < anchor.month else anchor.year - 1
            elif relation[-1:] in (["next"], ["coming"]):
                year = anchor.year if month > anchor.month else anchor.year + 1
            elif relation == ["this"]:
                year = anchor.year
            elif self._is_future(text, start, end):
                year = anchor.year if month >= anchor.month else anchor.year + 1
            else:
                year = anchor.year if month <= anchor.month else anchor.year - 1
            return f"{year:04d}-{month:02d}", MONTH, approx

        return _Candidate(start, end, resolve)

    def _bare_year(self, match: re.Match[str]) -> _Candidate | None:
        text = match.string
        start, approx = self._with_prefix(match)
        before = text[max(0, match.start() - 20):match.start()]
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line = text[line_start:line_end if line_end != -1 else len(text)]
        cued = (
            approx
            or self._year_cue_re.match(before[::-1]) is not None
            or self._year_range_re.match(before[::-1]) is not None
            or self._year_range_after_re.match(text, match.end()) is not None
            or line.strip(" \t.()") == match["y"]
        )
        if not cued:
            return None
        value = match["y"]
        return _Candidate(start, match.end(), lambda ctx: (value, YEAR, approx))

    def _deictic(self, match: re.Match[str]) -> _Candidate:
        if match["dby"]:
            days = -2
        elif match["dat"]:
            days = 2
        elif match["lastnight"]:
            days = -1
        elif match["this"]:
            days = 0
        else:
            days = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[match["word"].lower()]

        def resolve(ctx: _Context) -> Resolution:
            if ctx.anchor is None:
                return None, DAY, False
            return (ctx.anchor + timedelta(days=days)).isoformat(), DAY, False

        return _Candidate(match.start(), match.end(), resolve)

    def _weekday(self, match: re.Match[str]) -> _Candidate:
        weekday = self.lexicon.weekdays[match["wd"].lower()]
        related = self._before(self._relation_before_re, match.string, match.start())
        relation = " ".join(related["rel"][::-1].lower().split()) if related else ""
        text, end = match.string, match.end()
        start = match.start() - related.end() if related else match.start()

        def resolve(ctx: _Context) -> Resolution:
            if ctx.anchor is None:
                return None, DAY, False
            future = not relation and self._is_future(text, start, end)
            found = _weekday_occurrence(weekday, ctx.anchor, relation, future)
            return found.isoformat(), DAY, False

        return _Candidate(start, end, resolve)

    @staticmethod
    def _shift(day: date, amount: int, unit: str) -> tuple[date, str]:
        if unit in _UNIT_DAYS:
            return day + timedelta(days=amount * _UNIT_DAYS[unit]), DAY
        if unit == "month":
            return _add_months(day, amount), MONTH
        return _add_years(day, amount), YEAR

    def _relative_count(self, match: re.Match[str], sign: int, start: int, hedged: bool) -> _Candidate:
        """"two weeks ago" (sign -1) or "in two weeks" (sign +1), from the anchor."""
        if match["fortnight"]:
            count, fuzzy, unit = 1, hedged, "fortnight"
        else:
            count, fuzzy = self._count_plain(match, hedged)
            unit = match["unit"].lower()
        precision = DAY if unit in _UNIT_DAYS else (MONTH if unit == "month" else YEAR)

        def resolve(ctx: _Context) -> Resolution:
            if ctx.anchor is None:
                return None, precision, fuzzy
            day, precision_ = self._shift(ctx.anchor, sign * count, unit)
            return _iso(day, precision_), precision_, fuzzy

        return _Candidate(start, match.end(), resolve)

    def _hedged_start(self, match: re.Match[str]) -> tuple[int, bool]:
        hedge = self._before(self._hedge_before_re, match.string, match.start())
        return (match.start() - hedge.end(), True) if hedge else (match.start(), False)

    def _ago(self, match: re.Match[str]) -> _Candidate:
        return self._relative_count(match, -1, *self._hedged_start(match))

    def _in_future(self, match: re.Match[str]) -> _Candidate:
        return self._relative_count(match, +1, match.start(), bool(match["hedge"]))

    def _offset_from_previous(self, match: re.Match[str]) -> _Candidate:
        start, hedged = self._hedged_start(match)
        count, fuzzy = self._count_plain(match, hedged)
        unit = match["unit"].lower()
        sign = 1 if match["dir"].lower().startswith(("later", "after")) else -1
        return self._from_previous(start, match.end(), sign * count, unit, fuzzy)

    def _count_plain(self, match: re.Match[str], hedged: bool) -> tuple[int, bool]:
        raw = re.sub(r"\s+", " ", match["n"].lower())
        fuzzy = hedged or raw in self.lexicon.fuzzy_number_words
        if raw.isdigit():
            return int(raw), fuzzy
        return self.lexicon.number_words.get(raw) or self.lexicon.fuzzy_number_words[raw], fuzzy

    def _from_previous(self, start: int, end: int, amount: int, unit: str,
                       approximate: bool) -> _Candidate:
        precision = DAY if unit in _UNIT_DAYS else (MONTH if unit == "month" else YEAR)

        def resolve(ctx: _Context) -> Resolution:
            base = ctx.previous_day or ctx.anchor
            if base is None:
                return None, precision, approximate
            day, precision_ = self._shift(base, amount, unit)
            return _iso(day, precision_), precision_, approximate

        return _Candidate(start, end, resolve)

    def _sequence(self, match: re.Match[str]) -> _Candidate:
        if match["nextday"]:
            unit = match["unit1"].lower()
            amount, unit = (1, "week") if unit == "week" else (1, "day")
        elif match["prevday"]:
            unit = match["unit2"].lower()
            amount, unit = (-1, "week") if unit == "week" else (-1, "day")
        elif match["unit3"]:
            amount = 1 if match["dir"].lower() == "after" else -1
            unit = match["unit3"].lower()
        else:
            amount, unit = 0, "day"
        return self._from_previous(match.start(), match.end(), amount, unit, unit == "week")

    #: The month a season or holiday (mostly) falls in, to tell "last summer" from "this summer".
    _SEASON_MONTH = {"spring": 4, "easter": 4, "summer": 7, "autumn": 10, "winter": 1, "christmas": 12}

    def _season(self, match: re.Match[str]) -> _Candidate:
        """"last summer": the year of the most recent summer before the anchor (approximate)."""
        relation = match["rel"].lower().split()[0]
        month = self._SEASON_MONTH[match["season"].lower()]
        text, start, end = match.string, match.start(), match.end()

        def resolve(ctx: _Context) -> Resolution:
            anchor = ctx.anchor
            if anchor is None:
                return None, YEAR, True
            if relation == "last":
                year = anchor.year if month < anchor.month else anchor.year - 1
            elif relation == "next":
                year = anchor.year if month > anchor.month else anchor.year + 1
            elif relation == "this" and self._is_future(text, start, end):
                year = anchor.year if month >= anchor.month else anchor.year + 1
            else:
                year = anchor.year if month <= anchor.month + 1 else anchor.year - 1
            return f"{year:04d}", YEAR, True

        return _Candidate(start, end, resolve)

    def _period(self, match: re.Match[str]) -> _Candidate:
        relation = " ".join(match["rel"].lower().split())
        unit = match["unit"].lower()
        text, start, end = match.string, match.start(), match.end()
        if relation in ("the previous", "the following", "the next"):
            amount = -1 if relation == "the previous" else 1
            step = "week" if unit in ("week", "weekend") else unit
            return self._from_previous(start, end, amount, step, step in ("week", "fortnight"))
        amount = {"last": -1, "the past": -1, "the last": -1, "past": -1, "next": 1}.get(relation, 0)
        vague = relation in ("earlier this", "later this", "the past", "the last", "past",
                             "over the") or unit in ("week", "weekend", "fortnight")

        def resolve(ctx: _Context) -> Resolution:
            anchor = ctx.anchor
            if unit == "weekend":
                if anchor is None:
                    return None, DAY, True
                saturday_back = (anchor.weekday() - 5) % 7
                if amount == -1:
                    day = anchor - timedelta(days=saturday_back if saturday_back > 1 else saturday_back + 7)
                elif amount == 1 or (amount == 0 and self._is_future(text, start, end)
                                     and saturday_back > 1):
                    day = anchor + timedelta(days=(5 - anchor.weekday()) % 7 + (7 if amount == 1 else 0))
                else:
                    day = anchor - timedelta(days=saturday_back)
                return day.isoformat(), DAY, True
            precision = DAY if unit in _UNIT_DAYS else (MONTH if unit == "month" else YEAR)
            if anchor is None:
                return None, precision, vague
            day, precision = self._shift(anchor, amount, unit)
            return _iso(day, precision), precision, vague

        return _Candidate(start, end, resolve)


@lru_cache(maxsize=1)
def _default_finder() -> DateFinder:
    return DateFinder()


def find_dates(text: str, anchor: date | None) -> list[DateMention]:
    """Every temporal expression in ``text`` resolved against ``anchor`` (see module docstring)."""
    return _default_finder().find(text, anchor)


@Language.factory("caselens_dates")
def make_date_finder(nlp: Language, name: str) -> DateFinder:
    """Sets ``doc._.dates`` from ``doc.text`` and ``doc._.note_date``."""
    return DateFinder()
