"""Deleting a case: the file and every side file go, and the deletion is audited in CASELENS_HOME."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from errors import CaseLensError
from services.cases import HOME_AUDIT_FILE, delete_case, home_audit_entries
from store import open_case, side_files
from store.notes import store_import
from tests.store.factory import note, read_result

ROOT = Path(__file__).resolve().parents[2]


def _case(folder: Path) -> Path:
    path = folder / "Kayden Smith.caselens"
    with open_case(path, passphrase="correct horse battery", create=True) as case:
        store_import(case, "a.csv", "sha-a", "csv", read_result(note("Home visit: Kayden well.")))
    open_case(path, passphrase="correct horse battery").close()
    return path


def test_deleting_a_case_removes_it_and_its_side_files_and_records_it_at_home(tmp_path, caselens_home):
    path = _case(tmp_path / "cases")
    Path(f"{path}-wal").write_bytes(b"left by a crash")
    delete_case(path)
    assert list((tmp_path / "cases").iterdir()) == []
    assert not path.exists() and not any(side.exists() for side in side_files(path))
    [entry] = home_audit_entries()
    assert entry["action"] == "delete" and entry["detail"] == {"file": "Kayden Smith.caselens"}
    assert str(tmp_path) not in (caselens_home / HOME_AUDIT_FILE).read_text(encoding="utf-8")
    assert (caselens_home / HOME_AUDIT_FILE).stat().st_mode & 0o077 == 0


def test_a_case_open_elsewhere_or_missing_is_not_deleted(tmp_path):
    path = _case(tmp_path)
    with open_case(path, passphrase="correct horse battery"):
        with pytest.raises(CaseLensError) as excinfo:
            delete_case(path)
        assert excinfo.value.code == "E206"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from store import open_case
        case = open_case({str(path)!r}, passphrase="correct horse battery")
        print("open", flush=True)
        time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(CaseLensError) as excinfo:
            delete_case(path)
        assert excinfo.value.code == "E206"
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    assert path.exists() and home_audit_entries() == []
    delete_case(path)
    with pytest.raises(CaseLensError) as excinfo:
        delete_case(path)
    assert excinfo.value.code == "E201"
    assert json.dumps(home_audit_entries()).count("delete") == 1
