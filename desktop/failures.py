"""Unexpected failures in the app: logged without case data, shown in plain English.

The log holds the exception's type and the stack (files, lines, functions) only, never its
message, which could quote note text: the same rule and file as the command line
(``$CASELENS_HOME/logs/errors.log``).
"""
from __future__ import annotations

import sys
from types import TracebackType

from services.logging_setup import record_failure


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
