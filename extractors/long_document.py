"""Splitting a long document (TXT, DOCX, PDF, HTML print-out) into notes at its header lines.

Each format reader turns its file into ``Line``s: one line or paragraph of text, where it is
(``ref``), and how it joins the line before it within a note (``joiner``): ``"\\n"`` for the next
line of a paragraph written with hard line breaks, ``"\\n\\n"`` for a new paragraph, ``" "`` for
a line the PDF layout wrapped. The splitter is then the same for every format, which is what
makes the same note read from any format have the same text and id.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from errors import CaseLensError
from extractors.base import MAX_NOTE_CHARS, RawNote, ReadResult, canonical_text, split_author
from extractors.datetimes import parse_date
from extractors.headers import NoteHeader, match_header, match_metadata
from extractors.tables import Table, drop_superseded_drafts, notes_from_tables, status_kind

PARAGRAPH = "\n\n"
LINE = "\n"
WRAP = " "


@dataclass
class Line:
    text: str
    ref: str
    joiner: str = PARAGRAPH
    # False for a table row shown as text: it belongs to the note it sits in, never starts one.
    can_start_note: bool = True


@dataclass
class _Draft:
    """A note being assembled while the lines are read."""

    header: NoteHeader
    ref: str
    metadata: dict[str, str] = field(default_factory=dict)
    parts: list[str] = field(default_factory=list)
    size: int = 0
    open_for_metadata: bool = True


def lines_from_text(text: str, *, by_paragraph: bool = False) -> list[Line]:
    """Lines of plain text: consecutive lines join with a line break, a blank line makes a paragraph.

    Refs are ``line N`` of the file, or ``paragraph N`` for text converted from HTML."""
    lines: list[Line] = []
    blank = False
    paragraph = 1
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            blank = True
            continue
        if blank and lines:
            paragraph += 1
        ref = f"paragraph {paragraph}" if by_paragraph else f"line {number}"
        lines.append(Line(raw, ref, PARAGRAPH if blank else LINE))
        blank = False
    return lines


def _too_long(file_name: str, size: int) -> CaseLensError:
    return CaseLensError("E108", file=file_name, size=f"{size:,}", limit=f"{MAX_NOTE_CHARS:,}")


def _finish(draft: _Draft, file_name: str, warnings: list[str]) -> tuple[RawNote, str] | None:
    header = draft.header
    note_type = header.note_type or draft.metadata.get("note_type")
    text = canonical_text("".join(draft.parts))
    flags: set[str] = set()
    if not text:
        text = note_type or ""
        flags.add("metadata_only")
    if not text:
        return None
    if len(text) > MAX_NOTE_CHARS:
        raise _too_long(file_name, len(text))
    if header.date.invalid:
        warnings.append(f"{draft.ref}: '{header.date.invalid}' is not a real date; the note is kept as undated.")
    recorded = parse_date(draft.metadata.get("recorded_date"))
    recorded_iso = recorded.iso if recorded.day and recorded.day != header.date.day else None
    status = draft.metadata.get("status")
    author, author_role = split_author(header.author or draft.metadata.get("author"))
    note = RawNote(
        text=text,
        ref=draft.ref,
        note_date=header.date.iso,
        recorded_date=recorded_iso,
        author=author,
        author_role=author_role,
        note_type=note_type,
        title=draft.metadata.get("title"),
        agency=draft.metadata.get("agency"),
        status=status,
        source_note_id=draft.metadata.get("source_note_id"),
        flags=flags,
    )
    return note, status_kind(status)


def split_into_notes(lines: Iterable[Line], file_name: str, file_format: str) -> ReadResult:
    """Group lines into notes at header lines; metadata lines right after a header are metadata.

    Text before the first header (a cover page, the document title) is not a note and is
    reported in ``warnings``. Raises E108 as soon as one note passes ``MAX_NOTE_CHARS`` and
    E113 when the document has no note headers at all."""
    kept: list[tuple[RawNote, str]] = []
    warnings: list[str] = []
    skipped: Counter[str] = Counter()
    draft: _Draft | None = None
    preamble = 0

    def close() -> None:
        if draft is None:
            return
        finished = _finish(draft, file_name, warnings)
        if finished is None:
            skipped["empty"] += 1
        elif finished[1] == "deleted":
            skipped["deleted"] += 1
        else:
            kept.append(finished)

    for line in lines:
        if len(line.text) > MAX_NOTE_CHARS:
            raise _too_long(file_name, len(line.text))
        text = line.text.strip()
        if not text:
            continue
        header = match_header(text) if line.can_start_note else None
        if header is not None:
            close()
            draft = _Draft(header, line.ref)
            continue
        if draft is None:
            preamble += 1
            continue
        if draft.open_for_metadata:
            metadata = match_metadata(text)
            if metadata is not None and metadata[0] not in draft.metadata:
                draft.metadata[metadata[0]] = metadata[1]
                continue
            draft.open_for_metadata = False
        joiner = line.joiner if draft.parts else ""
        draft.parts.append(joiner + text)
        draft.size += len(joiner) + len(text)
        if draft.size > MAX_NOTE_CHARS:
            raise _too_long(file_name, draft.size)
    close()

    if not kept and not skipped:
        raise CaseLensError(
            "E113",
            file=file_name,
            detail="no note headers found; each note should start with a line such as "
            "'12/03/2023 14:30 | Home Visit | Jane Smith'",
        )
    if preamble:
        warnings.insert(0, f"{preamble} line(s) before the first note header were not read as a note.")
    notes = drop_superseded_drafts(kept, skipped)
    return ReadResult(notes, file_format, "long_document", dict(skipped), warnings)


def read_tables_or_document(
    tables: list[Table], lines: list[Line], mapping: dict[str, str], file_name: str, file_format: str
) -> ReadResult:
    """For a document that may hold notes as a table, as headed paragraphs, or both (a bundle
    with a chronology table in front of the notes): read it both ways and keep the reading that
    finds more notes, the table on a tie. A column mapping always means the table."""
    from_tables: ReadResult | None = None
    table_error: CaseLensError | None = None
    if tables or mapping:
        try:
            found = notes_from_tables(tables, mapping, file_name)
            from_tables = ReadResult(found.notes, file_format, found.shape, found.skipped, found.warnings)
        except CaseLensError as error:
            if error.code != "E105" or mapping:
                raise
            table_error = error
    if mapping and from_tables is not None:
        return from_tables
    try:
        from_text = split_into_notes(lines, file_name, file_format)
    except CaseLensError as error:
        if error.code != "E113" or from_tables is None:
            raise error from table_error
        return from_tables
    if from_tables is not None and len(from_tables.notes) >= len(from_text.notes):
        return from_tables
    return from_text
