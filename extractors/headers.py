"""The note header shapes that split a long document into notes (``resources/note_headers.jsonl``).

Each line of the data file is one of:

- ``{"macro": NAME, "pattern": ..., "about": ...}``: a regex fragment other patterns use as ``{NAME}``;
- ``{"header": name, "pattern": ..., "about": ..., "examples": [...]}``: a header line, with the
  named groups ``date`` (required), ``time``, ``type``, ``author``;
- ``{"metadata": field, "pattern": ..., "examples": [...]}``: a line that may directly follow a
  header (``Title: ...``, ``Ref: ...``) with the group ``value``.

Every example must match its own pattern; unknown keys are rejected.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from extractors.datetimes import ParsedDate, combine, parse_date, parse_time

METADATA_FIELDS = ("title", "source_note_id", "status", "recorded_date", "agency", "note_type", "author")
# A header is a short line; longer lines are never tested (and a 50 MB line costs nothing).
MAX_HEADER_CHARS = 300

_MACRO_KEYS = {"macro", "pattern", "about"}
_HEADER_KEYS = {"header", "pattern", "about", "examples"}
_METADATA_KEYS = {"metadata", "pattern", "about", "examples"}
_MACRO_USE = re.compile(r"\{([A-Z]+)\}")


@dataclass(frozen=True)
class NoteHeader:
    """What a header line says about the note under it."""

    shape: str
    date: ParsedDate
    note_type: str | None
    author: str | None


@dataclass(frozen=True)
class HeaderShapes:
    headers: tuple[tuple[str, re.Pattern[str]], ...]
    metadata: tuple[tuple[str, re.Pattern[str]], ...]


def _expand(pattern: str, macros: dict[str, str], where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise ValueError(f"note_headers.jsonl: {where} uses unknown macro {{{name}}}")
        return macros[name]

    for _ in range(5):  # macros may use earlier macros
        expanded = _MACRO_USE.sub(replace, pattern)
        if expanded == pattern:
            return expanded
        pattern = expanded
    return pattern


def parse_shapes(lines: list[str]) -> HeaderShapes:
    """Validate and compile the header shape records (one JSON object per line)."""
    macros: dict[str, str] = {}
    headers: list[tuple[str, re.Pattern[str]]] = []
    metadata: list[tuple[str, re.Pattern[str]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        where = f"line {number}"
        if not isinstance(record, dict) or not isinstance(record.get("pattern"), str):
            raise ValueError(f"note_headers.jsonl: {where} needs a 'pattern' string")
        if "macro" in record:
            if set(record) - _MACRO_KEYS:
                raise ValueError(f"note_headers.jsonl: {where} has unknown keys {sorted(set(record) - _MACRO_KEYS)}")
            macros[record["macro"]] = _expand(record["pattern"], macros, where)
            continue
        kind, allowed = ("header", _HEADER_KEYS) if "header" in record else ("metadata", _METADATA_KEYS)
        if kind not in record or set(record) - allowed:
            raise ValueError(f"note_headers.jsonl: {where} has unknown keys {sorted(set(record) - allowed)}")
        compiled = re.compile(_expand(record["pattern"], macros, where))
        if kind == "header" and "date" not in compiled.groupindex:
            raise ValueError(f"note_headers.jsonl: {where} header pattern has no 'date' group")
        if kind == "metadata" and (record["metadata"] not in METADATA_FIELDS or "value" not in compiled.groupindex):
            raise ValueError(f"note_headers.jsonl: {where} metadata must be one of {METADATA_FIELDS} with a 'value' group")
        for example in record.get("examples", []):
            if not compiled.match(example):
                raise ValueError(f"note_headers.jsonl: {where} does not match its own example {example!r}")
        (headers if kind == "header" else metadata).append((record[kind], compiled))
    if not headers:
        raise ValueError("note_headers.jsonl defines no header shapes")
    return HeaderShapes(tuple(headers), tuple(metadata))


@lru_cache(maxsize=1)
def shapes() -> HeaderShapes:
    """The header shapes shipped in ``resources/``, loaded once."""
    text = resources.files("resources").joinpath("note_headers.jsonl").read_text(encoding="utf-8")
    return parse_shapes(text.splitlines())


def _clean(value: str | None) -> str | None:
    value = (value or "").strip(" \t|-–—:")
    return value or None


def match_header(line: str) -> NoteHeader | None:
    """The header this line is, or None. ``line`` is one line/paragraph, already stripped."""
    if len(line) > MAX_HEADER_CHARS or not line[:1].isalnum() and not line.startswith("["):
        return None
    for name, pattern in shapes().headers:
        match = pattern.match(line)
        if match is None:
            continue
        groups = match.groupdict()
        parsed = parse_date(groups.get("date"))
        if parsed.day is None and parsed.invalid is None and re.match(r"\d", groups.get("date") or ""):
            continue
        parsed = combine(parsed, parse_time(groups.get("time")))
        return NoteHeader(name, parsed, _clean(groups.get("type")), _clean(groups.get("author")))
    return None


def match_metadata(line: str) -> tuple[str, str] | None:
    """``(field, value)`` when the line is a ``Title:``/``Ref:``-style metadata line."""
    if len(line) > MAX_HEADER_CHARS:
        return None
    for field_name, pattern in shapes().metadata:
        match = pattern.match(line)
        if match:
            return field_name, match.group("value").strip()
    return None
