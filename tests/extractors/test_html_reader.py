"""HTML print-outs (notes under headers, or a table of notes) and the shared HTML-to-text."""
from __future__ import annotations

from pathlib import Path

import pytest

from errors import CaseLensError
from extractors import read_export
from extractors.html_text import html_to_text, looks_like_html
from tests.extractors.builders import SAMPLE_NOTES, write_html


def test_a_print_out_is_split_at_headers(tmp_path: Path) -> None:
    result = read_export(write_html(tmp_path / "notes.html", SAMPLE_NOTES))
    assert (result.format, result.shape, len(result.notes)) == ("html", "long_document", 5)
    assert result.notes[0].title == "Visit to discuss school"


def test_a_table_of_notes_is_read_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "table.htm"
    path.write_text(
        "<html><body><table><tr><th>Date</th><th>Type</th><th>Narrative</th></tr>"
        "<tr><td>12/03/2023</td><td>Visit</td><td><p>Seen.</p><p>Well.</p></td></tr></table></body></html>",
        encoding="utf-8",
    )
    result = read_export(path)
    assert result.shape == "row_per_note"
    assert result.notes[0].text == "Seen.\n\nWell."


def test_html_to_text_keeps_paragraphs_and_decodes_entities() -> None:
    markup = "<div><p>Mum &amp; Sam&nbsp;seen.</p><script>alert(1)</script><ul><li>one</li><li>two</li></ul>Line<br/>break</div>"
    assert html_to_text(markup) == "Mum & Sam seen.\n\none\n\ntwo\n\nLine\nbreak"


def test_plain_text_is_not_mistaken_for_html() -> None:
    assert not looks_like_html("Scores: 3 < 5 and 7 > 2, Mum & Dad present")
    assert looks_like_html("Mum &amp; Dad")


def test_deeply_nested_html_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "nested.html"
    path.write_text("<html><body>" + "<div>" * 100_000 + "12/03/2023 | Visit | X" + "</div>" * 100_000, encoding="utf-8")
    with pytest.raises(CaseLensError) as caught:
        read_export(path)
    assert caught.value.code == "E109"
