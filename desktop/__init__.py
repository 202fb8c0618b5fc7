"""The CaseLens desktop app (PySide6). The only package that imports Qt.

PySide6 6.12.0 on Python 3.11 returns ``None`` from every void Qt method without adding a
reference to it, as if ``None`` were immortal (it is from Python 3.12 on, PEP 683). Each such
call therefore takes one reference away from ``None`` and, after some tens of thousands of
calls (a few minutes of painting and refreshing), the interpreter aborts with "deallocating
None". Until the app runs on Python 3.12+ or a fixed PySide6, give ``None`` so many references
that it can never reach zero: the same thing 3.12 does. This runs before any Qt call because
every desktop module is imported through this package.
"""
from __future__ import annotations

import ctypes
import sys

_NONE_REFERENCES_ADDED = 1 << 40

if sys.version_info < (3, 12) and sys.implementation.name == "cpython":
    ctypes.c_ssize_t.from_address(id(None)).value += _NONE_REFERENCES_ADDED
