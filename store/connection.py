"""The one connection factory for case files, plain or SQLCipher-encrypted.

sqlite-utils picks its SQLite driver when it is first imported; aliasing ``sqlcipher3`` as
``pysqlite3`` here, before that import, makes sqlite-utils use the SQLCipher build for every
case (plain and encrypted alike), so exceptions and features are the same whichever kind of
case is open. ``store/__init__.py`` imports this module first for that reason.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlcipher3
import sqlcipher3.dbapi2

sys.modules.setdefault("pysqlite3", sqlcipher3)
sys.modules.setdefault("pysqlite3.dbapi2", sqlcipher3.dbapi2)

import sqlite_utils  # noqa: E402  (must follow the alias above)
import sqlite_utils.utils  # noqa: E402

from errors import CaseLensError  # noqa: E402
from store import schema  # noqa: E402

if sqlite_utils.utils.sqlite3 is not sqlcipher3:  # pragma: no cover - import-order guard
    raise ImportError(
        "sqlite_utils was imported before store/: import store first so case files "
        "(plain and encrypted) use the SQLCipher driver"
    )

_SQLITE_HEADER = b"SQLite format 3\x00"
_BUSY_TIMEOUT_MS = 5000
# Errors that mean "the case file cannot be written", reported as E207.
_WRITE_FAILURES = ("disk is full", "readonly", "read-only", "disk i/o", "database or disk is full")
# File systems reached over a network: SQLite's WAL needs shared memory between processes on
# one machine, which these do not give, so a case there uses the rollback journal instead.
NETWORK_FILE_SYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs", "ncpfs", "9p", "fuse.sshfs", "davfs", "fuse.davfs2",
})
NETWORK_PATH_WARNING = (
    "This case is on a network drive. CaseLens keeps it safe there by writing more slowly; "
    "copy it to this computer for faster work, and never open it from two computers at once."
)
_log = logging.getLogger(__name__)


def file_system_type(path: Path, mounts: Path = Path("/proc/mounts")) -> str | None:
    """The type of the file system holding ``path`` (the longest matching mount point in
    ``/proc/mounts``), or None where that is not known (not Linux)."""
    try:
        lines = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = os.path.realpath(path)
    best, kind = "", None
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def on_network_path(path: Path) -> bool:
    """Whether ``path`` lies on a network file system (NFS, SMB/CIFS, ...)."""
    kind = file_system_type(path.parent if not path.exists() else path)
    return kind is not None and kind.lower() in NETWORK_FILE_SYSTEMS


def side_files(path: Path) -> list[Path]:
    """The files that belong to a case besides the case file itself (WAL, SHM, writer lock)."""
    return [Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}.lock")]


class WriterLock:
    """One writer per case file across processes: an OS advisory lock on ``<case>.lock``.

    The OS releases the lock when the holding process dies, so a crash never leaves a case
    stuck. Inside one process the lock is shared (reference counted), so the app may open
    a second connection to the same case on a worker thread.
    """

    _held: dict[str, tuple[int, int]] = {}
    _guard = threading.Lock()

    def __init__(self, case_path: Path) -> None:
        self.case_path = case_path
        self.key = os.path.realpath(case_path)
        self.released = False
        with self._guard:
            if self.key in self._held:
                fd, count = self._held[self.key]
                self._held[self.key] = (fd, count + 1)
                return
            lock_path = f"{self.key}.lock"
            try:
                fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                raise CaseLensError("E207", file=case_path, detail=exc.strerror or exc) from exc
            if not _try_lock(fd):
                os.close(fd)
                raise CaseLensError("E206", file=case_path)
            self._held[self.key] = (fd, 1)

    @property
    def holders(self) -> int:
        """How many opens in this process share the lock (1: only this one)."""
        with self._guard:
            return self._held.get(self.key, (0, 0))[1]

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        with self._guard:
            fd, count = self._held[self.key]
            if count > 1:
                self._held[self.key] = (fd, count - 1)
                return
            del self._held[self.key]
            _unlock(fd)
            os.close(fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class Case:
    """An open case file. ``db`` is a ``sqlite_utils.Database``; close it with ``close()``
    (or use the case as a context manager). A connection belongs to the thread that opened
    it: open the case again on another thread (the writer lock is shared within a process)."""

    def __init__(self, path: Path, db: sqlite_utils.Database, encrypted: bool, lock: WriterLock,
                 warnings: tuple[str, ...] = ()) -> None:
        self.path = path
        self.db = db
        self.encrypted = encrypted
        self._lock = lock
        self.closed = False
        # Things the user should be told on opening (e.g. NETWORK_PATH_WARNING).
        self.warnings = warnings

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """All or nothing: everything written inside the block commits together or not at all.
        Nested blocks become savepoints. A failure to write (disk full, read-only file)
        surfaces as E207 with nothing changed."""
        try:
            with self.db.atomic():
                yield self.db
        except sqlcipher3.dbapi2.OperationalError as exc:
            if _is_write_failure(exc):
                raise CaseLensError("E207", file=self.path, detail=str(exc)) from exc
            raise

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.db.close()
        finally:
            self._lock.release()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Case({str(self.path)!r}, encrypted={self.encrypted})"


def _is_write_failure(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(marker in text for marker in _WRITE_FAILURES)


def open_case(path: Path | str, passphrase: str | None = None, create: bool = False) -> Case:
    """Open (or with ``create=True``, create when missing) the case file at ``path``.

    A new case is encrypted when a passphrase is given, plain otherwise. An existing case
    is recognised by its header: a plain SQLite file opens without a passphrase (one given
    is ignored); anything else is treated as encrypted. The case file and its side files are
    created owner read/write only. Raises ``CaseLensError`` E201–E207.
    """
    path = Path(path)
    passphrase = passphrase or None
    exists = path.exists()
    if not exists and not create:
        raise CaseLensError("E201", file=path)
    if exists and not path.is_file():
        raise CaseLensError("E204", file=path, detail="it is a folder, not a file")
    if not exists:
        _create_private_file(path)
    lock = WriterLock(path)
    try:
        return _connect(path, passphrase, create, lock)
    except BaseException:
        lock.release()
        raise


def _create_private_file(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return
    except OSError as exc:
        raise CaseLensError("E207", file=path, detail=exc.strerror or exc) from exc


def _connect(path: Path, passphrase: str | None, create: bool, lock: WriterLock) -> Case:
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise CaseLensError("E204", file=path, detail=exc.strerror or exc) from exc
    size = path.stat().st_size
    empty = size == 0 and not Path(f"{path}-wal").exists()
    if empty and not create:
        raise CaseLensError("E204", file=path, detail="the file is empty")
    plain = header == _SQLITE_HEADER
    encrypted = False
    if empty:
        encrypted = passphrase is not None
    elif not plain:
        if size % 512:
            raise CaseLensError("E204", file=path, detail="it is not a database")
        if passphrase is None:
            raise CaseLensError("E202", file=path)
        encrypted = True

    conn = sqlcipher3.connect(str(path), timeout=_BUSY_TIMEOUT_MS / 1000)
    try:
        # SQLCipher otherwise logs decryption failures (a wrong passphrase) to stderr.
        conn.execute("PRAGMA cipher_log_level = NONE").fetchall()
        if encrypted:
            conn.execute("PRAGMA key = '" + passphrase.replace("'", "''") + "'")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.dbapi2.DatabaseError as exc:
            if encrypted:
                raise CaseLensError("E203", file=path) from exc
            raise CaseLensError("E204", file=path, detail=str(exc)) from exc
        db = sqlite_utils.Database(conn)
        db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        network = on_network_path(path)
        wanted = "delete" if network else "wal"
        try:
            mode = db.execute(f"PRAGMA journal_mode = {wanted.upper()}").fetchone()[0]
            if mode.lower() != wanted:
                raise CaseLensError("E207", file=path, detail=f"journal mode stays {mode}")
            db.execute("PRAGMA synchronous = NORMAL")
            schema.migrate(db, path, create=create)
        except sqlcipher3.dbapi2.OperationalError as exc:
            if _is_write_failure(exc):
                raise CaseLensError("E207", file=path, detail=str(exc)) from exc
            raise
    except BaseException:
        conn.close()
        raise
    for side in side_files(path):
        if side.exists():
            os.chmod(side, 0o600)
    os.chmod(path, 0o600)
    warnings: tuple[str, ...] = ()
    if network:
        _log.warning(NETWORK_PATH_WARNING)
        warnings = (NETWORK_PATH_WARNING,)
    return Case(path, db, encrypted, lock, warnings)
