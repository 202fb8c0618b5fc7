"""The case's answer to each gap checklist question, from the evidence notes gave.

Kept apart from ``nlp.gaps`` (the spaCy component that finds the evidence in a note) so that
case-level resolution, which runs in the process storing facts, never imports spaCy.
"""
from __future__ import annotations

from typing import Any, Iterable

GAP_ITEMS: tuple[str, ...] = (
    "marac_status", "idva", "safety_plan", "perpetrator_address", "school_attendance", "gp",
    "health_visitor", "child_views", "ethnicity_language", "other_children",
)


def summarise_gaps(evidence_rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The case's answer for every checklist item: ``{"item", "found", "evidence"}`` with
    evidence ``[{"note_id", "start", "end"}]`` in note and text order, duplicates dropped.
    Items without evidence come back with ``found`` False and an empty list."""
    evidence: dict[str, set[tuple[str, int, int]]] = {item: set() for item in GAP_ITEMS}
    for row in evidence_rows:
        if row["item"] not in evidence:
            raise ValueError(f"unknown checklist item {row['item']!r}")
        evidence[row["item"]].add((row["note_id"], int(row["start"]), int(row["end"])))
    return [
        {
            "item": item,
            "found": bool(evidence[item]),
            "evidence": [{"note_id": n, "start": s, "end": e} for n, s, e in sorted(evidence[item])],
        }
        for item in GAP_ITEMS
    ]
