"""Where CaseLens keeps its own files (settings, logs, the demo case)."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "CaseLens"


def caselens_home() -> Path:
    """``$CASELENS_HOME`` when set, else the platform's per-user data folder; created
    (owner-only) when missing."""
    configured = os.environ.get("CASELENS_HOME")
    home = Path(configured).expanduser() if configured else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    return home


def demo_case_path() -> Path:
    """The demo case the app opens when started without a case."""
    return caselens_home() / "demo.caselens"
