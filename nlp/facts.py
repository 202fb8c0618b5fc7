"""One note's extraction output, as plain rows: what a worker process sends back and what
the storing process stores. Imports no spaCy (``services.extraction`` reads it)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class NoteFacts:
    """Every fact found in one note; each row has ``id``, ``note_id``, ``start`` and ``end``."""

    note_id: str
    mentions: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    risks: list[dict[str, Any]] = field(default_factory=list)
    strengths: list[dict[str, Any]] = field(default_factory=list)
    gap_evidence: list[dict[str, Any]] = field(default_factory=list)
