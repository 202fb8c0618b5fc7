"""Encryption at rest as a user meets it: an encrypted case imported and extracted through the
product never shows its notes in the case file or its WAL/SHM side files, open or closed; a
wrong passphrase changes nothing; the passphrase is never a command-line argument; a case on a
network drive is warned about and kept out of WAL mode."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

import main
from errors import CaseLensError
from services.extraction import SpacyExtractor
from services.importing import import_files
from store import connection, open_case, side_files
from tests.store.factory import write_csv

PASSPHRASE = "Gorse-kettle-harbour-41"
SENTENCES = [
    "Kayden Whitfield told his teacher that Darren Pickering hit his mum with a frying pan",
    "Mum Shannon Whitfield said she is too scared to leave the flat on Marlowe Road",
    "Police attended Flat 3 Marlowe Road after neighbours heard screaming at midnight",
]
NAMES = ["Kayden", "Whitfield", "Pickering", "Marlowe"]


def _export(folder: Path) -> Path:
    return write_csv(folder / "notes.csv", [(str(i), f"1{i}/03/2023", s + ".") for i, s in enumerate(SENTENCES)])


def _leaks(case_path: Path) -> list[str]:
    """The known sentences and names found in the bytes of the case file or its side files."""
    data = b"".join(p.read_bytes() for p in (case_path, *side_files(case_path)) if p.exists())
    return [text for text in SENTENCES + NAMES if text.encode() in data or text.encode("utf-16-le") in data]


def _fingerprint(case_path: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (case_path, *side_files(case_path)) if p.exists() and not p.name.endswith(".lock")}


def test_an_encrypted_case_never_shows_its_notes_open_or_closed(tmp_path, nlp):
    case_path = tmp_path / "case.caselens"
    seen_while_open: list[list[str]] = []
    side_files_seen: set[str] = set()

    def check_while_open(progress):
        side_files_seen.update(p.name for p in side_files(case_path)[:2] if p.exists())
        seen_while_open.append(_leaks(case_path))

    report = import_files(case_path, [_export(tmp_path)], passphrase=PASSPHRASE, progress=check_while_open,
                          extractor=SpacyExtractor(workers=1))
    assert report.exit_code == 0 and report.extraction.resolved
    assert side_files_seen == {"case.caselens-wal", "case.caselens-shm"}
    assert seen_while_open and all(found == [] for found in seen_while_open)
    assert _leaks(case_path) == []
    with open_case(case_path, passphrase=PASSPHRASE) as case:
        assert case.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 3
        assert case.db.execute("SELECT count(*) FROM mentions").fetchone()[0] > 0
        assert _leaks(case_path) == []
    assert _leaks(case_path) == []
    plain = sqlite3.connect(case_path)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        plain.close()


def test_a_wrong_passphrase_is_a_clear_message_and_changes_nothing(tmp_path, monkeypatch, capsys):
    case_path = tmp_path / "case.caselens"
    import_files(case_path, [_export(tmp_path)], passphrase=PASSPHRASE, extract=False)
    before = _fingerprint(case_path)
    with pytest.raises(CaseLensError) as excinfo:
        open_case(case_path, passphrase="Gorse-kettle-harbour-14")
    assert excinfo.value.code == "E203" and "Nothing was changed" in str(excinfo.value)
    monkeypatch.setenv("CASELENS_PASSPHRASE", "not the passphrase")
    assert main.main(["info", "--case", str(case_path)]) == 2
    assert "passphrase" in capsys.readouterr().err
    monkeypatch.delenv("CASELENS_PASSPHRASE")
    assert main.main(["info", "--case", str(case_path)]) == 2
    assert "CASELENS_PASSPHRASE" in capsys.readouterr().err
    assert _fingerprint(case_path) == before


def test_the_passphrase_is_never_a_command_line_argument(tmp_path, capsys):
    parser = main.build_parser()
    actions = [parser._actions]
    for action in parser._actions:
        if isinstance(action.choices, dict):  # the subcommands
            actions.extend(sub._actions for sub in action.choices.values())
    options = {option for group in actions for action in group for option in action.option_strings}
    assert "--case" in options and not [option for option in options if "pass" in option or "key" == option[2:]]
    assert main.main(["import", str(_export(tmp_path)), "--case", str(tmp_path / "c.caselens"),
                      "--passphrase", PASSPHRASE]) == 2
    assert not (tmp_path / "c.caselens").exists()


def test_the_key_is_not_kept_on_the_open_case(tmp_path):
    with open_case(tmp_path / "case.caselens", passphrase=PASSPHRASE, create=True) as case:
        held = " ".join(repr(value) for value in vars(case).values())
        assert PASSPHRASE not in held and case.encrypted


def test_a_case_on_a_network_drive_is_warned_about_and_uses_a_rollback_journal(tmp_path, monkeypatch):
    mounts = tmp_path / "mounts"
    share = tmp_path / "share"
    share.mkdir()
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\n//server/cases {share.resolve()} cifs rw 0 0\n", encoding="utf-8")
    real = connection.file_system_type
    monkeypatch.setattr(connection, "file_system_type", lambda path: real(path, mounts))
    local = tmp_path / "local.caselens"
    with open_case(local, create=True) as case:
        assert case.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal" and case.warnings == ()
    with open_case(share / "case.caselens", passphrase=PASSPHRASE, create=True) as case:
        assert case.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert case.warnings == (connection.NETWORK_PATH_WARNING,)
        assert "network drive" in case.warnings[0]


def test_network_file_systems_are_recognised_from_the_mount_table(tmp_path):
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/sda1 / ext4 rw 0 0\nserver:/export /mnt/nfs nfs4 rw 0 0\n"
                      "//srv/share /mnt/my\\040share cifs rw 0 0\n", encoding="utf-8")
    assert connection.file_system_type(Path("/mnt/nfs/cases/a.caselens"), mounts) == "nfs4"
    assert connection.file_system_type(Path("/mnt/my share/a.caselens"), mounts) == "cifs"
    assert connection.file_system_type(Path("/mnt/nfsother/a.caselens"), mounts) == "ext4"


def test_the_app_tells_the_worker_about_a_case_on_a_network_drive(tmp_path, monkeypatch, qtbot):
    from desktop import main_window
    from desktop.settings import Settings

    monkeypatch.setattr(connection, "on_network_path", lambda path: True)
    shown: list[str] = []
    monkeypatch.setattr(main_window.QMessageBox, "information", lambda parent, title, text: shown.append(text))
    window = main_window.MainWindow(Settings(), preload_language_model=False)
    qtbot.addWidget(window)
    path = tmp_path / "shared.caselens"
    open_case(path, create=True).close()
    assert window.open_path(path)
    assert shown == [connection.NETWORK_PATH_WARNING]
    assert window.case.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    window.set_case(None)


@pytest.mark.parametrize("file_format", ["json", "csv", "docx"])
def test_a_failed_export_leaves_no_temporary_file(tmp_path, monkeypatch, capsys, file_format):
    case_path = tmp_path / "case.caselens"
    import_files(case_path, [_export(tmp_path)], extract=False)
    out = tmp_path / "out"
    out.mkdir()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", disk_full)
    assert main.main(["export", "--case", str(case_path), "--format", file_format, "--out",
                      str(out / f"chronology.{file_format}")]) == 2
    assert "could not be written" in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_the_command_line_warns_about_a_case_on_a_network_drive(tmp_path, monkeypatch, capsys):
    case_path = tmp_path / "case.caselens"
    import_files(case_path, [_export(tmp_path)], extract=False)
    monkeypatch.setattr(connection, "on_network_path", lambda path: True)
    assert main.main(["info", "--case", str(case_path)]) == 0
    assert connection.NETWORK_PATH_WARNING in capsys.readouterr().err
