"""Deciding what a file really is, from its bytes first and its extension second.

A ``.txt`` that is an HTML print-out is read as HTML, a ``.csv`` that is really an XLSX
workbook as XLSX, a ``.docx`` with a password (an encrypted OLE container, not a ZIP) is
refused as password-protected. ZIP-based documents are checked against a decompressed-size
limit before any library opens them (zip bombs).
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import msoffcrypto

from errors import CaseLensError
from extractors.columns import match_columns, vocabulary
from extractors.tables import HEADER_SEARCH_ROWS
from extractors.text_decoding import bom_encoding, decode_text

# The most a DOCX/XLSX may unpack to; real case-note exports are a few tens of MB at most.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 20_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OTHER_BINARY = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document; save it as DOCX"),
    (b"SQLite format 3", "a database file"),
)
_HTML_DOCUMENT = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_HTML_ANYWHERE = re.compile(r"<(?:html|body)\b[^>]*>", re.I)


@dataclass
class Source:
    """One export file being read: its name for messages, bytes, and text once decoded."""

    path: Path
    data: bytes
    text: str | None = None

    @property
    def name(self) -> str:
        return self.path.name


def _zip_kind(source: Source) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as error:
        raise CaseLensError("E109", file=source.name, detail=f"its ZIP container is damaged: {error}") from error
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
            raise CaseLensError("E111", file=source.name, limit=f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB")
        names = {e.filename for e in entries}
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names and any(name == "content.xml" for name in names):
        raise CaseLensError("E102", file=source.name, detail="an OpenDocument file; save it as .docx or .xlsx")
    if any(name.startswith("EncryptedPackage") for name in names):
        raise CaseLensError("E106", file=source.name)
    raise CaseLensError("E102", file=source.name, detail="a ZIP archive that is not a Word or Excel document")


def _ole_refusal(source: Source) -> CaseLensError:
    """An OLE container is either a password-protected DOCX/XLSX or a 97-2003 Office file."""
    try:
        encrypted = msoffcrypto.OfficeFile(io.BytesIO(source.data)).is_encrypted()
    except Exception:  # msoffcrypto raises many types for containers it cannot parse
        encrypted = False
    if encrypted:
        return CaseLensError("E106", file=source.name)
    return CaseLensError(
        "E102", file=source.name, detail="an old Word/Excel 97-2003 file; save it as .docx or .xlsx"
    )


def _looks_like_csv(text: str) -> bool:
    """A text whose first non-blank line is a delimited header CaseLens recognises."""
    first = next((line for line in text[:20_000].splitlines() if line.strip()), "")
    delimiter = guess_delimiter(first)
    if delimiter not in first:
        return False
    headers = next(csv.reader([first], delimiter=delimiter), [])
    found = match_columns(headers, vocabulary().note_fields)
    return "text" in found or "date" in found


def guess_delimiter(text: str) -> str:
    """The delimiter of a CSV: the commonest of comma, tab, semicolon and pipe in the first line
    that has any (title lines above the header have none)."""
    for line in text[:20_000].splitlines()[:HEADER_SEARCH_ROWS]:
        counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
        best = max(counts, key=lambda d: counts[d])
        if counts[best]:
            return best
    return ","


def sniff_format(source: Source) -> str:
    """The format to read ``source`` as: csv, xlsx, docx, pdf, txt or html.

    Decodes text formats into ``source.text`` on the way. Raises E101 (empty), E102 (binary or
    unknown), E103 (undecodable), E106 (password-protected), E109 (damaged), E111 (zip bomb)."""
    data = source.data
    if not data.strip(b" \t\r\n\x00") or (bom_encoding(data) and not data.decode("utf-8", "ignore").strip(" \t\r\n\ufeff")):
        raise CaseLensError("E101", file=source.name)
    if data.startswith(_ZIP_MAGICS):
        return _zip_kind(source)
    if data.startswith(_OLE_MAGIC):
        raise _ole_refusal(source)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    for magic, what in _OTHER_BINARY:
        if data.startswith(magic):
            raise CaseLensError("E102", file=source.name, detail=what)
    source.text = decode_text(data, source.name)
    if not source.text.strip():
        raise CaseLensError("E101", file=source.name)
    extension = source.path.suffix.lower()
    if _HTML_DOCUMENT.match(source.text[:4096]) or (
        extension in {".htm", ".html", ".xhtml"} and _HTML_ANYWHERE.search(source.text[:65536])
    ):
        return "html"
    if extension in {".htm", ".html", ".xhtml"}:
        return "html"
    if extension in {".csv", ".tsv", ".tab"}:
        return "csv"
    return "csv" if _looks_like_csv(source.text) else "txt"
