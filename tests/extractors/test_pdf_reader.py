"""PDF print-outs: page furniture removed, wrapped lines re-joined, refusals for scans and passwords."""
from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from errors import CaseLensError
from extractors import read_export
from tests.extractors.builders import LONG_PARAGRAPH, SAMPLE_NOTES, write_pdf, write_txt


def test_page_furniture_is_removed_and_paragraphs_rejoined(tmp_path: Path) -> None:
    result = read_export(write_pdf(tmp_path / "notes.pdf", SAMPLE_NOTES, repeat=6))
    assert (result.format, result.shape, len(result.notes)) == ("pdf", "long_document", 30)
    for note in result.notes:
        assert "Page " not in note.text and "OFFICIAL-SENSITIVE" not in note.text
    assert result.notes[0].text.startswith(LONG_PARAGRAPH + "\n\n")
    assert result.notes[0].ref.startswith("page ")


def test_paragraphs_split_across_pages_read_as_in_the_text_file(tmp_path: Path) -> None:
    from_pdf = read_export(write_pdf(tmp_path / "n.pdf", SAMPLE_NOTES, repeat=6)).notes
    from_txt = read_export(write_txt(tmp_path / "n.txt", SAMPLE_NOTES * 6)).notes
    assert len(PdfReader(tmp_path / "n.pdf").pages) > 2
    assert [n.text for n in from_pdf] == [n.text for n in from_txt]


def test_a_scanned_pdf_without_text_is_refused(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(tmp_path / "scan.pdf"))
    canvas.rect(50, 50, 400, 600, fill=1)
    canvas.showPage()
    canvas.save()
    with pytest.raises(CaseLensError) as caught:
        read_export(tmp_path / "scan.pdf")
    assert caught.value.code == "E107"
    assert "OCR" in str(caught.value)


def test_a_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=write_pdf(tmp_path / "plain.pdf", SAMPLE_NOTES[:1]))
    writer.encrypt("secret", algorithm="RC4-128")
    writer.write(tmp_path / "locked.pdf")
    with pytest.raises(CaseLensError) as caught:
        read_export(tmp_path / "locked.pdf")
    assert caught.value.code == "E106"
