"""What each table holds: the contracted fields (the JSON interchange), which of them are
booleans or JSON, and the conversions between Python rows and stored rows."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

# The contracted fields of each table, in interchange order.
FIELDS: dict[str, tuple[str, ...]] = {
    "people": ("id", "name", "aliases", "kind", "role", "organisation", "relationship", "side",
               "household", "contacts", "first_seen", "last_seen"),
    "mentions": ("id", "note_id", "start", "end", "text", "person_id"),
    "events": ("id", "note_id", "start", "end", "date", "precision", "approximate", "date_source",
               "type", "plan_kind", "stage", "summary", "significance", "confidence", "status",
               "people", "location", "impact", "action", "reviewed", "hidden", "duplicate_of"),
    "risks": ("id", "note_id", "start", "end", "text", "category", "cin_code", "status", "negated",
              "historical", "hypothetical", "uncertain", "experiencer", "person_id"),
    "strengths": ("id", "note_id", "start", "end", "text", "category", "status", "negated",
                  "historical", "hypothetical", "uncertain", "experiencer", "person_id"),
    "gaps": ("item", "found", "evidence"),
    "gap_evidence": ("id", "note_id", "item", "start", "end"),
}
KEYS: dict[str, str] = {"people": "id", "mentions": "id", "events": "id", "risks": "id",
                        "strengths": "id", "gaps": "item", "gap_evidence": "id"}
NOTE_FACT_TABLES = ("mentions", "events", "risks", "strengths", "gap_evidence")
CASE_FACT_TABLES = ("people", "gaps")

BOOLEANS = {"approximate", "reviewed", "hidden", "negated", "historical", "hypothetical",
            "uncertain", "household", "found", "current", "extracted", "orphaned"}
JSON_FIELDS = {"aliases", "contacts", "people", "evidence", "flags", "skipped", "warnings", "detail"}

# Defaults for contracted fields a producer may leave out (the columns are NOT NULL).
DEFAULTS: dict[str, dict[str, Any]] = {
    "people": {"aliases": [], "contacts": {"phones": [], "emails": []}},
    "events": {"approximate": False, "type": "other", "significance": 0, "status": "current",
               "people": [], "reviewed": False, "hidden": False},
    "risks": {"status": "current", "negated": False, "historical": False, "hypothetical": False,
              "uncertain": False, "experiencer": "subject"},
    "strengths": {"status": "current", "negated": False, "historical": False,
                  "hypothetical": False, "uncertain": False, "experiencer": "subject"},
    "gaps": {"found": False, "evidence": []},
    "mentions": {},
    "gap_evidence": {},
}


def utc_now() -> str:
    """The current time as ISO 8601 UTC to the second, e.g. ``2024-05-01T09:30:00Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def encode(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A fact row as given by the pipeline -> the stored row: contracted fields in their
    columns (JSON as text, booleans as 0/1), every other key in the ``extra`` JSON column."""
    fields = FIELDS[table]
    stored: dict[str, Any] = {}
    for name in fields:
        value = row.get(name, DEFAULTS[table].get(name))
        stored[name] = _to_column(name, value)
    extra = {key: value for key, value in row.items() if key not in fields and key != "extra"}
    extra.update(row.get("extra") or {})
    stored["extra"] = json.dumps(extra, ensure_ascii=False, sort_keys=True, default=_json_default)
    return stored


def _to_column(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in JSON_FIELDS:
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if name in BOOLEANS:
        return int(bool(value))
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


def decode(row: dict[str, Any], *, merge_extra: bool = True) -> dict[str, Any]:
    """A stored row -> Python values (JSON parsed, 0/1 as booleans). With ``merge_extra`` the
    ``extra`` keys join the row at top level (contracted fields win)."""
    result: dict[str, Any] = {}
    for name, value in row.items():
        if name == "extra":
            continue
        if value is not None and name in JSON_FIELDS and isinstance(value, str):
            value = json.loads(value)
        elif value is not None and name in BOOLEANS:
            value = bool(value)
        result[name] = value
    extra = row.get("extra")
    if merge_extra and extra:
        for key, value in json.loads(extra).items():
            result.setdefault(key, value)
    return result


def column_value(name: str, value: Any) -> Any:
    """One Python value -> its stored form (used for single-field updates)."""
    return _to_column(name, value)
