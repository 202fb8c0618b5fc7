"""Background work: progress, result and cancel arrive as signals on the UI thread."""
from __future__ import annotations

import threading

from desktop import workers


def test_the_worker_reports_progress_result_and_cancel_on_a_real_thread(qtbot):
    workers.use_synchronous(False)
    seen = []

    def count(total: int, *, progress=None, cancel: threading.Event | None = None) -> int:
        for number in range(total):
            if cancel is not None and cancel.is_set():
                return number
            progress(number)
        return total

    task = workers.Task(count, 3)
    with qtbot.waitSignal(task.signals.result, timeout=5000) as result:
        workers.start(task, on_progress=seen.append)
    assert result.args == [3]
    qtbot.waitUntil(lambda: seen == [0, 1, 2])

    stopped = []
    task = workers.Task(count, 10**9)
    task.cancel()
    task.signals.cancelled.connect(lambda: stopped.append(True))
    with qtbot.waitSignal(task.signals.finished, timeout=5000):
        workers.start(task)
    assert stopped == [True]
