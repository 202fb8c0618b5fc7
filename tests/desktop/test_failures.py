"""Unexpected failures are logged without case data and reported, never lost."""
from __future__ import annotations

from desktop import workers
from services.logging_setup import record_failure


NOTE_TEXT = "Mum said the note text must never reach a log"


def test_the_log_holds_the_stack_but_not_the_message(caselens_home):
    try:
        raise ValueError(NOTE_TEXT)
    except ValueError as error:
        log = record_failure(error)
    text = log.read_text(encoding="utf-8")
    assert "ValueError" in text and "test_failures.py" in text
    assert "Mum said" not in text


def test_a_failing_background_task_reports_its_error_and_logs_it(caselens_home, synchronous_workers):
    def broken() -> None:
        raise RuntimeError("note text here")

    seen = []
    workers.run_task(broken, on_error=seen.append)
    assert isinstance(seen[0], RuntimeError)
    assert "RuntimeError" in (caselens_home / "logs" / "errors.log").read_text(encoding="utf-8")
