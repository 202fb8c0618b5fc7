"""The audit trail is visible in the app: every entry of the case, newest first, in plain words."""
from __future__ import annotations

from desktop.audit_view import AuditDialog, describe
from store import audit


def test_the_audit_trail_dialog_lists_the_cases_entries(window):
    with window.case.transaction():
        audit.record(window.case, "export", {"format": "docx", "anonymised": True, "count": 5,
                                             "filter": {"key_only": True, "date_from": None}})
    dialog = window.show_audit_trail()
    rows = dialog.rows()
    assert [row[1] for row in rows] == ["Export", "Import"]
    assert "format docx" in rows[0][2] and "anonymised yes" in rows[0][2] and "key only True" in rows[0][2]
    assert rows[0][0] != "Undated"
    dialog.close()
    assert window.audit_action.isEnabled()
    window.close_case()
    assert not window.audit_action.isEnabled() and window.show_audit_trail() is None


def test_details_read_as_words(qtbot):
    assert describe({"imports": [1, 2], "notes": 40, "redo": False, "pipeline": "x"}) == "imports 1, 2; notes 40; again no"
    assert describe(None) == "" and isinstance(AuditDialog([]).rows(), list)


def test_the_corrections_to_review_list_shows_every_kept_correction(qtbot):
    from desktop.main_window import OrphanedCorrectionsDialog

    dialog = OrphanedCorrectionsDialog([{"target_kind": "event", "target_id": "e-12ab", "field": "hidden_reason",
                                         "value": None, "edited_at": "2026-11-20T10:00:00"}])
    qtbot.addWidget(dialog)
    assert dialog.rows() == [["event e-12ab", "hidden reason", "", "20 Nov 2026"]]
    assert dialog.windowTitle() == "Corrections to review"
