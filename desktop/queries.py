"""Read queries the desktop views need that ``store.queries`` does not (yet) offer.

Plain SQL over the store's tables, no Qt. Worker curation is applied in SQL (``_curated``) so
filters and counts agree with what the worker sees. These belong in ``store/`` in the long run;
the views only call the functions here and in ``store.queries``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from store.connection import Case

CURRENT_RISK = "r.status = 'current' AND r.experiencer = 'subject'"
_SENTENCE_END = re.compile(r"[.!?]\s|\n")


def _curated(kind: str, alias: str, column: str) -> str:
    """SQL for one field of a fact with the worker's curation applied."""
    return (
        f"COALESCE((SELECT json_extract(c.value, '$') FROM curation c WHERE c.target_kind = '{kind}'"
        f" AND c.target_id = {alias}.id AND c.field = '{column}' AND c.orphaned = 0), {alias}.\"{column}\")"
    )


def _curated_facts(table: str) -> str:
    """A subquery over ``risks`` or ``strengths`` with the worker's corrections applied
    (category, CIN code, status, experiencer, person), usable as ``FROM ... r``."""
    kind = {"risks": "risk", "strengths": "strength"}[table]
    fields = ["category", "status", "experiencer", "person_id"] + (["cin_code"] if table == "risks" else [])
    curated = ", ".join(f'{_curated(kind, "f", name)} AS "{name}"' for name in fields)
    return f'(SELECT f.id, f.note_id, f.start, f."end", f.text, {curated} FROM {table} f)'


RISKS = _curated_facts("risks")


def _loads(value: Any, default: Any) -> Any:
    if value is None:
        return default
    if isinstance(value, (list, dict)):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return default


# --- filter choices ---------------------------------------------------------------------------


def event_types_present(case: Case) -> list[str]:
    kind = _curated("event", "e", "type")
    return [r[0] for r in case.db.execute(f"SELECT DISTINCT {kind} FROM events e ORDER BY 1") if r[0]]


def risk_categories_present(case: Case) -> list[str]:
    return [r[0] for r in case.db.execute("SELECT DISTINCT category FROM risks ORDER BY 1")]


def people_choices(case: Case) -> list[tuple[str, str]]:
    """``(person_id, "Name (role)")`` for everyone, family first."""
    rows = case.db.query(
        "SELECT id, name, kind, role, relationship FROM people ORDER BY kind = 'family' DESC, name"
    )
    result = []
    for row in rows:
        detail = row["relationship"] if row["kind"] == "family" else row["role"]
        name = row["name"] or detail or row["id"]
        shown = f"{name} ({detail.replace('_', ' ')})" if detail and detail != name else name
        result.append((row["id"], shown))
    return result


# --- people -----------------------------------------------------------------------------------


def people(case: Case) -> list[dict[str, Any]]:
    """Every person with curation applied (renames, relationship, household, merges).

    A person the worker merged into another is folded into that one: their names become
    aliases, their contacts, dates and risks join it, and ``person_ids`` lists every id the
    merged person stands for. ``subject`` marks the child(ren) the case is about (by id, or by
    name when extraction gave them another id). The child first, then family, then
    professionals and agencies."""
    from store import curation

    curated = curation.values_by_target(case, "person")
    subjects = {(row[0] or "").strip().lower() for row in case.db.execute("SELECT name FROM subjects")} - {""}
    subject_ids = {row[0] for row in case.db.execute("SELECT person_id FROM subjects")}
    risk_counts = {
        row[0]: row[1]
        for row in case.db.execute(
            f"SELECT r.person_id, count(*) FROM {RISKS} r WHERE {CURRENT_RISK} AND r.person_id IS NOT NULL"
            " GROUP BY r.person_id"
        )
    }
    everyone: dict[str, dict[str, Any]] = {}
    for row in case.db.query("SELECT * FROM people"):
        person = {k: v for k, v in row.items() if k != "extra"}
        for key, value in _loads(row.get("extra"), {}).items():
            person.setdefault(key, value)
        for name in ("aliases", "contacts"):
            person[name] = _loads(person.get(name), [] if name == "aliases" else {})
        edits = curated.get(row["id"], {})
        person.update({k: v for k, v in edits.items() if k != "merged_into"})
        person["merged_into"] = edits.get("merged_into")
        person["curated"] = bool(edits)
        person["person_ids"] = [row["id"]]
        person["current_risks"] = risk_counts.get(row["id"], 0)
        everyone[row["id"]] = person
    for person in list(everyone.values()):
        target = _merge_target(everyone, person["id"])
        if target == person["id"]:
            continue
        into = everyone[target]
        into["person_ids"].append(person["id"])
        into["aliases"] = sorted({*into["aliases"], *person["aliases"], person.get("name") or ""} - {"", into.get("name")})
        into["current_risks"] += person["current_risks"]
        into["curated"] = True
        contacts = into.get("contacts") or {}
        for kind in ("phones", "emails"):
            contacts[kind] = sorted({*(contacts.get(kind) or []), *((person.get("contacts") or {}).get(kind) or [])})
        into["contacts"] = contacts
        seen = [d for d in (into.get("first_seen"), person.get("first_seen")) if d]
        into["first_seen"] = min(seen) if seen else None
        seen = [d for d in (into.get("last_seen"), person.get("last_seen")) if d]
        into["last_seen"] = max(seen) if seen else None
    result = []
    for person in everyone.values():
        if _merge_target(everyone, person["id"]) != person["id"]:
            continue
        person["subject"] = bool(person.get("subject")) or person["id"] in subject_ids or (
            (person.get("name") or "").strip().lower() in subjects)
        result.append(person)
    order = {"family": 0, "other": 1, "professional": 2, "agency": 3}
    result.sort(key=lambda p: (not p["subject"], order.get(p.get("kind") or "other", 1), not p.get("household"),
                               p.get("name") or ""))
    return result


def _merge_target(everyone: dict[str, dict[str, Any]], person_id: str) -> str:
    """Follow ``merged_into`` to the person that remains (ignoring loops and vanished ids)."""
    seen = {person_id}
    current = person_id
    while True:
        target = everyone[current].get("merged_into")
        if not target or target not in everyone or target in seen:
            return current
        seen.add(target)
        current = target


# --- risks ------------------------------------------------------------------------------------


@dataclass
class RiskCategory:
    category: str
    cin_codes: list[str]
    first_seen: str | None
    last_seen: str | None
    current: int  # current mentions about the subject's household
    not_current: int  # negated, historical, hypothetical, uncertain or about someone else
    trend: str  # "rising", "falling", "steady", "" when there is too little to say


def risk_categories(case: Case, table: str = "risks") -> list[RiskCategory]:
    """One row per risk (or, with ``table="strengths"``, strength) category in the case,
    most current mentions first."""
    if table not in {"risks", "strengths"}:
        raise ValueError(table)
    db = case.db
    last_note = db.execute("SELECT max(note_date) FROM notes WHERE current = 1").fetchone()[0]
    end = (last_note or date.today().isoformat())[:10]
    rows = db.execute(
        f"""SELECT r.category,
                   group_concat(DISTINCT CASE WHEN {CURRENT_RISK} THEN {"r.cin_code" if table == "risks" else "NULL"} END),
                   min(CASE WHEN {CURRENT_RISK} THEN n.note_date END),
                   max(CASE WHEN {CURRENT_RISK} THEN n.note_date END),
                   coalesce(sum({CURRENT_RISK}), 0),
                   coalesce(sum(NOT ({CURRENT_RISK})), 0),
                   coalesce(sum({CURRENT_RISK} AND n.note_date > date(?, '-6 months')), 0),
                   coalesce(sum({CURRENT_RISK} AND n.note_date <= date(?, '-6 months')
                                AND n.note_date > date(?, '-12 months')), 0)
            FROM {_curated_facts(table)} r JOIN notes n ON n.id = r.note_id AND n.current = 1
            GROUP BY r.category""",
        (end, end, end),
    ).fetchall()
    result = []
    for category, codes, first, last, current, other, recent, before in rows:
        result.append(RiskCategory(
            category=category,
            cin_codes=sorted({c for c in (codes or "").split(",") if c}),
            first_seen=first, last_seen=last, current=current, not_current=other,
            trend=_trend(recent, before),
        ))
    result.sort(key=lambda r: (-r.current, r.category))
    return result


def _trend(recent: int, before: int) -> str:
    if recent == 0 and before == 0:
        return ""
    if recent > before * 1.5 and recent - before >= 2:
        return "rising"
    if before > recent * 1.5 and before - recent >= 2:
        return "falling"
    return "steady"


@dataclass
class Mention:
    """One risk or strength mention, with where to find it and the sentence around it."""

    id: str
    note_id: str
    start: int
    end: int
    note_date: str | None
    category: str
    cin_code: str | None
    status: str
    experiencer: str
    person: str | None
    sentence: str
    span_in_sentence: tuple[int, int]
    current: bool = field(default=False)


def risk_mentions(case: Case, *, category: str | None = None, person_id: str | list[str] | None = None,
                  table: str = "risks") -> list[Mention]:
    """Risk (or strength) mentions, newest first, filtered by category or person (one id, or
    every id a merged person stands for)."""
    if table not in {"risks", "strengths"}:
        raise ValueError(table)
    clauses, params = ["n.current = 1"], []
    if category:
        clauses.append("r.category = ?")
        params.append(category)
    if person_id:
        ids = [person_id] if isinstance(person_id, str) else list(person_id)
        clauses.append(f"r.person_id IN ({', '.join('?' for _ in ids)})")
        params.extend(ids)
    cin = "r.cin_code" if table == "risks" else "NULL"
    sql = (
        f"SELECT r.id, r.note_id, r.start, r.\"end\", n.note_date, r.category, {cin}, r.status, r.experiencer,"
        f" p.name, p.role, p.relationship, n.text FROM {_curated_facts(table)} r JOIN notes n ON n.id = r.note_id"
        f" LEFT JOIN people p ON p.id = r.person_id WHERE {' AND '.join(clauses)}"
        f" ORDER BY n.note_date DESC, r.start"
    )
    result = []
    for row in case.db.execute(sql, params):
        (rid, note_id, start, end, note_date, cat, code, status, experiencer, name, role, relationship, text) = row
        sentence, span = evidence_sentence(text, start, end)
        who = name or (relationship or role or "").replace("_", " ") or None
        result.append(Mention(rid, note_id, start, end, note_date, cat, code, status, experiencer, who,
                              sentence, span, current=status == "current" and experiencer == "subject"))
    return result


def evidence_sentence(text: str, start: int, end: int, limit: int = 320) -> tuple[str, tuple[int, int]]:
    """The sentence holding ``text[start:end]`` and the span's place within it."""
    begin = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        begin = match.end()
    stop = _SENTENCE_END.search(text, end)
    finish = stop.start() + 1 if stop else len(text)
    if finish - begin > limit:
        begin = max(begin, start - limit // 2)
        finish = min(finish, end + limit // 2)
    sentence = text[begin:finish]
    stripped = len(sentence) - len(sentence.lstrip())
    sentence = sentence.strip()
    return sentence, (start - begin - stripped, end - begin - stripped)


# --- gaps -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def checklist_wording() -> dict[str, tuple[str, str]]:
    """``{item: (label, question)}`` from the gaps checklist in ``resources/`` (validated by
    ``nlp.gaps`` when the pipeline loads; read here without loading spaCy)."""
    wording = {}
    text = resources.files("resources").joinpath("gaps.jsonl").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("//"):
            rule = json.loads(line)
            wording[rule["item"]] = (rule.get("label") or rule["item"], rule.get("question") or "")
    return wording


def gaps(case: Case) -> list[dict[str, Any]]:
    """The gaps checklist: ``{"item", "label", "found", "evidence": [...], "question"}``,
    items not found first."""
    result = []
    wording = checklist_wording()
    for row in case.db.query("SELECT item, found, evidence, extra FROM gaps"):
        extra = _loads(row["extra"], {})
        label, question = wording.get(row["item"], (None, ""))
        result.append({
            "item": row["item"],
            "label": extra.get("label") or label or row["item"].replace("_", " ").capitalize(),
            "question": extra.get("question") or question,
            "found": bool(row["found"]),
            "evidence": _loads(row["evidence"], []),
        })
    result.sort(key=lambda g: (g["found"], g["label"]))
    return result


def evidence_snippets(case: Case, evidence: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str, str | None]]:
    """``(evidence, sentence, note_date)`` for each ``{"note_id", "start", "end"}``."""
    result = []
    for item in evidence:
        row = case.db.execute("SELECT text, note_date FROM notes WHERE id = ?", (item.get("note_id"),)).fetchone()
        if row is None:
            continue
        sentence, _ = evidence_sentence(row[0], int(item.get("start", 0)), int(item.get("end", 0)))
        result.append((item, sentence, row[1]))
    return result


# --- one note ---------------------------------------------------------------------------------


@dataclass
class NoteView:
    id: str
    note_date: str | None
    recorded_date: str | None
    author: str | None
    note_type: str | None
    agency: str | None
    title: str | None
    text: str
    current: bool
    sources: list[dict[str, Any]]
    versions: list[tuple[str, str | None, bool]]  # (note id, note date, current), oldest first
    facts: list[tuple[str, int, int, str]]  # (kind, start, end, label) for underlining


def note_with_facts(case: Case, note_id: str) -> NoteView | None:
    """One note with its sources, its other versions and every fact found in it."""
    db = case.db
    row = db.execute(
        "SELECT id, note_date, recorded_date, author, note_type, agency, title, text, current"
        " FROM notes WHERE id = ?", (note_id,),
    ).fetchone()
    if row is None:
        return None
    sources = list(db.query(
        "SELECT s.ref, s.source_note_id, i.file FROM note_sources s LEFT JOIN imports i ON i.id = s.import_id"
        " WHERE s.note_id = ? ORDER BY s.import_id", (note_id,),
    ))
    facts: list[tuple[str, int, int, str]] = []
    kind = _curated("event", "e", "type")
    for start, end, event_type in db.execute(f'SELECT start, "end", {kind} FROM events e WHERE note_id = ?', (note_id,)):
        facts.append(("event", start, end, event_type or ""))
    for start, end, category, status in db.execute(
        'SELECT start, "end", category, status FROM risks WHERE note_id = ?', (note_id,)
    ):
        facts.append(("risk", start, end, f"{category} ({status})"))
    for start, end, category in db.execute('SELECT start, "end", category FROM strengths WHERE note_id = ?', (note_id,)):
        facts.append(("strength", start, end, category))
    for start, end, text in db.execute('SELECT start, "end", text FROM mentions WHERE note_id = ?', (note_id,)):
        facts.append(("person", start, end, text or ""))
    return NoteView(
        id=row[0], note_date=row[1], recorded_date=row[2], author=row[3], note_type=row[4], agency=row[5],
        title=row[6], text=row[7], current=bool(row[8]), sources=sources,
        versions=_versions(case, note_id), facts=sorted(facts, key=lambda f: (f[1], f[2])),
    )


def _versions(case: Case, note_id: str) -> list[tuple[str, str | None, bool]]:
    db = case.db
    root = note_id
    seen = {root}
    while True:
        previous = db.execute("SELECT version_of FROM notes WHERE id = ?", (root,)).fetchone()
        if not previous or not previous[0] or previous[0] in seen:
            break
        root = previous[0]
        seen.add(root)
    chain = [root]
    while True:
        nxt = db.execute("SELECT id FROM notes WHERE version_of = ? ORDER BY rowid LIMIT 1", (chain[-1],)).fetchone()
        if not nxt or nxt[0] in chain:
            break
        chain.append(nxt[0])
    if len(chain) == 1:
        return []
    result = []
    for nid in chain:
        date_, current = db.execute("SELECT note_date, current FROM notes WHERE id = ?", (nid,)).fetchone()
        result.append((nid, date_, bool(current)))
    return result
