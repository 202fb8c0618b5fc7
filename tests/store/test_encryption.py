"""Encrypting a plain case and changing a passphrase: a verified copy swapped in, or nothing."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from errors import CaseLensError
from store import audit, open_case
from store.encryption import change_passphrase
from store.notes import store_import
from store.queries import chronology
from tests.store.factory import note, read_result

TEXT = "Mum disclosed that her partner Darren threatened her with a knife."


@pytest.fixture
def plain_case(tmp_path) -> Path:
    path = tmp_path / "case.caselens"
    with open_case(path, create=True) as case:
        store_import(case, "a.csv", "sha-a", "csv", read_result(note(TEXT)))
    return path


def test_a_plain_case_is_encrypted_in_place(plain_case):
    change_passphrase(plain_case, None, "new passphrase")
    assert TEXT.encode() not in plain_case.read_bytes()
    with pytest.raises(sqlite3.DatabaseError):
        conn = sqlite3.connect(plain_case)
        try:
            conn.execute("SELECT count(*) FROM notes").fetchone()
        finally:
            conn.close()
    with open_case(plain_case, passphrase="new passphrase") as case:
        assert case.encrypted
        assert case.db.execute("SELECT text FROM notes").fetchone()[0] == TEXT
        assert case.db.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'knife'").fetchone()[0] == 1
        assert [e["action"] for e in audit.entries(case)] == ["import", "passphrase_change"]
        assert chronology(case) == []
    assert [p.name for p in plain_case.parent.iterdir() if "rekey" in p.name] == []


def test_changing_a_passphrase_and_a_wrong_old_one(plain_case):
    change_passphrase(plain_case, None, "first")
    with pytest.raises(CaseLensError) as excinfo:
        change_passphrase(plain_case, "not it", "second")
    assert excinfo.value.code == "E203"
    change_passphrase(plain_case, "first", "second")
    with pytest.raises(CaseLensError):
        open_case(plain_case, passphrase="first")
    with open_case(plain_case, passphrase="second") as case:
        assert case.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 1


def test_a_failed_copy_leaves_the_original(plain_case, monkeypatch):
    import store.encryption

    before = plain_case.read_bytes()

    def broken_verify(*args):
        raise CaseLensError("E207", file="copy", detail="simulated")

    monkeypatch.setattr(store.encryption, "_verify", broken_verify)
    with pytest.raises(CaseLensError):
        change_passphrase(plain_case, None, "new")
    assert plain_case.read_bytes() == before
    assert [p.name for p in plain_case.parent.iterdir() if "rekey" in p.name] == []
