"""Hostile and broken input, end to end through ``services.importing`` into a real case: each
file either imports correctly (all its notes, text intact) or is refused with a clear
``CaseLensError`` and leaves the case exactly as it was — never a crash or a partial import.

Each input runs under the 60 s watchdog of the extractor fuzz tests: a hang guard, not a
speed test."""
from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from errors import CaseLensError
from extractors import read_export
from extractors.base import note_identity
from services.importing import FileResult, import_files
from store import open_case
from tests.extractors.builders import SAMPLE_NOTES, write_csv, write_docx, write_html, write_pdf, write_txt, write_xlsx
from tests.extractors.test_fuzz import watchdog
from tests.store.factory import KeywordExtractor

FORMATS = ("csv", "xlsx", "docx", "pdf", "html", "txt")


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    """A case already holding one good import, so a refused file has something to not change."""
    path = tmp_path / "case.caselens"
    good = write_csv(tmp_path / "good.csv", [["Date", "Narrative"], ["01/02/2023", "Home visit, all well."]])
    assert import_files(path, [good], extractor=KeywordExtractor()).exit_code == 0
    return path


def _state(case_path: Path) -> tuple[int, int, int, str]:
    with open_case(case_path) as case:
        db = case.db
        return (db.execute("SELECT count(*) FROM imports").fetchone()[0],
                db.execute("SELECT count(*) FROM notes").fetchone()[0],
                db.execute("SELECT count(*) FROM events").fetchone()[0],
                db.execute("PRAGMA integrity_check").fetchone()[0])


def _import(case_path: Path, file: Path) -> FileResult:
    """Import one file under the watchdog and check the all-or-nothing promise."""
    imports, notes, _events, _ok = _state(case_path)
    with watchdog(60):
        report = import_files(case_path, [file], extractor=KeywordExtractor())
    [result] = report.files
    after = _state(case_path)
    assert after[3] == "ok"
    if result.status == "refused":
        assert isinstance(result.error, CaseLensError) and result.error.code in _CLEAR_CODES
        assert str(result.error).strip() and "?" not in result.error.what
        assert after[:2] == (imports, notes), f"{file.name} was refused but changed the case"
    else:
        assert result.status == "stored", (file.name, result.status)
        expected = {note_identity(note.note_date, note.text) for note in read_export(file).notes}
        with open_case(case_path) as case:
            import_id = result.outcome.import_id
            status = case.db.execute("SELECT status FROM imports WHERE id = ?", (import_id,)).fetchone()[0]
            landed = {row[0] for row in case.db.execute(
                "SELECT note_id FROM note_sources WHERE import_id = ?"
                " AND note_id IN (SELECT id FROM notes WHERE current = 1)", (import_id,))}
            assert status == "complete" and expected and landed == expected, file.name
    return result


_CLEAR_CODES = {f"E1{n:02d}" for n in range(1, 14)}

_GOOD = {
    "csv": lambda p: write_csv(p, [["Date", "Narrative"]] + [["12/03/2023", "Seen at home, police called."]] * 4),
    "xlsx": lambda p: write_xlsx(p, {"Notes": [["Date", "Narrative"]] + [["12/03/2023", "Seen."]] * 4}),
    "docx": lambda p: write_docx(p, SAMPLE_NOTES),
    "pdf": lambda p: write_pdf(p, SAMPLE_NOTES),
    "html": lambda p: write_html(p, SAMPLE_NOTES),
    "txt": lambda p: write_txt(p, SAMPLE_NOTES),
}


@pytest.mark.parametrize("file_format", FORMATS)
def test_random_bytes_and_truncated_files_are_refused_or_imported_whole(tmp_path, case_path, file_format):
    rng = random.Random(f"hostile-{file_format}")
    noise = tmp_path / f"noise.{file_format}"
    noise.write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    assert _import(case_path, noise).status == "refused"
    good = _GOOD[file_format](tmp_path / f"good.{file_format}").read_bytes()
    for cut in (len(good) // 3, len(good) // 2, len(good) - 7):
        truncated = tmp_path / f"truncated{cut}.{file_format}"
        truncated.write_bytes(good[:cut])
        _import(case_path, truncated)


def _zip_bomb(path: Path, member: str) -> Path:
    """A small file that unpacks to over 200 MB (zeros compress ~1000:1)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(member, "w", force_zip64=True) as handle:
            block = bytes(1 << 20)
            for _ in range(210):
                handle.write(block)
    return path


@pytest.mark.parametrize(("name", "member"), [("bomb.docx", "word/document.xml"), ("bomb.xlsx", "xl/worksheets/sheet1.xml")])
def test_zip_bombs_disguised_as_office_files_are_refused(tmp_path, case_path, name, member):
    bomb = _zip_bomb(tmp_path / name, member)
    assert bomb.stat().st_size < 2_000_000
    result = _import(case_path, bomb)
    assert result.status == "refused" and result.error.code == "E111"


def test_deeply_nested_html_is_imported_or_refused(tmp_path, case_path):
    page = tmp_path / "nested.html"
    body = "12/03/2023 | Home Visit | Jane Smith<br>Seen at home with Mum.<br>"
    page.write_text("<html><body>" + "<div>" * 100_000 + body + "</div>" * 100_000 + "</body></html>", encoding="utf-8")
    _import(case_path, page)


def test_a_50_mb_single_line_is_refused_by_the_note_size_limit(tmp_path, case_path):
    huge = tmp_path / "huge.txt"
    huge.write_text("12/03/2023 | Home Visit | Jane Smith\n" + "word " * 10_000_000, encoding="utf-8")
    result = _import(case_path, huge)
    assert result.status == "refused" and result.error.code == "E108"


def test_a_csv_with_10000_columns(tmp_path, case_path):
    header = ["Date", "Narrative"] + [f"Extra {n}" for n in range(9_998)]
    rows = [header] + [["12/03/2023", f"Visit {n}: seen at home."] + ["x"] * 9_998 for n in range(3)]
    result = _import(case_path, write_csv(tmp_path / "wide.csv", rows))
    assert result.status == "stored" and result.outcome.notes_added == 3


AWKWARD_TEXT = {
    "control": "Seen at home.\x07 Mum\x1b[31m said all is well.\x0b",
    "rtl": "Interpreter used: \u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd \u202eevil\u202c said Mum.",
    "emoji": "Kayden drew a picture \U0001F3E0\U0001F622 of home \u2764\ufe0f and his dog \U0001F436.",
    "welsh": "Mae Si\u00e2n yn byw yn Llanfairpwllgwyngyll gyda'i m\u00e2m; \u0175 \u0177 \u00ef.",
    "polish": "Za\u017c\u00f3\u0142\u0107 g\u0119\u015bl\u0105 ja\u017a\u0144: \u0141ukasz i Ma\u0142gorzata.",
}


def test_awkward_dates_and_characters_import_with_their_text_intact(tmp_path, case_path):
    rows = [["Date", "Narrative"],
            ["31/02/2023", "Note dated the thirty-first of February."],
            ["01/01/2099", "Note dated far in the future."],
            ["12/03/1850", "Note dated before 1900."]]
    rows += [["12/03/2023", text] for text in AWKWARD_TEXT.values()]
    result = _import(case_path, write_csv(tmp_path / "awkward.csv", rows))
    assert result.status == "stored"
    with open_case(case_path) as case:
        texts = [row[0] for row in case.db.execute("SELECT text FROM notes WHERE import_id = ?", (result.outcome.import_id,))]
        dates = dict(case.db.execute("SELECT text, note_date FROM notes WHERE import_id = ?", (result.outcome.import_id,)).fetchall())
    for name in ("rtl", "emoji", "welsh", "polish"):
        assert AWKWARD_TEXT[name] in texts, name
    assert any("Mum" in text and "said all is well." in text and "\x00" not in text for text in texts)
    assert dates["Note dated the thirty-first of February."] is None  # not a real date: undated, never guessed
    assert (dates["Note dated far in the future."] or "").startswith("2099-01-01")
    assert (dates["Note dated before 1900."] or "").startswith("1850-03-12")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(min_size=1, max_size=200), min_size=1, max_size=4))
def test_any_note_text_imports_whole_or_is_refused(tmp_path_factory, texts):
    folder = tmp_path_factory.mktemp("hypothesis")
    export = write_csv(folder / "notes.csv", [["Date", "Narrative"]] + [["12/03/2023", text] for text in texts])
    report = import_files(folder / "case.caselens", [export], extractor=KeywordExtractor())
    [result] = report.files
    if result.status == "refused":
        assert result.error.code in _CLEAR_CODES
        assert not (folder / "case.caselens").exists()  # a case created for nothing is removed again
    else:
        assert result.status == "stored"
        with open_case(folder / "case.caselens") as case:
            stored = case.db.execute("SELECT count(*) FROM notes").fetchone()[0]
            assert stored == result.outcome.notes_added > 0
            assert case.db.execute("SELECT status FROM imports").fetchone()[0] == "complete"
