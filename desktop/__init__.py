"""The CaseLens desktop app (PySide6). The only package that imports Qt.

PySide6 6.12.0 on Python 3.11 returns ``None`` from every void Qt method, and ``True`` or
``False`` from ``Signal.emit``, without adding a reference to them, as if they were immortal
(they are from Python 3.12 on, PEP 683). Each such call therefore takes one reference away
and, after some tens of thousands of calls (minutes of painting, refreshing and progress
signals), the interpreter aborts with "deallocating None" (or "True or False"). Until the
app runs on Python 3.12+ or a fixed PySide6, give these singletons so many references that
they can never reach zero: what 3.12 does. This runs before any Qt call because every
desktop module is imported through this package.
"""
from __future__ import annotations

import ctypes
import sys

_REFERENCES_ADDED = 1 << 40

if sys.version_info < (3, 12) and sys.implementation.name == "cpython":
    for _singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(_singleton)).value += _REFERENCES_ADDED
