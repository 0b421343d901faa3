"""Timesheet CSV (`employee,start,end,break_minutes`) to shifts, with one clear message per bad row.

Rows are numbered as lines of the file: the header is row 1. Times are ISO local date-times
(`2026-01-05T06:00`); break_minutes is unpaid time inside the shift (empty means 0).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from datetime import datetime

from .model import Shift

COLUMNS = ("employee", "start", "end", "break_minutes")


class TimesheetError(ValueError):
    """A bad header or row; `str()` is the one-line message `row N: field: problem`."""

    def __init__(self, row: int, field: str, problem: str) -> None:
        self.row, self.field, self.problem = row, field, problem
        super().__init__(f"row {row}: {field}: {problem}")


def parse_timesheet(lines: str | Iterable[str]) -> list[Shift]:
    """All shifts of a timesheet; raises TimesheetError at the first bad row."""
    shifts = []
    for item in _read(lines):
        if isinstance(item, TimesheetError):
            raise item
        shifts.append(item)
    return shifts


def read_timesheet(lines: str | Iterable[str]) -> tuple[list[Shift], list[TimesheetError]]:
    """Good shifts and every row error, for a form that shows all problems at once.

    A bad header makes every row unreadable, so it is the only error then.
    """
    shifts: list[Shift] = []
    errors: list[TimesheetError] = []
    for item in _read(lines):
        (errors if isinstance(item, TimesheetError) else shifts).append(item)
    return shifts, errors


def _read(lines: str | Iterable[str]) -> Iterator[Shift | TimesheetError]:
    reader = csv.reader(lines.splitlines() if isinstance(lines, str) else lines)
    header = next(reader, None)
    try:
        positions = _columns(header)
    except TimesheetError as error:
        yield error
        return
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        try:
            yield _shift(number, cells, positions)
        except TimesheetError as error:
            yield error


def _columns(header: list[str] | None) -> dict[str, int]:
    expected = ",".join(COLUMNS)
    if not header or not any(cell.strip() for cell in header):
        raise TimesheetError(1, "header", f"the file is empty; expected the header {expected}")
    names = [cell.strip().lstrip("\ufeff").strip() for cell in header]  # Excel writes a byte-order mark
    for name in names:
        if name not in COLUMNS:
            raise TimesheetError(1, name or "(blank)", f"unknown column; the header must be {expected}")
        if names.count(name) > 1:
            raise TimesheetError(1, name, "column appears twice")
    for name in COLUMNS:
        if name not in names:
            raise TimesheetError(1, name, f"missing column; the header must be {expected}")
    return {name: names.index(name) for name in COLUMNS}


def _shift(number: int, cells: list[str], positions: dict[str, int]) -> Shift:
    if len(cells) > len(positions):
        raise TimesheetError(
            number, "row", f"{len(cells)} values but the header has {len(positions)} columns"
        )
    values = {}
    for name, index in positions.items():
        if index >= len(cells):
            raise TimesheetError(number, name, "missing value")
        values[name] = cells[index].strip()
    if not values["employee"]:
        raise TimesheetError(number, "employee", "must not be empty")
    start = _moment(number, "start", values["start"])
    end = _moment(number, "end", values["end"])
    if end < start:
        raise TimesheetError(number, "end", f"end {values['end']} is before start {values['start']}")
    if end == start:
        raise TimesheetError(number, "end", f"end {values['end']} is the same as start")
    break_minutes = _break(number, values["break_minutes"])
    span = (end - start).total_seconds() / 60
    if break_minutes > span:
        raise TimesheetError(
            number, "break_minutes", f"{break_minutes:g} min is longer than the shift ({span:g} min)"
        )
    return Shift(values["employee"], start, end, break_minutes)


def _moment(number: int, field: str, text: str) -> datetime:
    problem = f"{text!r} is not a local date-time like 2026-01-05T06:00"
    if len(text) < 16 or text[10] not in "T ":  # a date alone would silently mean midnight
        raise TimesheetError(number, field, problem)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise TimesheetError(number, field, problem) from None
    if moment.tzinfo is not None:
        raise TimesheetError(number, field, f"{text!r} has a UTC offset; give local time without one")
    return moment


def _break(number: int, text: str) -> float:
    if not text:
        return 0
    try:
        minutes = float(text)
    except ValueError:
        minutes = math.nan
    if not math.isfinite(minutes) or minutes < 0:
        raise TimesheetError(number, "break_minutes", f"must be a number of minutes >= 0, got {text!r}")
    return int(minutes) if minutes.is_integer() else minutes
