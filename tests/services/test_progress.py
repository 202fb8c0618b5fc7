"""Progress reports and the time-left estimate."""
from __future__ import annotations

import dataclasses

import pytest

from services.progress import EtaClock, Progress, format_eta


def test_progress_is_immutable_and_knows_its_fraction():
    step = Progress("extracting", 30, 120, "")
    assert step.fraction == 0.25
    assert Progress("reading", 0, 0).fraction is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.done = 31


def test_time_left_follows_the_pace_so_far():
    now = [100.0]
    clock = EtaClock(clock=lambda: now[0])
    assert clock.remaining(0, 600) is None
    now[0] = 110.0
    assert clock.remaining(100, 600) == pytest.approx(50.0)
    # work after the stage (resolution after extraction), as a share of the stage's whole time
    assert clock.remaining(100, 600, after=0.15) == pytest.approx(50.0 + 0.15 * 60.0)
    assert format_eta(50.0) == "about 50 s left"
    assert format_eta(600.0) == "about 10 min left"
    assert format_eta(None) == ""
