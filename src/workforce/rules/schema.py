"""The rule-set schema as data: every TOML table and key with its type, default and source clause.

ruleset.py walks this to validate, fill defaults, dump and diff; docs/rulesets.md describes it for people.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from .model import (
    SORT_FIELDS,
    Calendar,
    CallIn,
    DailyOvertime,
    DaysLimit,
    EqualizationRules,
    HoursLimit,
    Limits,
    NightDifferential,
    Pay,
    Premiums,
    RestBreak,
    RuleSet,
    SeventhDay,
    SortKey,
    SplitWarning,
    Tier,
    WeeklyAverage,
    WeeklyOvertime,
    WeeklyRest,
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Invalid(Exception):
    """Raised by a parser with the 'must be …' half of the message."""


@dataclass(frozen=True)
class Kind:
    """How one TOML value is read into Python (`parse`, raising Invalid) and written back (`encode`)."""

    parse: Callable[[Any], Any]
    encode: Callable[[Any], Any] = lambda value: value


def _number(minimum: float = 0.0, strict: bool = False) -> Kind:
    def parse(value: Any) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if not ok or value < minimum or (strict and value == minimum):
            raise Invalid(f"must be a number {'>' if strict else '>='} {minimum:g}")
        return float(value)

    return Kind(parse)


def _integer(minimum: int) -> Kind:
    def parse(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise Invalid(f"must be a whole number >= {minimum}")
        return value

    return Kind(parse)


def _parse_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return value


def _parse_text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid("must be a string")
    return value


def _parse_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid("must be a non-empty string")
    return value.strip()


def _parse_clock(value: Any) -> time:
    try:
        hour, minute = value.split(":") if isinstance(value, str) else ("", "")
        if len(hour) != 2 or len(minute) != 2:
            raise ValueError
        return time(int(hour), int(minute))
    except ValueError:
        raise Invalid('must be a time "HH:MM" between "00:00" and "23:59"') from None


def _parse_weekday(value: Any) -> int:
    if not isinstance(value, str) or value.lower() not in WEEKDAYS:
        raise Invalid(f"must be one of {', '.join(WEEKDAYS)}")
    return WEEKDAYS.index(value.lower())


def _parse_tier(value: Any) -> Tier:
    if value not in ("overtime", "double_time"):
        raise Invalid('must be "overtime" or "double_time"')
    return Tier.OVERTIME if value == "overtime" else Tier.DOUBLE_TIME


def _one_of(*choices: str) -> Kind:
    def parse(value: Any) -> str:
        if value not in choices:
            raise Invalid("must be one of " + ", ".join(f'"{c}"' for c in choices))
        return value

    return Kind(parse)


def _parse_month_day(value: Any) -> tuple[int, int]:
    try:
        month, day = value.split("-") if isinstance(value, str) else ("", "")
        date(2000, int(month), int(day))  # a leap year, so "02-29" is accepted
        return int(month), int(day)
    except ValueError:
        raise Invalid('must be a month and day "MM-DD"') from None


def _parse_order(value: Any) -> tuple[SortKey, ...]:
    """A call-list order: a list of sort keys, each "name" (ascending) or "-name" (descending)."""
    vocabulary = ", ".join(SORT_FIELDS)
    if not isinstance(value, list) or not value:
        raise Invalid(f'must be a non-empty list of sort keys from {vocabulary} ("-" first for descending)')
    keys: list[SortKey] = []
    for item in value:
        name = item[1:] if isinstance(item, str) and item.startswith("-") else item
        if not isinstance(item, str) or name not in SORT_FIELDS:
            raise Invalid(
                f'has unknown sort key {item!r} (sort keys: {vocabulary}; "-" first for descending)'
            )
        if any(k.name == name for k in keys):
            raise Invalid(f"names {name} twice")
        keys.append(SortKey(name, item.startswith("-")))
    return tuple(keys)


NUMBER, POSITIVE = _number(), _number(strict=True)
BOOL, TEXT, NAME = Kind(_parse_bool), Kind(_parse_text), Kind(_parse_name)
CLOCK = Kind(_parse_clock, lambda t: t.strftime("%H:%M"))
WEEKDAY = Kind(_parse_weekday, lambda i: WEEKDAYS[i])
TIER = Kind(_parse_tier, lambda t: t.name.lower())
MONTH_DAY = Kind(_parse_month_day, lambda md: f"{md[0]:02d}-{md[1]:02d}")
ORDER = Kind(_parse_order, lambda keys: [str(k) for k in keys])

REQUIRED = object()


@dataclass(frozen=True)
class Key:
    name: str
    kind: Kind
    default: Any = REQUIRED


@dataclass(frozen=True)
class Table:
    """One TOML table. An `optional` table left out of the file is None: that rule is off."""

    name: str
    build: Callable[..., Any]
    keys: tuple[Key, ...] = ()
    children: tuple[Table, ...] = ()
    optional: bool = True


def _clause(text: str) -> Key:
    return Key("clause", TEXT, text)


LIMITS = Table(
    "limits",
    Limits,
    (Key("break_gap_minutes", NUMBER, 60.0),),
    optional=False,
    children=(
        # WTD 2003/88/EC Art. 3; UK WTR reg 10.
        Table("daily_rest", HoursLimit, (Key("hours", POSITIVE, 11.0), _clause("WTD 2003/88/EC Art. 3"))),
        # overtime-and-union-rules.md §6 "Minimum rest between shifts": commonly 8-10 h.
        Table("min_rest", HoursLimit, (Key("hours", POSITIVE), _clause("CBA: minimum rest between shifts"))),
        # Art. 5 is "normally read as 35 h in one block" but may drop to 24 h, so hours is a setting.
        Table(
            "weekly_rest",
            WeeklyRest,
            (
                Key("hours", POSITIVE, 24.0),
                Key("window_days", _integer(2), 7),
                _clause("WTD 2003/88/EC Art. 5"),
            ),
        ),
        # Arts 6, 16(b): reference period up to 4 months (17 weeks in the UK, reg 4); 17(3), 19 allow longer.
        Table(
            "max_weekly_average",
            WeeklyAverage,
            (
                Key("hours", POSITIVE, 48.0),
                Key("reference_weeks", _integer(1), 17),
                _clause("WTD 2003/88/EC Arts 6, 16(b)"),
            ),
        ),
        # Art. 4 leaves the break's length to national law or the CBA (UK reg 12: 20 min).
        Table(
            "rest_break",
            RestBreak,
            (
                Key("after_hours", POSITIVE, 6.0),
                Key("min_minutes", POSITIVE, 1.0),
                _clause("WTD 2003/88/EC Art. 4"),
            ),
        ),
        # overtime-and-union-rules.md §6 "Maximum hours": 16 h per 24 h; 12-14 consecutive days.
        Table("max_hours_24h", HoursLimit, (Key("hours", POSITIVE), _clause("CBA: maximum hours per 24 h"))),
        Table(
            "max_consecutive_days",
            DaysLimit,
            (Key("days", _integer(1)), _clause("CBA: maximum consecutive days")),
        ),
        # §3 C3: splitting a long work period at the workday start is not settled law; warn, do not decide.
        Table(
            "workday_split",
            SplitWarning,
            (
                Key("after_hours", NUMBER, 8.0),
                _clause("Cal. Lab. Code §500(a); In re Wal-Mart Stores Wage & Hour Litig. (N.D. Cal. 2007)"),
            ),
        ),
    ),
)

SCHEMA = Table(
    "",
    RuleSet,
    (Key("name", NAME), Key("description", TEXT, "")),
    optional=False,
    children=(
        Table(
            "calendar",
            Calendar,
            (
                Key("workweek_start_day", WEEKDAY, 0),
                Key("workweek_start_time", CLOCK, time(0)),
                Key("workday_start", CLOCK, time(0)),
            ),
            optional=False,
        ),
        Table(
            "pay",
            Pay,
            (
                Key("overtime_multiplier", _number(1.0), 1.5),
                Key("double_time_multiplier", _number(1.0), 2.0),
            ),
            optional=False,
        ),
        Table(
            "daily_overtime",
            DailyOvertime,
            (Key("after_hours", NUMBER), Key("double_time_after_hours", NUMBER, None)),
        ),
        Table("weekly_overtime", WeeklyOvertime, (Key("after_hours", NUMBER),)),
        Table("seventh_day", SeventhDay, (Key("double_time_after_hours", NUMBER, 8.0),)),
        Table("premiums", Premiums, (Key("sunday", TIER, None), Key("holiday", TIER, None)), optional=False),
        Table("night_differential", NightDifferential, (Key("start", CLOCK), Key("end", CLOCK))),
        Table("call_in", CallIn, (Key("minimum_hours", POSITIVE),)),
        LIMITS,
        Table(
            "equalization",
            EqualizationRules,
            (
                Key("charge_refused", BOOL, True),
                Key("charge_no_answer", BOOL, True),
                Key("new_entrant_charge", _one_of("average", "highest", "zero"), "average"),
                Key("reset_on", MONTH_DAY, (1, 1)),
                Key("max_forced_per_month", _integer(0), None),
                # overtime-and-union-rules.md §6: offer order (lowest charged, ties to the most senior)
                # and forced order (reverse seniority) are contract terms, so they are data here.
                Key("rank_by", ORDER, EqualizationRules().rank_by),
                Key("forced_order", ORDER, EqualizationRules().forced_order),
            ),
            optional=False,
        ),
    ),
)
