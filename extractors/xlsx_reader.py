"""Excel workbooks: a row-per-note export or an existing chronology, on whichever sheet holds it."""
from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from errors import CaseLensError
from extractors.base import ReadResult
from extractors.sniffing import Source
from extractors.tables import Table, notes_from_tables


def read_xlsx(source: Source, mapping: dict[str, str]) -> ReadResult:
    """Read every sheet's cell values (Excel dates arrive as ``datetime``) and pick the notes sheet."""
    try:
        workbook = load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, SyntaxError) as error:
        raise CaseLensError("E109", file=source.name, detail=f"the workbook is damaged: {type(error).__name__}") from None
    try:
        tables = [
            Table([list(row) for row in sheet.iter_rows(values_only=True)], f"sheet {sheet.title}")
            for sheet in workbook.worksheets
        ]
    except (KeyError, ValueError, TypeError, OSError, SyntaxError, zipfile.BadZipFile) as error:
        raise CaseLensError("E109", file=source.name, detail=f"a sheet is damaged: {type(error).__name__}") from None
    finally:
        workbook.close()
    found = notes_from_tables(tables, mapping, source.name)
    return ReadResult(found.notes, "xlsx", found.shape, found.skipped, found.warnings)
