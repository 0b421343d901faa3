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
- `evaluate_with_hours(start, end, site_ids)`: the same for everyone with worked time in the period
  (`employees_with_hours`), in fewer reads: what the overtime report and the payroll export use.

Only the part of each record that can change the period is evaluated (context.py: from the last long
break before it), and evaluations are kept by their exact inputs (`_evaluate`), so a period looked at
again costs the reads, not the evaluation.
"""

from __future__ import annotations

import csv
import io
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from workforce.audit import trail
from workforce.audit.context import current_actor
from workforce.db import transaction
from workforce.people import directory
from workforce.rules.allocation import Plan
from workforce.rules.context import combined_gap, first_reported, since_last_break
from workforce.rules.engine import evaluate_employee, plan_for
from workforce.rules.holidays_service import holidays_by_site
from workforce.rules.model import DayHours, EmployeeResult, Hours, RuleSet, Shift, Violation, WeekHours
from workforce.rules.ruleset import load_preset
from workforce.rules.service import FALLBACK_PRESET, RuleBook, label, parse_cached, short_label
from workforce.rules.tables import TimesheetEntry

#: The longest one timesheet row may be. Overlap queries read rows with `starts_at` from this long
#: before the window, so an index on starts_at bounds them on both sides instead of reading all history
#: back to the first shift; `record_shifts` refuses longer rows, which keeps those queries exact. 24 h
#: is well past any real shift: the notes' §6 "Maximum hours" caps a day at 16 h including holdovers,
#: and the EU/UK daily rest (WTD Art. 3) leaves at most 13 h in 24. A longer stretch is two rows.
MAX_SHIFT = timedelta(hours=24)

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


async def _timesheet_shifts(
    employee_ids: list[int] | None, start: datetime, end: datetime
) -> dict[int, list[Shift]]:
    """Timesheet rows overlapping [start, end) per employee, in start order: of the ids given, or of
    everyone (None). One query."""
    query = TimesheetEntry.select(
        TimesheetEntry.employee_id,
        TimesheetEntry.starts_at,
        TimesheetEntry.ends_at,
        TimesheetEntry.break_minutes,
        TimesheetEntry.call_in,
        TimesheetEntry.training,
        TimesheetEntry.holiday,
    ).where(_overlapping(start, end))
    if employee_ids is not None:
        query = query.where(TimesheetEntry.employee_id.is_in(employee_ids))
    out: dict[int, list[Shift]] = {i: [] for i in employee_ids or ()}
    for row in await query.order_by(TimesheetEntry.starts_at):
        out.setdefault(row["employee_id"], []).append(_shift(row))
    return out


def _overlapping(start: datetime, end: datetime) -> Any:
    """Rows overlapping [start, end). `starts_at >= start - MAX_SHIFT` adds nothing for rows no longer
    than MAX_SHIFT (ends_at > start implies it) but lets the starts_at index bound the scan from below."""
    return (
        (TimesheetEntry.starts_at >= start - MAX_SHIFT)
        & (TimesheetEntry.starts_at < end)
        & (TimesheetEntry.ends_at > start)
    )


async def worked_shifts(
    employee_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[Shift]]:
    """Shifts overlapping [start, end) per employee, in start order (one query plus one per source)."""
    ids = sorted({int(i) for i in employee_ids if i is not None})
    if not ids:
        return {}
    out = await _timesheet_shifts(ids, start, end)
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
    """Insert worked shifts (Shift.employee = employee id as text); returns how many were written.

    Raises ValueError, writing nothing, for a shift longer than MAX_SHIFT (record it as two rows)."""
    shifts = list(shifts)
    for s in shifts:
        if s.end.replace(tzinfo=None) - s.start.replace(tzinfo=None) > MAX_SHIFT:  # as stored
            raise ValueError(
                f"shift of {s.employee} from {s.start:%Y-%m-%d %H:%M} to {s.end:%Y-%m-%d %H:%M} is longer "
                f"than {MAX_SHIFT.total_seconds() / 3600:g} h: record it as two rows"
            )
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
    """target += other, field by field (HOUR_FIELDS; written out: it runs for every day of a report)."""
    target.hours_worked += other.hours_worked
    target.regular_hours += other.regular_hours
    target.overtime_hours += other.overtime_hours
    target.double_time_hours += other.double_time_hours
    target.night_hours += other.night_hours
    target.sunday_hours += other.sunday_hours
    target.holiday_hours += other.holiday_hours
    target.training_hours += other.training_hours
    target.call_in_pay_hours += other.call_in_pay_hours


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
    """The longest look-back of any version in the book (or the fallback preset): one query window for all."""
    return max(context_days(r) for r in book_rules(book))


def book_rules(book: RuleBook) -> list[RuleSet]:
    """Every parsed version of the book and the fallback preset (parsed once per text: parse_cached)."""
    return [
        *(parse_cached(r["toml"]) for rows in book.by_unit.values() for r in rows),
        load_preset(FALLBACK_PRESET),
    ]


def week_first_day(day: date, rules: RuleSet) -> date:
    """The date on which the workweek holding workday `day` starts, as the mixed-week totals count it."""
    return day - timedelta(days=(day.weekday() - rules.calendar.workweek_start_day) % 7)


def lookahead_end(rules: Iterable[RuleSet], end: date) -> date:
    """First date whose shifts cannot change anything reported for workdays up to `end` (exclusive bound).

    Workdays and violations only look back in time; what looks forward is the whole workweek that holds
    `end` (its weekly figures) and the 24-hour windows of `max_hours_24h` that start in the period, so:
    the end of that workweek, and at least one day after the period.
    """
    bound = end + timedelta(days=2)
    for r in rules:
        week_end = week_first_day(end, r) + timedelta(days=7)
        if r.calendar.workweek_start_time != time(0):  # the week runs into the next date
            week_end += timedelta(days=1)
        bound = max(bound, week_end)
    return bound


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


Segment = tuple[date, date, dict[str, Any] | None, RuleSet]
_WEEK = tuple(timedelta(days=i) for i in range(7))


@dataclass
class UnitView:
    """What _judge works out from the rule book alone for one unit and window: the same for its people."""

    context: int  # days of look-back the unit's versions need (context_days)
    in_period: list[Segment]
    #: The versions evaluated: (first workday, last workday, rules); date.min / date.max at the ends.
    judged: list[tuple[date, date, RuleSet]]
    before: datetime  # rows ending by then may be dropped at a long break (context.since_last_break)
    gap: timedelta | None


class RulesMemo:
    """Per-version and per-unit figures _judge needs for every person, worked out once per request."""

    def __init__(self, book: RuleBook, start: date, end: date):
        self.book, self.start, self.end = book, start, end
        self._context: dict[int, int] = {}
        self._views: dict[tuple[int | None, tuple[date, date]], UnitView] = {}
        self._plans: dict[tuple[int, Any], Plan] = {}

    def context_days(self, rules: RuleSet) -> int:
        found = self._context.get(id(rules))
        if found is None:
            found = self._context[id(rules)] = context_days(rules)
        return found

    def view(self, unit: int | None, window: tuple[date, date]) -> UnitView:
        found = self._views.get((unit, window))
        if found is None:
            found = self._views[(unit, window)] = self._make_view(unit, window)
        return found

    def _make_view(self, unit: int | None, window: tuple[date, date]) -> UnitView:
        start, end = self.start, self.end
        segments = self.book.segments(unit, window[0], window[1])
        judged = []
        for index, (first, last, _row, rules) in enumerate(segments):
            lo = date.min if index == 0 else first
            hi = date.max if index == len(segments) - 1 else last
            if _relevant(max(lo, window[0]), min(hi, window[1]), rules, start, end):
                judged.append((lo, hi, rules))
        return UnitView(
            context=max(self.context_days(s[3]) for s in segments),
            in_period=[s for s in segments if s[0] <= end and s[1] >= start],
            judged=judged,
            before=min(
                (first_reported(r, start) for _lo, _hi, r in judged),
                default=datetime.combine(start, time(0)),
            ),
            gap=combined_gap(r for _lo, _hi, r in judged),
        )

    def plan(self, rules: RuleSet, holidays_key: Any, holidays: Iterable[date]) -> Plan:
        key = (id(rules), holidays_key)
        found = self._plans.get(key)
        if found is None:
            found = self._plans[key] = plan_for(rules, holidays)
        return found


#: One record's evaluation under one version, by its exact inputs (the rule set, the shifts, the plan's
#: holidays): a period looked at again, regrouped, paged or exported re-reads the timesheet but does not
#: evaluate again what has not changed. Least recently used out, so memory stays flat (a few KB each;
#: enough for a couple of periods of a 2,000-person plant). Results are shared: read them, never change.
EVALUATION_CACHE_SIZE = 4096
_evaluations: OrderedDict[tuple[Any, ...], EmployeeResult] = OrderedDict()


def _evaluate(rules: RuleSet, employee: str, shifts: list[Shift], plan: Plan) -> EmployeeResult:
    key = (rules, employee, tuple(shifts), plan.holidays)
    found = _evaluations.get(key)
    if found is None:
        found = _evaluations[key] = evaluate_employee(rules, employee, shifts, plan)
        if len(_evaluations) > EVALUATION_CACHE_SIZE:
            _evaluations.popitem(last=False)
    else:
        _evaluations.move_to_end(key)
    return found


def _relevant(first: date, last: date, rules: RuleSet, start: date, end: date) -> bool:
    """Whether the workdays first..last, judged by `rules`, can add anything to the period start..end: a
    workday, a violation or a workweek overlapping it (the week dates as _judge counts mixed weeks)."""
    return week_first_day(last, rules) + timedelta(days=6) >= start and week_first_day(first, rules) <= end


def _judge(
    emp: dict[str, Any],
    shifts: list[Shift],
    holidays: set[date],
    book: RuleBook,
    start: date,
    end: date,
    window: tuple[date, date],
    memo: RulesMemo | None = None,
    known_from: datetime | None = None,
) -> EmployeePeriod | None:
    """Evaluate all the employee's shifts once per version in force over the window (the whole record
    is context for each), then take every workday, violation and whole workweek from the version in
    force on its date. A workweek in which the version changes is the sum of its days (flagged).

    Only what can change the period is evaluated: the look-back is the longest one the employee's own
    versions need (`context_days`), not the longest of the whole book; the record starts after the last
    break that nothing reaches across (context.since_last_break: usually the weekend before the first
    workweek); and versions in force only on dates that cannot reach the period are skipped.

    `known_from`: `shifts` holds only the shifts that end after this moment. Returns None when that is
    not enough to find such a break: call again with the whole window's shifts.
    """
    memo = memo or RulesMemo(book, start, end)
    result = EmployeePeriod(emp, start, end)
    unit = emp.get("bargaining_unit_id")
    view = memo.view(unit, window)
    own_start = start - timedelta(days=view.context)
    if own_start > window[0]:
        window = (own_start, window[1])
        cutoff = datetime.combine(own_start, time(0))
        shifts = [s for s in shifts if s.end > cutoff]
        if known_from is not None:
            known_from = max(known_from, cutoff)
        view = memo.view(unit, window)
    result.versions = [s[2] for s in view.in_period]
    result.rules = [s[3] for s in view.in_period]
    if not shifts or not view.judged:
        return result
    recent = since_last_break(shifts, view.before, view.gap, known_from=known_from)
    if recent is None:
        return None
    key = str(emp["id"])
    site = emp.get("site_id")
    day_pick: dict[date, DayHours] = {}
    whole_weeks: list[WeekHours] = []
    covered: set[date] = set()
    for lo, hi, rules in view.judged:
        outcome = _evaluate(rules, key, recent, memo.plan(rules, site, holidays))
        for day in outcome.days:
            if lo <= day.day <= hi:
                day_pick[day.day] = day
        for v in outcome.violations:
            if lo <= v.shift_start.date() <= hi and start <= v.shift_start.date() <= end:
                result.violations.append(v)
        for week in outcome.weeks:
            week_end = week.week_start + _WEEK[6]
            if week.week_start >= lo and week_end <= hi and week.week_start <= end and week_end >= start:
                whole_weeks.append(week)
                covered.update(week.week_start + d for d in _WEEK)
    mixed: dict[date, WeekHours] = {}
    for day, hours in day_pick.items():
        if start <= day <= end:
            add_hours(result.totals, hours)
            result.days.append(hours)
        if day in covered:
            continue
        rules = next(r for lo, hi, r in view.judged if lo <= day <= hi)
        week_start = week_first_day(day, rules)
        if week_start > end or week_start + _WEEK[6] < start:
            continue
        week = mixed.get(week_start)
        if week is None:
            week = mixed[week_start] = WeekHours(week_start=week_start)
        add_hours(week, hours)
    result.days.sort(key=lambda d: d.day)
    result.weeks = sorted(
        [*whole_weeks, *(w for w in mixed.values() if w.hours_worked > 0)], key=lambda w: w.week_start
    )
    result.weeks = [w for w in result.weeks if w.hours_worked > 0]
    result.mixed_weeks = {ws for ws, w in mixed.items() if w.hours_worked > 0}
    result.violations.sort(key=lambda v: (v.shift_start, v.rule))
    return result


def period_window(book: RuleBook, start: date, end: date) -> tuple[date, date]:
    """Dates [from, to) of the shifts that can matter to workdays start..end under any version of the book."""
    rules = book_rules(book)
    back = max(context_days(r) for r in rules)
    return start - timedelta(days=back), lookahead_end(rules, end)


async def evaluate_period(
    employees: list[dict[str, Any]], start: date, end: date, *, book: RuleBook | None = None
) -> dict[int, EmployeePeriod]:
    """Hours and violations of each employee (directory summaries) for workdays start..end inclusive.

    Each workday, each violation (by its shift's start date) and each workweek is judged by the rule-set
    version in force for the employee's bargaining unit on that date (service.RuleBook); shifts before
    the period are read as context (rest, consecutive days, the workweek it starts in), and after it up
    to the end of its last workweek. A fixed number of queries, whatever the number of employees.
    """
    if not employees:
        return {}
    book = book or await RuleBook.load()
    window = period_window(book, start, end)
    shifts = await worked_shifts(
        [e["id"] for e in employees],
        datetime.combine(window[0], time(0)),
        datetime.combine(window[1], time(0)),
    )
    return await _judge_all(employees, shifts, None, book, start, end, window)


async def _judge_all(
    employees: list[dict[str, Any]],
    shifts: Mapping[int, list[Shift]],
    known_from: datetime | None,
    book: RuleBook,
    start: date,
    end: date,
    window: tuple[date, date],
) -> dict[int, EmployeePeriod]:
    """_judge everyone; those whose partial record (`known_from`) is not enough are read whole (one query)."""
    holidays = await holidays_by_site({e["site_id"] for e in employees}, window[0], window[1])
    memo = RulesMemo(book, start, end)
    found: dict[int, EmployeePeriod | None] = {
        e["id"]: _judge(
            e,
            shifts.get(e["id"], []),
            holidays.get(e["site_id"], set()),
            book,
            start,
            end,
            window,
            memo,
            known_from,
        )
        for e in employees
    }
    missing = [e for e in employees if found[e["id"]] is None]
    if missing:
        whole = await worked_shifts(
            [e["id"] for e in missing],
            datetime.combine(window[0], time(0)),
            datetime.combine(window[1], time(0)),
        )
        for e in missing:
            found[e["id"]] = _judge(
                e, whole.get(e["id"], []), holidays.get(e["site_id"], set()), book, start, end, window, memo
            )
    return {e["id"]: found[e["id"]] for e in employees}  # type: ignore[misc]  # all judged by now


#: How far before the first reported workweek evaluate_with_hours reads at first: enough to see the
#: weekend break before it for most people (the rest are read again, whole).
RECENT_DAYS = 3


async def evaluate_with_hours(
    start: date, end: date, site_ids: Iterable[int] | None = None, *, book: RuleBook | None = None
) -> dict[int, EmployeePeriod]:
    """evaluate_period of employees_with_hours (same people, same order, same results), in fewer reads.

    One timesheet query over the period and the few days before its first workweek finds who worked
    and, for most, all the record that matters (the shifts since the last long break, see
    context.since_last_break); only people without such a break in those days are read further back.
    With a registered shift source, it is simply the two calls.
    """
    book = book or await RuleBook.load()
    if _SOURCES:
        return await evaluate_period(await employees_with_hours(start, end, site_ids), start, end, book=book)
    window = period_window(book, start, end)
    first = min(first_reported(r, start) for r in book_rules(book))
    known_from = max(
        datetime.combine(window[0], time(0)),
        datetime.combine(first.date() - timedelta(days=RECENT_DAYS), time(0)),
    )
    recent = await _timesheet_shifts(None, known_from, datetime.combine(window[1], time(0)))
    period_start, period_end = (
        datetime.combine(start, time(0)),
        datetime.combine(end + timedelta(days=1), time(0)),
    )
    ids = {
        emp_id
        for emp_id, shifts in recent.items()
        if any(s.start < period_end and s.end > period_start for s in shifts)
    }
    people = await directory.employees_by_ids(ids)
    wanted = set(site_ids) if site_ids is not None else None
    employees = sorted(
        (p for p in people.values() if wanted is None or p["site_id"] in wanted),
        key=lambda p: (p["last_name"], p["first_name"], p["employee_number"]),
    )
    if not employees:
        return {}
    return await _judge_all(employees, recent, known_from, book, start, end, window)


async def employees_with_hours(start: date, end: date, site_ids: Iterable[int] | None = None) -> list[dict]:
    """Directory summaries of everyone with a timesheet row in the period (terminated people included,
    since they are still paid for it); with a registered shift source, every active employee too."""
    rows = (
        await TimesheetEntry.select(TimesheetEntry.employee_id)
        .where(
            _overlapping(datetime.combine(start, time(0)), datetime.combine(end + timedelta(days=1), time(0)))
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
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(
        [
            _csv_safe(text) if text[:1] in _FORMULA_START else text
            for text in (str(row.get(key, "")) for key in CSV_HEADER)
        ]
        for row in rows
    )
    return out.getvalue()


_FORMULA_START = ("=", "+", "-", "@")


def _csv_safe(text: str) -> str:
    """Spreadsheets run a cell starting with = + - @ as a formula; names come from user input."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
