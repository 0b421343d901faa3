"""How much of a record the engine needs: rows before a long enough break cannot change what follows it.

The engine carries state forward in time only through

* the workday and the workweek a piece of work falls in (daily and weekly thresholds, the seventh day);
* the limits' look-back: the previous work period (rest between periods, breaks inside one), the stretch
  since the last weekly rest, the run of consecutive workdays, 24-hour windows, and, for the weekly
  average, whole reference weeks.

After a break with no work at all that is longer than every rest the rule set measures, longer than two
days (so a whole workday without work ends every run of consecutive days, and no 24-hour window reaches
across) and longer than `limits.break_gap_minutes` (so no work period spans it), none of the look-backs
reaches across the break; and when the rows before it also end before the first workweek and workday
anyone reports on, the workdays and workweeks are untouched too. Dropping those rows therefore changes
nothing the engine says about the rows after the break: the same hours, and the same violations with
the same details (a run of consecutive days restarts at such a break whether or not the rows before it
are given). The weekly average looks back whole weeks whatever the breaks, so a rule set with
`limits.max_weekly_average` is never cut.

Pure functions on naive (wall-clock) shifts; a record with time-zone-aware shifts is never cut.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from .model import RuleSet, Shift

TWO_DAYS = timedelta(days=2)


def reset_gap(rules: RuleSet) -> timedelta | None:
    """The shortest break with no work that nothing before it reaches across (see the module docstring);
    None when no break is enough (`max_weekly_average` looks back whole weeks)."""
    limits = rules.limits
    if limits.max_weekly_average is not None:
        return None
    gap = max(TWO_DAYS, timedelta(minutes=limits.break_gap_minutes))
    for rest in (limits.daily_rest, limits.min_rest, limits.weekly_rest):
        if rest is not None:
            gap = max(gap, timedelta(hours=rest.hours))
    return gap


def combined_gap(rule_sets: Iterable[RuleSet]) -> timedelta | None:
    """The break that is long enough for every one of the rule sets (None if one of them is never cut)."""
    longest = TWO_DAYS
    for rules in rule_sets:
        gap = reset_gap(rules)
        if gap is None:
            return None
        longest = max(longest, gap)
    return longest


def first_reported(rules: RuleSet, start: date) -> datetime:
    """The earliest moment whose work can change a report on workdays from `start` on, their workweeks
    included: the start of the engine's workweek holding the first workday of the week that holds
    `start` (the week's earlier days count in its weekly figures), and never later than `start` 00:00
    (a shift dated `start` may begin before its workday does)."""
    cal = rules.calendar
    week_day = start - timedelta(days=(start.weekday() - cal.workweek_start_day) % 7)
    first_piece = datetime.combine(week_day, cal.workday_start)
    week_start = datetime.combine(week_day, cal.workweek_start_time)
    if week_start > first_piece:
        week_start -= timedelta(days=7)
    return min(week_start, datetime.combine(start, datetime.min.time()))


def _naive(shifts: Sequence[Shift]) -> bool:
    return all(s.start.tzinfo is None and s.end.tzinfo is None for s in shifts)


def since_last_break(
    shifts: Sequence[Shift],
    before: datetime,
    gap: timedelta | None,
    *,
    known_from: datetime | None = None,
) -> list[Shift] | None:
    """The shifts from the last break longer than `gap` whose rows before it all end by `before`.

    Nothing reported from `before` on depends on the rows dropped (the module docstring), as long as
    `gap` is `reset_gap` of the rule set and `before` is at or before `first_reported`. Without such a
    break (or with `gap` None) the shifts are returned whole, in time order.

    `known_from`: the shifts are only those that end after this moment (a partial read); the ones left
    out end by then, so it counts as the end of the work before the first shift given. When no break
    can be told from the partial record, returns None: read the whole record and call again.
    """
    ordered = sorted(shifts, key=lambda s: (s.start, s.end))
    if gap is None or not ordered or not _naive(ordered):
        return None if known_from is not None else ordered
    cut = None
    latest = known_from
    for index, shift in enumerate(ordered):
        if latest is not None:
            if latest > before:
                break
            if shift.start - latest > gap:
                cut = index
        latest = shift.end if latest is None else max(latest, shift.end)
    if cut is None:
        return None if known_from is not None else ordered
    return ordered[cut:]


def around(shifts: Sequence[Shift], new_shift: Shift, gap: timedelta | None) -> list[Shift]:
    """The shifts between the last break longer than `gap` before `new_shift` and the first one after it.

    Adding `new_shift` changes no violation outside that stretch, and no violation inside it depends on
    the rows outside (the module docstring): `check_extra_shift` gives the same answer on these rows.
    `new_shift` itself is not in the result.
    """
    ordered = sorted(shifts, key=lambda s: (s.start, s.end))
    if gap is None or not ordered or not _naive([*ordered, new_shift]):
        return ordered
    rows = sorted([*ordered, new_shift], key=lambda s: (s.start, s.end, s is not new_shift))
    position = next(i for i, s in enumerate(rows) if s is new_shift)
    first, last = 0, len(rows)
    latest = rows[0].end
    for index in range(1, len(rows)):
        if rows[index].start - latest > gap:
            if index <= position:
                first = index
            else:
                last = index
                break
        latest = max(latest, rows[index].end)
    return [s for s in rows[first:last] if s is not new_shift]
