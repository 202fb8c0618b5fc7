"""The shared vocabulary of the extractors: what a note looks like when it leaves an export file.

Every reader, whatever the format, produces ``RawNote``s whose ``text`` is *canonical*
(see ``canonical_text``) so that the same note read from CSV, XLSX, DOCX, PDF, TXT or HTML has
the same text, the same id (``note_identity``) and the same character offsets.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

# A single note over this many characters makes the whole file refused (design: import model).
MAX_NOTE_CHARS = 1_000_000

_WS = re.compile(r"\s+")
_TRAILING = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)
_MANY_BLANKS = re.compile(r"\n{3,}")


def canonical_text(text: str) -> str:
    """Normalise extracted note text: ``\\n`` line endings, no trailing spaces on any line,
    at most one blank line between paragraphs, no leading/trailing blank lines.
    Idempotent: ``canonical_text(canonical_text(t)) == canonical_text(t)``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.replace("\x00", "")
    text = _TRAILING.sub("", text)
    text = _MANY_BLANKS.sub("\n\n", text)
    return text.strip("\n").rstrip()


def collapse_whitespace(text: str) -> str:
    return _WS.sub(" ", text).strip()


_AUTHOR_WITH_ROLE = re.compile(r"^(?P<name>[^()]{2,120}?)\s*\((?P<role>[^()]{2,80})\)$")


def split_author(author: str | None) -> tuple[str | None, str | None]:
    """``"Jane Smith (Social Worker)"`` → ``("Jane Smith", "Social Worker")``; a plain name has no role."""
    author = collapse_whitespace(author or "")
    match = _AUTHOR_WITH_ROLE.match(author)
    if match is None:
        return author or None, None
    return match["name"].strip(), match["role"].strip()


def note_identity(note_date: str | None, text: str) -> str:
    """Stable note id: hash of the note's day (``YYYY-MM-DD`` or empty) and its text with all
    whitespace collapsed, so the same note from any format or export is one note."""
    day = (note_date or "")[:10]
    digest = hashlib.sha1(f"{day}\x1f{collapse_whitespace(text)}".encode("utf-8")).hexdigest()
    return "n" + digest[:15]


@dataclass
class RawNote:
    """One case note as read from an export, before it is stored."""

    text: str  # canonical text (every fact offset indexes this)
    ref: str  # where in the file: "row 12", "sheet Notes row 5", "page 3", "paragraph 40", "line 80"
    note_date: str | None = None  # ISO "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM"; None = undated (flagged)
    recorded_date: str | None = None  # when it was written, when that differs from the event date
    author: str | None = None
    note_type: str | None = None
    title: str | None = None
    agency: str | None = None
    status: str | None = None  # as exported ("Complete", "Draft"...); deleted rows never get here
    source_note_id: str | None = None  # the source system's own id, when the export has one
    subject_ref: str | None = None  # the source system's person id, when the export has one
    flags: set[str] = field(default_factory=set)  # "undated", "metadata_only", "prior_chronology", "significant", "approximate_date"
    author_role: str | None = None  # "Social Worker" when written with the name: "Jane Smith (Social Worker)"

    def __post_init__(self) -> None:
        self.text = canonical_text(self.text)
        if self.title is not None:
            self.title = collapse_whitespace(self.title) or None
        if not self.note_date:
            self.note_date = None
            self.flags.add("undated")

    @property
    def id(self) -> str:
        return note_identity(self.note_date, self.text)


@dataclass
class ReadResult:
    """What reading one export file gives: its notes and what was deliberately left out."""

    notes: list[RawNote]
    format: str  # "csv", "xlsx", "docx", "pdf", "txt", "html"
    shape: str  # "row_per_note", "long_document", "prior_chronology"
    skipped: dict[str, int] = field(default_factory=dict)  # {"deleted": 2, "draft_superseded": 1}
    warnings: list[str] = field(default_factory=list)
