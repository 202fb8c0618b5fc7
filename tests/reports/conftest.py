"""Fixtures for the export tests: a small synthetic case built through the store."""
from __future__ import annotations

from pathlib import Path

import pytest

from store.connection import open_case
from tests.reports.builders import build_case


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    """A synthetic case of 12 events (one hidden by the worker, one edited and reviewed)."""
    return build_case(tmp_path / "jones.caselens", events=12)


@pytest.fixture
def case(case_path: Path):
    opened = open_case(case_path)
    yield opened
    opened.close()
