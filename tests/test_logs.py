"""Hygiene over a whole generated case, run as a user would (real processes): the logs in
CASELENS_HOME never hold note text, names or the passphrase; no file anywhere holds the
passphrase; the case stays encrypted and private; no temporary file is left behind; and every
import, extraction and export is in the case's audit trail."""
from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

from store import audit, open_case

ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "Tabby-lantern-93-orchard"


_COMMANDS = "import json, sys\nsys.path.insert(0, {root!r})\nimport main\nfor argv in json.loads(sys.argv[1]):\n    assert main.main(argv) == 0, argv\n"


def _run(home: Path, *commands: list[str]) -> None:
    """Run CLI commands (``python main.py ARGS`` each, in one process to save start-up time)."""
    env = dict(os.environ, CASELENS_HOME=str(home), CASELENS_PASSPHRASE=PASSPHRASE, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", _COMMANDS.format(root=str(ROOT)), json.dumps(commands)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (commands, done.stderr)
    assert PASSPHRASE not in done.stdout + done.stderr


def _secrets(gold: dict) -> tuple[set[str], set[str]]:
    """The case's names (full names and longer aliases) and sentences, as in its gold file."""
    names = set()
    for person in gold["people"]:
        if person["kind"] in {"family", "professional"} and person.get("name"):
            names.add(person["name"])
            names.update(alias for alias in person.get("aliases", []) if len(alias) > 4 and "." not in alias)
    sentences = set()
    for item in gold["notes"].values():
        sentences.update(part.strip() for part in re.split(r"(?<=[.!?])\s+|\n+", item["text"]) if len(part.strip()) > 24)
    return names, sentences


def test_a_whole_case_leaves_no_content_in_logs_and_no_passphrase_or_temporary_file(tmp_path):
    home, demo, out = tmp_path / "home", tmp_path / "demo", tmp_path / "out"
    out.mkdir()
    case = tmp_path / "cases" / "case.caselens"
    exports = {"case.json": ["--format", "json"], "chronology.csv": ["--format", "csv", "--all"],
               "anonymised.docx": ["--format", "docx", "--anonymise"], "chronology.docx": ["--format", "docx"]}
    _run(home, ["demo", "--notes", "40", "--out", str(demo)], ["import", str(demo / "case.csv"), "--case", str(case)],
         *(["export", "--case", str(case), *options, "--out", str(out / name)] for name, options in exports.items()))
    _run(home, ["gui", str(case), "--screenshot", str(out / "chronology.png"), "--view", "chronology"])

    names, sentences = _secrets(json.loads((demo / "gold.json").read_text(encoding="utf-8")))
    assert len(names) > 5 and len(sentences) > 40
    logs = [path for path in (home / "logs").rglob("*") if path.is_file()]
    assert logs, "the commands logged nothing"
    log_text = "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in logs)
    assert "import:" in log_text and "extraction:" in log_text
    assert [name for name in names if name in log_text] == []
    assert [sentence for sentence in sentences if sentence in log_text] == []

    everything = [path for folder in (home, tmp_path / "cases", out) for path in folder.rglob("*") if path.is_file()]
    assert [path for path in everything if PASSPHRASE.encode() in path.read_bytes()] == []
    assert sorted(path.name for path in out.iterdir()) == sorted([*exports, "chronology.png"])
    assert sorted(path.name for path in case.parent.iterdir()) in (["case.caselens"], ["case.caselens", "case.caselens.lock"])
    case_bytes = b"".join(path.read_bytes() for path in case.parent.iterdir())
    assert [s for s in sentences if s.encode() in case_bytes] == []
    for path in case.parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    with open_case(case, passphrase=PASSPHRASE) as opened:
        entries = audit.entries(opened)
    actions = [entry["action"] for entry in entries]
    assert actions[:2] == ["import", "extract"] and actions.count("export") == len(exports)
    reports = [entry["detail"] for entry in entries if entry["action"] == "export" and entry["detail"]["format"] != "json"]
    assert sorted(detail["anonymised"] for detail in reports) == [False, False, True]
    assert all("filter" in detail for detail in reports)
