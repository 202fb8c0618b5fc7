"""What an extraction worker process runs (``services.extraction`` starts the pool).

Importing this module imports no spaCy, so the process that starts the pool and stores what
the workers send back never pays for it; each function imports the pipeline in the worker.

A worker that cannot build its pipeline (a damaged installation, no memory) must not simply
die: a process pool replaces a worker that fails to start, again and again, and the job would
wait for ever. ``start`` keeps the error instead, and ``extract`` raises it with the first batch,
so it reaches the process that asked, as any extraction error does.
"""
from __future__ import annotations

from typing import Any

_failure: Exception | None = None  # why this worker's pipeline could not be built


def start() -> None:
    """Pool initialiser: the worker's pipeline, before its first batch (already loaded when
    the worker was forked from a forkserver that imported ``nlp.preloaded``)."""
    global _failure
    from nlp.extract import start_worker

    try:
        start_worker()
    except Exception as error:  # raised again by ``extract``, in the process that asked
        _failure = error


def extract(notes: list[tuple[str, str, str | None]]) -> list[dict[str, Any]]:
    """One batch of ``(id, text, note_date)`` notes → their facts as plain rows."""
    if _failure is not None:
        raise _failure
    from nlp.extract import extract_batch

    return extract_batch(notes)
