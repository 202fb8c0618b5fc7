"""Whole case files: deleting a case and the audit log kept outside any case.

A deleted case cannot record its own deletion, so deletions go to an audit log in
``CASELENS_HOME`` (one JSON object a line, the case file's name only: a folder path can
name a child or a family).
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from errors import CaseLensError
from store import side_files
from store.connection import WriterLock
from store.tables import utc_now

from services.paths import caselens_home

HOME_AUDIT_FILE = "audit.jsonl"
_log = logging.getLogger(__name__)


def delete_case(path: Path | str) -> None:
    """Delete the case file at ``path`` with its WAL, SHM and lock side files, and record the
    deletion in the ``CASELENS_HOME`` audit log. Refused with E206 while the case is open in
    another process, E201 when there is no such case."""
    path = Path(path)
    if not path.is_file():
        raise CaseLensError("E201", file=path)
    lock = WriterLock(path)
    try:
        if lock.holders > 1:  # open in this process (the app's own window)
            raise CaseLensError("E206", file=path)
        wal, shm, _lock_file = side_files(path)  # the lock file goes once the lock is released
        try:
            for leftover in (path, wal, shm):
                leftover.unlink(missing_ok=True)
        except OSError as exc:
            raise CaseLensError("E207", file=path, detail=exc.strerror or exc) from exc
    finally:
        lock.release()
    Path(f"{path}.lock").unlink(missing_ok=True)
    record_home_audit("delete", {"file": path.name})
    _log.info("case deleted (1 case file and its side files)")


def record_home_audit(action: str, detail: dict[str, Any]) -> None:
    """Append one entry to the audit log in ``CASELENS_HOME`` (owner read/write only)."""
    log = caselens_home() / HOME_AUDIT_FILE
    entry = json.dumps({"at": utc_now(), "action": action, "detail": detail}, ensure_ascii=False, sort_keys=True)
    descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(entry + "\n")


def home_audit_entries() -> list[dict[str, Any]]:
    """Every entry of the ``CASELENS_HOME`` audit log, oldest first."""
    log = caselens_home() / HOME_AUDIT_FILE
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
