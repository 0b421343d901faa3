"""Worked pay examples from overtime-and-union-rules.md, one per clause: F (FLSA), C (California), CBA."""

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from workforce.rules.engine import evaluate
from workforce.rules.model import NightDifferential, RuleSet, Shift
from workforce.rules.ruleset import load_preset

SUNDAY = 6


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def day_shift(day: date, hours: float, start_hour: int = 6, employee: str = "E1", **flags) -> Shift:
    start = datetime.combine(day, datetime.min.time()) + timedelta(hours=start_hour)
    return Shift(employee, start, start + timedelta(hours=hours), **flags)


def with_week_start(rules: RuleSet, weekday: int) -> RuleSet:
    return replace(rules, calendar=replace(rules.calendar, workweek_start_day=weekday))


def week_figures(result, employee: str = "E1") -> list[tuple]:
    return [
        (w.week_start, w.hours_worked, w.regular_hours, w.overtime_hours, w.double_time_hours)
        for w in result.employees[employee].weeks
    ]


# 2-2-3 pattern from Monday 2026-01-05, 12 h day shifts (07:00-19:00).
PATTERN = "DD--DDD--DD---"
F1_SHIFTS = [
    day_shift(date(2026, 1, 5) + timedelta(days=i), 12, 7) for i, c in enumerate(PATTERN) if c == "D"
]


def test_f1_monday_workweek_owes_20_overtime_hours():
    result = evaluate(load_preset("flsa"), F1_SHIFTS)
    assert [w[1:] for w in week_figures(result)] == [(60, 40, 20, 0), (24, 24, 0, 0)]


def test_f1_sunday_workweek_owes_8_overtime_hours_because_weeks_are_not_averaged():
    result = evaluate(with_week_start(load_preset("flsa"), SUNDAY), F1_SHIFTS)
    assert week_figures(result) == [
        (date(2026, 1, 4), 48, 40, 8, 0),
        (date(2026, 1, 11), 36, 36, 0, 0),
    ]


def test_f2_night_hours_feed_the_regular_rate():
    rules = replace(load_preset("flsa"), night_differential=NightDifferential())
    days = [date(2026, 1, 5) + timedelta(days=i) for i in range(6)]
    shifts = [day_shift(d, 8, 6) for d in days[:3]] + [day_shift(d, 8, 22) for d in days[3:]]
    (week,) = evaluate(rules, shifts).employees["E1"].weeks
    assert (week.hours_worked, week.night_hours, week.overtime_hours) == (48, 24, 8)
    # 29 CFR 778.207(b): the differential goes into the regular rate before the overtime premium.
    regular_rate = (week.hours_worked * 22.00 + week.night_hours * 1.50) / week.hours_worked
    assert regular_rate == pytest.approx(22.75)
    assert week.hours_worked * regular_rate + week.overtime_hours * 0.5 * regular_rate == pytest.approx(
        1183.00
    )


def test_f3_night_shift_across_week_boundary_is_split_5_and_7():
    rules = with_week_start(load_preset("flsa"), SUNDAY)
    result = evaluate(rules, [Shift("E1", at("2026-01-10T19:00"), at("2026-01-11T07:00"))])
    assert [(w.week_start, w.hours_worked) for w in result.employees["E1"].weeks] == [
        (date(2026, 1, 4), 5),
        (date(2026, 1, 11), 7),
    ]


def test_f4_sunday_premium_hours_do_not_count_toward_weekly_overtime():
    rules = replace(load_preset("example-cba"), daily_overtime=None)  # "no daily overtime clause"
    shifts = [day_shift(date(2026, 1, 5) + timedelta(days=i), 9) for i in range(4)]
    shifts.append(day_shift(date(2026, 1, 11), 8))  # the Sunday of the Monday workweek
    (week,) = evaluate(rules, shifts).employees["E1"].weeks
    assert (week.regular_hours, week.overtime_hours, week.double_time_hours) == (36, 0, 8)
    assert week.sunday_hours == 8
    assert 36 * 20 + 8 * 40 == 1040  # paid; above the FLSA minimum of 40 * 20 + 4 * 30 = 920


def test_c1_mixed_week_gives_40_regular_17_overtime_1_double():
    rules = with_week_start(load_preset("california"), SUNDAY)
    hours = [10, 12, 13, 8, 9, 6]  # Mon-Sat
    shifts = [day_shift(date(2026, 1, 5) + timedelta(days=i), h) for i, h in enumerate(hours)]
    result = evaluate(rules, shifts)
    days = [(d.regular_hours, d.overtime_hours, d.double_time_hours) for d in result.employees["E1"].days]
    assert days == [(8, 2, 0), (8, 4, 0), (8, 4, 1), (8, 0, 0), (8, 1, 0), (0, 6, 0)]
    assert week_figures(result) == [(date(2026, 1, 4), 58, 40, 17, 1)]


def test_c2_seventh_consecutive_day_pays_8_at_overtime_then_double():
    rules = with_week_start(load_preset("california"), SUNDAY)
    shifts = [day_shift(date(2026, 1, 4) + timedelta(days=i), 8) for i in range(6)]
    shifts.append(day_shift(date(2026, 1, 10), 10))
    result = evaluate(rules, shifts)
    assert week_figures(result) == [(date(2026, 1, 4), 58, 40, 16, 2)]
    saturday = result.employees["E1"].days[-1]
    assert (saturday.overtime_hours, saturday.double_time_hours) == (8, 2)


def test_c2_six_days_do_not_trigger_the_seventh_day_rule():
    rules = with_week_start(load_preset("california"), SUNDAY)
    shifts = [day_shift(date(2026, 1, 5) + timedelta(days=i), 8) for i in range(5)]
    shifts.append(day_shift(date(2026, 1, 10), 10))
    assert week_figures(evaluate(rules, shifts)) == [(date(2026, 1, 4), 50, 40, 10, 0)]


# Four nights 18:00-06:30 with the unpaid meal 23:30-24:00 recorded as the gap between two rows.
C3_SHIFTS = [
    piece
    for night in range(4)
    for piece in (
        Shift(
            "E1",
            at("2026-01-05T18:00") + timedelta(days=night),
            at("2026-01-05T23:30") + timedelta(days=night),
        ),
        Shift(
            "E1",
            at("2026-01-06T00:00") + timedelta(days=night),
            at("2026-01-06T06:30") + timedelta(days=night),
        ),
    )
]


def test_c3_midnight_workday_gives_12_overtime_hours_and_flags_the_split():
    result = evaluate(load_preset("california"), C3_SHIFTS)
    employee = result.employees["E1"]
    assert [d.hours_worked for d in employee.days] == [5.5, 12, 12, 12, 6.5]
    assert sum(d.overtime_hours for d in employee.days) == 12
    flagged = [v for v in employee.violations if v.rule == "workday_split"]
    assert len(flagged) == 4 and "§500(a)" in flagged[0].clause


def test_c3_workday_starting_with_the_night_shift_gives_16_overtime_hours():
    rules = load_preset("california")
    rules = replace(rules, calendar=replace(rules.calendar, workday_start=at("2026-01-01T18:00").time()))
    employee = evaluate(rules, C3_SHIFTS).employees["E1"]
    assert [d.hours_worked for d in employee.days] == [12, 12, 12, 12]
    assert sum(d.overtime_hours for d in employee.days) == 16
    assert not [v for v in employee.violations if v.rule == "workday_split"]


def test_cba_daily_and_weekly_overtime_do_not_pyramid():
    shifts = [day_shift(date(2026, 1, 5) + timedelta(days=i), 10) for i in range(5)]
    (week,) = evaluate(load_preset("example-cba"), shifts).employees["E1"].weeks
    assert (week.regular_hours, week.overtime_hours) == (40, 10)  # 10 daily, none weekly on top


def test_cba_sixth_eight_hour_day_is_weekly_overtime():
    shifts = [day_shift(date(2026, 1, 5) + timedelta(days=i), 8) for i in range(6)]
    (week,) = evaluate(load_preset("example-cba"), shifts).employees["E1"].weeks
    assert (week.regular_hours, week.overtime_hours) == (40, 8)


@pytest.mark.parametrize("flag_holiday", [False, True], ids=["holiday-calendar", "holiday-flag"])
def test_cba_public_holiday_hours_are_double_time(flag_holiday):
    holiday = date(2026, 1, 19)
    shift = day_shift(holiday, 8, holiday=flag_holiday)
    result = evaluate(load_preset("example-cba"), [shift], holidays=set() if flag_holiday else {holiday})
    (day,) = result.employees["E1"].days
    assert (day.regular_hours, day.double_time_hours, day.holiday_hours) == (0, 8, 8)


def test_cba_call_in_pays_four_hours_for_one_and_a_half_worked():
    shifts = [
        day_shift(date(2026, 1, 5), 8),
        Shift("E1", at("2026-01-05T20:00"), at("2026-01-05T21:30"), call_in=True),
    ]
    (day,) = evaluate(load_preset("example-cba"), shifts).employees["E1"].days
    assert (day.hours_worked, day.overtime_hours, day.call_in_pay_hours) == (9.5, 1.5, 2.5)
    assert (day.overtime_hours + day.call_in_pay_hours) * 1.5 * 25 == 150  # 4 h at $37.50


@pytest.mark.parametrize(
    ("start", "end", "night"),
    [("22:00", "06:00", 8), ("18:00", "02:00", 4), ("06:00", "14:00", 0), ("05:00", "23:00", 2)],
)
def test_cba_night_differential_counts_hours_between_22_and_6(start, end, night):
    begin = at(f"2026-01-06T{start}")
    finish = at(f"2026-01-06T{end}")
    finish += timedelta(days=1) if finish <= begin else timedelta()
    (week,) = evaluate(load_preset("example-cba"), [Shift("E1", begin, finish)]).employees["E1"].weeks
    assert week.night_hours == night


def test_break_is_deducted_pro_rata_across_the_midnight_split():
    shift = Shift("E1", at("2026-01-05T20:00"), at("2026-01-06T06:00"), break_minutes=60)
    days = evaluate(load_preset("flsa"), [shift]).employees["E1"].days
    assert [d.hours_worked for d in days] == pytest.approx([3.6, 5.4])


def test_dst_night_is_paid_for_the_hours_actually_worked():
    pacific = ZoneInfo("America/Los_Angeles")  # clocks fall back at 02:00 on 2026-11-01
    shift = Shift("E1", datetime(2026, 11, 1, 0, tzinfo=pacific), datetime(2026, 11, 1, 8, tzinfo=pacific))
    (week,) = evaluate(load_preset("california"), [shift]).employees["E1"].weeks
    assert (week.hours_worked, week.regular_hours, week.overtime_hours) == (9, 8, 1)
