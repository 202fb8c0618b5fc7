"""The extractor data files load, and malformed versions of them are rejected."""
from __future__ import annotations

import json

import pytest

from extractors.columns import match_columns, parse_vocabulary, vocabulary
from extractors.headers import parse_shapes, shapes


def test_shipped_files_load() -> None:
    assert vocabulary().note_fields["text"]
    assert {name for name, _ in shapes().headers} >= {"pipe", "dash", "labelled", "bracketed"}


def test_unknown_keys_in_the_column_synonyms_are_rejected() -> None:
    from importlib import resources

    data = json.loads(resources.files("resources").joinpath("column_synonyms.json").read_text(encoding="utf-8"))
    data["note_fields"]["colour"] = ["colour"]
    with pytest.raises(ValueError, match="colour"):
        parse_vocabulary(data)
    data = {**data, "extra": 1}
    with pytest.raises(ValueError, match="extra"):
        parse_vocabulary(data)


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


def test_headers_match_whatever_their_spelling() -> None:
    found = match_columns(["DATE_OF_EVENT", "Case Note Detail", "createdBy", "Time"], vocabulary().note_fields)
    assert found == {"date": 0, "time": 3, "author": 2, "text": 1}
