"""Settings kept in CASELENS_HOME."""
from __future__ import annotations

from pathlib import Path

from desktop.main_window import MainWindow
from desktop.settings import Settings


def test_settings_are_kept_in_caselens_home(window, caselens_home, qtbot):
    window.change_font_size(2)
    window.chronology.filter_bar.show_uncertain.setChecked(True)
    window.save_settings()
    assert (Path(caselens_home) / "settings.ini").exists()
    again = MainWindow(Settings(), preload_language_model=False)
    qtbot.addWidget(again)
    assert again.settings.get("font_size") == 12
    assert again.chronology.filter_bar.show_uncertain.isChecked()
    assert str(window.case.path.resolve()) in again.settings.get("recent_cases")
