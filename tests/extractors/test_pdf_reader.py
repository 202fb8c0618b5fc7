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


def _draw_pages(path: Path, pages: list[list[list[str]]]) -> Path:
    """A PDF drawn line by line: each page a list of paragraphs, each paragraph its own text block
    of already wrapped lines (as reportlab's platypus writes them)."""
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path))
    for paragraphs in pages:
        y = 780.0
        for lines in paragraphs:
            canvas.saveState()
            canvas.translate(72, y)
            text = canvas.beginText(0, 0)
            text.setFont("Helvetica", 10)
            for line in lines:
                text.textLine(line)
            canvas.drawText(text)
            canvas.restoreState()
            y -= 12 * len(lines)
        canvas.showPage()
    canvas.save()
    return path


def _wrapped(text: str) -> list[str]:
    from reportlab.lib.utils import simpleSplit

    return simpleSplit(text, "Helvetica", 10, 440)


def test_a_paragraph_ending_in_a_full_line_at_the_foot_of_a_page_keeps_its_break(tmp_path: Path) -> None:
    filler = "Mum said the children had been to the park with Nan and had a good time on the swings."
    full_lines = _wrapped(" ".join([filler] * 10))[:-1]
    ending = full_lines[:3]
    ending[-1] = ending[-1].rstrip(" .,") + "."  # a nearly full last line that ends its paragraph
    carried = full_lines[3:6]  # a paragraph wrapped over the page break, its first line full
    first_page = [["12/03/2023 | Home Visit | Jane Smith"]] + [full_lines] * 2 + [ending]
    second_page = [["Next visit will be on Friday and mum agreed to the plan."], carried[:1]]
    third_page = [carried[1:]]
    note = read_export(_draw_pages(tmp_path / "notes.pdf", [first_page, second_page, third_page])).notes[0]
    paragraphs = note.text.split("\n\n")
    assert paragraphs[-3] == " ".join(ending)
    assert paragraphs[-2] == "Next visit will be on Friday and mum agreed to the plan."
    assert paragraphs[-1] == " ".join(carried)
