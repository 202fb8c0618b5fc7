"""CaseLens entry point: ``python main.py [CASE]`` opens the app; subcommands run headless.

Exit codes: 0 done; 2 usage error or refused input (the message on stderr says which and what
to do); 1 unexpected failure. ``CASELENS_PASSPHRASE`` gives the passphrase for headless runs
(a new case is created encrypted with it); without it nothing ever prompts. PySide6 is
imported only when the GUI starts.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from errors import CaseLensError

VIEWS = ("summary", "chronology", "timeline", "people", "risks", "gaps")
SUBCOMMANDS = ("gui", "import", "extract", "info", "export", "demo", "evaluate", "bench")
_MAP_PAIR = re.compile(r'\s*(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^,]*))\s*(?:,|$)')


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``) and return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and not argv[0].startswith("-")):
        argv = ["gui", *argv]
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        _start_logging()
        return args.run(args)
    except CaseLensError as error:
        print(str(error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - the last line of defence: say so, exit 1
        from services.logging_setup import record_failure

        log = record_failure(error) or "stderr"
        print(
            f"CaseLens failed unexpectedly ({type(error).__name__}). "
            f"Details were written to {log}. Nothing was changed by the step that failed.",
            file=sys.stderr,
        )
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="caselens",
        description="CaseLens: enhanced chronologies from children's social care case notes. "
        "Run without a command (or with a case file) to open the app.",
        epilog="Environment: CASELENS_HOME (data, settings, logs), CASELENS_PASSPHRASE (the passphrase "
        "of an encrypted case for headless commands; a new case is created encrypted with it).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", help="open the app (the default)", description="Open the CaseLens app.")
    gui.add_argument("case", nargs="?", type=Path, metavar="CASE", help="case file to open (default: the demo case)")
    gui.add_argument("--screenshot", type=Path, metavar="PNG", help="save a picture of the window and quit")
    gui.add_argument("--view", choices=VIEWS, default="summary", help="the view to show first (default: summary)")
    gui.set_defaults(run=_run_gui)

    imp = commands.add_parser(
        "import", help="import case-note export files into a case",
        description="Import case-note exports (CSV, XLSX, DOCX, PDF, TXT, HTML) into a case, "
        "creating the case when it does not exist. Each file lands whole or not at all; "
        "a file imported before adds nothing.",
    )
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE", help="export file(s) to import")
    imp.add_argument("--case", required=True, type=Path, metavar="CASE", help="the case file (.caselens)")
    imp.add_argument("--no-extract", action="store_true", help="store the notes only; run 'extract' later")
    imp.add_argument(
        "--map", dest="mapping", metavar="FIELD=COLUMN,...",
        help='say which columns hold which fields, e.g. --map date="Date of Event",text=Narrative',
    )
    imp.set_defaults(run=_run_import)

    ext = commands.add_parser(
        "extract", help="(re-)extract events, people and risks",
        description="Run extraction over the whole case again (the worker's curation is kept).",
    )
    ext.add_argument("--case", required=True, type=Path, metavar="CASE")
    ext.set_defaults(run=_run_extract)

    info = commands.add_parser("info", help="summarise a case", description="Show what a case holds.")
    info.add_argument("--case", required=True, type=Path, metavar="CASE")
    info.set_defaults(run=_run_info)

    exp = commands.add_parser(
        "export", help="export the chronology (docx, csv) or the whole case (json)",
        description="Export the chronology to Word or CSV (key events by default), or the whole case as JSON.",
    )
    exp.add_argument("--case", required=True, type=Path, metavar="CASE")
    exp.add_argument("--format", required=True, choices=("json", "csv", "docx"))
    exp.add_argument("--out", required=True, type=Path, metavar="FILE")
    exp.add_argument("--from", dest="date_from", metavar="DATE", help="first date, YYYY-MM-DD or DD/MM/YYYY (inclusive)")
    exp.add_argument("--to", dest="date_to", metavar="DATE", help="last date, YYYY-MM-DD or DD/MM/YYYY (inclusive)")
    scope = exp.add_mutually_exclusive_group()
    scope.add_argument("--all", dest="scope", action="store_const", const="all", help="every event shown in the chronology")
    scope.add_argument("--key-only", dest="scope", action="store_const", const="key", help="key events only (the default)")
    exp.add_argument("--anonymise", action="store_true", help="replace names and contact details (docx, csv)")
    exp.add_argument("--template", type=Path, metavar="DOCX", help="Word template to use (docx)")
    exp.set_defaults(run=_run_export)

    demo = commands.add_parser(
        "demo", help="write a synthetic demo case's exports",
        description="Write a synthetic case: one case.<ext> per format plus gold.json.",
    )
    demo.add_argument("--notes", type=_positive_int, default=600, metavar="N", help="current notes (default 600)")
    demo.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (default 7, the development case)")
    demo.add_argument("--out", required=True, type=Path, metavar="DIR")
    demo.set_defaults(run=_run_demo)

    evaluate = commands.add_parser(
        "evaluate", help="score extraction against an annotated corpus",
        description="Print precision, recall and F1 per fact type against the gold annotations.",
    )
    evaluate.add_argument("--gold", type=Path, metavar="DIR", help="folder with gold.json and the exports")
    evaluate.set_defaults(run=_run_evaluate)

    bench = commands.add_parser("bench", help="measure speed", description="Measure import, extraction and query speed.")
    bench.add_argument("--notes", type=_positive_int, default=600, metavar="N")
    bench.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (default 7)")
    bench.add_argument("--json", dest="as_json", action="store_true", help="print the figures as JSON")
    bench.set_defaults(run=_run_bench)
    return parser


# --- commands ----------------------------------------------------------------------------


def _run_gui(args: argparse.Namespace) -> int:
    app = _optional_module("desktop.app", "The app window")
    return int(app.run(args.case, screenshot=args.screenshot, view=args.view))


def _run_import(args: argparse.Namespace) -> int:
    if not args.no_extract:
        from services.pool import prepare_for_files

        prepare_for_files(args.files)  # the workers' model loads while the rest is imported and read
    from services.importing import import_files

    mapping = parse_mapping(args.mapping) if args.mapping else None
    result = import_files(
        args.case, args.files, passphrase=_passphrase(), extract=not args.no_extract, mapping=mapping,
        progress=_progress_printer(),
    )
    for item in result.files:
        name = item.path.name
        if item.status == "refused":
            print(f"Refused {name}: {item.error}", file=sys.stderr)
        elif item.status == "nothing_new":
            print(f"{name}: nothing new (this file was imported before).")
        elif item.status == "cancelled":
            print(f"{name}: cancelled, nothing kept.")
        else:
            print(f"Imported {name}: {_describe(item.outcome)}.")
    if result.extraction is not None and result.extraction.notes:
        print(f"Extracted {result.extraction.notes} notes.")
    if result.refused:
        print(f"{len(result.refused)} of {len(result.files)} files were refused; the others were imported.",
              file=sys.stderr)
    return result.exit_code


def _describe(outcome: Any) -> str:
    parts = [f"{outcome.notes_read} notes", f"{outcome.notes_added} new"]
    if outcome.notes_already_stored:
        parts.append(f"{outcome.notes_already_stored} already in the case")
    if outcome.repeated:
        parts.append(f"{outcome.repeated} repeated within the file")
    if outcome.versions:
        parts.append(f"{outcome.versions} new versions")
    if outcome.undated:
        parts.append(f"{outcome.undated} undated (kept and flagged)")
    text = ", ".join(parts)
    if outcome.skipped:
        text += "; skipped " + ", ".join(f"{count} {reason.replace('_', ' ')}" for reason, count in sorted(outcome.skipped.items()))
    return text


def _run_extract(args: argparse.Namespace) -> int:
    from services.extraction import extract_case
    from store import open_case

    with open_case(args.case, passphrase=_passphrase()) as case:
        result = extract_case(case, redo=True, progress=_progress_printer())
    print(f"Extracted {result.notes} notes.")
    return 0


def _run_info(args: argparse.Namespace) -> int:
    from store import curation, open_case
    from store.notes import imports
    from store.queries import case_summary

    with open_case(args.case, passphrase=_passphrase()) as case:
        summary = case_summary(case)
        rows = imports(case)
        orphaned = len(curation.rows(case, orphaned=True))
    print(f"Case: {args.case}{' (encrypted)' if summary['encrypted'] else ''}")
    if summary["title"]:
        print(f"Title: {summary['title']}")
    for subject in summary["subjects"]:
        print(f"Subject: {subject['name'] or subject['person_id']}" + (f", born {subject['dob']}" if subject["dob"] else ""))
    span = f", {summary['date_from']} to {summary['date_to']}" if summary["date_from"] else ""
    undated = f" ({summary['undated_notes']} undated)" if summary["undated_notes"] else ""
    print(f"Notes: {summary['notes']}{undated}{span}")
    print(f"Imports: {summary['imports']}" + (f" ({summary['imports_incomplete']} not yet extracted)" if summary["imports_incomplete"] else ""))
    for row in rows:
        print(f"  {row['id']}. {Path(row['file']).name} [{row['format']}] {row['notes']} notes, {row['status']}, {row['imported_at']}")
    print(f"Events: {summary['events']} ({summary['key_events']} key)  People: {summary['people']}  "
          f"Current risks: {summary['current_risks']}")
    if orphaned:
        print(f"Curation to review: {orphaned} edits whose event or person is no longer extracted.")
    return 0


def _run_export(args: argparse.Namespace) -> int:
    from store import audit, open_case

    date_from = parse_date(args.date_from) if args.date_from else None
    date_to = parse_date(args.date_to) if args.date_to else None
    if args.format == "json":
        if args.anonymise:
            raise CaseLensError("E303")
        extras = [flag for flag, given in (("--from", date_from), ("--to", date_to), ("--all/--key-only", args.scope),
                                          ("--template", args.template)) if given]
        if extras:
            raise CaseLensError("E301", detail=f"JSON export is always the whole case; {', '.join(extras)} cannot be used with it.")
    elif args.template is not None and args.format != "docx":
        raise CaseLensError("E301", detail="--template is only used with --format docx.")
    if date_from and date_to and date_from > date_to:
        raise CaseLensError("E301", detail=f"--from {date_from} is after --to {date_to}.")
    key_only = args.scope != "all"
    with open_case(args.case, passphrase=_passphrase()) as case:
        if args.format == "json":
            from store.export import case_to_json

            document = case_to_json(case)
            _write_atomically(args.out, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
            with case.transaction():
                audit.record(case, "export", {"format": "json", "file": str(args.out)})
            print(f"Exported the whole case to {args.out}.")
            return 0
        options: dict[str, Any] = {"date_from": date_from, "date_to": date_to, "key_only": key_only,
                                   "anonymise": args.anonymise}
        # The report writers record the export in the audit trail themselves.
        if args.format == "csv":
            csv_export = _optional_module("reports.csv_export", "CSV export")
            result = csv_export.export_csv(case, args.out, **options)
        else:
            word = _optional_module("reports.word", "Word export")
            result = word.export_docx(case, args.out, template=args.template, **options)
    count = getattr(result, "count", None)
    print(f"Exported {'' if count is None else f'{count} events '}to {args.out}.")
    return 0


def _run_demo(args: argparse.Namespace) -> int:
    corpus = _optional_module("services.corpus", "The demo case generator")
    corpus.generate_case(args.out, notes=args.notes, seed=args.seed)
    print(f"Wrote a synthetic case of {args.notes} notes to {args.out}.")
    return 0


def _run_evaluate(args: argparse.Namespace) -> int:
    evaluation = _optional_module("services.evaluation", "Evaluation")
    return int(evaluation.main(args.gold))


def _run_bench(args: argparse.Namespace) -> int:
    bench = _optional_module("services.bench", "The benchmark")
    return int(bench.main(args.notes, args.seed, args.as_json))


# --- helpers -----------------------------------------------------------------------------


def parse_date(value: str) -> date:
    """A command-line date, YYYY-MM-DD or DD/MM/YYYY (UK day-first); E302 otherwise."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise CaseLensError("E302", value=value)


def parse_mapping(text: str) -> dict[str, str]:
    """``date="Date of Event",text=Narrative`` → ``{"date": "Date of Event", "text": "Narrative"}``;
    E112 when it is not FIELD=COLUMN pairs of known fields."""
    from extractors import MAPPING_FIELDS

    mapping: dict[str, str] = {}
    position = 0
    text = text.strip()
    while position < len(text):
        match = _MAP_PAIR.match(text, position)
        if not match or match.end() == position:
            raise CaseLensError("E112", detail=text, fields=", ".join(MAPPING_FIELDS))
        field, *values = match.groups()
        column = next(v for v in values if v is not None).strip()
        if field not in MAPPING_FIELDS or not column:
            raise CaseLensError("E112", detail=text, fields=", ".join(MAPPING_FIELDS))
        mapping[field] = column
        position = match.end()
    if not mapping:
        raise CaseLensError("E112", detail=text, fields=", ".join(MAPPING_FIELDS))
    return mapping


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _passphrase() -> str | None:
    return os.environ.get("CASELENS_PASSPHRASE") or None


def _optional_module(name: str, feature: str) -> ModuleType:
    """Import a part of CaseLens that a build may not include; E304 when it is missing."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        parts = name.split(".")
        if exc.name in {".".join(parts[:i]) for i in range(1, len(parts) + 1)}:
            raise CaseLensError("E304", feature=feature) from exc
        raise


def _progress_printer() -> Callable[[Any], None] | None:
    """Progress lines on stderr when it is a terminal; silent otherwise (scripts, tests)."""
    if not sys.stderr.isatty():
        return None
    last: dict[str, Any] = {}

    def show(progress: Any) -> None:
        line = f"{progress.stage}: {progress.done}/{progress.total} {progress.message}".rstrip()
        if line != last.get("line"):
            last["line"] = line
            print("\r" + line.ljust(78)[:78], end="" if progress.done < progress.total else "\n", file=sys.stderr)

    return show


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder: a failed export
    never leaves a half-written file. E402 when it cannot be written."""
    handle = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False)
        with handle:
            handle.write(data)
        os.replace(handle.name, path)
    except OSError as exc:
        if handle is not None and os.path.exists(handle.name):
            os.unlink(handle.name)
        raise CaseLensError("E402", file=path, detail=exc.strerror or exc) from exc


def _start_logging() -> None:
    """The rotating product log in CASELENS_HOME/logs (codes and counts, never case content)."""
    from services.logging_setup import setup_logging

    try:
        setup_logging(console=True)
    except OSError as exc:
        print(f"CaseLens could not open its log file ({exc.strerror}); carrying on without it.", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
