"""The command line: every subcommand, exit codes 0/2/1, messages without tracebacks."""
from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

import main
from tests.store.factory import KeywordExtractor, write_csv

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def export_file(tmp_path):
    return write_csv(tmp_path / "notes.csv", [("1", "12/03/2023", "Home visit, Mum present."), ("2", "", "Undated note.")])


@pytest.mark.parametrize("command", [[], ["gui"], ["import"], ["extract"], ["info"], ["export"], ["demo"], ["evaluate"], ["bench"]])
def test_help_everywhere(command, capsys):
    assert main.main([*command, "--help"]) == 0
    assert "usage:" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys):
    assert main.main(["import", "--case"]) == 2
    assert main.main(["export", "--case", "c.caselens", "--format", "pdf", "--out", "x"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_import_info_and_export_json(tmp_path, export_file, capsys):
    case = tmp_path / "case.caselens"
    assert main.main(["import", str(export_file), "--case", str(case), "--no-extract"]) == 0
    assert "Imported notes.csv: 2 notes, 2 new, 1 undated" in capsys.readouterr().out

    assert main.main(["import", str(export_file), "--case", str(case), "--no-extract"]) == 0
    assert "nothing new" in capsys.readouterr().out

    assert main.main(["info", "--case", str(case)]) == 0
    out = capsys.readouterr().out
    assert "Notes: 2 (1 undated), 2023-03-12 to 2023-03-12" in out and "not yet extracted" in out

    out_file = tmp_path / "out" / "case.json"
    assert main.main(["export", "--case", str(case), "--format", "json", "--out", str(out_file)]) == 0
    document = json.loads(out_file.read_text(encoding="utf-8"))
    assert document["format"] == "caselens/1" and len(document["notes"]) == 2
    assert [a["action"] for a in document["audit"]] == ["import"]
    assert main.main(["info", "--case", str(case)]) == 0  # the export was audited after writing
    capsys.readouterr()


def test_a_bad_file_among_good_ones_exits_2_and_the_good_ones_land(tmp_path, export_file, capsys):
    bad = tmp_path / "empty.csv"
    bad.write_text("")
    case = tmp_path / "case.caselens"
    assert main.main(["import", str(bad), str(export_file), "--case", str(case), "--no-extract"]) == 2
    captured = capsys.readouterr()
    assert "Refused empty.csv: " in captured.err and "Traceback" not in captured.err
    assert "Imported notes.csv" in captured.out


def test_import_extracts_by_default(tmp_path, export_file, monkeypatch, capsys):
    import services.extraction

    monkeypatch.setattr(services.extraction, "SpacyExtractor", KeywordExtractor)
    assert main.main(["import", str(export_file), "--case", str(tmp_path / "c.caselens")]) == 0
    assert "Extracted 2 notes." in capsys.readouterr().out
    assert main.main(["extract", "--case", str(tmp_path / "c.caselens")]) == 0
    assert "Extracted 2 notes." in capsys.readouterr().out


def test_export_refusals(tmp_path, export_file, monkeypatch, capsys):
    case = tmp_path / "case.caselens"
    main.main(["import", str(export_file), "--case", str(case), "--no-extract"])
    out = str(tmp_path / "x")
    base = ["export", "--case", str(case), "--out", out]
    assert main.main([*base, "--format", "json", "--anonymise"]) == 2
    assert "cannot be anonymised" in capsys.readouterr().err
    assert main.main([*base, "--format", "json", "--from", "2023-01-01"]) == 2
    assert "whole case" in capsys.readouterr().err
    assert main.main([*base, "--format", "docx", "--from", "31/02/2023"]) == 2
    assert "'31/02/2023' is not a date" in capsys.readouterr().err
    assert main.main([*base, "--format", "docx", "--from", "2023-05-01", "--to", "01/04/2023"]) == 2
    monkeypatch.setitem(sys.modules, "reports.csv_export", None)
    assert main.main([*base, "--format", "csv"]) == 2
    assert "not available in this build" in capsys.readouterr().err
    assert not Path(out).exists()


def test_export_hands_filters_to_the_word_export(tmp_path, export_file, monkeypatch):
    case = tmp_path / "case.caselens"
    main.main(["import", str(export_file), "--case", str(case), "--no-extract"])
    calls = []
    word = types.ModuleType("reports.word")
    word.export_docx = lambda case, out, **options: calls.append((out, options))
    monkeypatch.setitem(sys.modules, "reports.word", word)
    assert main.main(["export", "--case", str(case), "--format", "docx", "--out", str(tmp_path / "c.docx"),
                      "--from", "01/03/2023", "--to", "2023-03-31", "--all", "--anonymise"]) == 0
    [(out, options)] = calls
    assert str(options["date_from"]) == "2023-03-01" and str(options["date_to"]) == "2023-03-31"
    assert options["key_only"] is False and options["anonymise"] is True and options["template"] is None


def test_passphrase_from_the_environment(tmp_path, export_file, monkeypatch, capsys):
    case = tmp_path / "secret.caselens"
    monkeypatch.setenv("CASELENS_PASSPHRASE", "a long passphrase")
    assert main.main(["import", str(export_file), "--case", str(case), "--no-extract"]) == 0
    assert main.main(["info", "--case", str(case)]) == 0
    assert "(encrypted)" in capsys.readouterr().out
    monkeypatch.setenv("CASELENS_PASSPHRASE", "the wrong one")
    assert main.main(["info", "--case", str(case)]) == 2
    assert "passphrase for" in capsys.readouterr().err
    monkeypatch.delenv("CASELENS_PASSPHRASE")
    assert main.main(["info", "--case", str(case)]) == 2
    assert "is encrypted and no passphrase was given" in capsys.readouterr().err


def test_a_missing_case_and_a_bad_mapping_exit_2(tmp_path, export_file, capsys):
    assert main.main(["info", "--case", str(tmp_path / "none.caselens")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main.main(["import", str(export_file), "--case", str(tmp_path / "c.caselens"), "--map", "colour=Red"]) == 2
    assert "column mapping" in capsys.readouterr().err


def test_mapping_syntax():
    assert main.parse_mapping('date="Date of Event",text=Narrative, author = Worker') == {
        "date": "Date of Event", "text": "Narrative", "author": "Worker"}


def test_unexpected_failure_exits_1_without_a_traceback_or_case_data_in_the_log(
    tmp_path, export_file, monkeypatch, capsys, caselens_home
):
    import services.importing

    quoted_note = "could not parse 'Mum said Darren hit her'"

    def broken(*args, **kwargs):
        raise RuntimeError(quoted_note)

    monkeypatch.setattr(services.importing, "import_files", broken)
    assert main.main(["import", str(export_file), "--case", str(tmp_path / "c.caselens")]) == 1
    err = capsys.readouterr().err
    assert "failed unexpectedly" in err and "Traceback" not in err
    log = (caselens_home / "logs" / "errors.log").read_text(encoding="utf-8")
    assert "RuntimeError" in log and "broken" in log and "Darren" not in log


def test_gui_is_started_lazily_with_the_case_and_view(tmp_path, monkeypatch):
    calls = []
    app = types.ModuleType("desktop.app")
    app.run = lambda case_path, screenshot=None, view="summary": calls.append((case_path, screenshot, view)) or 0
    monkeypatch.setitem(sys.modules, "desktop.app", app)
    assert main.main([]) == 0
    assert main.main([str(tmp_path / "c.caselens")]) == 0
    assert main.main(["gui", "--screenshot", "s.png", "--view", "risks"]) == 0
    assert calls == [(None, None, "summary"), (tmp_path / "c.caselens", None, "summary"), (None, Path("s.png"), "risks")]


def test_demo_evaluate_and_bench_call_their_services(tmp_path, monkeypatch):
    calls = []
    for name, attr, result in (("services.corpus", "generate_case", None), ("services.evaluation", "main", 0),
                               ("services.bench", "main", 0)):
        module = types.ModuleType(name)
        setattr(module, attr, lambda *a, _n=name, _r=result, **k: calls.append((_n, a, k)) or _r)
        monkeypatch.setitem(sys.modules, name, module)
    assert main.main(["demo", "--notes", "20", "--seed", "3", "--out", str(tmp_path)]) == 0
    assert main.main(["evaluate"]) == 0
    assert main.main(["bench", "--notes", "50", "--json"]) == 0
    assert calls == [("services.corpus", (tmp_path,), {"notes": 20, "seed": 3}),
                     ("services.evaluation", (None,), {}), ("services.bench", (50, 7, True), {})]


def test_a_real_process(tmp_path, export_file):
    case = tmp_path / "case.caselens"
    assert main.main(["import", str(export_file), "--case", str(case), "--no-extract"]) == 0
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "info", "--case", str(case)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0 and "Notes: 2" in done.stdout
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "info", "--case", str(tmp_path / "missing")],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2 and "does not exist" in done.stderr and "Traceback" not in done.stderr
