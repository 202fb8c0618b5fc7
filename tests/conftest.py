"""Shared test set-up: headless Qt, a private CASELENS_HOME, one spaCy pipeline per session."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def caselens_home(tmp_path_factory, monkeypatch):
    """Every test gets its own CASELENS_HOME so no test touches a real user's data."""
    home = tmp_path_factory.mktemp("caselens_home")
    monkeypatch.setenv("CASELENS_HOME", str(home))
    monkeypatch.delenv("CASELENS_PASSPHRASE", raising=False)
    return home


@pytest.fixture(scope="session")
def nlp():
    """The one trained spaCy pipeline shared by every test that needs it."""
    from nlp.pipeline import load_pipeline

    return load_pipeline()


def pytest_sessionfinish(session, exitstatus):
    """Empty the clipboard before Qt tears down: on the offscreen platform PySide6 6.12 crashes
    at interpreter exit when a QMimeData set from Python is still on the clipboard (the real
    xcb platform does not), which would turn a green run into a segfault."""
    import sys

    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is not None and widgets.QApplication.instance() is not None:
        widgets.QApplication.clipboard().clear()
