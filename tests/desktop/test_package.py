"""The app survives a long session of Qt calls. PySide6 6.12.0 on Python 3.11 dropped a reference
to None on every void call and to True/False on every signal emit until the interpreter aborted;
the pinned release must not."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_many_void_qt_calls_do_not_abort_the_interpreter():
    script = (
        "import desktop\n"
        "from PySide6.QtCore import QObject, Signal\n"
        "class Thing(QObject):\n"
        "    changed = Signal(bool)\n"
        "thing = Thing()\n"
        "for _ in range(300_000):\n"
        "    thing.setObjectName('x')\n"
        "    thing.changed.emit(True)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "ok"
