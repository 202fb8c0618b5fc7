"""Recognising the columns of a table export: which header holds the date, the text, the author...

The synonyms are data (``resources/column_synonyms.json``), validated when loaded. Headers are
compared after normalisation (lower case, letters and digits only), so ``Date of Event``,
``DATE_OF_EVENT`` and ``DateOfEvent`` are the same header.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from errors import CaseLensError

# The fields a worker can map explicitly (``--map field=COLUMN``): docs/internals.md.
MAPPING_FIELDS: tuple[str, ...] = (
    "date", "time", "recorded_date", "author", "note_type", "type_description", "title", "text",
    "agency", "status", "id", "person_id", "significant",
)
# Recognised by synonym only, never mapped by hand.
INTERNAL_FIELDS: tuple[str, ...] = ("deleted_flag",)
CHRONOLOGY_FIELDS: tuple[str, ...] = ("date", "age", "category", "source", "description", "analysis", "action")

_TOP_KEYS = {"_about", "note_fields", "prior_chronology_fields", "status_values", "yes_values", "no_values"}
_STATUS_KINDS = {"deleted", "draft"}
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_label(label: object) -> str:
    """``'Date of Event'``, ``'DATE_OF_EVENT'`` and ``'DateOfEvent'`` all give ``'dateofevent'``."""
    return _NOT_ALNUM.sub("", str(label if label is not None else "").replace("\ufeff", "").lower())


@dataclass(frozen=True)
class ColumnVocabulary:
    """The validated contents of ``column_synonyms.json``, normalised for matching."""

    note_fields: dict[str, tuple[str, ...]]
    chronology_fields: dict[str, tuple[str, ...]]
    deleted_values: frozenset[str]
    draft_values: frozenset[str]
    yes_values: frozenset[str]
    no_values: frozenset[str]


def _string_list(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"column_synonyms.json: {where} must be a non-empty list of names")
    return tuple(normalise_label(v) for v in value)


def _field_table(value: object, allowed: tuple[str, ...], where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ValueError(f"column_synonyms.json: {where} must be an object")
    unknown = set(value) - set(allowed)
    if unknown:
        raise ValueError(f"column_synonyms.json: unknown fields in {where}: {sorted(unknown)}")
    return {name: _string_list(names, f"{where}.{name}") for name, names in value.items()}


def parse_vocabulary(data: object) -> ColumnVocabulary:
    """Validate the synonyms document (unknown keys are an error) and normalise it."""
    if not isinstance(data, dict):
        raise ValueError("column_synonyms.json must hold an object")
    unknown = set(data) - _TOP_KEYS
    missing = _TOP_KEYS - {"_about"} - set(data)
    if unknown or missing:
        raise ValueError(f"column_synonyms.json: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    statuses = data["status_values"]
    if not isinstance(statuses, dict) or set(statuses) != _STATUS_KINDS:
        raise ValueError(f"column_synonyms.json: status_values must have exactly {sorted(_STATUS_KINDS)}")
    return ColumnVocabulary(
        note_fields=_field_table(data["note_fields"], MAPPING_FIELDS + INTERNAL_FIELDS, "note_fields"),
        chronology_fields=_field_table(data["prior_chronology_fields"], CHRONOLOGY_FIELDS, "prior_chronology_fields"),
        deleted_values=frozenset(_string_list(statuses["deleted"], "status_values.deleted")),
        draft_values=frozenset(_string_list(statuses["draft"], "status_values.draft")),
        yes_values=frozenset(_string_list(data["yes_values"], "yes_values")),
        no_values=frozenset(_string_list(data["no_values"], "no_values")),
    )


@lru_cache(maxsize=1)
def vocabulary() -> ColumnVocabulary:
    """The column vocabulary shipped in ``resources/``, loaded once."""
    text = resources.files("resources").joinpath("column_synonyms.json").read_text(encoding="utf-8")
    return parse_vocabulary(json.loads(text))


def match_columns(headers: list[str], synonyms: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Map each field to the index of the header that names it.

    Fields are taken in the order of ``synonyms`` and, within a field, the earliest synonym that
    some header matches wins; a header serves one field only."""
    normalised = [normalise_label(h) for h in headers]
    positions: dict[str, list[int]] = {}
    for index, label in enumerate(normalised):
        if label:
            positions.setdefault(label, []).append(index)
    taken: set[int] = set()
    found: dict[str, int] = {}
    for field_name, names in synonyms.items():
        for name in names:
            free = [i for i in positions.get(name, []) if i not in taken]
            if free:
                found[field_name] = free[0]
                taken.add(free[0])
                break
    return found


def validate_mapping(mapping: dict[str, str] | None) -> dict[str, str]:
    """Check an explicit mapping's fields (E112 for an unknown one) and return it normalised."""
    if not mapping:
        return {}
    result: dict[str, str] = {}
    for field_name, column in mapping.items():
        if field_name not in MAPPING_FIELDS or not isinstance(column, str) or not column.strip():
            raise CaseLensError("E112", detail=f"{field_name}={column}", fields=", ".join(MAPPING_FIELDS))
        result[field_name] = column
    return result


def apply_mapping(
    headers: list[str], found: dict[str, int], mapping: dict[str, str], file_name: str
) -> dict[str, int]:
    """Let an explicit mapping override what the synonyms found (E105 if a mapped column is absent)."""
    if not mapping:
        return found
    normalised = [normalise_label(h) for h in headers]
    result = dict(found)
    for field_name, column in mapping.items():
        wanted = normalise_label(column)
        if wanted not in normalised:
            shown = ", ".join(str(h) for h in headers[:30] if str(h).strip())
            raise CaseLensError(
                "E105", file=file_name, detail=f"the column '{column}' mapped to {field_name} is not in it; its columns are: {shown}"
            )
        index = normalised.index(wanted)
        result = {f: i for f, i in result.items() if i != index}
        result[field_name] = index
    return result
