import csv

from reports.chronology import COLUMNS
from reports.csv_export import export_csv
from store import audit
from tests.reports import builders


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def test_one_row_per_event_with_the_chronology_columns(case, tmp_path):
    result = export_csv(case, tmp_path / "out.csv", key_only=False)
    rows = _rows(result.path)
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) - 1 == result.count == 11
    first = dict(zip(COLUMNS, rows[1]))
    assert first["Date"] == "9 May 2015" and first["Age of child"] == "1m"
    assert first["Event"].startswith("Domestic abuse incident: ")
    assert first["Impact on child"].startswith("Amy Jones was frightened")
    assert "\n" in first["Source"]  # note date, then author and agency, then the source id


def test_same_selection_rules_as_word(case, tmp_path):
    assert export_csv(case, tmp_path / "key.csv").count == 9
    assert export_csv(case, tmp_path / "sel.csv", event_ids=["e0004"]).count == 1


def test_anonymised_csv_has_no_names_or_contacts(case, tmp_path):
    result = export_csv(case, tmp_path / "anon.csv", key_only=False, anonymise=True)
    text = result.path.read_text(encoding="utf-8")
    for secret in ("Sarah", "Jones", "Darren", "Priya", "Helen", builders.PHONE, builders.POSTCODE,
                   builders.EMAIL, "4521", "Oakfield"):
        assert secret not in text, secret
    assert "Mother" in text


def test_formulas_are_not_run_by_a_spreadsheet(case, tmp_path):
    from store import curation

    curation.set_value(case, "event", "e0002", "action", "=HYPERLINK(\"http://x\")")
    rows = _rows(export_csv(case, tmp_path / "out.csv").path)
    actions = [dict(zip(COLUMNS, r))["Action/Outcome"] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in actions


def test_csv_export_is_audited(case, tmp_path):
    export_csv(case, tmp_path / "out.csv", anonymise=False, key_only=False)
    detail = [e for e in audit.entries(case) if e["action"] == "export"][-1]["detail"]
    assert detail["format"] == "csv" and detail["count"] == 11 and detail["anonymised"] is False
