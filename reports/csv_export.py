"""The chronology as CSV: one row per exported event with the Word table's columns.

Written as UTF-8 with a byte-order mark so Excel shows accents and "£" correctly; cells that a
spreadsheet would run as a formula ("=", "+", "@"...) are prefixed with an apostrophe.
"""
from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from errors import CaseLensError
from reports.chronology import COLUMNS, ExportResult, build_chronology
from store import audit
from store.connection import Case

_FORMULA_STARTS = ("=", "+", "@", "\t", "\r")


def export_csv(
    case: Case,
    out_path: Path,
    *,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    key_only: bool = True,
    anonymise: bool = False,
    event_ids: list[str] | None = None,
    redactions: Sequence[str] = (),
) -> ExportResult:
    """Write the chronology of ``case`` to ``out_path`` as CSV (the same selection rules as
    ``reports.word.export_docx``) and record the export in the case's audit trail.
    Raises E402 when ``out_path`` cannot be written."""
    out_path = Path(out_path)
    chronology = build_chronology(
        case, date_from=date_from, date_to=date_to, key_only=key_only, anonymise=anonymise,
        event_ids=event_ids, redactions=tuple(redactions),
    )
    try:
        handle, temp_name = tempfile.mkstemp(prefix=".caselens-", suffix=".csv", dir=out_path.parent)
    except OSError as exc:
        raise CaseLensError("E402", file=out_path, detail=exc.strerror or exc) from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(COLUMNS)
            for entry in chronology.entries:
                writer.writerow([_safe_cell(cell) for cell in entry.cells()])
        os.replace(temp_name, out_path)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise CaseLensError("E402", file=out_path, detail=exc.strerror or exc) from exc
    with case.transaction():
        audit.record(case, "export", {
            "format": "csv",
            "filter": chronology.filter,
            "anonymised": anonymise,
            "count": len(chronology.entries),
            "file": str(out_path),
        })
    return ExportResult(len(chronology.entries), out_path)


def _safe_cell(text: str) -> str:
    """Text a spreadsheet shows as written, never evaluates."""
    if text.startswith(_FORMULA_STARTS) or (text.startswith("-") and text[1:2] not in ("", " ")):
        return "'" + text
    return text
