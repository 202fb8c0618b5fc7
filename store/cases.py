"""The case header: its title and subject child(ren)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from store.connection import Case


def header(case: Case) -> dict[str, Any]:
    """``{"title", "subjects": [{"person_id", "name", "dob"}]}`` as in the interchange."""
    title = case.db.execute("SELECT title FROM case_info WHERE id = 1").fetchone()[0]
    subjects = list(case.db.query("SELECT person_id, name, dob FROM subjects ORDER BY rowid"))
    return {"title": title, "subjects": subjects}


def set_title(case: Case, title: str | None) -> None:
    with case.transaction():
        case.db.execute("UPDATE case_info SET title = ? WHERE id = 1", (title,))


def set_subjects(case: Case, subjects: Iterable[Mapping[str, Any]]) -> None:
    """Replace the subject children: each ``{"person_id", "name", "dob"}`` (``source_ref``
    optional: the source system's person id)."""
    with case.transaction():
        case.db.execute("DELETE FROM subjects")
        for subject in subjects:
            case.db.execute(
                "INSERT INTO subjects (person_id, name, dob, source_ref) VALUES (?, ?, ?, ?)",
                (subject["person_id"], subject.get("name"), subject.get("dob"), subject.get("source_ref")),
            )
