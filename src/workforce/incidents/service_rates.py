"""Incidence and frequency rates for a site and year from the 300 Log and the hours worked: the roster's
actual hours when a provider answers (see `context.register_hours_provider`), else the entered 300A hours."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from workforce.incidents import queries
from workforce.incidents.context import provided_hours
from workforce.incidents.rates import RATE_DECIMALS, CaseCounts, Rates, monthly_trend, rates_for, rounded
from workforce.incidents.tables import OshaClassification, OshaYearData
from workforce.people import directory

# ---------------------------------------------------------------- rates


def _month(dt: datetime) -> str:
    return f"{dt.year:04d}-{dt.month:02d}"


async def _entered_hours(
    site_id: int, years: list[int], today: date
) -> tuple[dict[str, float], dict[int, float]]:
    """Entered 300A hours: (spread evenly over the months for the trend, the yearly totals as entered).
    The current year's figure is hours to date, so it is spread over the months gone so far."""
    rows = await OshaYearData.select(OshaYearData.year, OshaYearData.total_hours).where(
        (OshaYearData.site_id == site_id) & OshaYearData.year.is_in(years)
    )
    months: dict[str, float] = {}
    totals: dict[int, float] = {}
    for row in rows:
        if row["total_hours"]:
            totals[row["year"]] = float(row["total_hours"])
            last = today.month if row["year"] == today.year else 12
            for m in range(1, last + 1):
                months[f"{row['year']:04d}-{m:02d}"] = row["total_hours"] / last
    return months, totals


async def rates_report(site_id: int, year: int, *, today: date | None = None) -> dict[str, Any]:
    """Counts, hours used (roster provider first, else entered), rates and the 12-month trend for a
    site and calendar year. Rates are rounded to two decimals (half up) and None where there are no hours;
    counts and hours are exact."""
    today = today or date.today()
    site = await directory.site(site_id)
    c = OshaClassification
    rows = await c.select(
        c.outcome_column,
        c.days_away,
        c.restricted_days,
        c.log_year,
        c.incident.occurred_at.as_alias("occurred_at"),
    ).where(
        (c.site_id == site_id)
        & c.log_year.is_in([year - 1, year])
        & c.current.eq(True)
        & c.recordable.eq(True)
        & c.incident.voided_at.is_null()
        & (c.person.role == "injured")
    )
    by_month: dict[str, CaseCounts] = {}
    year_counts = CaseCounts()
    for row in rows:
        one = CaseCounts(
            deaths=int(row["outcome_column"] == "G"),
            days_away_cases=int(row["outcome_column"] == "H"),
            restricted_cases=int(row["outcome_column"] == "I"),
            other_cases=int(row["outcome_column"] == "J"),
            days_away=row["days_away"],
            restricted_days=row["restricted_days"],
        )
        month = _month(queries.local(row["occurred_at"], site))
        by_month[month] = by_month.get(month, CaseCounts()) + one
        if row["log_year"] == year:
            year_counts = year_counts + one
    start, end = date(year - 1, 1, 1), date(year, 12, 31)
    provided = await provided_hours(site_id, start, end)
    if provided:
        source, hours_by_month = "roster", provided
        year_hours = sum(v for k, v in provided.items() if k.startswith(f"{year:04d}-"))
    else:
        source = "entered"
        hours_by_month, entered_totals = await _entered_hours(site_id, [year - 1, year], today)
        year_hours = entered_totals.get(year, 0.0)
    if not year_hours:
        source = "none"
    rates = rates_for(year_counts, float(year_hours))
    # The trend runs Jan..Dec of the year (Jan..this month for the current year), each point with its
    # own month and the trailing 12 months, which reach into the year before.
    last_month = f"{year:04d}-{(today.month if year == today.year else 12):02d}"
    points = monthly_trend(
        {**by_month, f"{year - 1:04d}-01": by_month.get(f"{year - 1:04d}-01", CaseCounts())},
        {**hours_by_month, last_month: hours_by_month.get(last_month, 0.0)},
    )
    trend = [p for p in points if p.month.startswith(f"{year:04d}-") and p.month <= last_month]
    return {
        "site": {"id": site_id, "code": (site or {}).get("code"), "name": (site or {}).get("name")},
        "year": year,
        "period": {
            "start": date(year, 1, 1).isoformat(),
            "end": min(date(year, 12, 31), max(today, date(year, 1, 1))).isoformat(),
        },
        "counts": {
            "deaths": year_counts.deaths,
            "days_away_cases": year_counts.days_away_cases,
            "restricted_cases": year_counts.restricted_cases,
            "other_cases": year_counts.other_cases,
            "recordable": year_counts.recordable,
            "days_away": year_counts.days_away,
            "restricted_days": year_counts.restricted_days,
        },
        "hours": {"value": float(year_hours), "source": source},
        "rates": _rates_dict(rates),
        "trend": [
            {
                "month": p.month,
                "hours": p.month_rates.hours,
                "month_rates": _rates_dict(p.month_rates),
                "rolling_12_months": _rates_dict(p.rolling),
                "complete": p.complete,
            }
            for p in trend
        ],
        "definitions": {
            "trir": "recordable cases (G+H+I+J) × 200,000 ÷ hours",
            "dart": "(H + I) cases × 200,000 ÷ hours",
            "dafw": "H cases × 200,000 ÷ hours",
            "ltir": "lost-time (H) cases × 200,000 ÷ hours; deaths excluded",
            "ltifr": "lost-time (H) cases × 1,000,000 ÷ hours",
            "severity": "(K + L) days × 200,000 ÷ hours",
            "avg_days_away": "K ÷ H cases",
            "hours": "roster actual hours when the roster module answers, else the entered 300A hours "
            "(spread evenly over the months for the trend)",
            "rounding": f"rates rounded to {RATE_DECIMALS} decimals, half up; counts and hours exact",
        },
        "computed_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _rates_dict(rates: Rates) -> dict[str, float | None]:
    # Computed unrounded (rates.Rates), reported with two decimals like the domain notes' examples.
    return {
        k: rounded(getattr(rates, k))
        for k in ("trir", "dart", "dafw", "ltir", "ltifr", "severity", "avg_days_away")
    }
