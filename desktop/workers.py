"""The one way the app runs long work off the UI thread.

The work itself is a plain (Qt-free) function from ``services/`` that takes a ``progress``
callback and a ``cancel`` event. ``run_task`` wraps it in a ``QRunnable`` on the global
``QThreadPool`` and turns what happens into Qt signals that arrive on the UI thread:
``progress`` (each ``Progress`` the function reports), ``result`` (its return value), ``error``
(the exception it raised), ``cancelled`` (it stopped because the user asked) and ``finished``
(always last). Tests call ``use_synchronous(True)`` so tasks run to completion inside
``run_task`` and assertions need no waiting.
"""
from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from services.logging_setup import record_failure
from errors import CaseLensError

_synchronous = False
_running: set[Task] = set()


def use_synchronous(enabled: bool) -> None:
    """Run every task on the calling thread (for tests); ``False`` restores the thread pool."""
    global _synchronous
    _synchronous = enabled


class TaskSignals(QObject):
    """What a task reports. Created on the UI thread, so connected slots run there."""

    progress = Signal(object)
    result = Signal(object)
    error = Signal(object)
    cancelled = Signal()
    finished = Signal()


class Task(QRunnable):
    """One call of ``function`` with a progress callback and a cancel event.

    ``progress`` and ``cancel`` are passed only when the function's signature accepts them,
    so a plain function (such as loading the language model) can be run the same way.
    """

    def __init__(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.function = function
        self.args = args
        self.kwargs = kwargs
        self.signals = TaskSignals()
        self.cancel_event = threading.Event()
        self.outcome: Any = None  # the function's return value, also when it stopped on cancel
        self.done = False

    def cancel(self) -> None:
        """Ask the work to stop at its next check; ``cancelled`` follows when it has."""
        self.cancel_event.set()

    def run(self) -> None:
        kwargs = dict(self.kwargs)
        parameters = _parameters(self.function)
        if "progress" in parameters:
            kwargs.setdefault("progress", self.signals.progress.emit)
        if "cancel" in parameters:
            kwargs.setdefault("cancel", self.cancel_event)
        try:
            outcome = self.outcome = self.function(*self.args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the UI
            if not isinstance(exc, CaseLensError):
                record_failure(exc)
            self.signals.error.emit(exc)
        else:
            if self.cancel_event.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.result.emit(outcome)
        finally:
            self.done = True
            self.signals.finished.emit()


def _parameters(function: Callable[..., Any]) -> set[str]:
    try:
        return set(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return set()


def run_task(
    function: Callable[..., Any],
    *args: Any,
    on_progress: Callable[[Any], None] | None = None,
    on_result: Callable[[Any], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    on_finished: Callable[[], None] | None = None,
    **kwargs: Any,
) -> Task:
    """Start ``function(*args, **kwargs)`` in the background and return its ``Task``
    (keep it to cancel). The callbacks run on the UI thread."""
    return start(
        Task(function, *args, **kwargs), on_progress=on_progress, on_result=on_result, on_error=on_error,
        on_cancelled=on_cancelled, on_finished=on_finished,
    )


def start(
    task: Task,
    *,
    on_progress: Callable[[Any], None] | None = None,
    on_result: Callable[[Any], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    on_finished: Callable[[], None] | None = None,
) -> Task:
    """Connect the callbacks to an already built ``Task`` and start it."""
    for signal, slot in (
        (task.signals.progress, on_progress),
        (task.signals.result, on_result),
        (task.signals.error, on_error),
        (task.signals.cancelled, on_cancelled),
        (task.signals.finished, on_finished),
    ):
        if slot is not None:
            signal.connect(slot)
    _running.add(task)
    task.signals.finished.connect(lambda: _running.discard(task))
    if _synchronous:
        task.run()
    else:
        QThreadPool.globalInstance().start(task)
    return task


def wait_for_all(timeout_ms: int = 30000) -> bool:
    """Block until every background task has finished (used when the app quits)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
