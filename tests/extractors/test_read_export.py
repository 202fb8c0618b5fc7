"""The entry point: format sniffing, every refusal with its code, and the same notes in any format."""
from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msoffcrypto.format.ooxml import OOXMLFile

from errors import CaseLensError
from extractors import MAX_NOTE_CHARS, canonical_text, read_export
from tests.extractors.builders import (
    SAMPLE_NOTES,
    Note,
    write_csv,
    write_docx,
    write_html,
    write_pdf,
    write_txt,
    write_xlsx,
)


def _code(path: Path) -> str:
    with pytest.raises(CaseLensError) as caught:
        read_export(path)
    return caught.value.code


def test_same_notes_from_txt_docx_html_and_pdf_have_identical_text_and_ids(tmp_path: Path) -> None:
    writers = {"txt": write_txt, "docx": write_docx, "html": write_html, "pdf": write_pdf}
    results = {fmt: read_export(write(tmp_path / f"notes.{fmt}", SAMPLE_NOTES)) for fmt, write in writers.items()}
    expected = [(n.id, n.text, n.note_date, n.title, n.source_note_id) for n in results["txt"].notes]
    assert len(expected) == len(SAMPLE_NOTES)
    for fmt, result in results.items():
        assert [(n.id, n.text, n.note_date, n.title, n.source_note_id) for n in result.notes] == expected, fmt


def test_empty_and_blank_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"\xef\xbb\xbf \r\n\r\n")
    assert _code(tmp_path / "empty.csv") == "E101"
    assert _code(tmp_path / "blank.txt") == "E101"


def test_binary_and_unknown_formats_are_refused(tmp_path: Path) -> None:
    (tmp_path / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (tmp_path / "data.txt").write_bytes(bytes(range(256)) * 20)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    (tmp_path / "archive.docx").write_bytes(buffer.getvalue())
    assert _code(tmp_path / "photo.csv") == "E102"
    assert _code(tmp_path / "data.txt") == "E102"
    assert _code(tmp_path / "archive.docx") == "E102"


def test_text_in_a_broken_utf16_is_undecodable(tmp_path: Path) -> None:
    (tmp_path / "broken.csv").write_bytes(b"\xff\xfeD\x00a\x00\x00\xd8")
    assert _code(tmp_path / "broken.csv") == "E103"


def test_a_missing_file(tmp_path: Path) -> None:
    assert _code(tmp_path / "nowhere.csv") == "E110"
    assert _code(tmp_path) == "E110"


def test_password_protected_word_and_excel_files(tmp_path: Path) -> None:
    plain_docx = write_docx(tmp_path / "plain.docx", SAMPLE_NOTES[:1])
    plain_xlsx = write_xlsx(tmp_path / "plain.xlsx", {"Notes": [["Date", "Narrative"], ["12/03/2023", "Seen."]]})
    for plain, locked in ((plain_docx, tmp_path / "locked.docx"), (plain_xlsx, tmp_path / "locked.xlsx")):
        with plain.open("rb") as source, locked.open("wb") as target:
            OOXMLFile(source).encrypt("secret", target)
        assert _code(locked) == "E106"


def _zip_bomb(path: Path, member: str) -> Path:
    """A small ZIP whose directory declares a 300 MB member, as a bomb's does."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<xml/>")
    data = bytearray(buffer.getvalue())
    at = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4)
    data[at + 24:at + 28] = (300 * 1024 * 1024).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def test_zip_bombs_disguised_as_word_or_excel_are_refused(tmp_path: Path) -> None:
    assert _code(_zip_bomb(tmp_path / "bomb.docx", "word/document.xml")) == "E111"
    assert _code(_zip_bomb(tmp_path / "bomb.xlsx", "xl/workbook.xml")) == "E111"


def test_a_damaged_word_document(tmp_path: Path) -> None:
    data = write_docx(tmp_path / "ok.docx", SAMPLE_NOTES).read_bytes()
    (tmp_path / "cut.docx").write_bytes(data[: len(data) // 2])
    assert _code(tmp_path / "cut.docx") == "E109"


def test_a_note_over_the_limit_refuses_the_whole_file_quickly(tmp_path: Path) -> None:
    huge = "x" * (MAX_NOTE_CHARS + 10)
    (tmp_path / "one-line.txt").write_text("12/03/2023 | Visit | J\n" + "word " * 10_000_000, encoding="utf-8")
    write_csv(tmp_path / "cell.csv", [["Date", "Narrative"], ["12/03/2023", "fine"], ["13/03/2023", huge]])
    write_docx(tmp_path / "para.docx", [Note("12/03/2023 | Visit | J", ["fine", huge])])
    for name in ("one-line.txt", "cell.csv", "para.docx"):
        started = time.perf_counter()
        assert _code(tmp_path / name) == "E108", name
        assert time.perf_counter() - started < 60  # a hang guard, not a speed test


def test_a_file_whose_every_row_is_deleted_holds_no_notes(tmp_path: Path) -> None:
    write_csv(tmp_path / "gone.csv", [["Date", "Narrative", "Status"], ["12/03/2023", "x", "Deleted"]])
    assert _code(tmp_path / "gone.csv") == "E113"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_canonical_text_is_idempotent(text: str) -> None:
    once = canonical_text(text)
    assert canonical_text(once) == once


_HOSTILE = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(lambda t: t.encode("utf-8")),
    st.sampled_from([b"PK\x03\x04", b"%PDF-1.4\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html>", b"Date,Narrative\n"]).flatmap(
        lambda head: st.binary(max_size=500).map(lambda tail: head + tail)
    ),
    st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40), min_size=2, max_size=6).map(
        lambda cells: ("Date,Narrative\n" + "\n".join(f"{c},\"{c}\"" for c in cells)).encode("utf-8")
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_HOSTILE, extension=st.sampled_from([".csv", ".txt", ".docx", ".xlsx", ".pdf", ".html", ""]))
def test_random_bytes_are_read_or_refused_never_crash(tmp_path: Path, data: bytes, extension: str) -> None:
    path = tmp_path / f"input{extension}"
    path.write_bytes(data)
    try:
        result = read_export(path)
    except CaseLensError as error:
        assert error.code.startswith("E1")
    else:
        assert result.notes
        assert all(note.text == canonical_text(note.text) for note in result.notes)


def test_truncated_files_of_every_format_are_read_or_refused(tmp_path: Path) -> None:
    builders = {
        "csv": lambda p: write_csv(p, [["Date", "Narrative"], ["12/03/2023", "Seen, well."]] * 20),
        "xlsx": lambda p: write_xlsx(p, {"Notes": [["Date", "Narrative"]] + [["12/03/2023", "Seen."]] * 20}),
        "docx": lambda p: write_docx(p, SAMPLE_NOTES),
        "pdf": lambda p: write_pdf(p, SAMPLE_NOTES),
        "html": lambda p: write_html(p, SAMPLE_NOTES),
    }
    for fmt, build in builders.items():
        data = build(tmp_path / f"whole.{fmt}").read_bytes()
        for share in (0.1, 0.5, 0.9):
            cut = tmp_path / f"cut{int(share * 10)}.{fmt}"
            cut.write_bytes(data[: int(len(data) * share)])
            try:
                read_export(cut)
            except CaseLensError:
                pass


def test_awkward_but_valid_text_is_read_unchanged(tmp_path: Path) -> None:
    texts = ["Cafodd Siân ymweliad â’r ŵyr", "Zażółć gęślą jaźń, Łódź", "مرحبا بالعالم", "Sam 😊 drew a picture 🎨"]
    rows = [["Date", "Narrative"]] + [[f"1{i}/03/2023", t] for i, t in enumerate(texts)] + [["01/01/1850", "Old"], ["12/03/2099", "Future"]]
    notes = read_export(write_csv(tmp_path / "intl.csv", rows)).notes
    assert [n.text for n in notes[:4]] == texts
    assert [n.note_date for n in notes[4:]] == ["1850-01-01", "2099-03-12"]
