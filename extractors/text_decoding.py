"""Bytes to text for the text formats (CSV, TXT, HTML): BOMs honoured, other encodings detected."""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from errors import CaseLensError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Characters that never appear in exported text; a decoded file full of them is not text.
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r", "\f", "\v"}


def bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def decode_text(data: bytes, file_name: str) -> str:
    """Decode an export's bytes: a BOM decides; else UTF-8; else the detected encoding.

    Raises E102 for binary content and E103 when no encoding fits."""
    encoding = bom_encoding(data)
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            raise CaseLensError("E103", file=file_name, detail=f"it starts with a {encoding} marker but is not {encoding}") from error
    if b"\x00" in data[:65536]:
        raise CaseLensError("E102", file=file_name, detail="it holds binary data, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise CaseLensError("E103", file=file_name, detail="no text encoding fits it") from None
        try:
            text = data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise CaseLensError("E103", file=file_name, detail=f"it is not valid {best.encoding}") from error
    sample = text[:65536]
    if sample and sum(ch in _CONTROL for ch in sample) > len(sample) // 20:
        raise CaseLensError("E102", file=file_name, detail="it holds binary data, not text")
    return text
