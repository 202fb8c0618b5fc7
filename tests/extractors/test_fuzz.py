"""A fuzz run over every importer: damaged versions of good files are read or refused, never crash.

Deterministic (fixed seeds), so a failure here is reproducible. Each input runs under a 60 s
watchdog that catches hangs; it is not a speed test."""
from __future__ import annotations

import random
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from errors import CaseLensError
from extractors import canonical_text, read_export
from tests.extractors.builders import SAMPLE_NOTES, write_csv, write_docx, write_html, write_pdf, write_txt, write_xlsx

MUTANTS_PER_FORMAT = 40


@contextmanager
def watchdog(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"reading took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _mutate(data: bytes, rng: random.Random) -> bytes:
    mutable = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        if not mutable:
            break
        at = rng.randrange(len(mutable))
        choice = rng.random()
        if choice < 0.5:
            mutable[at] = rng.randrange(256)
        elif choice < 0.75:
            del mutable[at:at + rng.randint(1, 64)]
        elif choice < 0.95:
            mutable[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        else:
            del mutable[at:]
    return bytes(mutable)


_BUILDERS = {
    "csv": lambda p: write_csv(p, [["Date", "Narrative", "Status"]] + [["12/03/2023", "<p>Seen, well.</p>", "Complete"]] * 5),
    "xlsx": lambda p: write_xlsx(p, {"Notes": [["Date", "Narrative"]] + [["12/03/2023", "Seen."]] * 5}),
    "docx": lambda p: write_docx(p, SAMPLE_NOTES),
    "pdf": lambda p: write_pdf(p, SAMPLE_NOTES),
    "html": lambda p: write_html(p, SAMPLE_NOTES),
    "txt": lambda p: write_txt(p, SAMPLE_NOTES),
}


@pytest.mark.parametrize("file_format", sorted(_BUILDERS))
def test_damaged_files_are_read_or_refused(tmp_path: Path, file_format: str) -> None:
    original = _BUILDERS[file_format](tmp_path / f"original.{file_format}").read_bytes()
    rng = random.Random(f"caselens-{file_format}")
    for number in range(MUTANTS_PER_FORMAT):
        path = tmp_path / f"mutant{number}.{file_format}"
        path.write_bytes(_mutate(original, rng))
        with watchdog(60):
            try:
                result = read_export(path)
            except CaseLensError:
                continue
        assert result.notes, path.name
        assert all(note.text and note.text == canonical_text(note.text) for note in result.notes)
