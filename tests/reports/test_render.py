"""The exported document opens and renders in LibreOffice (standing in for Word)."""
import os
import shutil
import subprocess

import pytest

from reports.word import MARKING_TEXT, export_docx
from tests.reports import builders

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None,
                    reason="LibreOffice (soffice) and poppler's pdftotext are needed to render the export")
def test_libreoffice_renders_the_export_with_its_text(case, tmp_path):
    docx = export_docx(case, tmp_path / "chronology.docx", anonymise=True, key_only=False,
                       sections={"summary", "timeline"}, timeline_png=builders.tiny_png()).path
    profile = tmp_path / f"lo_profile_{os.getpid()}"
    out = tmp_path / "pdf"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(docx)],
        check=True, capture_output=True, timeout=120,
    )
    pdf = out / "chronology.pdf"
    assert pdf.is_file()
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    assert text.count(MARKING_TEXT) >= 2 * len([p for p in pages if p.strip()])
    assert "Page 1 of" in text
    for expected in ("Chronology", "Age of child", "Impact on child", "Mother", "Child 1", "Domestic abuse incident"):
        assert expected in text, expected
    assert "Sarah" not in text
