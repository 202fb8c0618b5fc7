"""What a file really is: content first, extension second."""
from __future__ import annotations

from pathlib import Path

from extractors import read_export
from extractors.sniffing import Source, guess_delimiter, sniff_format
from tests.extractors.builders import SAMPLE_NOTES, write_csv, write_html, write_xlsx


def test_content_decides_over_extension(tmp_path: Path) -> None:
    html_as_txt = write_html(tmp_path / "notes.html", SAMPLE_NOTES).rename(tmp_path / "notes.txt")
    assert read_export(html_as_txt).format == "html"
    xlsx_as_csv = write_xlsx(tmp_path / "n.xlsx", {"Notes": [["Date", "Narrative"], ["12/03/2023", "Seen."]]})
    assert read_export(xlsx_as_csv.rename(tmp_path / "n.csv")).format == "xlsx"
    csv_as_txt = write_csv(tmp_path / "n2.csv", [["Date", "Narrative"], ["12/03/2023", "Seen."]])
    assert read_export(csv_as_txt.rename(tmp_path / "export.txt")).format == "csv"


def test_a_txt_of_headed_notes_stays_a_document(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("12/03/2023 14:30 | Home Visit | Jane Smith\nSeen.\n", encoding="utf-8")
    assert sniff_format(Source(path, path.read_bytes())) == "txt"


def test_delimiter_comes_from_the_first_delimited_line() -> None:
    assert guess_delimiter("Case notes report\nDate;Narrative\n12/03/2023;Seen, well") == ";"
    assert guess_delimiter("Date\tNarrative") == "\t"
