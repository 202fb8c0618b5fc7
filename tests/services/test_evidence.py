"""Traceable: every fact extracted from a whole generated case names its note and points at
words inside it, so the app can always show the sentence it came from."""
from __future__ import annotations

from services.corpus import generate_case
from services.importing import import_files
from store import open_case
from store.export import case_to_json


def test_no_extracted_fact_lacks_its_evidence(tmp_path, nlp):
    folder = generate_case(tmp_path / "case", notes=60, seed=5)
    case_path = tmp_path / "evidence.caselens"
    report = import_files(case_path, [folder / "case.csv"])
    assert report.exit_code == 0
    with open_case(case_path) as case:
        document = case_to_json(case)

    texts = {note["id"]: note["text"] for note in document["notes"]}
    counted = 0
    for table in ("mentions", "events", "risks", "strengths"):
        assert document[table], f"the pipeline found no {table} in a 60-note case"
        for row in document[table]:
            text = texts.get(row["note_id"])
            assert text is not None, f"{table} {row['id']} names no current note"
            assert isinstance(row["start"], int) and isinstance(row["end"], int), row
            assert 0 <= row["start"] < row["end"] <= len(text), f"{table} {row['id']} points outside its note"
            if "text" in row:
                assert text[row["start"]:row["end"]] == row["text"], f"{table} {row['id']} quotes other words"
            counted += 1
    for gap in document["gaps"]:
        for evidence in gap["evidence"]:
            assert 0 <= evidence["start"] < evidence["end"] <= len(texts[evidence["note_id"]])
    people = {person["id"] for person in document["people"]}
    for mention in document["mentions"]:
        assert mention["person_id"] is None or mention["person_id"] in people
    assert counted > 200
