import re
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm

from errors import CaseLensError
from reports.chronology import COLUMNS
from reports.word import MARKING_TEXT, export_docx
from store import audit, curation
from tests.reports import builders


def _chronology_table(document):
    return next(t for t in document.tables if t.rows[0].cells[0].text == "No.")


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_key_events_only_by_default_hidden_left_out(case, tmp_path):
    result = export_docx(case, tmp_path / "out.docx")
    table = _chronology_table(Document(str(result.path)))
    # 12 events, e0000 hidden by the worker; 9 of the other 11 are significant or critical.
    assert result.count == len(table.rows) - 1 == 9
    whole = export_docx(case, tmp_path / "all.docx", key_only=False)
    assert whole.count == 11


def test_table_has_the_chronology_columns_and_a_repeating_header(case, tmp_path):
    document = Document(str(export_docx(case, tmp_path / "out.docx").path))
    table = _chronology_table(document)
    assert tuple(cell.text for cell in table.rows[0].cells) == COLUMNS
    header_props = table.rows[0]._tr.trPr
    assert header_props is not None and header_props.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])


def test_rows_show_dates_ages_sources_and_the_workers_edits(case, tmp_path):
    document = Document(str(export_docx(case, tmp_path / "out.docx", key_only=False).path))
    rows = [[c.text for c in row.cells] for row in _chronology_table(document).rows[1:]]
    first = rows[0]
    assert first[0] == "1"  # reviewed (the worker edited it): no draft mark
    assert first[1] == "9 May 2015"
    assert first[2] == "1m"  # born 12 Mar 2015
    assert first[3].startswith("Domestic abuse incident")
    assert "Priya Patel" in first[4] and "Ref SN100001" in first[4]
    assert first[5] == "Amy Jones was frightened and could not sleep."
    assert first[6].startswith("Referred to MARAC")
    assert rows[1][0] == "2" and rows[2][0] == "3*"
    assert any(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", r[1]) for r in rows)  # month precision
    assert any(r[1].startswith("c. ") for r in rows)  # approximate year


def test_selection_and_date_range(case, tmp_path):
    chosen = export_docx(case, tmp_path / "sel.docx", event_ids=["e0003", "e0010", "e0000"])
    assert chosen.count == 2  # e0000 is hidden
    ranged = export_docx(case, tmp_path / "range.docx", key_only=False, date_from="2016-01-01", date_to="2017-12-31")
    dates = [row.cells[1].text for row in _chronology_table(Document(str(ranged.path))).rows[1:]]
    assert dates and all(re.search(r"201[67]", d) for d in dates)


def test_page_layout_marking_and_page_numbers(case, tmp_path):
    document = Document(str(export_docx(case, tmp_path / "out.docx").path))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert abs(section.page_width - Cm(29.7)) < Cm(0.1) and abs(section.page_height - Cm(21.0)) < Cm(0.1)
    assert MARKING_TEXT in "".join(p.text for p in section.header.paragraphs)
    footer_xml = section.footer._element.xml
    assert MARKING_TEXT in "".join(p.text for p in section.footer.paragraphs)
    assert " PAGE " in footer_xml and " NUMPAGES " in footer_xml


def test_title_block_and_provenance(case, tmp_path):
    document = Document(str(export_docx(case, tmp_path / "out.docx", prepared_by="Priya Patel").path))
    text = _all_text(document)
    assert "Jones family" in text
    assert "Amy Jones (DOB 12 Mar 2015)" in text
    assert "Period covered" in text and "Prepared by" in text and "Date prepared" in text
    assert "2 were reviewed by the worker" in text
    assert "drafted by automatic extraction from the case notes" in text


def test_anonymised_variant_hides_people_contacts_and_places(case, tmp_path):
    document = Document(str(export_docx(case, tmp_path / "anon.docx", anonymise=True, key_only=False,
                                        sections={"summary"}, prepared_by="Priya Patel").path))
    text = _all_text(document) + "".join(p.text for p in document.sections[0].header.paragraphs)
    for secret in ("Sarah", "Jones", "Darren", "Smith", "Priya", "Patel", "Helen", "Brook", "Amy",
                   builders.PHONE, "0117", builders.POSTCODE, builders.EMAIL, "4521", "Oakfield", "SN1000",
                   "12 Mar 2015", "Acacia"):
        assert secret not in text, secret
    assert "Mother" in text and "Father" in text and "Child 1" in text and "Professional A" in text
    assert "[school]" in text and "PC [collar number]" in text
    assert "This is an anonymised copy" in text


def test_summary_and_timeline_sections(case, tmp_path):
    png = builders.tiny_png()
    path = export_docx(case, tmp_path / "full.docx", sections={"summary", "timeline"}, timeline_png=png).path
    document = Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for expected in ("Summary", "People and household", "Professionals and agencies", "Timeline", "Chronology"):
        assert any(h.startswith(expected) for h in headings), expected
    assert len(document.inline_shapes) == 1
    text = _all_text(document)
    assert "Subject child" in text and "0117 496 0000" in text and "Domestic abuse" in text
    assert "Not found in the notes" in text
    with pytest.raises(ValueError):
        export_docx(case, tmp_path / "bad.docx", sections={"appendix"})


def test_every_export_is_audited(case, tmp_path):
    export_docx(case, tmp_path / "out.docx", anonymise=True, date_from="2015-01-01")
    entry = [e for e in audit.entries(case) if e["action"] == "export"][-1]
    detail = entry["detail"]
    assert detail["format"] == "docx" and detail["anonymised"] is True
    assert detail["filter"] == {"from": "2015-01-01", "to": None, "key_only": True}
    assert detail["file"] == str(tmp_path / "out.docx") and detail["count"] >= 1


def test_a_local_authority_template_keeps_its_header_and_styles(case, tmp_path):
    template = Document()
    header = template.sections[0].header
    header.paragraphs[0].add_run().add_picture(__import__("io").BytesIO(builders.tiny_png()), width=Cm(2))
    header.add_paragraph("Anytown Council Children's Services")
    template.add_paragraph("Sample body text that must not appear in the export.")
    footer = template.sections[0].footer.paragraphs[0]
    footer._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    template.save(str(tmp_path / "la.docx"))

    document = Document(str(export_docx(case, tmp_path / "out.docx", template=tmp_path / "la.docx").path))
    section = document.sections[0]
    header_text = "\n".join(p.text for p in section.header.paragraphs)
    assert "Anytown Council" in header_text and MARKING_TEXT in header_text
    assert section.header._element.xpath(".//w:drawing")
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    assert "Sample body text" not in _all_text(document)
    assert section.footer._element.xml.count("PAGE") == 1  # the template's own page number is kept, not doubled


def test_unusable_template_and_unwritable_output_are_clear_errors(case, tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_text("not a word document")
    with pytest.raises(CaseLensError) as error:
        export_docx(case, tmp_path / "out.docx", template=bad)
    assert error.value.code == "E401"
    with pytest.raises(CaseLensError) as error:
        export_docx(case, tmp_path / "missing" / "out.docx")
    assert error.value.code == "E402"
    assert not list(tmp_path.glob(".caselens-*"))


def test_curation_after_export_shows_in_the_next_one(case, tmp_path):
    curation.set_value(case, "event", "e0003", "summary", "Worker's own wording of the event.")
    document = Document(str(export_docx(case, tmp_path / "out.docx").path))
    assert "Worker's own wording of the event." in _all_text(document)


def test_empty_selection_still_makes_a_document(case, tmp_path):
    result = export_docx(case, tmp_path / "none.docx", event_ids=[])
    assert result.count == 0
    assert "No events match the chosen filter." in _all_text(Document(str(result.path)))


def test_default_template_is_packaged():
    from reports.template import default_template_path

    path = default_template_path()
    assert path is not None and Path(path).stat().st_size > 0
