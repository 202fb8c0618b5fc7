"""``desktop.app.run`` as main.py calls it: screenshots, and cases that cannot be opened."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from desktop import app


def test_screenshot_of_each_view_is_written_at_1400_by_900(qapp, small_case, tmp_path):
    for view in ("summary", "chronology", "timeline"):
        out = tmp_path / f"{view}.png"
        assert app.run(small_case.path, screenshot=out, view=view) == 0
        image = QImage(str(out))
        assert (image.width(), image.height()) == (1400, 900)


def test_a_missing_case_exits_2_with_the_reason(qapp, tmp_path, capsys):
    assert app.run(tmp_path / "nowhere.caselens", screenshot=tmp_path / "x.png") == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_an_encrypted_case_needs_caselens_passphrase(qapp, tmp_path, monkeypatch, capsys):
    from store import open_case

    path = tmp_path / "secret.caselens"
    open_case(path, passphrase="correct horse", create=True).close()
    assert app.run(path, screenshot=tmp_path / "x.png") == 2
    assert "encrypted" in capsys.readouterr().err
    monkeypatch.setenv("CASELENS_PASSPHRASE", "correct horse")
    assert app.run(path, screenshot=tmp_path / "x.png") == 0
    assert Path(tmp_path / "x.png").exists()


def test_an_export_file_named_at_start_is_imported_into_a_new_case(qtbot, synchronous_workers, tmp_path, monkeypatch):
    from desktop.main_window import MainWindow
    from desktop.settings import Settings

    export = tmp_path / "notes.csv"
    export.write_text("Date,Note\n12/03/2023,Home visit. Mum and Lily were at home.\n", encoding="utf-8")
    window = MainWindow(Settings(), preload_language_model=False)
    qtbot.addWidget(window)
    imported: list[list[Path]] = []
    monkeypatch.setattr(window, "import_paths", lambda files: imported.append(files))
    app.open_first(window, export)
    assert imported == [[export]]
    assert window.case is None  # the New case dialog comes first, from import_paths


def test_a_case_named_at_start_is_opened(window, small_case):
    window.set_case(None)
    app.open_first(window, small_case.path)
    assert window.case is not None and window.case.path == small_case.path


def _without_a_screen() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}


def test_a_screenshot_needs_no_screen_and_the_window_says_when_there_is_none(small_case, tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    shot = tmp_path / "shot.png"
    done = subprocess.run([sys.executable, str(root / "main.py"), "gui", str(small_case.path), "--screenshot", str(shot)],
                          cwd=root, env=_without_a_screen(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-400:]
    assert QImage(str(shot)).width() == 1400
    done = subprocess.run([sys.executable, str(root / "main.py"), str(small_case.path)],
                          cwd=root, env=_without_a_screen(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "needs a desktop session" in done.stderr and "Traceback" not in done.stderr
