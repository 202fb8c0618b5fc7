"""Where CaseLens keeps its own files."""
from __future__ import annotations

from services.paths import caselens_home, demo_case_path


def test_caselens_home_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CASELENS_HOME", str(tmp_path / "home"))
    assert caselens_home() == tmp_path / "home" and (tmp_path / "home").is_dir()
    assert demo_case_path() == tmp_path / "home" / "demo.caselens"
