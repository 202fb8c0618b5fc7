"""The product's log: a rotating file in ``CASELENS_HOME/logs``, owner read/write only.

Log messages say what happened with codes and counts (``import refused: E108``, ``12 notes
extracted``), never note text, names, file paths or passphrases: a log is read when helping
someone, and must not become a second copy of the case.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import traceback
from datetime import datetime
from pathlib import Path

from services.paths import caselens_home

LOG_FILE = "caselens.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
# The product's own packages; third-party loggers stay off (their messages may quote input).
PRODUCT_LOGGERS = ("store", "services", "extractors", "nlp", "reports", "desktop", "caselens")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_folder() -> Path:
    """``CASELENS_HOME/logs`` (created owner-only)."""
    folder = caselens_home() / "logs"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def setup_logging(level: int = logging.INFO, *, console: bool = False) -> Path:
    """Send the product's loggers to the rotating log file; returns its path. With
    ``console`` (the command line) warnings are also printed on stderr, as plain sentences.
    Calling it again (another ``CASELENS_HOME``, e.g. in tests) moves the log there."""
    path = log_folder() / LOG_FILE
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.set_name("caselens-file")
    handlers: list[logging.Handler] = [handler]
    if console:
        stderr = logging.StreamHandler(sys.stderr)
        stderr.setLevel(logging.WARNING)
        stderr.setFormatter(logging.Formatter("%(message)s"))
        stderr.set_name("caselens-console")
        handlers.append(stderr)
    for name in PRODUCT_LOGGERS:
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if h.get_name() in ("caselens-file", "caselens-console")]:
            logger.removeHandler(old)
            old.close()
        for new in handlers:
            logger.addHandler(new)
        logger.setLevel(level)
    return path


def record_failure(error: BaseException) -> Path | None:
    """Append an unexpected failure to ``CASELENS_HOME/logs/errors.log``; returns its path
    (None when only stderr could take it). Only the exception's type and stack (files, lines,
    functions) are written, never its message: a message can quote note text."""
    stack = "".join(traceback.format_list(traceback.extract_tb(error.__traceback__)))
    entry = f"--- {datetime.now().isoformat(timespec='seconds')} {type(error).__name__}\n{stack}\n"
    try:
        log = log_folder() / "errors.log"
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(entry)
        return log
    except OSError:
        sys.stderr.write(entry)
        return None
