"""Properties of the engine that must hold for any timesheet (hypothesis)."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workforce.rules.engine import evaluate
from workforce.rules.model import Shift
from workforce.rules.ruleset import PRESETS, load_preset

examples = settings(max_examples=200, deadline=None)

PAY_PRESETS = ["flsa", "california", "example-cba"]
ORIGIN = datetime(2026, 1, 1)  # a Thursday, so weeks and Sundays fall inside the generated range


@st.composite
def shifts(draw, employees=("E1", "E2")) -> Shift:
    start = ORIGIN + timedelta(minutes=draw(st.integers(0, 21 * 24 * 60)))
    length = draw(st.integers(1, 16 * 60))
    return Shift(
        draw(st.sampled_from(employees)),
        start,
        start + timedelta(minutes=length),
        draw(st.integers(0, min(length, 90))),
        call_in=draw(st.booleans()),
        training=draw(st.booleans()),
    )


@st.composite
def runs(draw) -> list[Shift]:
    """Daily shifts on consecutive days, so 7th-day and consecutive-day rules are reached often."""
    first = draw(shifts())
    days = draw(st.integers(1, 9))
    return [
        replace(first, start=first.start + timedelta(days=d), end=first.end + timedelta(days=d))
        for d in range(days)
    ]


timesheets = st.builds(
    lambda batches, loose: [s for batch in batches for s in batch] + loose,
    st.lists(runs(), max_size=3),
    st.lists(shifts(), max_size=12),
)


def worked_hours(shift: Shift) -> float:
    return ((shift.end - shift.start).total_seconds() / 60 - shift.break_minutes) / 60


def pay_totals(result) -> dict:
    return {
        (employee, week.week_start): (
            week.hours_worked,
            week.regular_hours,
            week.overtime_hours,
            week.double_time_hours,
            week.night_hours,
            week.sunday_hours,
        )
        for employee, outcome in result.employees.items()
        for week in outcome.weeks
    }


@pytest.mark.parametrize("preset", PRESETS)
@examples
@given(timesheet=timesheets)
def test_hours_are_conserved_in_every_day_and_week(preset, timesheet):
    result = evaluate(load_preset(preset), timesheet, holidays={datetime(2026, 1, 19).date()})
    for employee, outcome in result.employees.items():
        for period in [*outcome.days, *outcome.weeks]:
            tiers = period.regular_hours + period.overtime_hours + period.double_time_hours
            assert abs(tiers - period.hours_worked) <= 1e-9
            assert min(period.regular_hours, period.overtime_hours, period.double_time_hours) >= 0
        expected = sum(worked_hours(s) for s in timesheet if s.employee == employee)
        assert abs(sum(w.hours_worked for w in outcome.weeks) - expected) <= 1e-6
        assert abs(sum(d.hours_worked for d in outcome.days) - expected) <= 1e-6


@pytest.mark.parametrize("preset", PRESETS)
@examples
@given(timesheet=timesheets, data=st.data())
def test_result_does_not_depend_on_row_order(preset, timesheet, data):
    shuffled = data.draw(st.permutations(timesheet))
    rules = load_preset(preset)
    assert evaluate(rules, shuffled) == evaluate(rules, timesheet)


@pytest.mark.parametrize("preset", PAY_PRESETS)
@examples
@given(timesheet=timesheets, extra=shifts(employees=("E1",)))
def test_adding_a_shift_never_lowers_premium_hours(preset, timesheet, extra):
    """Overtime + double time never drops, nor does double time (an hour may move from 1.5x up to 2x)."""
    rules = load_preset(preset)
    before = pay_totals(evaluate(rules, timesheet))
    after = pay_totals(evaluate(rules, [*timesheet, extra]))
    for key, (_, _, overtime, double, _, _) in before.items():
        assert after[key][2] + after[key][3] >= overtime + double - 1e-9
        assert after[key][3] >= double - 1e-9


@pytest.mark.parametrize("preset", PAY_PRESETS)
@examples
@given(timesheet=timesheets.filter(bool), data=st.data())
def test_splitting_a_shift_into_back_to_back_pieces_keeps_pay_totals(preset, timesheet, data):
    """Convention: the break is deducted pro rata, so each piece takes its pro-rata share of it."""
    index = data.draw(st.integers(0, len(timesheet) - 1))
    whole = replace(timesheet[index], call_in=False)
    span = int((whole.end - whole.start).total_seconds() // 60)
    if span < 2:
        return
    cut = data.draw(st.integers(1, span - 1))
    first_break = whole.break_minutes * cut / span
    pieces = [
        replace(whole, end=whole.start + timedelta(minutes=cut), break_minutes=first_break),
        replace(
            whole, start=whole.start + timedelta(minutes=cut), break_minutes=whole.break_minutes - first_break
        ),
    ]
    others = timesheet[:index] + timesheet[index + 1 :]
    rules = load_preset(preset)
    unsplit = pay_totals(evaluate(rules, [*others, whole]))
    split = pay_totals(evaluate(rules, [*others, *pieces]))
    assert split.keys() == unsplit.keys()
    for key, figures in unsplit.items():
        assert split[key] == pytest.approx(figures, abs=1e-6)


def test_adding_a_shift_can_raise_overtime_a_known_case():
    """Guards the property tests against a vacuous engine: a real shift on top of 40 h adds overtime."""
    week = [Shift("E1", datetime(2026, 1, 5 + d, 6), datetime(2026, 1, 5 + d, 14)) for d in range(5)]
    rules = load_preset("flsa")
    extra = Shift("E1", datetime(2026, 1, 10, 6), datetime(2026, 1, 10, 10))
    assert evaluate(rules, [*week, extra]).employees["E1"].weeks[0].overtime_hours == 4
