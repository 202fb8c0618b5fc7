"""Unexpected failures in the app: logged without case data, shown in plain English.

The log holds the exception's type and the stack (files, lines, functions) only, never its
message, which could quote note text: the same rule and file as the command line
(``$CASELENS_HOME/logs/errors.log``).
"""
from __future__ import annotations

import sys
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from services.paths import caselens_home


def record_failure(error: BaseException) -> Path | None:
    """Append the failure's type and stack to the error log; returns the log's path."""
    stack = "".join(traceback.format_list(traceback.extract_tb(error.__traceback__)))
    entry = f"--- {datetime.now().isoformat(timespec='seconds')} {type(error).__name__}\n{stack}\n"
    try:
        log_dir = caselens_home() / "logs"
        log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        log = log_dir / "errors.log"
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(entry)
        return log
    except OSError:
        sys.stderr.write(entry)
        return None


def install_error_hook() -> None:
    """Unexpected exceptions on the UI thread: log them and tell the worker, never crash."""

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        error.__traceback__ = trace
        log = record_failure(error)
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is not None:
            where = f" Details for support (no case data) are in {log}." if log else ""
            QMessageBox.warning(
                QApplication.activeWindow(), "Something went wrong",
                "CaseLens hit an unexpected problem and stopped what it was doing. Your case is safe: "
                f"every change is saved as you make it.{where}",
            )

    sys.excepthook = hook
