"""Bytes to text: BOMs, detected encodings, binary refused."""
from __future__ import annotations

import pytest

from errors import CaseLensError
from extractors.text_decoding import decode_text


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_common_export_encodings(encoding: str) -> None:
    text = "Date,Narrative\n12/03/2023,Mum’s café – £20\n"
    assert decode_text(text.encode(encoding), "n.csv") == text


def test_binary_is_refused() -> None:
    with pytest.raises(CaseLensError) as caught:
        decode_text(b"abc\x00\x01\x02def", "n.csv")
    assert caught.value.code == "E102"


def test_a_confidently_detected_other_encoding_is_used() -> None:
    text = "Date,Narrative\n12/03/2023,Zażółć gęślą jaźń, Łódź, Wróbel\n"
    assert decode_text(text.encode("cp1250"), "n.csv") == text
