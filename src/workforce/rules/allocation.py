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
from operator import add, attrgetter

from .model import RuleSet, Shift

DAY = 1440
WEEK = 7 * DAY
INF = math.inf

# Layout of an accumulator list; matches the field order of model.Hours.
WORKED, REGULAR, OVERTIME, DOUBLE, NIGHT, SUNDAY, HOLIDAY, TRAINING, CALL_IN = range(9)
SLOTS = 9
UNITS = 1_000_000  # per minute: amounts are counted in micro-minutes so every sum is exact
UNITS_PER_HOUR = 60 * UNITS


@dataclass(frozen=True, slots=True)
class Plan:
    """A rule set turned into minute offsets and thresholds once, before the per-shift loop."""

    workday_offset: int
    workweek_offset: int
    daily_ot: float  # thresholds in UNITS; INF when the rule is off
    daily_dt: float
    weekly_ot: float
    seventh_day_dt: int | None
    sunday_tier: int
    holiday_tier: int
    night: tuple[int, int] | None
    call_in_minimum: int
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
            daily_ot=round(daily.after_hours * 60 * UNITS) if daily else INF,
            daily_dt=round(daily.double_time_after_hours * 60 * UNITS)
            if daily and daily.double_time_after_hours is not None
            else INF,
            weekly_ot=round(weekly.after_hours * 60 * UNITS) if weekly else INF,
            seventh_day_dt=round(seventh.double_time_after_hours * 60 * UNITS) if seventh else None,
            sunday_tier=int(rules.premiums.sunday or 0),
            holiday_tier=int(rules.premiums.holiday or 0),
            night=(night.start.hour * 60 + night.start.minute, night.end.hour * 60 + night.end.minute)
            if night
            else None,
            call_in_minimum=round(rules.call_in.minimum_hours * 60 * UNITS) if rules.call_in else 0,
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


_order = attrgetter("start", "end", "break_minutes", "call_in", "training", "holiday")


def rows_of(shifts: list[Shift]) -> list[Row]:
    """Rows in a fixed order, so results do not depend on the order shifts were given in."""
    rows = []
    for shift in sorted(shifts, key=_order):
        start_at, end_at = shift.start, shift.end
        start = start_at.toordinal() * DAY + start_at.hour * 60 + start_at.minute
        end = end_at.toordinal() * DAY + end_at.hour * 60 + end_at.minute
        if start_at.second or start_at.microsecond or end_at.second or end_at.microsecond:
            start, end = wall_minutes(start_at), wall_minutes(end_at)
        span = end - start
        real = elapsed_minutes(start_at, end_at) if start_at.tzinfo is not None else span
        if span <= 0:  # a short shift inside a DST fall-back hour: place it by its real length
            end, span = start + real, real
        rows.append(Row(start, end, (real - shift.break_minutes) / span, shift))
    return rows


@dataclass(slots=True)
class Allocation:
    """Accumulators (in UNITS) per workday and workweek index, and the first shift seen in each."""

    days: dict[int, list[int]] = field(default_factory=dict)
    weeks: dict[int, list[int]] = field(default_factory=dict)
    day_first: dict[int, Shift] = field(default_factory=dict)
    week_first: dict[int, Shift] = field(default_factory=dict)


def allocate(plan: Plan, rows: list[Row]) -> Allocation:
    """Split rows into pieces, classify each piece's minutes and add them to its workday and workweek.

    Amounts are whole UNITS (micro-minutes), so sums and thresholds are exact however breaks divide.
    """
    pieces: dict[tuple[int, int], list[int]] = {}  # (workday, workweek) -> accumulator
    firsts: dict[tuple[int, int], Shift] = {}
    day_pos: dict[int, int] = {}  # units already worked in the workday, in time order
    week_regular: dict[int, int] = {}  # regular units already counted toward the weekly threshold
    worked_slots: dict[int, int] = {}  # bit per workday slot (0-6) of a workweek with work in it
    wd_off, wk_off = plan.workday_offset, plan.workweek_offset
    daily_ot, daily_dt, weekly_ot, seventh_dt = (
        plan.daily_ot,
        plan.daily_dt,
        plan.weekly_ot,
        plan.seventh_day_dt,
    )
    sunday_tier, holiday_tier, holidays = plan.sunday_tier, plan.holiday_tier, plan.holidays
    weekly = weekly_ot != INF
    night_start, night_end = plan.night or (0, 0)
    night_wraps = night_start > night_end
    # Pieces that stay inside one calendar day make Sunday, holiday and night checks plain arithmetic.
    split_at_midnight = bool(sunday_tier or holiday_tier or plan.night)

    for row in rows:
        shift, factor, t, end = row.shift, row.factor * UNITS, row.start, row.end
        first_key = None
        while t < end:
            day = (t - wd_off) // DAY
            week = (t - wk_off) // WEEK
            cut = wd_off + (day + 1) * DAY
            if end < cut:
                cut = end
            if wk_off + (week + 1) * WEEK < cut:
                cut = wk_off + (week + 1) * WEEK
            if split_at_midnight:
                midnight = (t // DAY + 1) * DAY
                if midnight < cut:
                    cut = midnight
            key = (day, week)
            if first_key is None:
                first_key = key
            worked = round((cut - t) * factor)
            if worked <= 0:
                t = cut
                continue

            pos = day_pos.get(day, 0)
            top = day_pos[day] = pos + worked
            seventh = False
            if seventh_dt is not None:
                # 7th day: judged in the workweek in which the workday starts (Cal. Lab. Code §510(a)).
                own_week, slot = divmod(wd_off + day * DAY - wk_off, WEEK)
                slot //= DAY
                mask = worked_slots.get(own_week, 0)
                worked_slots[own_week] = mask | (1 << int(slot))
                seventh = slot == 6 and mask & 63 == 63
            if seventh:
                regular = 0
                overtime = min(top, seventh_dt) - pos if pos < seventh_dt else 0
                double = worked - overtime
            elif top <= daily_ot:  # §3: > 8 h in the workday 1.5x, > 12 h 2x
                regular, overtime, double = worked, 0, 0
            else:
                regular = daily_ot - pos if pos < daily_ot else 0
                double = top - (pos if pos > daily_dt else daily_dt) if top > daily_dt else 0
                overtime = worked - regular - double

            sunday = holiday = night = 0
            if split_at_midnight:
                ordinal = t // DAY
                tier = 0
                if sunday_tier and ordinal % 7 == 0:
                    tier, sunday = sunday_tier, worked
                if holiday_tier and (shift.holiday or ordinal in holidays):
                    tier, holiday = max(tier, holiday_tier), worked
                # Sunday / holiday premiums: the higher tier governs the hour, never both (§6).
                if tier == 2:
                    regular, overtime, double = 0, 0, worked
                elif tier == 1:
                    regular, overtime = 0, overtime + regular
                if night_start != night_end:
                    a, b = t - ordinal * DAY, cut - ordinal * DAY  # minutes into the calendar day
                    if night_wraps:  # e.g. 22:00-06:00: [00:00, 06:00) and [22:00, 24:00)
                        inside = (min(b, night_end) - a if a < night_end else 0) + (
                            b - max(a, night_start) if b > night_start else 0
                        )
                    else:
                        inside = max(0, min(b, night_end) - max(a, night_start))
                    night = round(inside * factor)

            if regular and weekly:
                # Weekly overtime counts only hours not already paid at a premium (DLSE; §3 algorithm).
                before = week_regular.get(week, 0)
                week_regular[week] = before + regular
                over = before + regular - weekly_ot
                if over > 0:
                    if over > regular:
                        over = regular
                    regular -= over
                    overtime += over

            acc = pieces.get(key)
            if acc is None:
                acc = pieces[key] = [0] * SLOTS
                firsts[key] = shift
            acc[WORKED] += worked
            acc[REGULAR] += regular
            if overtime:
                acc[OVERTIME] += overtime
            if double:
                acc[DOUBLE] += double
            if night:
                acc[NIGHT] += night
            if sunday:
                acc[SUNDAY] += sunday
            if holiday:
                acc[HOLIDAY] += holiday
            if shift.training:
                acc[TRAINING] += worked
            t = cut

        # Call-in guarantee: the top-up is paid, not worked (29 CFR 778.221), booked where the call-in began.
        if shift.call_in and plan.call_in_minimum and first_key is not None:
            top_up = plan.call_in_minimum - round((row.end - row.start) * factor)
            if top_up > 0:
                acc = pieces.get(first_key)
                if acc is None:
                    acc = pieces[first_key] = [0] * SLOTS
                    firsts[first_key] = shift
                acc[CALL_IN] += top_up
    return _merge(pieces, firsts)


def _merge(pieces: dict[tuple[int, int], list[int]], firsts: dict[tuple[int, int], Shift]) -> Allocation:
    out = Allocation()
    days, weeks, day_first, week_first = out.days, out.weeks, out.day_first, out.week_first
    for key in sorted(pieces):
        day, week = int(key[0]), int(key[1])
        acc = pieces[key]
        if day in days:
            days[day] = list(map(add, days[day], acc))
        else:
            days[day], day_first[day] = acc, firsts[key]
        if week in weeks:
            weeks[week] = list(map(add, weeks[week], acc))
        else:
            weeks[week], week_first[week] = acc.copy(), firsts[key]
    return out
