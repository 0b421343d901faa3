"""Limit rules (EU WTD, CBA limits) and check_extra_shift, from the worked examples in the domain notes."""

from datetime import date, datetime, timedelta

import pytest

from workforce.rules.engine import check_extra_shift, evaluate
from workforce.rules.model import Shift
from workforce.rules.ruleset import load_preset

MONDAY = date(2026, 1, 5)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def shifts_on(days: list[int], hours: float, start_hour: int = 6, break_minutes: float = 30) -> list[Shift]:
    """One shift a day, on the given day offsets from Monday 2026-01-05."""
    out = []
    for offset in days:
        start = datetime.combine(MONDAY + timedelta(days=offset), datetime.min.time()) + timedelta(
            hours=start_hour
        )
        out.append(Shift("E1", start, start + timedelta(hours=hours), break_minutes))
    return out


def rules_broken(preset: str, shifts: list[Shift], rule: str) -> list:
    return [v for v in evaluate(load_preset(preset), shifts).violations if v.rule == rule]


def test_e1_eight_hours_rest_breaches_the_11_hour_daily_rest():
    shifts = [
        Shift("E1", at("2026-01-06T14:00"), at("2026-01-06T22:00"), 30),
        Shift("E1", at("2026-01-07T06:00"), at("2026-01-07T14:00"), 30),
    ]
    (violation,) = rules_broken("eu-wtd", shifts, "daily_rest")
    assert violation.shift_start == at("2026-01-07T06:00")
    assert violation.detail == "only 8 h since shift ending 2026-01-06T22:00 (minimum 11 h)"
    assert violation.clause == "WTD 2003/88/EC Art. 3"


def test_e1_next_start_at_09_00_respects_daily_rest():
    shifts = [
        Shift("E1", at("2026-01-06T14:00"), at("2026-01-06T22:00"), 30),
        Shift("E1", at("2026-01-07T09:00"), at("2026-01-07T17:00"), 30),
    ]
    assert rules_broken("eu-wtd", shifts, "daily_rest") == []


def _weeks(hours_per_week: list[float]) -> list[Shift]:
    """Each week worked as four equal days with a break, so only the average can be at fault."""
    return [
        shift
        for week, hours in enumerate(hours_per_week)
        for shift in shifts_on([week * 7 + d for d in range(4)], hours / 4 + 0.5, 6, 30)
    ]


def test_e2_ten_long_weeks_in_seventeen_average_47_8_hours_and_comply():
    assert rules_broken("eu-wtd", _weeks([56] * 10 + [36] * 7), "max_weekly_average") == []


def test_e2_eleven_long_weeks_in_seventeen_average_48_9_hours_and_breach():
    (violation,) = rules_broken("eu-wtd", _weeks([56] * 11 + [36] * 6), "max_weekly_average")
    assert "average 48.9 h/week over the 17 weeks" in violation.detail
    assert violation.shift_start == datetime(2026, 4, 27, 6)  # first shift of week 17


def test_weekly_rest_missing_after_seven_days_in_a_row():
    (violation,) = rules_broken("eu-wtd", shifts_on(list(range(7)), 8.5), "weekly_rest")
    assert violation.shift_start == datetime(2026, 1, 11, 6)
    assert violation.clause == "WTD 2003/88/EC Art. 5"


def test_weekly_rest_six_days_on_one_off_complies():
    assert (
        rules_broken("eu-wtd", shifts_on([0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12], 8.5), "weekly_rest") == []
    )


@pytest.mark.parametrize(
    ("shifts", "broken"),
    [
        (shifts_on([0], 7, break_minutes=0), True),
        (shifts_on([0], 7.5, break_minutes=30), False),
        (shifts_on([0], 6, break_minutes=0), False),
        # a meal recorded as a 30-minute gap between two rows is a break, not rest
        (
            [
                Shift("E1", at("2026-01-05T06:00"), at("2026-01-05T10:00")),
                Shift("E1", at("2026-01-05T10:30"), at("2026-01-05T14:00")),
            ],
            False,
        ),
    ],
    ids=["7h-no-break", "7h-with-break", "6h-exactly", "gap-as-break"],
)
def test_rest_break_needed_after_six_hours(shifts, broken):
    assert bool(rules_broken("eu-wtd", shifts, "rest_break")) is broken


def test_rest_break_detail_says_what_was_taken():
    (violation,) = rules_broken("eu-wtd", shifts_on([0], 7, break_minutes=0), "rest_break")
    assert violation.detail == (
        "7 h worked from 2026-01-05T06:00 without a break (a break of 1 min is due after 6 h)"
    )


def test_cba_min_rest_flags_six_hours_between_shifts():
    shifts = [
        Shift("E1", at("2026-01-05T14:00"), at("2026-01-05T22:00")),
        Shift("E1", at("2026-01-06T04:00"), at("2026-01-06T12:00")),
    ]
    (violation,) = rules_broken("example-cba", shifts, "min_rest")
    assert violation.detail == "only 6 h since shift ending 2026-01-05T22:00 (minimum 8 h)"


def test_cba_max_hours_in_24h_flags_the_shift_that_goes_past_16():
    shifts = [
        Shift("E1", at("2026-01-05T06:00"), at("2026-01-05T18:00")),
        Shift("E1", at("2026-01-05T18:30"), at("2026-01-05T23:30")),
    ]  # holdover after a short break
    (violation,) = rules_broken("example-cba", shifts, "max_hours_24h")
    assert violation.shift_start == at("2026-01-05T18:30")
    assert violation.detail == "17 h worked in the 24 h from 2026-01-05T06:00 (maximum 16 h)"


def test_cba_max_hours_in_24h_sees_a_window_that_ends_at_a_shift_end():
    # A long unpaid break thins the first shift, so the worst window starts inside it, not at a shift start:
    # 00:00-24:00 holds 5 + 10 = 15 h and 14:00-14:00 holds 16 h, but 06:00-06:00 holds 2 + 16 = 18 h.
    shifts = [
        Shift("E1", at("2026-01-05T00:00"), at("2026-01-05T10:00"), break_minutes=300),
        Shift("E1", at("2026-01-05T14:00"), at("2026-01-06T06:00")),
    ]
    (violation,) = rules_broken("example-cba", shifts, "max_hours_24h")
    assert violation.shift_start == at("2026-01-05T14:00")
    assert violation.detail == "18 h worked in the 24 h from 2026-01-05T06:00 (maximum 16 h)"


def test_cba_max_consecutive_days_flags_the_seventh_day():
    (violation,) = rules_broken("example-cba", shifts_on(list(range(7)), 8.5), "max_consecutive_days")
    assert violation.shift_start == datetime(2026, 1, 11, 6)
    assert violation.detail == "7 consecutive days worked (maximum 6)"
    assert rules_broken("example-cba", shifts_on(list(range(6)), 8.5), "max_consecutive_days") == []


def test_overlapping_shifts_are_flagged_in_every_rule_set():
    shifts = [
        Shift("E1", at("2026-01-05T06:00"), at("2026-01-05T14:00")),
        Shift("E1", at("2026-01-05T13:00"), at("2026-01-05T17:00")),
    ]
    (violation,) = rules_broken("flsa", shifts, "overlap")
    assert violation.detail == "overlaps shift 2026-01-05T06:00 to 2026-01-05T14:00"


def test_check_extra_shift_reports_only_what_the_new_shift_adds():
    existing = [
        Shift("E1", at("2026-01-09T14:00"), at("2026-01-09T22:00")),
        Shift("E1", at("2026-01-05T14:00"), at("2026-01-05T22:00")),
        Shift("E1", at("2026-01-06T04:00"), at("2026-01-06T12:00")),  # already breaks min_rest
        Shift("E2", at("2026-01-10T00:00"), at("2026-01-10T08:00")),
    ]  # someone else
    rules = load_preset("example-cba")
    early = Shift("E1", at("2026-01-10T04:30"), at("2026-01-10T12:30"))
    (added,) = check_extra_shift(rules, existing, early)
    assert (added.rule, added.shift_start) == ("min_rest", early.start)
    assert added.detail == "only 6.5 h since shift ending 2026-01-09T22:00 (minimum 8 h)"
    assert (
        check_extra_shift(rules, existing, Shift("E1", at("2026-01-10T08:00"), at("2026-01-10T16:00"))) == []
    )


def test_check_extra_shift_catches_rest_lost_before_an_existing_shift():
    existing = [Shift("E1", at("2026-01-06T06:00"), at("2026-01-06T14:00"))]
    late = Shift("E1", at("2026-01-05T20:00"), at("2026-01-06T02:00"))
    (added,) = check_extra_shift(load_preset("example-cba"), existing, late)
    assert added.shift_start == at("2026-01-06T06:00")
    assert added.detail == "only 4 h since shift ending 2026-01-06T02:00 (minimum 8 h)"


def test_weekly_rest_breach_counted_once_per_seven_day_period():
    from datetime import datetime, timedelta

    from workforce.rules import Shift, evaluate, load_preset

    start = datetime(2026, 1, 5, 8, 0)
    shifts = [
        Shift("E1", start + timedelta(days=d), start + timedelta(days=d, hours=8), 30) for d in range(70)
    ]
    result = evaluate(load_preset("eu-wtd"), shifts)
    weekly = [v for v in result.employees["E1"].violations if v.rule == "weekly_rest"]
    assert 9 <= len(weekly) <= 10  # ten weeks of work with no weekly rest
