"""The demo case: built once on first run from a generated case, then reused."""
from __future__ import annotations

from services import demo


def test_the_demo_case_is_built_once_into_caselens_home(caselens_home, monkeypatch):
    monkeypatch.setattr(demo, "DEMO_NOTES", 12)
    path = demo.ensure_demo_case()
    assert path == caselens_home / "demo.caselens" and path.is_file()
    built = path.stat().st_mtime_ns
    assert demo.ensure_demo_case() == path
    assert path.stat().st_mtime_ns == built
    assert sorted(p.name for p in caselens_home.iterdir() if p.name.startswith("demo-")) == []

    from store import open_case
    from store.export import case_to_json

    with open_case(path) as case:
        exported = case_to_json(case)
    assert len(exported["notes"]) == 12
    assert exported["events"], "the demo is extracted, so the chronology is not empty"


def test_a_home_folder_can_be_given(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "DEMO_NOTES", 5)
    assert demo.ensure_demo_case(tmp_path / "elsewhere") == tmp_path / "elsewhere" / "demo.caselens"
