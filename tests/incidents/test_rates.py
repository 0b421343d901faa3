"""Incidence rates against the worked example of the domain notes (section 14)."""

from datetime import date

import pytest

from workforce.incidents.osha import classify
from workforce.incidents.rates import CaseCounts, monthly_trend, rate, rates_for, rounded

# 380 employees, 760,000 h; 1 G, 3 H (K = 12, 40, 9), 4 I (L = 5, 14, 3, 21), 7 J.
WORKED = CaseCounts(
    deaths=1, days_away_cases=3, restricted_cases=4, other_cases=7, days_away=61, restricted_days=43
)
HOURS = 760_000


def test_worked_example_rates_match_the_notes():
    rates = rates_for(WORKED, HOURS)
    assert round(rates.trir, 2) == 3.95
    assert round(rates.dart, 2) == 1.84
    assert round(rates.dafw, 2) == 0.79
    assert round(rates.ltifr, 2) == 3.95
    assert round(rates.severity, 1) == 27.4
    assert round(rates.avg_days_away, 1) == 20.3
    assert rates.ltir == rates.dafw  # lost time = H cases by default


def test_rates_are_stored_unrounded():
    assert rates_for(WORKED, HOURS).trir == pytest.approx(15 * 200_000 / 760_000, rel=1e-12)


def test_rates_are_shown_with_two_decimals_half_up():
    rates = rates_for(WORKED, HOURS)
    keys = ("trir", "dart", "dafw", "ltifr", "severity", "avg_days_away")
    shown = [rounded(getattr(rates, k)) for k in keys]
    assert shown == [3.95, 1.84, 0.79, 3.95, 27.37, 20.33]  # section 14, two decimals


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.125, 0.13), (2.675, 2.68), (1.005, 1.01), (-0.125, -0.13), (0.0, 0.0), (3.0, 3.0), (None, None)],
)
def test_rounding_goes_half_up_like_by_hand(value, shown):
    # 2.675 and 1.005 are a hair below in binary: round() would give 2.67 and 1.0.
    assert rounded(value) == shown


def test_rounding_leaves_values_it_cannot_round():
    assert rounded(1e20) == 1e20 and rounded(float("inf")) == float("inf")


def test_lost_time_can_include_deaths_and_severity_can_use_days_away_only():
    rates = rates_for(WORKED, HOURS, lost_time_includes_deaths=True, severity_days="away_only")
    assert rates.ltifr == pytest.approx(4 * 1_000_000 / HOURS)
    assert rates.severity == pytest.approx(61 * 200_000 / HOURS)


def test_unknown_severity_definition_is_refused():
    with pytest.raises(ValueError, match="severity_days"):
        rates_for(WORKED, HOURS, severity_days="everything")


def test_rates_from_classify_results_equal_rates_from_counts():
    cases = [
        {"work_related": True, "new_case": True, "case_type": "injury", **facts}
        for facts in (
            {"death": True},
            {"days_away": 12},
            {"days_away": 40},
            {"days_away": 9},
            {"restricted_days": 5},
            {"restricted_days": 14},
            {"restricted_days": 3},
            {"job_transfer_days": 21},
            *[{"treatments": ["wound_closure"]}] * 7,
            {"treatments": ["massage"]},  # first aid: not on the log, not counted
        )
    ]
    results = [classify(facts) for facts in cases]
    assert CaseCounts.from_results(results) == WORKED
    assert rates_for(results, HOURS) == rates_for(WORKED, HOURS)


def test_zero_hours_gives_no_rates_instead_of_crashing():
    rates = rates_for(WORKED, 0)
    assert (rates.trir, rates.dart, rates.dafw, rates.ltir, rates.ltifr, rates.severity) == (None,) * 6
    assert rates.avg_days_away == pytest.approx(61 / 3)


def test_no_days_away_cases_gives_no_average():
    assert rates_for(CaseCounts(other_cases=2), 1000).avg_days_away is None


@pytest.mark.parametrize("hours", [-1, float("nan"), float("inf")])
def test_impossible_hours_are_refused(hours):
    with pytest.raises(ValueError, match="hours"):
        rate(1, hours)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="deaths"):
        CaseCounts(deaths=-1)


def test_monthly_trend_rolls_twelve_months_and_fills_gaps():
    cases = {f"2025-{m:02d}": CaseCounts(other_cases=1) for m in range(1, 13)}
    cases["2026-01"] = CaseCounts(days_away_cases=1, days_away=5)
    hours = {f"2025-{m:02d}": 10_000 for m in range(1, 13)}
    hours[date(2026, 1, 20)] = 20_000
    trend = monthly_trend(cases, hours)
    assert [p.month for p in trend][:2] == ["2025-01", "2025-02"] and trend[-1].month == "2026-01"
    assert len(trend) == 13
    assert [p.complete for p in trend] == [False] * 11 + [True, True]
    assert trend[0].month_rates.trir == pytest.approx(20.0)
    assert trend[11].rolling.trir == pytest.approx(12 * 200_000 / 120_000)
    # Feb 2025 - Jan 2026: 11 J cases + 1 H case over 130,000 h.
    last = trend[-1].rolling
    assert (last.hours, last.trir, last.dart) == (
        130_000,
        pytest.approx(12 * 200_000 / 130_000),
        pytest.approx(200_000 / 130_000),
    )


def test_monthly_trend_month_without_hours_has_no_rate():
    trend = monthly_trend(
        {"2025-01": CaseCounts(other_cases=1), "2025-03": CaseCounts()}, {"2025-01": 1000, "2025-03": 1000}
    )
    assert [p.month for p in trend] == ["2025-01", "2025-02", "2025-03"]
    assert trend[1].month_rates.trir is None
    assert trend[1].rolling.trir == pytest.approx(200.0)


def test_monthly_trend_accepts_classify_results_and_empty_input():
    result = classify({"work_related": True, "new_case": True, "case_type": "injury", "days_away": 3})
    trend = monthly_trend({"2025-05": [result]}, {"2025-05": 200_000})
    assert trend[0].month_rates.dart == 1.0
    assert monthly_trend({}, {}) == []


@pytest.mark.parametrize("key", ["2025-13", "2025-1", "May 2025"])
def test_monthly_trend_rejects_bad_month_keys(key):
    with pytest.raises(ValueError, match="month"):
        monthly_trend({key: CaseCounts()}, {})
