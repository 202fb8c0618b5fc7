"""Progress reports from long work, free of Qt: the desktop turns them into signals."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """One step of long work: ``stage`` ("reading", "storing", "extracting", "resolving",
    "removing"...), ``done`` of ``total`` units (``total`` 0 when unknown) and a short
    message for the user (never note text)."""

    stage: str
    done: int
    total: int
    message: str = ""

    @property
    def fraction(self) -> float | None:
        """Share done, 0.0–1.0, or None when the total is unknown."""
        if self.total <= 0:
            return None
        return min(1.0, max(0.0, self.done / self.total))


ProgressCallback = Callable[[Progress], None]


class EtaClock:
    """Estimates time left from the pace so far: start it when a stage starts, then ask
    ``remaining(done, total)``. Gives None until there is something to go on."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._started = clock()

    def restart(self) -> None:
        self._started = self._clock()

    def remaining(self, done: float, total: float, after: float = 0.0) -> float | None:
        """Seconds left at the pace so far, or None before the first unit is done; ``after``
        adds work that follows this stage, as a share of the whole stage's time."""
        if done <= 0 or total <= 0:
            return None
        per_unit = (self._clock() - self._started) / done
        return max(0.0, per_unit * (total - done)) + after * per_unit * total


def format_eta(seconds: float | None) -> str:
    """``"about 2 min left"``, ``"about 40 s left"``, or "" when unknown."""
    if seconds is None:
        return ""
    if seconds >= 90:
        return f"about {round(seconds / 60)} min left"
    return f"about {max(1, round(seconds))} s left"


def report(progress: ProgressCallback | None, stage: str, done: int, total: int, message: str = "") -> None:
    """Send a Progress to ``progress`` when there is a callback."""
    if progress is not None:
        progress(Progress(stage, done, total, message))
