"""The case's audit trail, as the worker sees it: every import, extraction, export, deletion,
passphrase change, lock and unlock, newest first, with what each one did."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from desktop import formatting

ACTION_NAMES = {
    "import": "Import", "extract": "Extraction", "export": "Export", "delete": "Deletion",
    "passphrase_change": "Passphrase change", "lock": "Locked", "unlock": "Unlocked",
}
_DETAIL_NAMES = {
    "anonymised": "anonymised", "filter": "filter", "format": "format", "file": "file", "notes": "notes",
    "imports": "imports", "redo": "again", "count": "events", "idle_seconds": "idle for (seconds)",
    "was_encrypted": "was encrypted",
}


def describe(detail: Any) -> str:
    """One line for an audit entry's detail: ``format docx; anonymised yes; filter …``."""
    if not isinstance(detail, dict):
        return "" if detail is None else str(detail)
    parts = []
    for key, value in detail.items():
        if key == "pipeline":
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, dict):
            value = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in value.items() if v not in (None, "", [], False))
        elif isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        parts.append(f"{_DETAIL_NAMES.get(key, key.replace('_', ' '))} {value}".strip())
    return "; ".join(parts)


class ListDialog(QDialog):
    """A read-only table under a short explanation, with a Close button."""

    def __init__(self, title: str, intro: str, headers: list[str], rows: list[list[str]],
                 widths: tuple[int, ...], size: tuple[int, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(*size)
        label = QLabel(intro)
        label.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels(headers)
        for row in rows:
            self.table.addTopLevelItem(QTreeWidgetItem(row))
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def rows(self) -> list[list[str]]:
        """The table as shown (for tests and copying)."""
        columns = self.table.columnCount()
        return [[self.table.topLevelItem(r).text(c) for c in range(columns)]
                for r in range(self.table.topLevelItemCount())]


class AuditDialog(ListDialog):
    """The audit rows of the open case (``store.audit.entries``), newest first."""

    def __init__(self, entries: list[dict[str, Any]], parent: QWidget | None = None) -> None:
        rows = [[formatting.uk_date(entry["at"]) + _time(entry["at"]),
                 ACTION_NAMES.get(entry["action"], entry["action"]),
                 describe(entry["detail"])] for entry in reversed(entries)]
        super().__init__(
            "Audit trail",
            "Everything done to this case file: imports, extractions, exports, deletions, "
            "passphrase changes, and when it was locked and unlocked.",
            ["When", "What", "Details"], rows, (150, 140), (820, 440), parent)


def _time(stamp: str | None) -> str:
    """`` 14:30`` from an ISO timestamp, or nothing."""
    if stamp and "T" in stamp and len(stamp) >= 16:
        return " " + stamp[11:16]
    return ""
