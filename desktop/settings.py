"""The app's settings, declared once, stored as an ini file in ``CASELENS_HOME``.

Each option has one name, one type and one default here; the rest of the app reads and writes
them through ``Settings`` so that nothing depends on how QSettings spells values in the file.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from services.paths import caselens_home

MAX_RECENT_CASES = 8


@dataclass(frozen=True)
class Option:
    key: str
    kind: type
    default: Any


OPTIONS: dict[str, Option] = {
    option.key: option
    for option in (
        Option("font_size", int, 10),
        Option("key_events_only", bool, True),
        Option("show_uncertain", bool, False),
        Option("last_view", str, "summary"),
        Option("recent_cases", list, []),
        Option("window_geometry", QByteArray, QByteArray()),
        Option("window_state", QByteArray, QByteArray()),
        Option("chronology_header", QByteArray, QByteArray()),
        Option("last_folder", str, ""),
        Option("idle_lock_seconds", int, 15 * 60),  # an encrypted case locks after this; 0 = never
    )
}


def settings_path() -> Path:
    return caselens_home() / "settings.ini"


class Settings:
    """Typed access to the ini file in ``CASELENS_HOME``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or settings_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._qsettings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def get(self, key: str) -> Any:
        option = OPTIONS[key]
        raw = self._qsettings.value(key, option.default)
        if raw is None:
            return option.default
        if option.kind is bool:
            if isinstance(raw, str):
                return raw.strip().lower() in {"true", "1", "yes"}
            return bool(raw)
        if option.kind is int:
            try:
                return int(raw)
            except (TypeError, ValueError):
                return option.default
        if option.kind is list:
            if isinstance(raw, str):
                return [raw] if raw else []
            return [str(item) for item in raw or []]
        if option.kind is QByteArray:
            return raw if isinstance(raw, QByteArray) else option.default
        return str(raw)

    def set(self, key: str, value: Any) -> None:
        if key not in OPTIONS:
            raise KeyError(f"unknown setting {key!r}")
        self._qsettings.setValue(key, value)

    def sync(self) -> None:
        self._qsettings.sync()

    def remember_case(self, path: Path) -> None:
        """Put ``path`` at the top of the recent cases list."""
        text = str(Path(path).resolve())
        recent = [item for item in self.get("recent_cases") if item != text]
        self.set("recent_cases", [text, *recent][:MAX_RECENT_CASES])
        self.sync()
