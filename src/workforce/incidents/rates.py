"""Incidence and frequency rates from 300 Log counts and hours worked (OSHA/BLS and ILO conventions)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any, Literal

# 100 full-time workers x 40 h x 50 weeks: the OSHA/BLS incidence-rate base.
FTE_BASE = 200_000
# ILO/EU/Australian frequency-rate base.
MILLION_HOURS = 1_000_000

SeverityDays = Literal["away_and_restricted", "away_only"]
# Rates are shown and reported with two decimals (3.95 per 200,000 h); the Rates values stay unrounded.
RATE_DECIMALS = 2


@dataclass(frozen=True)
class CaseCounts:
    """300A-style totals: cases per column G-J and days K (away) and L (restricted/transfer)."""

    deaths: int = 0
    days_away_cases: int = 0
    restricted_cases: int = 0
    other_cases: int = 0
    days_away: int = 0
    restricted_days: int = 0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{f.name} must be a non-negative whole number, got {value!r}")

    @property
    def recordable(self) -> int:
        return self.deaths + self.days_away_cases + self.restricted_cases + self.other_cases

    def __add__(self, other: CaseCounts) -> CaseCounts:
        return CaseCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @classmethod
    def from_results(cls, results: Iterable[Mapping[str, Any]]) -> CaseCounts:
        """Totals over `osha.classify` results; non-recordable results are skipped."""
        columns = {"G": 0, "H": 0, "I": 0, "J": 0}
        away = restricted = 0
        for result in results:
            if not result["recordable"]:
                continue
            columns[result["column"]] += 1
            away += result["days_away"]
            restricted += result["restricted_or_transfer_days"]
        return cls(columns["G"], columns["H"], columns["I"], columns["J"], away, restricted)


@dataclass(frozen=True)
class Rates:
    """Rates for one period; None where hours (or, for the average, days-away cases) are zero.
    Stored unrounded: round only for display."""

    hours: float
    trir: float | None
    dart: float | None
    dafw: float | None
    ltir: float | None
    ltifr: float | None
    severity: float | None
    avg_days_away: float | None


def rounded(value: float | None, places: int = RATE_DECIMALS) -> float | None:
    """A rate for display and reports: half up, as it is done by hand (0.125 -> 0.13), from the shortest
    decimal form of the float so binary noise cannot tip it (2.675 -> 2.68). None stays None."""
    if value is None:
        return None
    if not math.isfinite(value) or abs(value) >= 1e15:  # nothing to round; Decimal keeps 28 digits
        return value
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def rate(count: float, hours: float, base: int = FTE_BASE) -> float | None:
    """count x base / hours; None for zero hours, since no rate exists without exposure."""
    if not math.isfinite(hours) or hours < 0:
        raise ValueError(f"hours must be a finite non-negative number, got {hours!r}")
    return None if hours == 0 else count * base / hours


def rates_for(
    cases: CaseCounts | Iterable[Mapping[str, Any]],
    hours: float,
    *,
    lost_time_includes_deaths: bool = False,
    severity_days: SeverityDays = "away_and_restricted",
) -> Rates:
    """TRIR, DART, DAFW case rate, LTIR, LTIFR, severity and average days per DAFW case.

    A lost-time case is a days-away (H) case; whether deaths count is a company convention, off by default.
    Severity counts K + L days by default, or K only; record the choice beside the KPI.
    """
    counts = cases if isinstance(cases, CaseCounts) else CaseCounts.from_results(cases)
    lost_time = counts.days_away_cases + (counts.deaths if lost_time_includes_deaths else 0)
    if severity_days == "away_and_restricted":
        lost_days = counts.days_away + counts.restricted_days
    elif severity_days == "away_only":
        lost_days = counts.days_away
    else:
        raise ValueError(f"unknown severity_days {severity_days!r}")
    return Rates(
        hours=hours,
        trir=rate(counts.recordable, hours),
        dart=rate(counts.days_away_cases + counts.restricted_cases, hours),
        dafw=rate(counts.days_away_cases, hours),
        ltir=rate(lost_time, hours),
        ltifr=rate(lost_time, hours, MILLION_HOURS),
        severity=rate(lost_days, hours),
        avg_days_away=counts.days_away / counts.days_away_cases if counts.days_away_cases else None,
    )


@dataclass(frozen=True)
class TrendPoint:
    """One month: its own rates and the trailing-window rates; `complete` is False while the window reaches
    back before the first month supplied."""

    month: str
    month_rates: Rates
    rolling: Rates
    complete: bool


def _month_index(key: str | date) -> int:
    if isinstance(key, date):
        return key.year * 12 + key.month - 1
    match = re.fullmatch(r"(\d{4})-(\d{2})", key)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"month must be 'YYYY-MM' or a date, got {key!r}")
    return int(match[1]) * 12 + int(match[2]) - 1


def monthly_trend(
    cases_by_month: Mapping[str | date, CaseCounts | Iterable[Mapping[str, Any]]],
    hours_by_month: Mapping[str | date, float],
    *,
    window: int = 12,
    lost_time_includes_deaths: bool = False,
    severity_days: SeverityDays = "away_and_restricted",
) -> list[TrendPoint]:
    """Month-by-month and rolling `window`-month rates from the first to the last month given, gaps
    filled with zero cases and zero hours. Keys are 'YYYY-MM' strings or dates (any day of the month;
    duplicates add up). Rolling 12-month figures smooth small monthly counts (TRIR, DART)."""
    rates = partial(
        rates_for, lost_time_includes_deaths=lost_time_includes_deaths, severity_days=severity_days
    )
    if window < 1:
        raise ValueError("window must be at least 1 month")
    counts: dict[int, CaseCounts] = {}
    hours: dict[int, float] = {}
    for key, cases in cases_by_month.items():
        month = _month_index(key)
        found = cases if isinstance(cases, CaseCounts) else CaseCounts.from_results(cases)
        counts[month] = counts.get(month, CaseCounts()) + found
    for key, worked in hours_by_month.items():
        month = _month_index(key)
        hours[month] = hours.get(month, 0) + worked
    if not counts and not hours:
        return []
    first, last = min(counts.keys() | hours.keys()), max(counts.keys() | hours.keys())
    points = []
    for month in range(first, last + 1):
        span = range(max(first, month - window + 1), month + 1)
        total = sum((counts.get(m, CaseCounts()) for m in span), CaseCounts())
        points.append(
            TrendPoint(
                month=f"{month // 12:04d}-{month % 12 + 1:02d}",
                month_rates=rates(counts.get(month, CaseCounts()), hours.get(month, 0)),
                rolling=rates(total, sum(hours.get(m, 0) for m in span)),
                complete=month - window + 1 >= first,
            )
        )
    return points
