"""Employee import, the pure part: read an uploaded CSV or XLSX file into rows, then classify each
row against the current records as create / update / unchanged / error, with a reason per cell.

No database and no HTTP here: `import_service` loads the organisation (`Refs`) and the current
employees named in the file, and calls `classify()`. The same code runs for the preview and again,
inside the apply's transaction, so what is written is what the rules allow at that moment.

File rules (told to the user on the upload page):
- `.csv` (UTF-8, with or without a byte-order mark, comma-separated) or `.xlsx` (first sheet);
- row 1 is the header: every name must be one of `validation.COLUMNS`, each at most once, and the
  `REQUIRED_COLUMNS` must be there; any other column stops the import before the rows are read;
- an employee is matched on the employee number: a known number updates that employee (columns
  left out of the file keep their current values), an unknown number creates one;
- row numbers are the spreadsheet's: the header is row 1, the first employee row 2.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from workforce.people.validation import COLUMNS, REQUIRED_COLUMNS, Refs, raw_from_row, validate_employee

#: More rows than this in one file is refused (a plant's whole payroll fits; a runaway export does not).
MAX_ROWS = 10_000
EXTENSIONS = (".csv", ".xlsx")
KINDS = ("error", "create", "update", "unchanged")
KIND_LABELS = {"error": "Error", "create": "New", "update": "Update", "unchanged": "Unchanged"}
#: Compared case-insensitively (the validator resolves codes whatever their case).
CODE_COLUMNS = frozenset(
    {"employee_number", "site", "department", "home_station", "crew", "bargaining_unit", "supervisor"}
)
#: Leading characters a spreadsheet would run as a formula; the export prefixes such cells with "'".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

COLUMN_HELP: dict[str, str] = {
    "employee_number": "Matches the employee: a known number updates, a new one creates. Letters, digits, "
    "dashes.",
    "first_name": "Given name.",
    "last_name": "Family name.",
    "preferred_name": "Name the person goes by, if different.",
    "job_class": "Job classification, e.g. Operator II.",
    "site": "Site code, e.g. RIV.",
    "department": "Department code at that site.",
    "home_station": "Work station code at that site.",
    "crew": "Crew code at that site, e.g. A.",
    "bargaining_unit": "Bargaining unit code, e.g. UAW-1701; empty for none.",
    "employment_type": "full_time (default), part_time, temporary or agency.",
    "hire_date": "YYYY-MM-DD (or an Excel date).",
    "seniority_date": "YYYY-MM-DD; empty means the hire date.",
    "supervisor": "The supervisor's employee number (already on file, or on an earlier row).",
    "status": "active (default), on_leave or terminated.",
    "termination_date": "YYYY-MM-DD; only, and then required, for terminated employees.",
    "phone": "Contact phone.",
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (type, encoding, header): nothing was imported."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class ParsedFile:
    columns: tuple[str, ...]
    #: (spreadsheet row number, cell text by column), blank rows left out.
    rows: list[tuple[int, dict[str, str]]]


# --------------------------------------------------------------------------- reading


def _cell_text(value: Any) -> str:
    """An XLSX cell as the text a CSV would hold: real dates as YYYY-MM-DD, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def unescape(text: str) -> str:
    """Undo the export's formula guard: "'=x" → "=x" (only before a formula character)."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            [
                f"the file is not UTF-8 text (first bad byte on line {line}); in Excel save it "
                "as “CSV UTF-8 (Comma delimited)”"
            ]
        ) from exc
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=",", strict=True)
    except csv.Error as exc:
        raise ImportFileError([f"the CSV file cannot be read: {exc}"]) from exc


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and openpyxl's own errors alike: the file is not a workbook
        raise ImportFileError(["the file is not a readable Excel workbook (.xlsx)"]) from exc
    try:
        if not book.worksheets:
            raise ImportFileError(["the workbook has no sheets"])
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers declare a wrong size; read what is there
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet inside a valid zip
                message = f"the first sheet of the workbook cannot be read ({type(exc).__name__})"
                raise ImportFileError([message]) from exc
            yield [_cell_text(v) for v in values]
    finally:
        book.close()


def check_header(cells: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """The header's column names and what is wrong with them (unknown, repeated, missing, unnamed)."""
    names = [c.strip().lstrip("\ufeff").strip() for c in cells]
    while names and not names[-1]:
        names.pop()  # trailing empty cells (spreadsheets keep them)
    errors: list[str] = []
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        sep = "semicolons" if ";" in names[0] else "tabs"
        return tuple(names), [
            f"the header is one cell with {sep} in it: save the file with commas between "
            "the columns (CSV UTF-8)"
        ]
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            errors.append(f"column {position} has no name")
        elif name not in COLUMNS:
            hint = f" (did you mean '{name.lower()}'?)" if name.lower() in COLUMNS else ""
            errors.append(f"unknown column '{name}'{hint}")
        elif name in seen:
            errors.append(f"column '{name}' appears twice")
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(f"missing required column '{name}'")
    return tuple(names), errors


def read_file(filename: str, content: bytes) -> ParsedFile:
    """Header and rows of an upload; raises ImportFileError before any row when the file is unusable."""
    name = (filename or "").strip()
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    if extension not in EXTENSIONS:
        shown = f"'{extension}'" if extension else "without an extension"
        raise ImportFileError(
            [
                f"files {shown} are not supported: upload a .csv or .xlsx file"
                + (" (save an .xls workbook as .xlsx)" if extension == ".xls" else "")
            ]
        )
    if not content or not content.strip():
        raise ImportFileError(["the file is empty"])
    rows_in = _csv_rows(content) if extension == ".csv" else _xlsx_rows(content)
    header: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, dict[str, str]]] = []
    columns: tuple[str, ...] = ()
    for number, cells in enumerate(rows_in, start=1):
        if header is None:
            if not any(c.strip() for c in cells):
                continue  # blank lines above the header
            header, header_row = cells, number
            columns, errors = check_header(cells)
            if errors:
                raise ImportFileError([f"row {number} (header): {e}" for e in errors])
            continue
        if not any(c.strip() for c in cells):
            continue
        extra = [c for c in cells[len(columns) :] if c.strip()]
        values = {col: unescape(cells[i].strip()) if i < len(cells) else "" for i, col in enumerate(columns)}
        if extra:
            values["__extra__"] = f"{len(extra)} value(s) right of the last column"
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                [f"the file has more than {MAX_ROWS:,} employee rows; split it into smaller files"]
            )
    if header is None:
        raise ImportFileError(["the file is empty"])
    if not rows:
        raise ImportFileError([f"there are no employee rows under the header (row {header_row})"])
    return ParsedFile(columns=columns, rows=rows)


# --------------------------------------------------------------------------- classifying


@dataclass
class PreviewRow:
    row: int
    kind: str  # create | update | unchanged | error
    employee_number: str
    #: The cells as the file has them (by column).
    values: dict[str, str]
    #: Column → what is wrong with that cell ("row" for the row as a whole).
    errors: dict[str, str] = field(default_factory=dict)
    #: Column → (current, new) for an update.
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    employee_id: int | None = None
    version: int | None = None
    #: Validated values to write (references as ids; a supervisor created on an earlier row has the
    #: placeholder id -row until that row is written).
    clean: dict[str, Any] | None = None
    before: dict[str, str] | None = None
    after: dict[str, str] | None = None

    @property
    def name(self) -> str:
        source = self.after or self.before or self.values
        return f"{source.get('last_name', '')}, {source.get('first_name', '')}".strip(", ")


@dataclass
class Preview:
    columns: tuple[str, ...]
    rows: list[PreviewRow]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for r in self.rows:
            counts[r.kind] += 1
        return counts

    @property
    def can_apply(self) -> bool:
        counts = self.counts
        return counts["error"] == 0 and (counts["create"] + counts["update"]) > 0

    @property
    def fingerprint(self) -> str:
        """Changes whenever what apply would do changes (a record edited, a number taken since)."""
        plan = [(r.row, r.kind, r.employee_id, r.version) for r in self.rows]
        return hashlib.sha256(json.dumps(plan).encode()).hexdigest()[:32]

    def ordered(self, kind: str | None = None) -> list[PreviewRow]:
        """Errors first, then file order; or only one kind."""
        if kind in KINDS:
            return [r for r in self.rows if r.kind == kind]
        return sorted(self.rows, key=lambda r: (r.kind != "error", r.row))


def _norm(column: str, value: str) -> str:
    value = (value or "").strip()
    return value.upper() if column in CODE_COLUMNS else value


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def current_raw(row: dict[str, Any]) -> dict[str, str]:
    """A current employee (selected with service.RAW_COLUMNS) as the strings a file holds."""
    return raw_from_row(row)


def _duplicates(parsed: ParsedFile) -> dict[int, str]:
    where: dict[str, list[int]] = {}
    for number, values in parsed.rows:
        key = values.get("employee_number", "").strip().upper()
        if key:
            where.setdefault(key, []).append(number)
    messages: dict[int, str] = {}
    for key, rows in where.items():
        if len(rows) < 2:
            continue
        later = ", ".join(str(r) for r in rows[1:])
        messages[rows[0]] = (
            f"employee number {key} appears again on row{'s' if len(rows) > 2 else ''} {later}"
        )
        for r in rows[1:]:
            messages[r] = f"employee number {key} already appears on row {rows[0]}"
    return messages


def classify(
    parsed: ParsedFile,
    refs: Refs,
    current: dict[str, dict[str, Any]],
    *,
    today: date,
    allowed_sites: set[str] | None = None,
) -> Preview:
    """Every row of the file against the records.

    `current`: employee number (upper case) → the employee as selected with `service.RAW_COLUMNS`
    (id, version and the COLUMNS). `allowed_sites`: site codes the importing user may change (None: all).
    """
    employees = dict(refs.employees)  # grows with the rows this file creates (supervisors above reports)
    local = dataclasses.replace(refs, employees=employees)
    codes = {
        "site": {r["id"]: r["code"] for r in refs.sites.values()},
        "department": {r["id"]: r["code"] for r in refs.departments.values()},
        "home_station": {r["id"]: r["code"] for r in refs.stations.values()},
        "crew": {r["id"]: r["code"] for r in refs.crews.values()},
        "bargaining_unit": {r["id"]: r["code"] for r in refs.units.values()},
    }
    first_row = {}
    for number, values in parsed.rows:
        first_row.setdefault(values.get("employee_number", "").strip().upper(), number)
    duplicates = _duplicates(parsed)
    allowed = {s.upper() for s in allowed_sites} if allowed_sites is not None else None

    out: list[PreviewRow] = []
    for row_number, values in parsed.rows:
        number = values.get("employee_number", "").strip().upper()
        cur = current.get(number) if number else None
        before = current_raw(cur) if cur else None
        raw = dict(before) if before else dict.fromkeys(COLUMNS, "")
        raw.update({k: v for k, v in values.items() if k in COLUMNS})
        clean, errors = validate_employee(raw, local, today=today, self_id=cur["id"] if cur else None)

        if row_number in duplicates:
            errors["employee_number"] = duplicates[row_number]
        if "__extra__" in values:
            errors["row"] = values["__extra__"]
        sup = raw.get("supervisor", "").strip().upper()
        if (
            "supervisor" in errors
            and sup in first_row
            and first_row[sup] > row_number
            and sup not in refs.employees
        ):
            errors["supervisor"] = (
                f"employee number {sup} is only created on row {first_row[sup]}: "
                "put supervisors above the people they supervise"
            )
        if allowed is not None:
            if before and before["site"].upper() not in allowed:
                errors["site"] = (
                    f"employee {number} works at site {before['site']}, outside your account's sites"
                )
            elif clean.get("site") and codes["site"][clean["site"]].upper() not in allowed:
                errors["site"] = f"site {codes['site'][clean['site']]} is outside your account's sites"

        item = PreviewRow(
            row=row_number,
            kind="error",
            employee_number=number,
            values=values,
            errors=errors,
            employee_id=cur["id"] if cur else None,
            version=cur["version"] if cur else None,
            before=before,
        )
        if not errors:
            after = {}
            for column in COLUMNS:
                value = clean.get(column)
                if column in codes:
                    after[column] = codes[column][value] if value is not None else ""
                elif column == "supervisor":
                    after[column] = sup if value is not None else ""
                else:
                    after[column] = _as_text(value)
            item.clean, item.after = clean, after
            if before is None:
                item.kind = "create"
                employees[number] = -row_number
            else:
                item.changes = {
                    c: (before[c], after[c]) for c in COLUMNS if _norm(c, before[c]) != _norm(c, after[c])
                }
                item.kind = "update" if item.changes else "unchanged"
        out.append(item)
    return Preview(columns=parsed.columns, rows=out)


def numbers_in(parsed: ParsedFile) -> set[str]:
    """Employee numbers (upper case) on the file's rows."""
    return {v for _, values in parsed.rows if (v := values.get("employee_number", "").strip().upper())}


def template_csv() -> str:
    """The header row an import expects, for the template download."""
    return ",".join(COLUMNS) + "\r\n"
