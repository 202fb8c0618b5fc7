"""The Summary: the two-minute view for a worker who has just picked up the case.

Subject children, household, services involved now with contacts, current risks with when
each was last seen, key events of the last 12 months of the record, what the file does not
say, and a short narrative of the most significant events. Every event line is a link that
opens its source note with the evidence highlighted.
"""
from __future__ import annotations

import html
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from desktop import formatting
from store import queries
from store.connection import Case

RECENT_DAYS = 365
NARRATIVE_LIMIT = 12


class SummaryView(QWidget):
    """A read-only page; ``open_event`` carries the id of an event the worker clicked."""

    open_event = Signal(str)
    open_risk = Signal(str)
    import_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = QTextBrowser()
        self.page.setOpenLinks(False)
        self.page.setAccessibleName("Case summary")
        self.page.anchorClicked.connect(self._link)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.page)
        self.events_shown: list[str] = []

    def set_case(self, case: Case | None) -> None:
        self.refresh(case)

    def refresh(self, case: Case | None) -> None:
        if case is None:
            self.page.setHtml("")
            return
        self.page.setHtml(self.render(case))

    def render(self, case: Case) -> str:
        summary = queries.case_summary(case)
        people = queries.people(case)
        out: list[str] = [_STYLE]
        self.events_shown = []
        if not summary["notes"]:
            out.append("<h2>This case has no notes yet</h2><p><a href='action:import'>Import the case-note "
                       "export…</a> (File ▸ Import case notes, Ctrl+I), or drag the export files onto this "
                       "window. CSV, Excel, Word, PDF, text and HTML exports are read.</p>")
            return "".join(out)
        out.append(self._children(summary, people))
        if summary["imports_incomplete"]:
            out.append("<p class='processing'>Still reading the notes: more events, people and risks will "
                       "appear as extraction finishes.</p>")
        end = summary["date_to"] or date.today().isoformat()
        since = (date.fromisoformat(end[:10]) - timedelta(days=RECENT_DAYS)).isoformat()

        out.append("<table width='100%' cellspacing='0' cellpadding='0'><tr><td width='50%' valign='top' class='col'>")
        out.append(self._risks(case))
        out.append(self._strengths(case))
        out.append(self._key_events(case, since))
        out.append(self._narrative(case))
        out.append("</td><td width='50%' valign='top' class='col'>")
        out.append(self._household(people))
        out.append(self._services(people, since))
        out.append(self._gaps(case))
        out.append("</td></tr></table>")
        return "".join(out)

    # --- sections ---------------------------------------------------------------------------

    def _children(self, summary: dict[str, Any], people: list[dict[str, Any]]) -> str:
        subjects = summary.get("subjects") or []
        prompt = ""
        if subjects:
            names = []
            for s in subjects:
                dob = s.get("dob")
                detail = f"born {formatting.uk_date(dob)}, {formatting.age_now(dob)}" if dob else "date of birth not recorded"
                names.append(f"<b>{html.escape(s.get('name') or 'Unnamed child')}</b> ({detail})")
            heading = "; ".join(names)
        else:
            heading = f"Summary of {html.escape(summary.get('title') or 'this case')}"
            prompt = ("<p class='processing'>The subject child is not set yet: use <b>Set the child…</b> above "
                      "so ages appear in the chronology.</p>")
        notes = ""
        if summary.get("undated_notes"):
            count = summary["undated_notes"]
            notes = (f"<p class='processing'>{count} {'note has' if count == 1 else 'notes have'} no date: "
                     "kept, and listed at the end of the chronology.</p>")
        return f"<h1>{heading}</h1>{prompt}{notes}"

    def _risks(self, case: Case) -> str:
        rows = [r for r in queries.risk_categories(case) if r.current]
        out = ["<h2>Current risks</h2>"]
        if not rows:
            out.append("<p class='muted'>No current risks found in the notes. Mentions that were negated, "
                       "historical, planned or uncertain are on the Risks page.</p>")
            return "".join(out)
        out.append("<table class='grid' width='100%' cellspacing='0'><tr><th>Risk</th><th>Last seen</th>"
                   "<th>Mentions</th><th>Trend</th></tr>")
        for r in rows[:10]:
            codes = f" <span class='muted'>({', '.join(r.cin_codes)})</span>" if r.cin_codes else ""
            trend = {"rising": "▲ rising", "falling": "▼ falling", "steady": "steady"}.get(r.trend, "")
            out.append(f"<tr><td><a href='risk:{r.category}'>{html.escape(formatting.risk_label(r.category))}</a>{codes}</td>"
                       f"<td>{formatting.uk_date(r.last_seen)}</td><td>{r.current}</td><td>{trend}</td></tr>")
        out.append("</table>")
        return "".join(out)

    def _strengths(self, case: Case) -> str:
        rows = [r for r in queries.risk_categories(case, table="strengths") if r.current]
        out = ["<h2>Strengths and protective factors</h2>"]
        if not rows:
            out.append("<p class='muted'>No strengths recorded in the notes yet.</p>")
            return "".join(out)
        out.append("<table class='grid' width='100%' cellspacing='0'><tr><th>Strength</th><th>Last seen</th>"
                   "<th>Mentions</th></tr>")
        for r in rows[:6]:
            out.append(f"<tr><td>{html.escape(formatting.strength_label(r.category))}</td>"
                       f"<td>{formatting.uk_date(r.last_seen)}</td><td>{r.current}</td></tr>")
        out.append("</table>")
        return "".join(out)

    def _key_events(self, case: Case, since: str) -> str:
        rows = queries.chronology(case, date_from=since, min_significance=2, order="desc")
        out = [f"<h2>Key events in the last 12 months <span class='muted'>(since {formatting.uk_date(since)})</span></h2>"]
        if not rows:
            out.append("<p class='muted'>No key events in the last year of the record.</p>")
            return "".join(out)
        out.append("<table class='grid' width='100%' cellspacing='0'>")
        for row in rows[:15]:
            self.events_shown.append(row["id"])
            date_text = formatting.uk_date(row.get("date"), row.get("precision"), bool(row.get("approximate")))
            kind = formatting.event_type_label(row.get("type"))
            if row.get("status") == "hypothetical":
                kind += " (planned)"
            out.append(f"<tr><td nowrap>{date_text}</td><td><a href='event:{row['id']}'>{html.escape(kind)}</a>: "
                       f"{html.escape(_short(row.get('summary')))}</td></tr>")
        if len(rows) > 15:
            out.append(f"<tr><td></td><td class='muted'>and {len(rows) - 15} more on the Chronology page</td></tr>")
        out.append("</table>")
        return "".join(out)

    def _household(self, people: list[dict[str, Any]]) -> str:
        family = [p for p in people if p.get("kind") == "family" and not p.get("subject")]
        out = ["<h2>Family and household</h2>"]
        if not family:
            out.append("<p class='muted'>No family members identified yet.</p>")
            return "".join(out)
        out.append("<table class='grid' width='100%' cellspacing='0'>")
        for p in family[:14]:
            relationship = formatting.relationship_label(p.get("relationship")) or "Relationship unknown"
            if p.get("side"):
                relationship += f" ({p['side']})"
            where = {True: "in household", False: "lives elsewhere"}.get(p.get("household"), "not known")
            out.append(f"<tr><td><b>{html.escape(p.get('name') or relationship)}</b></td>"
                       f"<td>{html.escape(relationship)}</td><td class='muted'>{where}</td></tr>")
        out.append("</table>")
        return "".join(out)

    def _services(self, people: list[dict[str, Any]], since: str) -> str:
        services = [p for p in people if p.get("kind") in ("professional", "agency")
                    and (p.get("last_seen") or "") >= since]
        out = ["<h2>Services involved now</h2>"]
        if not services:
            out.append("<p class='muted'>No professionals or agencies mentioned in the last year of the record.</p>")
            return "".join(out)
        out.append("<table class='grid' width='100%' cellspacing='0'>")
        for p in services[:14]:
            contacts = p.get("contacts") or {}
            reach = ", ".join([*(contacts.get("phones") or []), *(contacts.get("emails") or [])])
            role = " · ".join(x for x in (p.get("role"), p.get("organisation")) if x)
            out.append(f"<tr><td><b>{html.escape(p.get('name') or role or 'Unnamed')}</b></td>"
                       f"<td>{html.escape(role)}</td><td>{html.escape(reach)}</td></tr>")
        out.append("</table>")
        return "".join(out)

    def _gaps(self, case: Case) -> str:
        checklist = queries.gaps(case)
        missing = [g for g in checklist if not g["found"]]
        out = ["<h2>Not known from the notes</h2>"]
        if not checklist:
            out.append("<p class='muted'>The checklist of what the notes should say runs after extraction; "
                       "it has not run on this case yet.</p>")
            return "".join(out)
        if not missing:
            out.append("<p class='muted'>Every checklist item is recorded somewhere (see the Gaps page).</p>")
            return "".join(out)
        out.append("<ul>" + "".join(f"<li>{html.escape(g['label'])}</li>" for g in missing) + "</ul>")
        return "".join(out)

    def _narrative(self, case: Case) -> str:
        happened = ("current", "historical")
        rows = queries.chronology(case, min_significance=3, order="asc", include_statuses=happened)
        if len(rows) < 3:
            rows = queries.chronology(case, min_significance=2, order="asc", include_statuses=happened)
        if not rows:
            return ""
        if len(rows) > NARRATIVE_LIMIT:
            rows = sorted(rows, key=lambda r: (-(r.get("significance") or 0), r.get("date") or ""))[:NARRATIVE_LIMIT]
            rows.sort(key=lambda r: r.get("date") or "9999")
        sentences = []
        for row in rows:
            self.events_shown.append(row["id"])
            when = formatting.uk_date(row.get("date"), row.get("precision"), bool(row.get("approximate")))
            text = (row.get("summary") or formatting.event_type_label(row.get("type"))).rstrip(".")
            source = " · ".join(x for x in (row.get("note_type"), row.get("author")) if x) or "source note"
            preposition = "On" if (row.get("precision") or "day") == "day" and not row.get("approximate") else "In"
            sentences.append(f"<a href='event:{row['id']}'>{preposition} {when}</a>: {html.escape(text)}. "
                             f"<span class='muted'>({html.escape(source)})</span>")
        return ("<h2>The most significant events, in order</h2><p class='narrative'>"
                + "<br>".join(sentences) + "</p>")

    def _link(self, url: QUrl) -> None:
        target = url.toString()
        if target.startswith("event:"):
            self.open_event.emit(target.removeprefix("event:"))
        elif target == "action:import":
            self.import_requested.emit()
        elif target.startswith("risk:"):
            self.open_risk.emit(target.removeprefix("risk:"))


def _short(text: str | None, limit: int = 160) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


_STYLE = """
<style>
h1 { font-size: 150%; margin: 0 0 2px 0; color: #1f2d3d; }
h2 { font-size: 115%; margin: 14px 0 4px 0; color: #1f4e79; border-bottom: 1px solid #d0d7de; }
.muted { color: #5f6b76; }
.processing { background: #fff4ce; padding: 4px; }
table.grid td, table.grid th { padding: 3px 8px 3px 0; border-bottom: 1px solid #eef1f4; }
table.grid th { text-align: left; color: #5f6b76; font-weight: normal; }
td.col { padding-right: 18px; }
a { color: #1a5fb4; text-decoration: none; }
.narrative { line-height: 140%; }
</style>
"""
