"""Limit side of the engine: rest, breaks, maximum hours and consecutive days. Flags, never pay.

Rows of one employee closer together than `limits.break_gap_minutes` form one work period: the gap is a
break inside it (a meal recorded as two rows), not rest. Rest is measured between work periods.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .allocation import DAY, UNITS, WEEK, WORKED, Allocation, Plan, Row, elapsed_minutes
from .model import Limits, Shift, Violation

OVERLAP_CLAUSE = "records: overlapping shifts would count the same time twice"
_EPS = 1e-6  # minutes; keeps float noise from raising or hiding a limit


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")[:16]


def hours(minutes: float) -> str:
    """6.5 h, 8 h, 7.25 h: at most two decimals, no trailing zeros."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


@dataclass(slots=True)
class Period:
    start: float
    end: float
    worked: float
    breaks: float
    first: Shift
    last: Shift  # the row that ends the period


def work_periods(rows: list[Row], gap_minutes: float) -> list[Period]:
    periods: list[Period] = []
    for row in rows:
        worked = (row.end - row.start) * row.factor
        current = periods[-1] if periods else None
        if current is not None and row.start - current.end < gap_minutes:
            current.breaks += max(0.0, row.start - current.end) + row.shift.break_minutes
            current.worked += worked
            if row.end > current.end:
                current.end, current.last = row.end, row.shift
        else:
            periods.append(Period(row.start, row.end, worked, row.shift.break_minutes, row.shift, row.shift))
    return periods


def check_limits(
    employee: str, limits: Limits, plan: Plan, rows: list[Row], alloc: Allocation
) -> list[Violation]:
    found: list[Violation] = []

    def flag(rule: str, shift: Shift, detail: str, clause: str) -> None:
        found.append(Violation(rule, employee, shift.start, detail, clause))

    latest: Row | None = None
    for row in rows:
        if latest is not None and row.start < latest.end:
            other = latest.shift
            flag(
                "overlap",
                row.shift,
                f"overlaps shift {stamp(other.start)} to {stamp(other.end)}",
                OVERLAP_CLAUSE,
            )
        if latest is None or row.end > latest.end:
            latest = row

    periods = work_periods(rows, limits.break_gap_minutes)
    aware = bool(rows) and rows[0].shift.start.tzinfo is not None
    for rule in ("daily_rest", "min_rest"):  # WTD Art. 3 / CBA minimum rest (§6)
        limit = getattr(limits, rule)
        if limit is None:
            continue
        for before, after in zip(periods, periods[1:], strict=False):
            rest = after.start - before.end
            if aware:  # count a DST change inside the rest
                rest = elapsed_minutes(before.last.end, after.first.start)
            if rest < limit.hours * 60 - _EPS:
                ended = stamp(before.last.end)
                detail = f"only {hours(rest)} h since shift ending {ended} (minimum {limit.hours:g} h)"
                flag(rule, after.first, detail, limit.clause)

    if limits.weekly_rest:
        _weekly_rest(limits, periods, flag)
    if limits.rest_break:  # WTD Art. 4
        rule = limits.rest_break
        for period in periods:
            if period.worked > rule.after_hours * 60 + _EPS and period.breaks < rule.min_minutes - _EPS:
                taken = (
                    f"with only {period.breaks:g} min of break" if period.breaks > 0 else "without a break"
                )
                detail = (
                    f"{hours(period.worked)} h worked from {stamp(period.first.start)} {taken} "
                    f"(a break of {rule.min_minutes:g} min is due after {rule.after_hours:g} h)"
                )
                flag("rest_break", period.first, detail, rule.clause)
    if limits.workday_split:  # Cal. Lab. Code §500(a): flag, the law is not settled (§3 C3)
        rule = limits.workday_split
        for period in periods:
            boundary = ((period.start - plan.workday_offset) // DAY + 1) * DAY + plan.workday_offset
            if boundary < period.end and period.worked > rule.after_hours * 60 + _EPS:
                detail = (
                    f"{hours(period.worked)} h work period from {stamp(period.first.start)} is cut by the "
                    f"workday start; its hours fall in two workdays (check the workday definition)"
                )
                flag("workday_split", period.first, detail, rule.clause)
    if limits.max_hours_24h:  # notes §6 "Maximum hours": typically 16 h per 24 h including holdovers
        _max_hours_24h(limits, rows, flag)
    if limits.max_consecutive_days:  # notes §6 "Maximum hours": a cap on consecutive workdays
        rule = limits.max_consecutive_days
        run, previous = 0, None
        for day in sorted(d for d, acc in alloc.days.items() if acc[WORKED] > 0):
            run = run + 1 if previous is not None and day == previous + 1 else 1
            previous = day
            if run > rule.days:
                flag(
                    "max_consecutive_days",
                    alloc.day_first[day],
                    f"{run} consecutive days worked (maximum {rule.days})",
                    rule.clause,
                )
    if limits.max_weekly_average:
        _weekly_average(limits, plan, alloc, flag)
    return found


def _weekly_rest(limits: Limits, periods: list[Period], flag) -> None:
    """WTD Art. 5: from the end of one qualifying rest, the next must start early enough to fit the window.

    Work may run for at most window - rest hours between two rests of `hours` (6 days for 24 h in 7 days),
    so every window that starts as a rest ends still has room for one. Time before the first and after the
    last shift given is unknown and treated as rest.
    """
    rule = limits.weekly_rest
    allowed = rule.window_days * DAY - rule.hours * 60
    stretch_start = None
    limit = allowed
    for index, period in enumerate(periods):
        if index == 0 or period.start - periods[index - 1].end >= rule.hours * 60 - _EPS:
            stretch_start, limit = period, allowed
        # One breach per reference period: a stretch of ten weeks without rest is ten breaches, not one.
        while period.end - stretch_start.start > limit + _EPS:
            detail = (
                f"no rest of {rule.hours:g} h within {rule.window_days} days: work from "
                f"{stamp(stretch_start.first.start)} runs on to {stamp(period.last.end)}"
            )
            flag("weekly_rest", period.first, detail, rule.clause)
            limit += rule.window_days * DAY


def _max_hours_24h(limits: Limits, rows: list[Row], flag) -> None:
    """Worked minutes in any 24 h window; the maximum sits at a window starting at a row start or ending at a
    row end, so those two families are enough. Reported once per offending row, at its worst window."""
    limit = limits.max_hours_24h.hours * 60 + _EPS
    count = len(rows)
    prefix = [0.0]
    for row in rows:
        prefix.append(prefix[-1] + (row.end - row.start) * row.factor)
    worst: dict[int, tuple[float, float]] = {}  # row index -> (worked, window start)
    last = 0
    for first in range(count):  # windows [start_i, start_i + 24 h)
        window_end = rows[first].start + DAY
        last = max(last, first)
        while last + 1 < count and rows[last + 1].start < window_end:
            last += 1
        tail = rows[last]
        worked = prefix[last] - prefix[first] + (min(tail.end, window_end) - tail.start) * tail.factor
        if worked > limit and worked > worst.get(last, (0.0, 0.0))[0]:
            worst[last] = (worked, rows[first].start)
    first = 0
    for last in range(count):  # windows [end_k - 24 h, end_k)
        window_start = rows[last].end - DAY
        while rows[first].end <= window_start:
            first += 1
        head = rows[first]
        worked = prefix[last + 1] - prefix[first] - max(0.0, window_start - head.start) * head.factor
        if worked > limit and worked > worst.get(last, (0.0, 0.0))[0]:
            worst[last] = (worked, window_start)
    for index in sorted(worst):
        worked, window_start = worst[index]
        shift = rows[index].shift
        detail = (
            f"{hours(worked)} h worked in the 24 h from {_wall_stamp(window_start)} "
            f"(maximum {limits.max_hours_24h.hours:g} h)"
        )
        flag("max_hours_24h", shift, detail, limits.max_hours_24h.clause)


def _weekly_average(limits: Limits, plan: Plan, alloc: Allocation, flag) -> None:
    """WTD Arts 6, 16(b): average over every run of `reference_weeks` workweeks ending in a week with work.

    Weeks before the first shift given count as zero: pass the whole reference period.
    """
    rule = limits.max_weekly_average
    worked = {week: acc[WORKED] / UNITS for week, acc in alloc.weeks.items()}
    for week in sorted(worked):
        total = sum(worked.get(w, 0.0) for w in range(week - rule.reference_weeks + 1, week + 1))
        average = total / rule.reference_weeks
        if average > rule.hours * 60 + _EPS:
            last_day = (plan.workweek_offset + (week + 1) * WEEK - 1) // DAY
            detail = (
                f"average {average / 60:.1f} h/week over the {rule.reference_weeks} weeks ending "
                f"{_date_stamp(last_day)} (maximum {rule.hours:g} h)"
            )
            flag("max_weekly_average", alloc.week_first[week], detail, rule.clause)


def _wall_stamp(minutes: float) -> str:
    whole = int(minutes)
    return f"{_date_stamp(whole // DAY)}T{whole % DAY // 60:02d}:{whole % 60:02d}"


def _date_stamp(ordinal: float) -> str:
    return date.fromordinal(int(ordinal)).isoformat()
