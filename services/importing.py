"""Importing export files into a case: read → store → extract, one file at a time.

Each file is its own unit: good files land, a bad file is refused with its ``CaseLensError``
and changes nothing. Cancel removes the import being worked on (and any of this run's imports
not yet complete) whole, in one transaction each.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import extractors
from errors import CaseLensError
from store import Case, open_case, side_files
from store.notes import ImportOutcome, delete_import, set_import_status, store_import

from services import extraction
from services.pool import expected_notes
from services.progress import ProgressCallback, report

_log = logging.getLogger(__name__)

@dataclass
class FileResult:
    """What happened to one file: ``stored``, ``nothing_new`` (imported before),
    ``refused`` (``error`` says why) or ``cancelled`` (removed again)."""

    path: Path
    status: str
    outcome: ImportOutcome | None = None
    error: CaseLensError | None = None


@dataclass
class ImportReport:
    case_path: Path
    files: list[FileResult] = field(default_factory=list)
    extraction: extraction.ExtractionReport | None = None
    cancelled: bool = False

    @property
    def refused(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "refused"]

    @property
    def exit_code(self) -> int:
        """0 when every file landed (or was already there), 2 when any was refused."""
        return 2 if self.refused else 0


def import_files(
    case_path: Path | str,
    files: Iterable[Path | str],
    *,
    passphrase: str | None = None,
    extract: bool = True,
    mapping: dict[str, str] | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    extractor: extraction.Extractor | None = None,
) -> ImportReport:
    """Import ``files`` into the case at ``case_path`` (created when missing: encrypted when
    a passphrase is given), then extract them unless ``extract`` is false. A case created
    here is removed again when no file landed in it."""
    files = [Path(f) for f in files]
    result = ImportReport(Path(case_path))
    created = not result.case_path.exists()
    try:
        _import_into(result, files, passphrase, extract, mapping, progress, cancel, extractor)
        _log.info(
            "import: %d files, %d stored, %d already imported, %d refused %s, %d cancelled",
            len(result.files), *(sum(f.status == s for f in result.files) for s in ("stored", "nothing_new")),
            len(result.refused), sorted({f.error.code for f in result.refused}),
            sum(f.status == "cancelled" for f in result.files),
        )
    finally:
        if created and not any(f.status == "stored" for f in result.files):
            for leftover in (result.case_path, *side_files(result.case_path)):
                leftover.unlink(missing_ok=True)
    return result


def _import_into(
    result: ImportReport,
    files: list[Path],
    passphrase: str | None,
    extract: bool,
    mapping: dict[str, str] | None,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
    extractor: extraction.Extractor | None,
) -> None:
    if extract:
        extractor = extractor or extraction.SpacyExtractor()
        prepare = getattr(extractor, "prepare", None)
        if prepare is not None:
            # Worker processes can load their model while the files are read and stored.
            prepare(expected_notes(files))
    with open_case(result.case_path, passphrase=passphrase, create=True) as case:
        stored: list[int] = []
        for number, path in enumerate(files, start=1):
            if cancel is not None and cancel.is_set():
                result.files.append(FileResult(path, "cancelled"))
                continue
            report(progress, "reading", number - 1, len(files), f"Reading {path.name}")
            file_result = import_file(case, path, mapping, will_extract=extract)
            result.files.append(file_result)
            if file_result.status == "stored":
                stored.append(file_result.outcome.import_id)
        report(progress, "reading", len(files), len(files), "")
        if cancel is not None and cancel.is_set():
            _cancel(case, result, stored, progress, extractor if extract else None)
            return
        # Imports a crash left half-extracted are finished along with this run's.
        waiting = [r[0] for r in case.db.execute("SELECT id FROM imports WHERE status = 'extracting' ORDER BY id")]
        to_extract = [i for i in waiting if i not in stored] + stored
        if extract and to_extract:
            extractor = extractor or extraction.SpacyExtractor()
            result.extraction = extraction.ExtractionReport()
            for position, import_id in enumerate(to_extract):
                part = extraction.extract_case(
                    case, import_id=import_id, progress=progress, cancel=cancel, extractor=extractor,
                    resolve=position == len(to_extract) - 1,
                )
                result.extraction.imports += part.imports
                result.extraction.notes += part.notes
                result.extraction.resolved = part.resolved
                if part.cancelled:
                    _cancel(case, result, stored, progress, extractor)
                    break


def import_file(
    case: Case, path: Path, mapping: dict[str, str] | None = None, *, will_extract: bool = False
) -> FileResult:
    """Read and store one file (one transaction). A ``CaseLensError`` refuses the file.

    With ``will_extract`` the import is stored already ``extracting``, in the same
    transaction: a crash before its extraction starts leaves it for ``resume_incomplete``,
    unlike an import stored with ``--no-extract``, which stays ``stored``."""
    try:
        sha256 = file_sha256(path)
        known = case.db.execute("SELECT id FROM imports WHERE sha256 = ?", (sha256,)).fetchone()
        if known:
            return FileResult(path, "nothing_new", ImportOutcome(import_id=known[0], nothing_new=True))
        read_result = extractors.read_export(path, mapping)
        with case.transaction():
            outcome = store_import(case, path, sha256, read_result.format, read_result)
            if will_extract and not outcome.nothing_new:
                set_import_status(case, outcome.import_id, "extracting")
            extraction.crash_point("store_notes")
    except CaseLensError as error:
        return FileResult(path, "refused", error=error)
    return FileResult(path, "nothing_new" if outcome.nothing_new else "stored", outcome)


def file_sha256(path: Path) -> str:
    """The file's sha256 (hex); E110 when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise CaseLensError("E110", file=path) from exc
    return digest.hexdigest()


def _cancel(
    case: Case,
    result: ImportReport,
    stored: list[int],
    progress: ProgressCallback | None,
    extractor: extraction.Extractor | None,
) -> None:
    """Remove this run's imports that are not complete, then bring case-level facts back in
    line with what remains."""
    result.cancelled = True
    removed = {
        import_id
        for (import_id,) in case.db.execute(
            f"SELECT id FROM imports WHERE status != 'complete' AND id IN ({', '.join('?' for _ in stored)})",
            stored,
        )
    } if stored else set()
    for number, import_id in enumerate(sorted(removed), start=1):
        report(progress, "removing", number - 1, len(removed), "Removing the cancelled import")
        delete_import(case, import_id)
    for file_result in result.files:
        if file_result.outcome is not None and file_result.outcome.import_id in removed:
            file_result.status = "cancelled"
    if removed and extractor is not None:
        extraction.resolve_case(case, extractor, progress)
