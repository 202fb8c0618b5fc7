"""What an extraction worker process runs (``services.extraction`` starts the pool).

Importing this module imports no spaCy, so the process that starts the pool and stores what
the workers send back never pays for it; each function imports the pipeline in the worker.
"""
from __future__ import annotations

from typing import Any


def start() -> None:
    """Pool initialiser: the worker's pipeline, before its first batch (already loaded when
    the worker was forked from a forkserver that imported ``nlp.preloaded``)."""
    from nlp.extract import start_worker

    start_worker()


def extract(notes: list[tuple[str, str, str | None]]) -> list[dict[str, Any]]:
    """One batch of ``(id, text, note_date)`` notes → their facts as plain rows."""
    from nlp.extract import extract_batch

    return extract_batch(notes)
