"""Which lines start a note, and which body lines must not."""
from __future__ import annotations

import json

import pytest

from extractors.headers import match_header, match_metadata, parse_shapes, shapes


def test_shipped_shapes_load_with_every_required_shape() -> None:
    assert {name for name, _ in shapes().headers} >= {"pipe", "dash", "labelled", "bracketed"}




@pytest.mark.parametrize(
    ("line", "date", "note_type", "author"),
    [
        ("12/03/2023 14:30 | Home Visit | Jane Smith (Social Worker)", "2023-03-12T14:30", "Home Visit", "Jane Smith (Social Worker)"),
        ("12/03/2023 - Phone Call - Jane Smith", "2023-03-12", "Phone Call", "Jane Smith"),
        ("Date: 12/03/2023 14:30   Type: Home Visit   Author: Jane Smith", "2023-03-12T14:30", "Home Visit", "Jane Smith"),
        ("[12 Mar 2023] Home Visit — Jane Smith", "2023-03-12", "Home Visit", "Jane Smith"),
        ("Undated | Home Visit | Jane Smith", None, "Home Visit", "Jane Smith"),
        ("Date: (none)   Type: Home Visit   Author: Jane Smith", None, "Home Visit", "Jane Smith"),
        ("Case Note - 12/03/2023 14:30 - Home Visit - Recorded by Jane Smith", "2023-03-12T14:30", "Home Visit", "Jane Smith"),
        ("12/03/2023\t14:30\tHome Visit\tJane Smith", "2023-03-12T14:30", "Home Visit", "Jane Smith"),
        ("Event Date: 3 April 2023, Case Note Type: Strategy Discussion, Recorded By: A Khan", "2023-04-03", "Strategy Discussion", "A Khan"),
    ],
)
def test_header_shapes(line: str, date: str | None, note_type: str, author: str) -> None:
    header = match_header(line)
    assert header is not None
    assert (header.date.iso, header.note_type, header.author) == (date, note_type, author)


@pytest.mark.parametrize(
    "line",
    [
        "Addendum 14/03/2023: Sam returned to school.",
        "On 12/03/2023 Mum called to say she was unwell.",
        "12/03/2023 was the last time Sam was seen at school.",
        "Title: not a header",
        "x" * 400,
    ],
)
def test_body_lines_do_not_start_a_note(line: str) -> None:
    assert match_header(line) is None


def test_metadata_lines() -> None:
    assert match_metadata("Title: Visit to discuss school") == ("title", "Visit to discuss school")
    assert match_metadata("Ref: 12345") == ("source_note_id", "12345")
    assert match_metadata("Mum said the ref: was lost") is None


def test_header_shapes_are_validated() -> None:
    macro = json.dumps({"macro": "DATE", "pattern": r"\d\d/\d\d/\d{4}"})
    good = json.dumps({"header": "x", "pattern": r"^(?P<date>{DATE}) \| (?P<type>\w+)$", "examples": ["12/03/2023 | Visit"]})
    assert parse_shapes([macro, good]).headers[0][0] == "x"
    with pytest.raises(ValueError, match="unknown keys"):
        parse_shapes([macro, json.dumps({"header": "x", "pattern": "(?P<date>a)", "colour": "red"})])
    with pytest.raises(ValueError, match="own example"):
        parse_shapes([macro, json.dumps({"header": "x", "pattern": r"^(?P<date>{DATE})$", "examples": ["nope"]})])
    with pytest.raises(ValueError, match="unknown macro"):
        parse_shapes([json.dumps({"header": "x", "pattern": r"(?P<date>{NOPE})"})])
