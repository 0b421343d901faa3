"""Worked shifts in the database, and hours per employee judged by the rule-set version in force.

Public functions other modules call:

- `worked_shifts(employee_ids, start, end)` → {employee_id: [Shift, …]} for every id asked (empty list
  when none): timesheet rows that overlap [start, end), plus whatever registered shift sources add.
  `Shift.employee` is the employee id as text.
- `register_shift_source(fn)`: `async fn(employee_ids, start, end) -> {employee_id: [Shift]}`. A
  roster module registers one to feed planned or actual shifts without changing this code. A source
  must not return hours that are also written to the timesheet table (they would overlap).
- `record_shifts(rows, source=…)`: bulk-insert worked shifts (one audit entry per batch).
- `evaluate_period(employees, start, end)`: hours and violations, each workday judged by its version.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from workforce.audit import trail
from workforce.audit.context import current_actor
from workforce.db import transaction
from workforce.people import directory
from workforce.rules.engine import evaluate
from workforce.rules.holidays_service import holidays_by_site
from workforce.rules.model import DayHours, Hours, RuleSet, Shift, Violation, WeekHours
from workforce.rules.ruleset import load_preset
from workforce.rules.service import FALLBACK_PRESET, RuleBook, label, parse_cached, short_label
from workforce.rules.tables import TimesheetEntry

ShiftSource = Callable[[list[int], datetime, datetime], Awaitable[Mapping[int, Iterable[Shift]]]]
_SOURCES: list[ShiftSource] = []


def register_shift_source(source: ShiftSource) -> ShiftSource:
    """Add a provider of shifts (e.g. the roster's planned or actual shifts); usable as a decorator."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def unregister_shift_source(source: ShiftSource) -> None:
    if source in _SOURCES:
        _SOURCES.remove(source)


def has_shift_sources() -> bool:
    return bool(_SOURCES)


def _shift(row: dict[str, Any]) -> Shift:
    return Shift(
        str(row["employee_id"]),
        row["starts_at"],
        row["ends_at"],
        float(row["break_minutes"] or 0),
        call_in=bool(row["call_in"]),
        training=bool(row["training"]),
        holiday=bool(row["holiday"]),
    )


async def worked_shifts(
    employee_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[Shift]]:
    """Shifts overlapping [start, end) per employee, in start order (one query plus one per source)."""
    ids = sorted({int(i) for i in employee_ids if i is not None})
    out: dict[int, list[Shift]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = await (
        TimesheetEntry.select(
            TimesheetEntry.employee_id,
            TimesheetEntry.starts_at,
            TimesheetEntry.ends_at,
            TimesheetEntry.break_minutes,
            TimesheetEntry.call_in,
            TimesheetEntry.training,
            TimesheetEntry.holiday,
        )
        .where(
            TimesheetEntry.employee_id.is_in(ids)
            & (TimesheetEntry.starts_at < end)
            & (TimesheetEntry.ends_at > start)
        )
        .order_by(TimesheetEntry.starts_at)
    )
    for row in rows:
        out[row["employee_id"]].append(_shift(row))
    for source in list(_SOURCES):
        extra = await source(ids, start, end)
        for emp_id, shifts in (extra or {}).items():
            if emp_id in out:
                out[emp_id].extend(
                    s
                    if s.employee == str(emp_id)
                    else Shift(str(emp_id), s.start, s.end, s.break_minutes, s.call_in, s.training, s.holiday)
                    for s in shifts
                    if s.start < end and s.end > start
                )
        for shifts in out.values():
            shifts.sort(key=lambda s: (s.start, s.end))
    return out


async def record_shifts(shifts: Iterable[Shift], *, source: str = "manual", summary: str = "") -> int:
    """Insert worked shifts (Shift.employee = employee id as text); returns how many were written."""
    actor = current_actor.get().name
    entries = [
        TimesheetEntry(
            employee_id=int(s.employee),
            starts_at=s.start.replace(tzinfo=None),
            ends_at=s.end.replace(tzinfo=None),
            break_minutes=float(s.break_minutes),
            call_in=s.call_in,
            training=s.training,
            holiday=s.holiday,
            source=source,
            created_by=actor,
        )
        for s in shifts
    ]
    if not entries:
        return 0
    async with transaction():
        for i in range(0, len(entries), 500):
            await TimesheetEntry.insert(*entries[i : i + 500])
        people = {e.employee_id for e in entries}
        first = min(e.starts_at for e in entries)
        last = max(e.ends_at for e in entries)
        await trail.record(
            "timesheet.record",
            "timesheet",
            source,
            after={"rows": len(entries), "employees": len(people), "from": first, "to": last},
            summary=summary or f"{len(entries)} worked shifts of {len(people)} people recorded ({source})",
        )
    return len(entries)


# --- evaluation over a period, version by date --------------------------------------------------------

HOUR_FIELDS = tuple(f.name for f in fields(Hours))


def add_hours(target: Hours, other: Hours) -> None:
    for name in HOUR_FIELDS:
        setattr(target, name, getattr(target, name) + getattr(other, name))


def context_days(rules: RuleSet) -> int:
    """How far back shifts matter to judge one: the longest look-back any limit of the rules needs."""
    days = 14  # a workweek before the period, rest, consecutive days (up to 14 in common CBAs)
    lim = rules.limits
    if lim.max_consecutive_days:
        days = max(days, lim.max_consecutive_days.days + 1)
    if lim.weekly_rest:
        days = max(days, lim.weekly_rest.window_days + 1)
    if lim.max_weekly_average:
        days = max(days, lim.max_weekly_average.reference_weeks * 7 + 7)
    return days


def book_context_days(book: RuleBook) -> int:
    sets = [parse_cached(r["toml"]) for rows in book.by_unit.values() for r in rows]
    return max([context_days(r) for r in [*sets, load_preset(FALLBACK_PRESET)]])


@dataclass
class EmployeePeriod:
    """One employee's hours between two dates. Days are workdays (by the date they start); weeks are
    the workweeks that overlap the period; totals add up the days inside it."""

    employee: dict[str, Any]
    start: date
    end: date
    days: list[DayHours] = field(default_factory=list)
    weeks: list[WeekHours] = field(default_factory=list)
    #: Week starts of workweeks in which the rule set changes: their figures add each day as its own
    #: version counts it (see evaluate_period).
    mixed_weeks: set[date] = field(default_factory=set)
    violations: list[Violation] = field(default_factory=list)
    versions: list[dict[str, Any] | None] = field(default_factory=list)
    rules: list[RuleSet] = field(default_factory=list)
    totals: Hours = field(default_factory=Hours)

    @property
    def version_labels(self) -> list[str]:
        return [label(v) for v in self.versions]

    @property
    def highest_week(self) -> float:
        return max((w.hours_worked for w in self.weeks), default=0.0)


def _judge(
    emp: dict[str, Any],
    shifts: list[Shift],
    holidays: set[date],
    book: RuleBook,
    start: date,
    end: date,
    window: tuple[date, date],
) -> EmployeePeriod:
    """Evaluate all the employee's shifts once per version in force over the window (the whole record
    is context for each), then take every workday, violation and whole workweek from the version in
    force on its date. A workweek in which the version changes is the sum of its days (flagged)."""
    result = EmployeePeriod(emp, start, end)
    segments = book.segments(emp.get("bargaining_unit_id"), window[0], window[1])
    day_pick: dict[date, DayHours] = {}
    in_period_segments = [s for s in segments if s[0] <= end and s[1] >= start]
    result.versions = [s[2] for s in in_period_segments]
    result.rules = [s[3] for s in in_period_segments]
    whole_weeks: list[WeekHours] = []
    covered: set[date] = set()
    calendars: list[tuple[date, date, RuleSet]] = []
    for index, (first, last, _row, rules) in enumerate(segments):
        outcome = evaluate(rules, shifts, holidays).employees.get(str(emp["id"]))
        if outcome is None:
            continue
        lo = date.min if index == 0 else first
        hi = date.max if index == len(segments) - 1 else last
        calendars.append((lo, hi, rules))
        for day in outcome.days:
            if lo <= day.day <= hi:
                day_pick[day.day] = day
        for v in outcome.violations:
            if lo <= v.shift_start.date() <= hi and start <= v.shift_start.date() <= end:
                result.violations.append(v)
        for week in outcome.weeks:
            week_end = week.week_start + timedelta(days=6)
            if week.week_start >= lo and week_end <= hi and week.week_start <= end and week_end >= start:
                whole_weeks.append(week)
                covered.update(week.week_start + timedelta(days=i) for i in range(7))
    mixed: dict[date, WeekHours] = {}
    for day, hours in day_pick.items():
        if start <= day <= end:
            add_hours(result.totals, hours)
            result.days.append(hours)
        if day in covered:
            continue
        rules = next(r for lo, hi, r in calendars if lo <= day <= hi)
        week_start = day - timedelta(days=(day.weekday() - rules.calendar.workweek_start_day) % 7)
        if week_start > end or week_start + timedelta(days=6) < start:
            continue
        week = mixed.setdefault(week_start, WeekHours(week_start=week_start))
        add_hours(week, hours)
    result.days.sort(key=lambda d: d.day)
    result.weeks = sorted(
        [*whole_weeks, *(w for w in mixed.values() if w.hours_worked > 0)], key=lambda w: w.week_start
    )
    result.weeks = [w for w in result.weeks if w.hours_worked > 0]
    result.mixed_weeks = {ws for ws, w in mixed.items() if w.hours_worked > 0}
    result.violations.sort(key=lambda v: (v.shift_start, v.rule))
    return result


async def evaluate_period(
    employees: list[dict[str, Any]], start: date, end: date, *, book: RuleBook | None = None
) -> dict[int, EmployeePeriod]:
    """Hours and violations of each employee (directory summaries) for workdays start..end inclusive.

    Each workday, each violation (by its shift's start date) and each workweek is judged by the rule-set
    version in force for the employee's bargaining unit on that date (service.RuleBook); shifts before
    the period are read as context (rest, consecutive days, the workweek it starts in). A fixed number of
    queries, whatever the number of employees.
    """
    if not employees:
        return {}
    book = book or await RuleBook.load()
    lookback = book_context_days(book)
    window = (start - timedelta(days=lookback), end + timedelta(days=7))
    shifts = await worked_shifts(
        [e["id"] for e in employees],
        datetime.combine(window[0], time(0)),
        datetime.combine(window[1], time(0)),
    )
    holidays = await holidays_by_site({e["site_id"] for e in employees}, window[0], window[1])
    return {
        e["id"]: _judge(
            e, shifts.get(e["id"], []), holidays.get(e["site_id"], set()), book, start, end, window
        )
        for e in employees
    }


async def employees_with_hours(start: date, end: date, site_ids: Iterable[int] | None = None) -> list[dict]:
    """Directory summaries of everyone with a timesheet row in the period (terminated people included,
    since they are still paid for it); with a registered shift source, every active employee too."""
    rows = (
        await TimesheetEntry.select(TimesheetEntry.employee_id)
        .where(
            (TimesheetEntry.starts_at < datetime.combine(end + timedelta(days=1), time(0)))
            & (TimesheetEntry.ends_at > datetime.combine(start, time(0)))
        )
        .distinct()
    )
    ids = {r["employee_id"] for r in rows}
    if _SOURCES:
        ids.update(e["id"] for e in await directory.active_employees())
    people = await directory.employees_by_ids(ids)
    wanted = set(site_ids) if site_ids is not None else None
    return sorted(
        (p for p in people.values() if wanted is None or p["site_id"] in wanted),
        key=lambda p: (p["last_name"], p["first_name"], p["employee_number"]),
    )


# --- payroll export -------------------------------------------------------------------------------------

#: Pay codes of the export, in row order, with the Hours figure each one carries.
PAY_CODES: tuple[tuple[str, str, str], ...] = (
    ("REG", "regular_hours", "Regular hours (straight time)"),
    ("OT15", "overtime_hours", "Overtime tier (pay.overtime_multiplier, 1.5x in the presets)"),
    ("DT20", "double_time_hours", "Double-time tier (pay.double_time_multiplier, 2x)"),
    ("NIGHT", "night_hours", "Hours in the night window: differential stacks on the tier"),
    ("SUN", "sunday_hours", "Sunday hours (already in OT15/DT20: the premium's tier)"),
    ("HOL", "holiday_hours", "Public-holiday hours (already in OT15/DT20: the premium's tier)"),
    ("CALLIN", "call_in_pay_hours", "Call-in guarantee top-up: paid, not worked (29 CFR 778.221)"),
)
CSV_HEADER = (
    "employee_number",
    "employee_name",
    "site",
    "period_start",
    "period_end",
    "pay_code",
    "hours",
    "rule_set",
)


def payroll_rows(results: Mapping[int, EmployeePeriod]) -> list[dict[str, Any]]:
    """One row per employee per pay code with hours in the period, by employee number then code."""
    rows = []
    for res in sorted(results.values(), key=lambda r: r.employee["employee_number"]):
        for code, attr, _ in PAY_CODES:
            hours = round(getattr(res.totals, attr), 2) + 0.0
            if hours > 0:
                rows.append(
                    {
                        "employee_number": res.employee["employee_number"],
                        "employee_name": res.employee["name"],
                        "site": res.employee["site_code"],
                        "period_start": res.start.isoformat(),
                        "period_end": res.end.isoformat(),
                        "pay_code": code,
                        "hours": f"{hours:.2f}",
                        "rule_set": "; ".join(short_label(v) for v in res.versions),
                    }
                )
    return rows


def payroll_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_HEADER, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_safe(str(v)) for k, v in row.items()})
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """Spreadsheets run a cell starting with = + - @ as a formula; names come from user input."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
