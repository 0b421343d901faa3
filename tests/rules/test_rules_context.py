"""Cutting a record at a long break (context.py) never changes a result: property tests against the
whole record, for every preset and for calendars and limits that stress the cut."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workforce.rules.context import around, first_reported, reset_gap, since_last_break
from workforce.rules.engine import check_extra_shift, evaluate
from workforce.rules.model import Calendar, DaysLimit, HoursLimit, RestBreak, Shift, WeeklyRest
from workforce.rules.ruleset import PRESETS, load_preset

examples = settings(max_examples=150, deadline=None)
ORIGIN = datetime(2026, 3, 2, 6)  # a Monday
HOLIDAYS = {date(2026, 3, 16), date(2026, 3, 29)}


def _variants() -> dict[str, object]:
    cba = load_preset("example-cba")
    out = {name: load_preset(name) for name in PRESETS}
    # Sunday 06:00 workweeks and 22:00 workdays: the first reported moment is not a midnight.
    out["cba-odd-calendar"] = replace(
        cba,
        calendar=Calendar(workweek_start_day=6, workweek_start_time=time(6), workday_start=time(22)),
    )
    # Rests longer than two days, a long break gap, short runs: the cut must wait for longer breaks.
    out["cba-long-rests"] = replace(
        cba,
        limits=replace(
            cba.limits,
            break_gap_minutes=180,
            weekly_rest=WeeklyRest(hours=60, window_days=9, clause="test"),
            daily_rest=HoursLimit(hours=11, clause="test"),
            max_consecutive_days=DaysLimit(days=3, clause="test"),
            rest_break=RestBreak(after_hours=6, min_minutes=20, clause="test"),
        ),
    )
    california = load_preset("california")
    out["california-tuesday-weeks"] = replace(
        california,
        calendar=Calendar(workweek_start_day=1, workweek_start_time=time(0), workday_start=time(6)),
    )
    return out


RULES = _variants()

# Gaps between runs of daily shifts, in minutes: overlaps, meal breaks, short rests, gaps of 20-30 h
# that may or may not hold a whole workday, weekends around the two-day threshold, long absences.
GAPS = st.one_of(
    st.integers(-120, 0),
    st.integers(0, 120),
    st.integers(6 * 60, 20 * 60),
    st.integers(20 * 60, 30 * 60),
    st.integers(44 * 60, 52 * 60),
    st.integers(52 * 60, 90 * 60),
    st.integers(4 * 24 * 60, 9 * 24 * 60),
)


@st.composite
def records(draw, employee: str = "E1") -> list[Shift]:
    """Runs of daily shifts (so consecutive-day and seventh-day rules are reached), odd shifts between."""
    shifts = []
    at = ORIGIN + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
    for _ in range(draw(st.integers(1, 6))):
        days = draw(st.integers(1, 10))
        for day in range(days):
            length = draw(st.integers(30, 16 * 60)) if days == 1 else draw(st.integers(4 * 60, 12 * 60))
            start = at + timedelta(days=day, minutes=draw(st.integers(-90, 90)))
            shifts.append(
                Shift(
                    employee,
                    start,
                    start + timedelta(minutes=length),
                    draw(st.integers(0, min(length - 1, 60))),
                    call_in=draw(st.booleans()) and length <= 180,
                    training=draw(st.booleans()),
                    holiday=draw(st.integers(0, 9)) == 0,
                )
            )
        at = shifts[-1].end + timedelta(minutes=draw(GAPS))
    return shifts


def reported(result, rules, start: date) -> tuple:
    """What a report on workdays from `start` on reads: days from the first day of its first workweek,
    workweeks that overlap it, violations of shifts dated from `start`."""
    week_day = start - timedelta(days=(start.weekday() - rules.calendar.workweek_start_day) % 7)
    if result is None:
        return (), (), ()
    return (
        tuple(d for d in result.days if d.day >= week_day),
        tuple(w for w in result.weeks if w.week_start + timedelta(days=6) >= start),
        tuple(v for v in result.violations if v.shift_start.date() >= start),
    )


@pytest.mark.parametrize("variant", sorted(RULES))
@examples
@given(record=records(), day=st.integers(0, 40))
def test_cutting_at_the_last_long_break_changes_no_reported_figure(variant, record, day):
    rules = RULES[variant]
    start = ORIGIN.date() + timedelta(days=day)
    recent = since_last_break(record, first_reported(rules, start), reset_gap(rules))
    assert recent is not None and set(recent) <= set(record)
    whole = evaluate(rules, record, HOLIDAYS).employees.get("E1")
    cut = evaluate(rules, recent, HOLIDAYS).employees.get("E1")
    assert reported(cut, rules, start) == reported(whole, rules, start)


@pytest.mark.parametrize("variant", sorted(RULES))
@examples
@given(record=records(), day=st.integers(0, 40), back=st.integers(0, 6 * 24 * 60))
def test_a_partial_read_finds_the_same_cut_or_asks_for_more(variant, record, day, back):
    rules = RULES[variant]
    start = ORIGIN.date() + timedelta(days=day)
    before = first_reported(rules, start)
    known_from = before - timedelta(minutes=back)
    partial = [s for s in record if s.end > known_from]
    found = since_last_break(partial, before, reset_gap(rules), known_from=known_from)
    if found is not None:
        assert found == since_last_break(record, before, reset_gap(rules))


@pytest.mark.parametrize("variant", sorted(RULES))
@examples
@given(record=records(), data=st.data())
def test_check_extra_shift_on_the_stretch_around_it_equals_the_whole_record(variant, record, data):
    rules = RULES[variant]
    at = ORIGIN + timedelta(minutes=data.draw(st.integers(0, 45 * 24 * 60)))
    new = Shift("E1", at, at + timedelta(minutes=data.draw(st.integers(60, 12 * 60))), 30)
    before = set(evaluate(rules, record, HOLIDAYS).violations)
    expected = [v for v in evaluate(rules, [*record, new], HOLIDAYS).violations if v not in before]
    assert check_extra_shift(rules, record, new, HOLIDAYS) == expected


def test_a_weekend_is_the_cut_for_a_monday_to_friday_crew():
    """Guards the properties against a vacuous cut: three weeks of day shifts keep only the last week."""
    rules = load_preset("example-cba")
    record = [
        Shift("E1", datetime(2026, 3, 2 + d, 6), datetime(2026, 3, 2 + d, 14, 30), 30)
        for week in (0, 7, 14)
        for d in range(week, week + 5)
    ]
    start = date(2026, 3, 16)
    recent = since_last_break(record, first_reported(rules, start), reset_gap(rules))
    assert [s.start.date() for s in recent] == [date(2026, 3, 16 + d) for d in range(5)]
    # A Saturday holdover shortens the weekend below two days: the cut moves a week back.
    saturday = Shift("E1", datetime(2026, 3, 14, 6), datetime(2026, 3, 14, 14, 30), 30)
    recent = since_last_break([*record, saturday], first_reported(rules, start), reset_gap(rules))
    assert recent[0].start == datetime(2026, 3, 9, 6)
    # Checking an extra Wednesday shift reads only that week.
    extra = Shift("E1", datetime(2026, 3, 18, 15), datetime(2026, 3, 18, 19))
    assert {s.start.date() for s in around(record, extra, reset_gap(rules))} == {
        date(2026, 3, 16 + d) for d in range(5)
    }
    # The 17-week average looks back whole weeks: never cut.
    assert reset_gap(load_preset("eu-wtd")) is None
    assert since_last_break(record, first_reported(rules, start), None) == sorted(
        record, key=lambda s: s.start
    )


def test_first_reported_is_the_start_of_the_first_reported_workweek():
    monday = load_preset("flsa")
    assert first_reported(monday, date(2026, 3, 18)) == datetime(2026, 3, 16)
    odd = RULES["cba-odd-calendar"]  # Sunday 06:00 weeks, 22:00 workdays
    # Wednesday 18th: its week began Sunday 15th 06:00, before that day's workday (22:00).
    assert first_reported(odd, date(2026, 3, 18)) == datetime(2026, 3, 15, 6)
    # Sunday 15th itself: the workday starting 22:00 is in the week from 06:00 that day; a shift dated
    # the 15th may start at midnight, so midnight it is.
    assert first_reported(odd, date(2026, 3, 15)) == datetime(2026, 3, 15)
