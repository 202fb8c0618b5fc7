"""The one catalogue of user-facing errors.

Every message a worker can see when something goes wrong comes from here: a stable code,
a plain-English statement of what is wrong, and what to do about it. Code anywhere in the
product raises ``CaseLensError(code, **details)``; the CLI prints ``str(error)`` and exits 2,
the GUI shows the same text in a dialog.

This module is deliberately tiny and dependency-free so that every layer (extractors, store,
nlp, reports, services, desktop) can use it without importing anything else.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    what: str
    todo: str


CATALOGUE: dict[str, Message] = {
    # --- input files -------------------------------------------------------------------------
    "E101": Message("{file} is empty.", "Check that the export finished, then export it again."),
    "E102": Message(
        "{file} is not a format CaseLens can read ({detail}).",
        "Export the case notes as CSV, XLSX, DOCX, PDF, TXT or HTML and import that file.",
    ),
    "E103": Message(
        "{file} could not be decoded as text ({detail}).",
        "Save the file again as UTF-8 (in Excel: Save As > CSV UTF-8) and import it again.",
    ),
    "E104": Message(
        "{file} is not a well-formed CSV file ({detail}).",
        "Open it in a spreadsheet program to check it, save it again as CSV and re-import it.",
    ),
    "E105": Message(
        "{file} has no columns CaseLens recognises as case notes ({detail}).",
        "Tell CaseLens which columns hold the date and the note text, e.g. "
        "--map date=\"Date of Event\",text=Narrative (or use the column mapping dialog).",
    ),
    "E106": Message(
        "{file} is password-protected.",
        "Open it in its own program, remove the password (save an unprotected copy) and import that copy.",
    ),
    "E107": Message(
        "{file} is a PDF with no text layer (it looks like a scanned image).",
        "CaseLens cannot read scanned documents yet (no OCR). Ask for a text export of the notes instead.",
    ),
    "E108": Message(
        "{file} holds a note of {size} characters, over the limit of {limit}.",
        "The file was not imported. Check the export: a single note this long is usually a "
        "whole document pasted into one field; split it or export it as a document instead.",
    ),
    "E109": Message(
        "{file} could not be read ({detail}).",
        "The file may be damaged or truncated. Export it again and re-import it.",
    ),
    "E110": Message(
        "{file} does not exist or cannot be opened.",
        "Check the path and that you have permission to read the file.",
    ),
    "E111": Message(
        "{file} expands to more than {limit} of data when unpacked.",
        "The file was refused as a safety measure. Export it again; if it really is that large, split it.",
    ),
    "E112": Message(
        "The column mapping '{detail}' is not valid.",
        "Write it as field=COLUMN pairs separated by commas, e.g. date=\"Date of Event\",text=Narrative. "
        "Fields: {fields}.",
    ),
    "E113": Message(
        "{file} holds no case notes ({detail}).",
        "Check that this is the case-note export and not another report, then import the right file.",
    ),
    # --- case files --------------------------------------------------------------------------
    "E201": Message(
        "The case file {file} does not exist.",
        "Check the path, or import a file with --case pointing at a new case to create it.",
    ),
    "E202": Message(
        "The case file {file} is encrypted and no passphrase was given.",
        "Set CASELENS_PASSPHRASE to the case's passphrase for command-line use, or open it in the app.",
    ),
    "E203": Message(
        "The passphrase for {file} is wrong.",
        "Check the passphrase and try again. Nothing was changed.",
    ),
    "E204": Message(
        "{file} is not a CaseLens case file ({detail}).",
        "Open a .caselens file created by CaseLens.",
    ),
    "E205": Message(
        "{file} was made by a newer version of CaseLens (schema {found}, this version reads up to {supported}).",
        "Update CaseLens to open it.",
    ),
    "E206": Message(
        "The case file {file} is open in another CaseLens window or process.",
        "Close it there first. If CaseLens crashed, wait a few seconds and try again.",
    ),
    "E207": Message(
        "The case file {file} could not be written ({detail}).",
        "Check there is free disk space and that the file is not read-only. Nothing was changed.",
    ),
    # --- usage -------------------------------------------------------------------------------
    "E301": Message("{detail}", "Run the command with --help to see how to use it."),
    "E302": Message(
        "'{value}' is not a date CaseLens understands.",
        "Write dates as YYYY-MM-DD or DD/MM/YYYY, e.g. 2023-03-12 or 12/03/2023.",
    ),
    "E303": Message(
        "JSON export is always the whole case and cannot be anonymised.",
        "Use --format docx or --format csv with --anonymise to share an anonymised chronology.",
    ),
    "E304": Message(
        "{feature} is not available in this build of CaseLens.",
        "Install the full CaseLens package, or use another command (see --help).",
    ),
    # --- extraction --------------------------------------------------------------------------
    "E501": Message(
        "Finding events, people and risks stopped: a worker process ended unexpectedly ({detail}).",
        "What was found so far is kept. Close other programs to free memory, then open the case "
        "again (or run: extract --case CASE) to finish where it stopped.",
    ),
    # --- export ------------------------------------------------------------------------------
    "E401": Message(
        "The template {file} is not a usable Word document ({detail}).",
        "Use a .docx file saved from Word, or leave out --template to use the default.",
    ),
    "E402": Message(
        "The export could not be written to {file} ({detail}).",
        "Check the folder exists, is writable and has free space, and that the file is not open in Word.",
    ),
}


class CaseLensError(Exception):
    """A problem the user can act on. ``str(err)`` is the full message: what, then what to do."""

    def __init__(self, code: str, **details: object) -> None:
        self.code = code
        self.details = details
        message = CATALOGUE[code]
        safe = _Defaults(details)
        self.what = message.what.format_map(safe)
        self.todo = message.todo.format_map(safe)
        super().__init__(f"{self.what} {self.todo}")

    def __str__(self) -> str:  # pragma: no cover - trivial
        return f"{self.what} {self.todo}"


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return "?"
