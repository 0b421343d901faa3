"""Employee export, the pure part: rows selected with `service.RAW_COLUMNS` → CSV text or an XLSX
workbook whose columns are exactly `validation.COLUMNS`, so an export imports back unchanged.

CSV: UTF-8 with a byte-order mark (so Excel shows accents right), comma-separated, CRLF. A cell that
starts with = + - @ (a spreadsheet would run it as a formula: "CSV injection") is written with a
leading apostrophe; the importer removes exactly that apostrophe again (`importing.unescape`).
XLSX: dates are real dates, every other value is stored as text (never as a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from workforce.people.importing import FORMULA_START
from workforce.people.validation import COLUMNS

CHUNK_ROWS = 500
DATE_COLUMNS = frozenset({"hire_date", "seniority_date", "termination_date"})


def escape(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def csv_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The CSV in pieces of CHUNK_ROWS rows (for a streamed response), header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, start=1):
        writer.writerow([escape(_text(row.get(c))) for c in COLUMNS])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def xlsx_bytes(rows: Iterable[dict[str, Any]], title: str = "Employees") -> bytes:
    """A one-sheet workbook written in openpyxl's streaming (write-only) mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = (
            14 if column in DATE_COLUMNS else max(12, len(column) + 2)
        )
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for column in COLUMNS:
            value = row.get(column)
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
            else:
                cell = WriteOnlyCell(sheet, value=_text(value) or None)
                if cell.value is not None:
                    cell.data_type = "s"  # text, even when it starts with "=" (no formulas from data)
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
