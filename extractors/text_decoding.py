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
# Detection looks at the first megabyte only: enough to tell Windows-1252 from Latin-9 or UTF-16,
# and a 50 MB file is then decoded in well under a second instead of several.
_DETECTION_SAMPLE = 1_000_000
# How sure charset-normalizer must be that the text is in a language (0-1) before its guess
# overrides Windows-1252.
_CONFIDENT_COHERENCE = 0.2
# Characters that never appear in exported text; a decoded file full of them is not text.
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r", "\f", "\v"}


def bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def decode_text(data: bytes, file_name: str) -> str:
    """Decode an export's bytes: a BOM decides; else UTF-8; else Windows-1252 or a confidently
    detected encoding.

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
        text = _decode_legacy(data, file_name)
    sample = text[:65536]
    if sample and sum(ch in _CONTROL for ch in sample) > len(sample) // 20:
        raise CaseLensError("E102", file=file_name, detail="it holds binary data, not text")
    return text


def _decode_legacy(data: bytes, file_name: str) -> str:
    """Text that is not UTF-8. UK exports are almost always Windows-1252 (Excel's "CSV" on
    Windows); another encoding is used first only when detection is confident about it (it
    recognised the language), since on short texts detection alone often picks a near-miss
    such as cp1250."""
    best = from_bytes(data[:_DETECTION_SAMPLE]).best()
    if best is not None and best.encoding != "cp1252" and best.coherence >= _CONFIDENT_COHERENCE:
        encodings = [best.encoding, "cp1252"]
    else:
        encodings = ["cp1252"] + ([best.encoding] if best is not None else [])
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise CaseLensError("E103", file=file_name, detail="no text encoding fits it")
