"""Importing from the window: through the background worker, with progress, and cancel."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from desktop.main_window import MainWindow
from desktop.settings import Settings
from nlp.facts import NoteFacts
from store import open_case


class KeywordExtractor:
    """Stands in for spaCy: one key event per note, on the note's first sentence."""

    def __init__(self, on_note=None):
        self.on_note = on_note
        self.seen = 0

    def extract(self, notes):
        for note in notes:
            self.seen += 1
            if self.on_note:
                self.on_note(self.seen)
            end = note.text.find(".") if "." in note.text else len(note.text)
            yield NoteFacts(note.id, events=[{
                "id": f"ev-{note.id}", "start": 0, "end": end, "date": (note.note_date or "")[:10] or None,
                "precision": "day", "type": "home_visit", "summary": note.text[:end], "significance": 2,
            }])

    def resolve(self, rows):
        return [], {}, []


def write_export(path: Path, notes: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Date", "Author", "Case Note"])
        for number in range(notes):
            writer.writerow([f"{(number % 27) + 1:02d}/0{(number % 9) + 1}/2022", "Jane Smith",
                             f"Visit number {number} to the family home. Ella was seen alone."])
    return path


@pytest.fixture
def empty_window(qtbot, tmp_path, synchronous_workers):
    path = tmp_path / "new.caselens"
    open_case(path, create=True).close()
    win = MainWindow(Settings(), preload_language_model=False)
    qtbot.addWidget(win)
    assert win.open_path(path)
    win.show()
    yield win
    if win.case is not None:
        win.case.close()


def test_import_runs_through_the_worker_and_the_views_fill(empty_window, tmp_path):
    empty_window.extractor = KeywordExtractor()
    export = write_export(tmp_path / "notes.csv", 30)
    run = empty_window.import_paths([export])
    assert run.finished
    assert empty_window.case.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 30
    empty_window.show_view("chronology")
    assert len(empty_window.chronology.model.rows) == 30
    assert "30 notes" in empty_window.case_bar.facts.text()


def test_progress_dialog_shows_counts_rate_and_current_file(qtbot):
    from desktop.import_dialog import ImportProgressDialog
    from services.progress import Progress

    dialog = ImportProgressDialog([Path("notes.csv")])
    qtbot.addWidget(dialog)
    dialog.show_progress(Progress("reading", 0, 1, "Reading notes.csv"))
    assert "notes.csv" in dialog.current_file.text()
    dialog._stage_started -= 10
    dialog.show_progress(Progress("extracting", 0, 100, ""))
    dialog._stage_started -= 10
    dialog.show_progress(Progress("extracting", 40, 100, "about 17 s left"))
    assert "40 of 100 notes" in dialog.detail.text()
    assert "notes a second" in dialog.detail.text()
    # the time left is extraction's own (notes weighed by length, resolution counted), the
    # figure the status bar shows too, not notes left at the rate so far (which read 9 s)
    assert "about 17 s left" in dialog.detail.text()
    assert dialog.bar.value() == 40 and dialog.bar.maximum() == 100


def test_cancel_mid_way_leaves_the_case_unchanged(empty_window, tmp_path):
    case = empty_window.case
    export = write_export(tmp_path / "first.csv", 5)
    empty_window.extractor = KeywordExtractor()
    empty_window.import_paths([export])
    before = {table: case.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("notes", "events", "imports", "note_sources")}

    second = write_export(tmp_path / "second.csv", 80)
    second.write_text(second.read_text(encoding="utf-8").replace("Visit number", "Call number"), encoding="utf-8")

    def cancel_after_some(seen: int) -> None:
        if seen == 30:
            empty_window.import_run.cancel()

    extractor = empty_window.extractor = KeywordExtractor(on_note=cancel_after_some)
    run = empty_window.import_paths([second])
    assert run.finished
    assert 30 <= extractor.seen < 80  # it stopped mid-way
    after = {table: case.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in before}
    assert after == before
    assert "cancelled" in empty_window.statusBar().currentMessage().lower()


def test_a_bad_file_is_reported_and_the_good_one_lands(empty_window, tmp_path, qtbot):
    empty_window.extractor = KeywordExtractor()
    good = write_export(tmp_path / "good.csv", 3)
    bad = tmp_path / "empty.csv"
    bad.write_text("", encoding="utf-8")
    empty_window.import_paths([good, bad])
    assert empty_window.case.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 3
    box = empty_window.last_report_box
    assert "empty.csv</b> was not imported" in box.text()
    assert "good.csv</b>: 3 new notes" in box.text()


def test_dropping_export_files_on_the_window_imports_them(empty_window, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    empty_window.extractor = KeywordExtractor()
    export = write_export(tmp_path / "dropped.csv", 4)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(export))])
    event = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    empty_window.dropEvent(event)
    assert empty_window.case.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 4


def test_an_import_interrupted_mid_extraction_finishes_when_the_case_is_opened(qtbot, tmp_path, synchronous_workers):
    from services.importing import import_files
    from store.notes import set_import_status

    path = tmp_path / "interrupted.caselens"
    import_files(path, [write_export(tmp_path / "notes.csv", 6)], extract=False)
    with open_case(path) as case:
        set_import_status(case, 1, "extracting")  # as a crash mid-extraction leaves it
    win = MainWindow(Settings(), preload_language_model=False)
    qtbot.addWidget(win)
    win.extractor = KeywordExtractor()
    assert win.open_path(path)
    assert win.case.db.execute("SELECT status FROM imports").fetchone()[0] == "complete"
    assert win.case.db.execute("SELECT count(*) FROM events").fetchone()[0] == 6
    assert "6 notes" in win.case_bar.facts.text() and win.case_bar.processing.isHidden()
    win.case.close()
    win.case = None


def test_views_refresh_less_often_as_the_case_grows_and_not_while_people_are_relinked(empty_window, monkeypatch):
    """During a 10,000-note import each refresh took up to 0.4 s of the window's thread, and one
    during resolution waited 1.9 s on the busy import: refreshes now take a tenth of the time at
    most, and stop while resolution relinks people (the views refresh when the import is done)."""
    import time

    from desktop import main_window
    from services.progress import Progress

    monkeypatch.setattr(empty_window, "refresh_all", lambda **_: time.sleep(0.3))
    timer = empty_window._refresh_timer
    timer.start(main_window.REFRESH_DURING_IMPORT_MS)
    empty_window._refresh_during_import()
    assert timer.interval() >= 0.3 * 1000 / main_window.REFRESH_SHARE
    empty_window._import_progress(Progress("extracting", 500, 10_000, "about 20 s left"))
    assert timer.isActive()
    empty_window._import_progress(Progress("resolving", 0, 1, "Linking people and merging repeated events"))
    assert not timer.isActive()
    assert "Linking people" in empty_window.statusBar().currentMessage()


def test_a_refresh_during_an_import_leaves_the_hidden_chronology_until_it_is_needed(empty_window, monkeypatch):
    """On the summary, a refresh during an import skips the hidden chronology (half its time at
    10,000 events); showing it, or exporting what it shows, brings it up to date first."""
    refreshed = []
    monkeypatch.setattr(empty_window.chronology, "set_case", lambda case: refreshed.append(case))
    empty_window.show_view("summary")
    empty_window.refresh_all(visible_only=True)
    assert refreshed == []
    assert empty_window.export_event_ids("filter") is not None and len(refreshed) == 1
    empty_window.refresh_all(visible_only=True)
    empty_window.show_view("chronology")
    assert len(refreshed) == 2
    empty_window.refresh_all()
    assert len(refreshed) == 3  # outside an import the chronology is always kept current
