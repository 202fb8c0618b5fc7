from __future__ import annotations

import pytest

from store import open_case


@pytest.fixture
def case(tmp_path):
    """A new, empty, plain case."""
    opened = open_case(tmp_path / "case.caselens", create=True)
    yield opened
    opened.close()
