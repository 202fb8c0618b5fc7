"""Column recognition: the synonyms data file, its validation, and matching headers."""
from __future__ import annotations

import json

import pytest

from errors import CaseLensError
from extractors.columns import match_columns, parse_vocabulary, validate_mapping, vocabulary


def test_shipped_synonyms_load() -> None:
    assert vocabulary().note_fields["text"]


def test_unknown_keys_in_the_column_synonyms_are_rejected() -> None:
    from importlib import resources

    data = json.loads(resources.files("resources").joinpath("column_synonyms.json").read_text(encoding="utf-8"))
    data["note_fields"]["colour"] = ["colour"]
    with pytest.raises(ValueError, match="colour"):
        parse_vocabulary(data)
    data = {**data, "extra": 1}
    with pytest.raises(ValueError, match="extra"):
        parse_vocabulary(data)


def test_headers_match_whatever_their_spelling() -> None:
    found = match_columns(["DATE_OF_EVENT", "Case Note Detail", "createdBy", "Time"], vocabulary().note_fields)
    assert found == {"date": 0, "time": 3, "author": 2, "text": 1}


def test_a_mapping_field_must_be_known() -> None:
    assert validate_mapping({"date": "When"}) == {"date": "When"}
    with pytest.raises(CaseLensError) as caught:
        validate_mapping({"when": "Date"})
    assert caught.value.code == "E112"
