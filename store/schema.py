"""The case-file schema and its migrations, in one place.

Tables mirror the JSON interchange (``caselens/1``) field for field; list and dict fields are
JSON text; booleans are 0/1. Fact tables carry an ``extra`` JSON column for internal keys the
pipeline wants to keep (kind, role, relationship hints...). ``PRAGMA user_version`` records
the schema version; ``PRAGMA application_id`` marks the file as a CaseLens case.
"""
from __future__ import annotations

from pathlib import Path

import sqlite_utils

from errors import CaseLensError

APPLICATION_ID = 0x43534C4E  # "CSLN"

_V1 = """
CREATE TABLE case_info (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    title TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE subjects (
    person_id TEXT PRIMARY KEY,
    name TEXT,
    dob TEXT,
    source_ref TEXT
);
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    format TEXT,
    shape TEXT,
    imported_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('stored', 'extracting', 'complete')),
    notes INTEGER NOT NULL DEFAULT 0,
    skipped TEXT NOT NULL DEFAULT '{}',
    warnings TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    note_date TEXT,
    recorded_date TEXT,
    author TEXT,
    note_type TEXT,
    agency TEXT,
    title TEXT,
    text TEXT NOT NULL,
    status TEXT,
    subject_ref TEXT,
    flags TEXT NOT NULL DEFAULT '[]',
    duplicate_of TEXT,
    version_of TEXT,
    current INTEGER NOT NULL DEFAULT 1,
    import_id INTEGER NOT NULL,
    extracted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notes_import ON notes (import_id, extracted);
CREATE INDEX notes_date ON notes (current, note_date);
CREATE INDEX notes_version_of ON notes (version_of);
CREATE TABLE note_sources (
    note_id TEXT NOT NULL,
    import_id INTEGER NOT NULL,
    ref TEXT NOT NULL,
    source_note_id TEXT,
    PRIMARY KEY (note_id, import_id, ref)
);
CREATE INDEX note_sources_import ON note_sources (import_id);
CREATE INDEX note_sources_source_id ON note_sources (source_note_id);
CREATE VIRTUAL TABLE notes_fts USING fts5 (
    title, text, content='notes', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
    INSERT INTO notes_fts (notes_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER notes_fts_update AFTER UPDATE OF title, text ON notes BEGIN
    INSERT INTO notes_fts (notes_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO notes_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    name TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    kind TEXT,
    role TEXT,
    organisation TEXT,
    relationship TEXT,
    side TEXT,
    household INTEGER,
    contacts TEXT NOT NULL DEFAULT '{"phones": [], "emails": []}',
    first_seen TEXT,
    last_seen TEXT,
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE mentions (
    id TEXT PRIMARY KEY,
    note_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT,
    person_id TEXT,
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX mentions_note ON mentions (note_id);
CREATE INDEX mentions_person ON mentions (person_id);
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    note_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    date TEXT,
    precision TEXT,
    approximate INTEGER NOT NULL DEFAULT 0,
    date_source TEXT,
    type TEXT NOT NULL DEFAULT 'other',
    plan_kind TEXT,
    stage TEXT,
    summary TEXT,
    significance INTEGER NOT NULL DEFAULT 0,
    confidence REAL,
    status TEXT NOT NULL DEFAULT 'current',
    people TEXT NOT NULL DEFAULT '[]',
    location TEXT,
    impact TEXT,
    action TEXT,
    reviewed INTEGER NOT NULL DEFAULT 0,
    hidden INTEGER NOT NULL DEFAULT 0,
    duplicate_of TEXT,
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_note ON events (note_id);
CREATE INDEX events_date ON events (date);
CREATE INDEX events_type ON events (type, date);
CREATE INDEX events_significance ON events (significance, date);
CREATE INDEX events_duplicate_of ON events (duplicate_of);
CREATE TABLE risks (
    id TEXT PRIMARY KEY,
    note_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT,
    category TEXT NOT NULL,
    cin_code TEXT,
    status TEXT NOT NULL DEFAULT 'current',
    negated INTEGER NOT NULL DEFAULT 0,
    historical INTEGER NOT NULL DEFAULT 0,
    hypothetical INTEGER NOT NULL DEFAULT 0,
    uncertain INTEGER NOT NULL DEFAULT 0,
    experiencer TEXT NOT NULL DEFAULT 'subject',
    person_id TEXT,
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX risks_note ON risks (note_id, category);
CREATE INDEX risks_category ON risks (category, status);
CREATE TABLE strengths (
    id TEXT PRIMARY KEY,
    note_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT,
    category TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'current',
    negated INTEGER NOT NULL DEFAULT 0,
    historical INTEGER NOT NULL DEFAULT 0,
    hypothetical INTEGER NOT NULL DEFAULT 0,
    uncertain INTEGER NOT NULL DEFAULT 0,
    experiencer TEXT NOT NULL DEFAULT 'subject',
    person_id TEXT,
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX strengths_note ON strengths (note_id, category);
CREATE TABLE gaps (
    item TEXT PRIMARY KEY,
    found INTEGER NOT NULL DEFAULT 0,
    evidence TEXT NOT NULL DEFAULT '[]',
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE curation (
    id INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT,
    reviewed INTEGER NOT NULL DEFAULT 1,
    edited_at TEXT NOT NULL,
    orphaned INTEGER NOT NULL DEFAULT 0,
    UNIQUE (target_kind, target_id, field)
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO case_info (id, title, created_at) VALUES (1, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
"""

# Per-note evidence for the gaps checklist ("GP named", "child's views recorded"...), from which
# case-level resolution decides each gap; kept per note so re-extracting one note replaces it.
_V2 = """
CREATE TABLE gap_evidence (
    id TEXT PRIMARY KEY,
    note_id TEXT NOT NULL,
    item TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX gap_evidence_note ON gap_evidence (note_id);
"""

# The worker's own facts (an event added by hand, a risk the pipeline missed, the new person of
# a split) live apart from extraction output, so re-extraction and re-import never touch them.
# Each table has the columns of its extracted twin (defaults are applied when a row is stored,
# by ``store.tables.encode``) and the time it was made; ids start with "manual-". The covering
# indexes let a chronology filter read only index pages: ``notes.current`` lies behind the
# (long) note text in the table row.
_V3 = "".join(
    f"CREATE TABLE manual_{table} AS SELECT * FROM {table} WHERE 0;\n"
    f"ALTER TABLE manual_{table} ADD COLUMN created_at TEXT;\n"
    f"CREATE UNIQUE INDEX manual_{table}_id ON manual_{table} (id);\n"
    for table in ("events", "risks", "people")
) + """
CREATE INDEX manual_risks_note ON manual_risks (note_id);
CREATE INDEX notes_current_id ON notes (id, current, note_date);
CREATE INDEX events_chronology ON events (note_id, id, date, start, type, significance, status, hidden, duplicate_of);
CREATE INDEX curation_kind_field ON curation (target_kind, field, target_id);
"""

# The role an export writes beside a note's author ("Jane Smith (Social Worker)"): resolution
# uses it to know who "SW" is in that note without guessing.
_V4 = """
ALTER TABLE notes ADD COLUMN author_role TEXT;
"""

# Index i holds the script that takes a case from schema version i to i + 1.
MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite_utils.Database, path: Path, *, create: bool) -> None:
    """Check that ``db`` is a CaseLens case this version can read, and bring it up to date.
    An empty database becomes a new case only when ``create`` is true."""
    target = len(MIGRATIONS)
    version = db.execute("PRAGMA user_version").fetchone()[0]
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    has_tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    if version == 0 and not has_tables:
        if not create:
            raise CaseLensError("E204", file=path, detail="the database is empty")
    elif app_id != APPLICATION_ID:
        raise CaseLensError("E204", file=path, detail="it was not made by CaseLens")
    if version > target:
        raise CaseLensError("E205", file=path, found=version, supported=target)
    for number in range(version, target):
        script = (
            f"BEGIN;\n{MIGRATIONS[number]}\n"
            f"PRAGMA application_id = {APPLICATION_ID};\n"
            f"PRAGMA user_version = {number + 1};\nCOMMIT;"
        )
        try:
            db.conn.executescript(script)
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
    if version < target:
        # Put the header in the case file itself, not only in the WAL, so the file is
        # recognised (plain or encrypted) even if the process dies right after.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
