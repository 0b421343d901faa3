"""Hours side of the engine: cut each shift at workday/workweek boundaries and classify every piece.

Works on minutes as numbers, one piece per (shift × workday × workweek), never per minute. Conventions,
with the clauses they follow, are in docs/rulesets.md; in short:

* A piece counts in the workday and workweek in which it was worked (29 CFR 778.103-778.104; Cal. Lab.
  Code §500). Workday k starts at `workday_start` on date.fromordinal(k); its 7th-day status is judged in
  the workweek in which it starts, its hours count toward the weekly threshold of the week they fall in.
* Unpaid break minutes are deducted pro rata over the shift: each piece keeps the fraction
  (elapsed - break) / elapsed of its length. Cutting a shift in two and giving each part its pro-rata share
  of the break therefore changes nothing.
* Each hour is paid at the single highest tier that applies (no pyramiding, overtime-and-union-rules.md
  intro and §6); weekly overtime converts only hours still regular, in time order (§3 algorithm, DLSE).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .model import RuleSet, Shift

DAY = 1440
WEEK = 7 * DAY
INF = math.inf

# Layout of an accumulator list; matches the field order of model.Hours.
WORKED, REGULAR, OVERTIME, DOUBLE, NIGHT, SUNDAY, HOLIDAY, TRAINING, CALL_IN = range(9)
SLOTS = 9


@dataclass(frozen=True, slots=True)
class Plan:
    """A rule set turned into minute offsets and thresholds once, before the per-shift loop."""

    workday_offset: int
    workweek_offset: int
    daily_ot: float
    daily_dt: float
    weekly_ot: float
    seventh_day_dt: float | None
    sunday_tier: int
    holiday_tier: int
    night: tuple[int, int] | None
    call_in_minimum: float
    holidays: frozenset[int]

    @classmethod
    def of(cls, rules: RuleSet, holidays: frozenset[int]) -> Plan:
        cal = rules.calendar
        day_start = cal.workday_start.hour * 60 + cal.workday_start.minute
        # date.fromordinal(1) is a Monday, so ordinal (1 + weekday) carries the workweek's first day.
        week_start = (1 + cal.workweek_start_day) * DAY + cal.workweek_start_time.hour * 60
        week_start += cal.workweek_start_time.minute
        daily, weekly, seventh = rules.daily_overtime, rules.weekly_overtime, rules.seventh_day
        night = rules.night_differential
        return cls(
            workday_offset=day_start,
            workweek_offset=week_start,
            daily_ot=daily.after_hours * 60 if daily else INF,
            daily_dt=daily.double_time_after_hours * 60
            if daily and daily.double_time_after_hours is not None
            else INF,
            weekly_ot=rules.weekly_overtime.after_hours * 60 if weekly else INF,
            seventh_day_dt=seventh.double_time_after_hours * 60 if seventh else None,
            sunday_tier=int(rules.premiums.sunday or 0),
            holiday_tier=int(rules.premiums.holiday or 0),
            night=(night.start.hour * 60 + night.start.minute, night.end.hour * 60 + night.end.minute)
            if night
            else None,
            call_in_minimum=rules.call_in.minimum_hours * 60 if rules.call_in else 0.0,
            holidays=holidays,
        )


def wall_minutes(moment: datetime) -> float:
    """Minutes since 0001-01-01 00:00 on the local wall clock."""
    minutes = moment.toordinal() * DAY + moment.hour * 60 + moment.minute
    if moment.second or moment.microsecond:
        return minutes + moment.second / 60 + moment.microsecond / 60_000_000
    return minutes


def elapsed_minutes(start: datetime, end: datetime) -> float:
    """Real minutes between two instants; aware datetimes go through UTC so DST is counted."""
    if start.tzinfo is not None and end.tzinfo is not None:
        start, end = start.astimezone(UTC), end.astimezone(UTC)
    return (end - start).total_seconds() / 60


@dataclass(slots=True)
class Row:
    """A shift on the minute line: worked time is `factor` per wall-clock minute between start and end."""

    start: float
    end: float
    factor: float
    shift: Shift


def rows_of(shifts: list[Shift]) -> list[Row]:
    """Rows in a fixed order, so results do not depend on the order shifts were given in."""
    rows = []
    for shift in sorted(shifts, key=_order):
        start, end = wall_minutes(shift.start), wall_minutes(shift.end)
        span = end - start
        real = elapsed_minutes(shift.start, shift.end) if shift.start.tzinfo is not None else span
        if span <= 0:  # a short shift inside a DST fall-back hour: place it by real length
            end, span = start + real, real
        rows.append(Row(start, end, (real - shift.break_minutes) / span, shift))
    return rows


def _order(shift: Shift) -> tuple:
    return (shift.start, shift.end, shift.break_minutes, shift.call_in, shift.training, shift.holiday)


@dataclass(slots=True)
class Allocation:
    """Accumulators per workday and workweek index, plus the first shift seen in each (for reports)."""

    days: dict[int, list[float]] = field(default_factory=dict)
    weeks: dict[int, list[float]] = field(default_factory=dict)
    day_first: dict[int, Shift] = field(default_factory=dict)
    week_first: dict[int, Shift] = field(default_factory=dict)


def allocate(plan: Plan, rows: list[Row]) -> Allocation:
    """Split rows into pieces, classify each piece's minutes and add them to its day and week."""
    out = Allocation()
    days, weeks, day_first, week_first = out.days, out.weeks, out.day_first, out.week_first
    day_pos: dict[int, float] = {}  # minutes already worked in the workday, in time order
    week_regular: dict[int, float] = {}  # regular minutes already counted toward the weekly threshold
    worked_slots: dict[int, int] = {}  # bit per workday slot (0-6) of a workweek with work in it
    wd_off, wk_off = plan.workday_offset, plan.workweek_offset
    daily_ot, daily_dt, weekly_ot, seventh_dt = plan.daily_ot, plan.daily_dt, plan.weekly_ot, plan.seventh_day_dt
    sunday_tier, holiday_tier, holidays, night = plan.sunday_tier, plan.holiday_tier, plan.holidays, plan.night
    split_at_midnight = bool(sunday_tier or holiday_tier)

    for row in rows:
        shift, factor, t, end = row.shift, row.factor, row.start, row.end
        first_day = first_week = -1
        while t < end:
            day = int((t - wd_off) // DAY)
            week = int((t - wk_off) // WEEK)
            cut = min(end, wd_off + (day + 1) * DAY, wk_off + (week + 1) * WEEK)
            if split_at_midnight:
                cut = min(cut, (t // DAY + 1) * DAY)
            worked = (cut - t) * factor
            if first_day < 0:
                first_day, first_week = day, week
            if worked <= 0:
                t = cut
                continue

            # 7th day: judged in the workweek in which the workday starts (Cal. Lab. Code §510(a)).
            day_start = wd_off + day * DAY
            own_week = (day_start - wk_off) // WEEK
            slot = int((day_start - wk_off) % WEEK // DAY)
            mask = worked_slots.get(own_week, 0)
            worked_slots[own_week] = mask | (1 << slot)
            pos = day_pos.get(day, 0.0)
            top = pos + worked
            day_pos[day] = top
            if seventh_dt is not None and slot == 6 and mask & 63 == 63:
                regular = 0.0
                overtime = max(0.0, min(top, seventh_dt) - pos)
                double = worked - overtime
            else:
                regular = max(0.0, min(top, daily_ot) - pos)
                double = max(0.0, top - max(pos, daily_dt))
                overtime = worked - regular - double

            # Sunday / holiday premiums: the higher tier governs the hour, never both (§6).
            sunday = holiday = 0.0
            if split_at_midnight:
                ordinal = int(t // DAY)
                tier = 0
                if sunday_tier and ordinal % 7 == 0:
                    tier, sunday = sunday_tier, worked
                if holiday_tier and (shift.holiday or ordinal in holidays):
                    tier, holiday = max(tier, holiday_tier), worked
                if tier == 2:
                    regular, overtime, double = 0.0, 0.0, worked
                elif tier == 1:
                    regular, overtime = 0.0, overtime + regular

            # Weekly overtime counts only hours not already paid at a premium (DLSE; §3 algorithm).
            if regular > 0 and weekly_ot != INF:
                before = week_regular.get(week, 0.0)
                week_regular[week] = before + regular
                over = min(regular, before + regular - weekly_ot)
                if over > 0:
                    regular -= over
                    overtime += over

            night_minutes = _night_overlap(t, cut, night) * factor if night else 0.0
            training = worked if shift.training else 0.0
            for acc in (_acc(days, day), _acc(weeks, week)):
                acc[WORKED] += worked
                acc[REGULAR] += regular
                acc[OVERTIME] += overtime
                acc[DOUBLE] += double
                acc[NIGHT] += night_minutes
                acc[SUNDAY] += sunday
                acc[HOLIDAY] += holiday
                acc[TRAINING] += training
            if day not in day_first:
                day_first[day] = shift
            if week not in week_first:
                week_first[week] = shift
            t = cut

        # Call-in guarantee: the top-up is paid, not worked (29 CFR 778.221), booked where the call-in began.
        if shift.call_in and plan.call_in_minimum:
            top_up = plan.call_in_minimum - (row.end - row.start) * factor
            if top_up > 0:
                _acc(days, first_day)[CALL_IN] += top_up
                _acc(weeks, first_week)[CALL_IN] += top_up
    return out


def _acc(table: dict[int, list[float]], key: int) -> list[float]:
    acc = table.get(key)
    if acc is None:
        acc = table[key] = [0.0] * SLOTS
    return acc


def _night_overlap(start: float, end: float, night: tuple[int, int]) -> float:
    """Minutes of [start, end) inside the daily night window, which may run past midnight."""
    night_start, night_end = night
    length = (night_end - night_start) % DAY
    total = 0.0
    first = int(start // DAY) - 1  # yesterday's window may still be open
    for ordinal in range(first, int(end // DAY) + 1):
        window_start = ordinal * DAY + night_start
        total += max(0.0, min(end, window_start + length) - max(start, window_start))
    return total
