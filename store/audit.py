"""The audit trail: imports, extractions, exports, deletions, passphrase changes, locks.

Details never hold note text, names or passphrases: counts, ids, file paths and options only.
"""
from __future__ import annotations

import json
from typing import Any

from store.connection import Case
from store.tables import decode, utc_now

ACTIONS = frozenset({"import", "extract", "export", "delete", "passphrase_change", "lock", "unlock"})


def record(case: Case, action: str, detail: dict[str, Any]) -> None:
    """Append one audit entry (inside the caller's transaction when there is one)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; expected one of {sorted(ACTIONS)}")
    case.db.execute(
        "INSERT INTO audit (at, action, detail) VALUES (?, ?, ?)",
        (utc_now(), action, json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)),
    )


def entries(case: Case) -> list[dict[str, Any]]:
    """Every audit entry, oldest first, as ``{"at", "action", "detail"}``."""
    rows = case.db.query("SELECT at, action, detail FROM audit ORDER BY id")
    return [decode(row) for row in rows]
