"""Rule sets as TOML: parse and validate into `RuleSet`, ship presets, dump, and diff two versions.

The schema lives here once, as data (`_SCHEMA`), and drives validation, defaults, dumping and diffing;
docs/rulesets.md describes the same keys for people.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w

from .model import (
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
    SplitWarning,
    Tier,
    WeeklyAverage,
    WeeklyOvertime,
    WeeklyRest,
)

PRESETS: tuple[str, ...] = ("flsa", "california", "eu-wtd", "example-cba")

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class RuleSetError(ValueError):
    """A rule set that cannot be used; `key` is the dotted TOML key at fault ("" for the whole file)."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"{key}: {problem}" if key else problem)


class _Bad(Exception):
    """Raised by a parser with the 'must be …' half of the message."""


@dataclass(frozen=True)
class _Kind:
    parse: Callable[[Any], Any]
    encode: Callable[[Any], Any] = lambda value: value


def _number(minimum: float = 0.0, strict: bool = False) -> _Kind:
    def parse(value: Any) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if not ok or value < minimum or (strict and value == minimum):
            raise _Bad(f"must be a number {'>' if strict else '>='} {minimum:g}")
        return float(value)

    return _Kind(parse)


def _integer(minimum: int) -> _Kind:
    def parse(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise _Bad(f"must be a whole number >= {minimum}")
        return value

    return _Kind(parse)


def _parse_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad("must be true or false")
    return value


def _parse_text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad("must be a string")
    return value


def _parse_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad("must be a non-empty string")
    return value.strip()


def _parse_clock(value: Any) -> time:
    try:
        hour, minute = value.split(":") if isinstance(value, str) else ("", "")
        if len(hour) != 2 or len(minute) != 2:
            raise ValueError
        return time(int(hour), int(minute))
    except ValueError:
        raise _Bad('must be a time "HH:MM" between "00:00" and "23:59"') from None


def _parse_weekday(value: Any) -> int:
    if not isinstance(value, str) or value.lower() not in WEEKDAYS:
        raise _Bad(f"must be one of {', '.join(WEEKDAYS)}")
    return WEEKDAYS.index(value.lower())


def _parse_tier(value: Any) -> Tier:
    if value not in ("overtime", "double_time"):
        raise _Bad('must be "overtime" or "double_time"')
    return Tier.OVERTIME if value == "overtime" else Tier.DOUBLE_TIME


def _one_of(*choices: str) -> _Kind:
    def parse(value: Any) -> str:
        if value not in choices:
            raise _Bad("must be one of " + ", ".join(f'"{c}"' for c in choices))
        return value

    return _Kind(parse)


def _parse_month_day(value: Any) -> tuple[int, int]:
    try:
        month, day = value.split("-") if isinstance(value, str) else ("", "")
        date(2000, int(month), int(day))  # a leap year, so "02-29" is accepted
        return int(month), int(day)
    except ValueError:
        raise _Bad('must be a month and day "MM-DD"') from None


NUMBER, POSITIVE = _number(), _number(strict=True)
BOOL, TEXT, NAME = _Kind(_parse_bool), _Kind(_parse_text), _Kind(_parse_name)
CLOCK = _Kind(_parse_clock, lambda t: t.strftime("%H:%M"))
WEEKDAY = _Kind(_parse_weekday, lambda i: WEEKDAYS[i])
TIER = _Kind(_parse_tier, lambda t: t.name.lower())
MONTH_DAY = _Kind(_parse_month_day, lambda md: f"{md[0]:02d}-{md[1]:02d}")

_REQUIRED = object()


@dataclass(frozen=True)
class _Key:
    name: str
    kind: _Kind
    default: Any = _REQUIRED


@dataclass(frozen=True)
class _Table:
    """One TOML table. An `optional` table left out of the file is None: that rule is off."""

    name: str
    build: Callable[..., Any]
    keys: tuple[_Key, ...] = ()
    children: tuple[_Table, ...] = ()
    optional: bool = True


def _clause(text: str) -> _Key:
    return _Key("clause", TEXT, text)


_LIMITS = _Table(
    "limits",
    Limits,
    (_Key("break_gap_minutes", NUMBER, 60.0),),
    optional=False,
    children=(
        # WTD 2003/88/EC Art. 3; UK WTR reg 10.
        _Table("daily_rest", HoursLimit, (_Key("hours", POSITIVE, 11.0), _clause("WTD 2003/88/EC Art. 3"))),
        # overtime-and-union-rules.md §6 "Minimum rest between shifts": commonly 8-10 h.
        _Table(
            "min_rest", HoursLimit, (_Key("hours", POSITIVE), _clause("CBA: minimum rest between shifts"))
        ),
        # Art. 5 is "normally read as 35 h in one block" but may drop to 24 h, so hours is a setting.
        _Table(
            "weekly_rest",
            WeeklyRest,
            (
                _Key("hours", POSITIVE, 24.0),
                _Key("window_days", _integer(2), 7),
                _clause("WTD 2003/88/EC Art. 5"),
            ),
        ),
        # Arts 6, 16(b): reference period up to 4 months (17 weeks in the UK, reg 4); 17(3), 19 allow longer.
        _Table(
            "max_weekly_average",
            WeeklyAverage,
            (
                _Key("hours", POSITIVE, 48.0),
                _Key("reference_weeks", _integer(1), 17),
                _clause("WTD 2003/88/EC Arts 6, 16(b)"),
            ),
        ),
        # Art. 4 leaves the break's length to national law or the CBA (UK reg 12: 20 min).
        _Table(
            "rest_break",
            RestBreak,
            (
                _Key("after_hours", POSITIVE, 6.0),
                _Key("min_minutes", POSITIVE, 1.0),
                _clause("WTD 2003/88/EC Art. 4"),
            ),
        ),
        _Table(
            "max_hours_24h", HoursLimit, (_Key("hours", POSITIVE), _clause("CBA: maximum hours per 24 h"))
        ),
        _Table(
            "max_consecutive_days",
            DaysLimit,
            (_Key("days", _integer(1)), _clause("CBA: maximum consecutive days")),
        ),
        # §3 C3: splitting a long work period at the workday start is not settled law; warn, do not decide.
        _Table(
            "workday_split",
            SplitWarning,
            (
                _Key("after_hours", NUMBER, 8.0),
                _clause("Cal. Lab. Code §500(a); In re Wal-Mart Stores Wage & Hour Litig. (N.D. Cal. 2007)"),
            ),
        ),
    ),
)

_SCHEMA = _Table(
    "",
    RuleSet,
    (_Key("name", NAME), _Key("description", TEXT, "")),
    optional=False,
    children=(
        _Table(
            "calendar",
            Calendar,
            (
                _Key("workweek_start_day", WEEKDAY, 0),
                _Key("workweek_start_time", CLOCK, time(0)),
                _Key("workday_start", CLOCK, time(0)),
            ),
            optional=False,
        ),
        _Table(
            "pay",
            Pay,
            (
                _Key("overtime_multiplier", _number(1.0), 1.5),
                _Key("double_time_multiplier", _number(1.0), 2.0),
            ),
            optional=False,
        ),
        _Table(
            "daily_overtime",
            DailyOvertime,
            (_Key("after_hours", NUMBER), _Key("double_time_after_hours", NUMBER, None)),
        ),
        _Table("weekly_overtime", WeeklyOvertime, (_Key("after_hours", NUMBER),)),
        _Table("seventh_day", SeventhDay, (_Key("double_time_after_hours", NUMBER, 8.0),)),
        _Table(
            "premiums", Premiums, (_Key("sunday", TIER, None), _Key("holiday", TIER, None)), optional=False
        ),
        _Table("night_differential", NightDifferential, (_Key("start", CLOCK), _Key("end", CLOCK))),
        _Table("call_in", CallIn, (_Key("minimum_hours", POSITIVE),)),
        _LIMITS,
        _Table(
            "equalization",
            EqualizationRules,
            (
                _Key("charge_refused", BOOL, True),
                _Key("charge_no_answer", BOOL, True),
                _Key("new_entrant_charge", _one_of("average", "highest", "zero"), "average"),
                _Key("reset_on", MONTH_DAY, (1, 1)),
                _Key("max_forced_per_month", _integer(0), None),
            ),
            optional=False,
        ),
    ),
)


def _dotted(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _parse_table(spec: _Table, raw: dict[str, Any], path: str) -> Any:
    known = {k.name for k in spec.keys} | {c.name for c in spec.children}
    for name in raw:
        if name not in known:
            raise RuleSetError(_dotted(path, name), "unknown key")
    values: dict[str, Any] = {}
    for key in spec.keys:
        dotted = _dotted(path, key.name)
        if key.name not in raw:
            if key.default is _REQUIRED:
                raise RuleSetError(dotted, "required")
            values[key.name] = key.default
            continue
        try:
            values[key.name] = key.kind.parse(raw[key.name])
        except _Bad as bad:
            raise RuleSetError(dotted, f"{bad}, got {raw[key.name]!r}") from None
    for child in spec.children:
        dotted = _dotted(path, child.name)
        if child.name not in raw:
            values[child.name] = None if child.optional else _parse_table(child, {}, dotted)
        elif not isinstance(raw[child.name], dict):
            raise RuleSetError(dotted, f"must be a table [{dotted}], got {raw[child.name]!r}")
        else:
            values[child.name] = _parse_table(child, raw[child.name], dotted)
    return spec.build(**values)


def _check_consistency(rules: RuleSet) -> None:
    daily = rules.daily_overtime
    if (
        daily
        and daily.double_time_after_hours is not None
        and daily.double_time_after_hours < daily.after_hours
    ):
        limit, got = daily.after_hours, daily.double_time_after_hours
        raise RuleSetError(
            "daily_overtime.double_time_after_hours",
            f"must be >= daily_overtime.after_hours ({limit:g}), got {got:g}",
        )
    night = rules.night_differential
    if night and night.start == night.end:
        raise RuleSetError("night_differential.end", "must differ from night_differential.start")


def parse_ruleset(text: str) -> RuleSet:
    """Parse and validate rule-set TOML; raises RuleSetError naming the key and what is wrong."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError("", f"not valid TOML: {exc}") from None
    rules = _parse_table(_SCHEMA, raw, "")
    _check_consistency(rules)
    return rules


def ruleset_to_dict(rules: RuleSet) -> dict[str, Any]:
    """The rule set as TOML-ready data with every default filled in; switched-off rules are left out."""

    def encode(spec: _Table, obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in spec.keys:
            value = getattr(obj, key.name)
            if value is not None:
                out[key.name] = key.kind.encode(value)
        for child in spec.children:
            value = getattr(obj, child.name)
            if value is not None:
                out[child.name] = encode(child, value)
        return out

    return encode(_SCHEMA, rules)


def dump_ruleset(rules: RuleSet) -> str:
    return tomli_w.dumps(ruleset_to_dict(rules))


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, _dotted(prefix, name)))
        else:
            flat[_dotted(prefix, name)] = value
    return flat


def diff_rulesets(old_text: str, new_text: str) -> list[tuple[str, Any, Any]]:
    """(dotted key, old, new) for every effective setting that differs, defaults filled in, sorted by key.

    None stands for "rule switched off / key absent". Both texts must be valid rule sets.
    """
    old = _flatten(ruleset_to_dict(parse_ruleset(old_text)))
    new = _flatten(ruleset_to_dict(parse_ruleset(new_text)))
    return [
        (key, old.get(key), new.get(key))
        for key in sorted(old.keys() | new.keys())
        if old.get(key) != new.get(key)
    ]


def preset_text(name: str) -> str:
    """The shipped TOML of a preset, e.g. as a starting point in the rule-set editor."""
    if name not in PRESETS:
        raise RuleSetError("", f"unknown preset {name!r} (presets: {', '.join(PRESETS)})")
    return (
        resources.files(__package__).joinpath("presets").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    )


@cache
def load_preset(name: str) -> RuleSet:
    return parse_ruleset(preset_text(name))


def load_rules(preset_name_or_path: str | Path) -> RuleSet:
    """A preset by name, else a TOML file by path."""
    if str(preset_name_or_path) in PRESETS:
        return load_preset(str(preset_name_or_path))
    path = Path(preset_name_or_path)
    if not path.is_file():
        raise RuleSetError(
            "", f"{str(path)!r} is neither a preset ({', '.join(PRESETS)}) nor a readable file"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleSetError("", f"cannot read {str(path)!r}: {exc}") from None
    return parse_ruleset(text)
