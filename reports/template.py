"""The Word template a chronology is written into.

The default template (``resources/template.docx``) is made by ``build_default_template``; run
``python -m reports.template`` to write it again after changing the styles here. A local
authority can pass its own .docx instead: its headers and footers (logo, address), page size,
margins and styles are kept, its body text is dropped, every section is turned landscape, and
any style CaseLens needs that the template lacks is added. A template that defines a style of
the same name ("CaseLens Table Text", "Heading 1"...) restyles the export.
"""
from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from errors import CaseLensError

TABLE_TEXT = "CaseLens Table Text"
TABLE_HEADING = "CaseLens Table Heading"
MARKING = "CaseLens Marking"
SMALL = "CaseLens Small"
TITLE = "Title"
HEADING_1 = "Heading 1"
HEADING_2 = "Heading 2"

_FONT = "Calibri"
_ACCENT = RGBColor(0x1F, 0x3A, 0x5F)


def default_template_path() -> Path | None:
    """The packaged default template, when it is there."""
    path = Path(str(resources.files("resources").joinpath("template.docx")))
    return path if path.is_file() else None


def open_template(template: Path | None = None) -> DocumentObject:
    """A document ready to write a chronology into: ``template`` (a local authority's .docx)
    or the default, with an empty body, landscape sections and every CaseLens style present.
    Raises E401 when ``template`` is not a usable Word document."""
    if template is None:
        default = default_template_path()
        document = Document(str(default)) if default else _new_default()
    else:
        document = _open_user_template(Path(template))
    _clear_body(document)
    for section in document.sections:
        if section.page_width is not None and section.page_height is not None and section.page_width < section.page_height:
            section.page_width, section.page_height = section.page_height, section.page_width
        section.orientation = WD_ORIENT.LANDSCAPE
    ensure_styles(document)
    return document


def _open_user_template(path: Path) -> DocumentObject:
    if not path.is_file():
        raise CaseLensError("E401", file=path, detail="the file does not exist")
    try:
        return Document(str(path))
    except PackageNotFoundError as exc:
        raise CaseLensError("E401", file=path, detail="it is not a .docx file") from exc
    except (KeyError, ValueError, OSError) as exc:
        detail = "a .dotx template must be saved as .docx" if "template" in str(exc).lower() else str(exc)
        raise CaseLensError("E401", file=path, detail=detail) from exc
    except Exception as exc:  # lxml and zipfile raise their own types for damaged files
        raise CaseLensError("E401", file=path, detail=f"it could not be read: {exc}") from exc


def _clear_body(document: DocumentObject) -> None:
    """Drop the template's body content, keeping the final section properties."""
    body = document.element.body
    for child in list(body):
        if child.tag.endswith("}sectPr"):
            continue
        body.remove(child)


def ensure_styles(document: DocumentObject) -> None:
    """Add each style the export uses that the document does not define."""
    styles = document.styles
    names = {style.name for style in styles}

    def paragraph_style(name: str, size: float, *, bold: bool = False, after: float = 0, before: float = 0,
                        colour: RGBColor | None = None, centred: bool = False, outline: int | None = None) -> None:
        if name in names:
            return
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.font.size = Pt(size)
        style.font.bold = bold
        if colour is not None:
            style.font.color.rgb = colour
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.space_before = Pt(before)
        if centred:
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if outline is not None:
            style.paragraph_format.keep_with_next = True
            pPr = style.element.get_or_add_pPr()
            level = OxmlElement("w:outlineLvl")
            level.set(qn("w:val"), str(outline))
            pPr.append(level)

    paragraph_style(TITLE, 20, bold=True, after=6, colour=_ACCENT)
    paragraph_style(HEADING_1, 14, bold=True, before=12, after=4, colour=_ACCENT, outline=0)
    paragraph_style(HEADING_2, 11.5, bold=True, before=8, after=3, colour=_ACCENT, outline=1)
    paragraph_style(TABLE_TEXT, 9, after=2)
    paragraph_style(TABLE_HEADING, 9, bold=True, after=0)
    paragraph_style(MARKING, 9, bold=True, centred=True)
    paragraph_style(SMALL, 8, centred=True)


def style_id(document: DocumentObject, name: str) -> str:
    """The id Word uses for a style name (what raw XML refers to)."""
    return document.styles[name].style_id


def _new_default() -> DocumentObject:
    """The default template: A4 landscape, 1.5 cm margins, Calibri 10 pt, CaseLens styles."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    section.top_margin = Cm(1.6)
    section.bottom_margin = Cm(1.5)
    section.header_distance = Cm(0.7)
    section.footer_distance = Cm(0.7)
    normal = document.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    for name, size in ((TITLE, 20), (HEADING_1, 14), (HEADING_2, 11.5)):
        style = document.styles[name]
        style.font.name = _FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = _ACCENT
    title = document.styles[TITLE]
    title.paragraph_format.space_after = Pt(6)
    rPr = title.element.rPr
    if rPr is not None:
        # the stock Title style draws a rule under the text and spaces letters; keep it plain
        for child in list(rPr):
            if child.tag.rsplit("}", 1)[-1] in ("spacing", "kern"):
                rPr.remove(child)
    pPr = title.element.pPr
    if pPr is not None:
        for child in list(pPr):
            if child.tag.rsplit("}", 1)[-1] == "pBdr":
                pPr.remove(child)
    ensure_styles(document)
    return document


def build_default_template(path: Path) -> Path:
    """Write the default template to ``path`` (used to make ``resources/template.docx``)."""
    document = _new_default()
    document.core_properties.title = "CaseLens chronology"
    document.core_properties.author = "CaseLens"
    document.save(str(path))
    return path


if __name__ == "__main__":  # python -m reports.template [PATH]
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(str(resources.files("resources"))) / "template.docx"
    print(build_default_template(target))
