"""Stable ids for extracted facts and resolved people.

Ids are hashes of what identifies a fact (its note, kind and evidence offsets), so re-running
unchanged extraction yields the same ids and the worker's curation keeps applying.
"""
from __future__ import annotations

import hashlib

_PREFIX = {"mention": "m", "event": "e", "risk": "r", "strength": "s", "gap": "g"}


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(part) for part in parts).encode("utf-8")).hexdigest()[:15]


def fact_id(note_id: str, kind: str, start: int, end: int) -> str:
    """The id of one fact: note id + kind (e.g. ``"mention"``, ``"event:arrest"``,
    ``"risk:alcohol_misuse"``) + the evidence's character offsets, ``end`` exclusive."""
    prefix = _PREFIX.get(kind.split(":", 1)[0], "f")
    return prefix + _digest(note_id, kind, start, end)


def person_id(key: str) -> str:
    """The id of a resolved person from their canonical key (a normalised name, or a role such
    as ``"role:grandmother:maternal"`` for someone only ever named by role)."""
    return "p" + _digest(key.casefold())
