"""Encrypting a plain case, or changing an encrypted case's passphrase, without risking it.

The case is copied into a new file under the new key (``sqlcipher_export``), the copy is
checked (it opens with the new key, passes ``integrity_check`` and holds the same rows), and
only then swapped in place of the original with one atomic rename. A failure at any point
leaves the original untouched. The passphrase itself is never stored or logged.
"""
from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import sqlcipher3

from errors import CaseLensError
from store.connection import WriterLock, open_case
from store.schema import APPLICATION_ID
from store.tables import utc_now

_CHECKED_TABLES = ("imports", "notes", "note_sources", "events", "curation", "audit")


def change_passphrase(path: Path | str, old: str | None, new: str) -> None:
    """Encrypt the case at ``path`` with ``new`` (``old`` is its current passphrase, None for
    a plain case). Raises E202/E203 for a missing or wrong ``old`` and E207 when the new copy
    cannot be written; the original is unchanged in every failure."""
    if not new:
        raise ValueError("the new passphrase must not be empty")
    path = Path(path)
    lock = WriterLock(path)  # held across the swap, after the connection below is closed
    try:
        with open_case(path, passphrase=old) as case:
            counts = {t: case.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _CHECKED_TABLES}
            version = case.db.execute("PRAGMA user_version").fetchone()[0]
            was_encrypted = case.encrypted
            copy = path.with_name(f".{path.name}.{uuid.uuid4().hex}.rekey")
            try:
                _export(case.db.conn, copy, new, version)
                _verify(copy, new, counts)
                _audit(copy, new, was_encrypted)
            except BaseException:
                _remove(copy)
                raise
        try:
            os.replace(copy, path)
        except OSError as exc:
            _remove(copy)
            raise CaseLensError("E207", file=path, detail=exc.strerror or exc) from exc
        for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            _remove(side)
    finally:
        lock.release()


def _export(conn: sqlcipher3.Connection, copy: Path, passphrase: str, version: int) -> None:
    try:
        os.close(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ATTACH DATABASE ? AS rekeyed KEY ?", (str(copy), passphrase))
        try:
            conn.execute("SELECT sqlcipher_export('rekeyed')").fetchall()
            conn.execute(f"PRAGMA rekeyed.user_version = {int(version)}")
            conn.execute(f"PRAGMA rekeyed.application_id = {APPLICATION_ID}")
            if conn.in_transaction:
                conn.commit()
        finally:
            conn.execute("DETACH DATABASE rekeyed")
    except (OSError, sqlcipher3.dbapi2.Error) as exc:
        raise CaseLensError("E207", file=copy, detail=str(exc)) from exc


def _verify(copy: Path, passphrase: str, counts: dict[str, int]) -> None:
    conn = sqlcipher3.connect(str(copy))
    try:
        conn.execute("PRAGMA cipher_log_level = NONE").fetchall()
        conn.execute("PRAGMA key = '" + passphrase.replace("'", "''") + "'")
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise CaseLensError("E207", file=copy, detail="the encrypted copy failed its integrity check")
        for table, expected in counts.items():
            if conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] != expected:
                raise CaseLensError("E207", file=copy, detail=f"the encrypted copy lost rows of {table}")
    finally:
        conn.close()


def _audit(copy: Path, passphrase: str, was_encrypted: bool) -> None:
    conn = sqlcipher3.connect(str(copy))
    try:
        conn.execute("PRAGMA key = '" + passphrase.replace("'", "''") + "'")
        conn.execute(
            "INSERT INTO audit (at, action, detail) VALUES (?, 'passphrase_change', ?)",
            (utc_now(), json.dumps({"was_encrypted": was_encrypted})),
        )
        conn.commit()
    finally:
        conn.close()


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
