"""Turning a table (CSV rows, a spreadsheet sheet, a Word or HTML table) into notes.

Two shapes: a **row-per-note** export from a case management system, and an **existing
chronology** (Date | Age | Category | Source | Description | Analysis) whose rows become dated
notes flagged ``prior_chronology``. Which shape a table has, and which row is its header, is
decided from the headers alone (see ``find_layout``).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from errors import CaseLensError
from extractors.base import MAX_NOTE_CHARS, RawNote, canonical_text, split_author
from extractors.columns import (
    apply_mapping,
    match_columns,
    normalise_label,
    vocabulary,
)
from extractors.datetimes import ParsedDate, combine, parse_date, parse_time
from extractors.html_text import html_to_text, looks_like_html

# How far down a sheet the header row may be (exports often start with a title and a blank row).
HEADER_SEARCH_ROWS = 15

_RANGE_SPLIT = re.compile(r"\s+(?:-|–|—|to|until)\s+", re.I)
_WORD_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])|[^0-9A-Za-z]+")
_HEADER_NOISE = {"flag", "dim", "fact", "lookup", "id", "yn", "ind", "indicator"}


@dataclass
class Table:
    """Rows of cells as read from a file; ``where`` names it in note refs ("sheet Notes", "table 2")."""

    rows: list[list[object]]
    where: str = ""
    # CSV only: a row with more filled cells than its header is malformed (an unquoted comma).
    strict_width: bool = False

    def ref(self, row_number: int) -> str:
        return f"{self.where} row {row_number}".strip()


@dataclass
class Layout:
    """Where a table's header is and what its columns mean."""

    header_index: int
    shape: str  # "row_per_note" or "prior_chronology"
    columns: dict[str, int]
    score: int


@dataclass
class TableNotes:
    notes: list[RawNote]
    shape: str
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def cell_text(value: object) -> str:
    """A cell as text: whole-number floats lose their ``.0`` (ids typed into Excel), dates go ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value).strip()


def _note_score(found: dict[str, int]) -> int:
    usable = "text" in found or ("date" in found and ("note_type" in found or "type_description" in found))
    if not usable:
        return 0
    return len(found) + (5 if "text" in found else 0) + (3 if "date" in found else 0)


def _chronology_score(found: dict[str, int]) -> int:
    if not {"date", "description"} <= set(found) or not {"age", "analysis"} & set(found):
        return 0
    return len(found) + 10


def find_layout(table: Table, mapping: dict[str, str], file_name: str) -> Layout | None:
    """Find the header row and the shape of a table, or None when no row looks like a header.

    An explicit ``mapping`` makes the table row-per-note and its header the first row that holds
    every mapped column."""
    vocab = vocabulary()
    best: Layout | None = None
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        headers = [cell_text(c) for c in row]
        if not any(headers):
            continue
        found = match_columns(headers, vocab.note_fields)
        if mapping:
            wanted = {normalise_label(c) for c in mapping.values()}
            if wanted <= {normalise_label(h) for h in headers}:
                columns = apply_mapping(headers, found, mapping, file_name)
                return Layout(index, "row_per_note", columns, 1000)
            continue
        chronology = match_columns(headers, vocab.chronology_fields)
        candidates = [
            Layout(index, "prior_chronology", chronology, _chronology_score(chronology)),
            Layout(index, "row_per_note", found, _note_score(found)),
        ]
        for candidate in candidates:
            if candidate.score and (best is None or candidate.score > best.score):
                best = candidate
    return best


def _humanise_header(header: str) -> str:
    words = [w for w in _WORD_BREAK.split(header) if w and w.lower() not in _HEADER_NOISE]
    label = " ".join(w.lower() for w in words)
    return label[:1].upper() + label[1:]


def _humanise_value(value: str) -> str:
    vocab = vocabulary()
    key = normalise_label(value)
    if key in vocab.yes_values:
        return "Yes"
    if key in vocab.no_values:
        return "No"
    return value


def _is_yes(value: str) -> bool:
    return normalise_label(value) in vocabulary().yes_values


def status_kind(status: str | None) -> str:
    """"deleted", "draft" or "complete" for a status value as exported."""
    vocab = vocabulary()
    key = normalise_label(status)
    if key in vocab.deleted_values:
        return "deleted"
    return "draft" if key in vocab.draft_values else "complete"


def drop_superseded_drafts(kept: list[tuple[RawNote, str]], skipped: Counter[str]) -> list[RawNote]:
    """Drop a draft when a complete version with the same source note id exists; count it."""
    finished = {note.source_note_id for note, kind in kept if kind == "complete" and note.source_note_id}
    notes: list[RawNote] = []
    for note, kind in kept:
        if kind == "draft" and note.source_note_id in finished:
            skipped["draft_superseded"] += 1
            continue
        notes.append(note)
    return notes


def check_size(text: str, file_name: str) -> None:
    if len(text) > MAX_NOTE_CHARS:
        raise CaseLensError("E108", file=file_name, size=f"{len(text):,}", limit=f"{MAX_NOTE_CHARS:,}")


def narrative(value: object, file_name: str) -> str:
    """A narrative cell as canonical text; HTML (rich text) becomes clean text."""
    text = cell_text(value)
    if len(text) > 10 * MAX_NOTE_CHARS:
        check_size(text, file_name)
    if looks_like_html(text):
        text = html_to_text(text, file_name)
    text = canonical_text(text)
    check_size(text, file_name)
    return text


def _read_date(raw: object, row_ref: str, warnings: list[str], *, allow_coarse: bool = False) -> ParsedDate:
    parsed = parse_date(raw, allow_coarse=allow_coarse)
    if parsed.invalid:
        warnings.append(f"{row_ref}: '{parsed.invalid}' is not a real date; the note is kept as undated.")
    return parsed


def _data_rows(table: Table, layout: Layout, file_name: str) -> list[tuple[str, list[object]]]:
    """The non-empty rows under the header, each with its ref; E104 for an over-wide CSV row."""
    width = len(table.rows[layout.header_index])
    rows: list[tuple[str, list[object]]] = []
    for number, row in enumerate(table.rows[layout.header_index + 1:], start=layout.header_index + 2):
        filled = [cell_text(c) for c in row]
        if not any(filled):
            continue
        if table.strict_width and len(row) > width and any(filled[width:]):
            raise CaseLensError(
                "E104",
                file=file_name,
                detail=f"row {number} has {len(row)} cells but the header has {width}; "
                "a comma inside a note is probably not quoted",
            )
        rows.append((table.ref(number), row))
    return rows


def _row_per_note(table: Table, layout: Layout, file_name: str) -> TableNotes:
    columns = layout.columns
    headers = [cell_text(c) for c in table.rows[layout.header_index]]
    extra_columns = [
        i for i, h in enumerate(headers)
        if h and i not in columns.values() and not normalise_label(h).endswith("id")
    ]
    result = TableNotes([], "row_per_note")
    kept: list[tuple[RawNote, str]] = []  # (note, status kind)
    skipped: Counter[str] = Counter()

    for row_ref, row in _data_rows(table, layout, file_name):

        def get(name: str, row: list[object] = row) -> object:
            index = columns.get(name)
            return row[index] if index is not None and index < len(row) else None

        def text_of(name: str) -> str | None:
            return cell_text(get(name)) or None

        status = text_of("status")
        kind = "deleted" if _is_yes(cell_text(get("deleted_flag"))) else status_kind(status)
        if kind == "deleted":
            skipped["deleted"] += 1
            continue

        event = _read_date(get("date"), row_ref, result.warnings)
        event = combine(event, parse_time(get("time")))
        recorded = _read_date(get("recorded_date"), row_ref, result.warnings)
        if "date" not in columns and recorded.day:
            event, recorded = combine(recorded, parse_time(get("time"))), ParsedDate()
        recorded_iso = recorded.iso if recorded.day and recorded.day != event.day else None

        note_type = text_of("type_description") or text_of("note_type")
        text = narrative(get("text"), file_name)
        flags: set[str] = set()
        if not text:
            lines = [note_type] if note_type else []
            for index in extra_columns:
                value = cell_text(row[index]) if index < len(row) else ""
                if value:
                    lines.append(f"{_humanise_header(headers[index])}: {_humanise_value(value)}")
            text = canonical_text("\n".join(lines))
            flags.add("metadata_only")
        if not text:
            skipped["empty"] += 1
            continue
        if _is_yes(cell_text(get("significant"))):
            flags.add("significant")
        author, author_role = split_author(text_of("author"))
        note = RawNote(
            text=text,
            ref=row_ref,
            note_date=event.iso,
            recorded_date=recorded_iso,
            author=author,
            author_role=author_role,
            note_type=note_type,
            title=text_of("title"),
            agency=text_of("agency"),
            status=status,
            source_note_id=text_of("id"),
            subject_ref=text_of("person_id"),
            flags=flags,
        )
        kept.append((note, kind))

    result.notes = drop_superseded_drafts(kept, skipped)
    result.skipped = dict(skipped)
    return result


def _prior_chronology(table: Table, layout: Layout, file_name: str) -> TableNotes:
    columns = layout.columns
    result = TableNotes([], "prior_chronology")
    for row_ref, row in _data_rows(table, layout, file_name):

        def get(name: str, row: list[object] = row) -> object:
            index = columns.get(name)
            return row[index] if index is not None and index < len(row) else None

        raw_date = get("date")
        flags = {"prior_chronology"}
        if isinstance(raw_date, str) and _RANGE_SPLIT.search(raw_date.strip()):
            raw_date = _RANGE_SPLIT.split(raw_date.strip(), maxsplit=1)[0]
            flags.add("approximate_date")
        parsed = _read_date(raw_date, row_ref, result.warnings, allow_coarse=True)
        if parsed.approximate:
            flags.add("approximate_date")
        paragraphs = [narrative(get("description"), file_name)]
        for name, label in (("analysis", "Analysis"), ("action", "Action/outcome")):
            value = narrative(get(name), file_name)
            if value:
                paragraphs.append(f"{label}: {value}")
        text = canonical_text("\n\n".join(p for p in paragraphs if p))
        check_size(text, file_name)
        if not text:
            continue
        result.notes.append(
            RawNote(
                text=text,
                ref=row_ref,
                note_date=parsed.iso,
                note_type=cell_text(get("category")) or None,
                agency=cell_text(get("source")) or None,
                flags=flags,
            )
        )
    return result


def notes_from_tables(tables: list[Table], mapping: dict[str, str], file_name: str) -> TableNotes:
    """Pick the table that holds the notes (best header, then most rows) and read it.

    Raises E105 when no table has columns CaseLens recognises (or that a mapping names)."""
    chosen: tuple[Table, Layout] | None = None
    for table in tables:
        layout = find_layout(table, mapping, file_name)
        if layout is None:
            continue
        if chosen is None or (layout.score, len(table.rows)) > (chosen[1].score, len(chosen[0].rows)):
            chosen = (table, layout)
    if chosen is None:
        headers = next((r for t in tables for r in t.rows if any(cell_text(c) for c in r)), [])
        shown = ", ".join(cell_text(h) for h in headers[:30] if cell_text(h)) or "none"
        if mapping:
            raise CaseLensError("E105", file=file_name, detail=f"no header row holds every mapped column; first row: {shown}")
        raise CaseLensError("E105", file=file_name, detail=f"first row: {shown}")
    table, layout = chosen
    if layout.shape == "prior_chronology":
        return _prior_chronology(table, layout, file_name)
    return _row_per_note(table, layout, file_name)
