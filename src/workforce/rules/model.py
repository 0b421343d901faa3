"""Plain data for the labour-rules engine: shifts in, hours and violations out, and the rule set itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import IntEnum


@dataclass(frozen=True, slots=True)
class Shift:
    """One stretch of recorded work.

    Naive datetimes are local wall-clock time. Aware datetimes are paid for the time actually elapsed, so a
    night across a DST change is 7 h or 9 h (shift-patterns.md §1, rule 1). `break_minutes` is unpaid time
    inside the shift (a bona fide meal, 29 CFR 785.19); it may be fractional so that one shift can be cut
    into pieces that each carry their exact share. Training counts as hours worked (29 CFR 785.27).
    """

    employee: str
    start: datetime
    end: datetime
    break_minutes: float = 0
    call_in: bool = False
    training: bool = False
    holiday: bool = False

    def __post_init__(self) -> None:
        if not self.end > self.start:
            raise ValueError(
                f"shift end {self.end:%Y-%m-%dT%H:%M} is not after start {self.start:%Y-%m-%dT%H:%M}"
            )
        if self.break_minutes < 0:
            raise ValueError(f"break_minutes must be >= 0, got {self.break_minutes}")
        if self.break_minutes * 60 > (self.end - self.start).total_seconds():
            raise ValueError(f"break of {self.break_minutes} min is longer than the shift")


@dataclass(frozen=True, slots=True)
class Violation:
    """A limit rule broken (or a warning raised) by the shift starting at `shift_start`."""

    rule: str
    employee: str
    shift_start: datetime
    detail: str
    clause: str


@dataclass(slots=True)
class Hours:
    """Hours in one period. Regular, overtime and double time make up hours_worked; the rest overlap them.

    night/sunday/holiday are hours that earn the rule set's premium (night differential stacks on top;
    Sunday and holiday hours are already counted in the tier their premium pays). call_in_pay_hours is the
    guaranteed-minimum top-up: paid, but not hours worked (29 CFR 778.221).
    """

    hours_worked: float = 0.0
    regular_hours: float = 0.0
    overtime_hours: float = 0.0
    double_time_hours: float = 0.0
    night_hours: float = 0.0
    sunday_hours: float = 0.0
    holiday_hours: float = 0.0
    training_hours: float = 0.0
    call_in_pay_hours: float = 0.0


@dataclass(slots=True)
class DayHours(Hours):
    """Hours of one workday; `day` is the calendar date on which the workday starts."""

    day: date = date.min


@dataclass(slots=True)
class WeekHours(Hours):
    """Hours of one workweek; `week_start` is the date on which the workweek starts."""

    week_start: date = date.min


@dataclass(slots=True)
class EmployeeResult:
    """One employee's workdays and workweeks in time order, and violations ordered by shift start."""

    employee: str
    days: list[DayHours]
    weeks: list[WeekHours]
    violations: list[Violation]


@dataclass(slots=True)
class EvaluationResult:
    """Per-employee breakdown, employees in sorted order."""

    ruleset: str
    employees: dict[str, EmployeeResult]

    @property
    def violations(self) -> list[Violation]:
        return [v for r in self.employees.values() for v in r.violations]


class Tier(IntEnum):
    """Pay tiers; an hour is paid at the single highest tier that applies (no pyramiding)."""

    REGULAR = 0
    OVERTIME = 1
    DOUBLE_TIME = 2


# --- rule set: one frozen dataclass per TOML table; a table left out of the file means the rule is off ---


@dataclass(frozen=True, slots=True)
class Calendar:
    workweek_start_day: int = 0  # Monday = 0, as date.weekday()
    workweek_start_time: time = time(0)
    workday_start: time = time(0)


@dataclass(frozen=True, slots=True)
class Pay:
    """Multipliers of the overtime and double-time tiers, for the payroll layer; the engine counts hours."""

    overtime_multiplier: float = 1.5
    double_time_multiplier: float = 2.0


@dataclass(frozen=True, slots=True)
class DailyOvertime:
    after_hours: float = 8.0
    double_time_after_hours: float | None = None


@dataclass(frozen=True, slots=True)
class WeeklyOvertime:
    after_hours: float = 40.0


@dataclass(frozen=True, slots=True)
class SeventhDay:
    double_time_after_hours: float = 8.0


@dataclass(frozen=True, slots=True)
class Premiums:
    sunday: Tier | None = None
    holiday: Tier | None = None


@dataclass(frozen=True, slots=True)
class NightDifferential:
    start: time = time(22)
    end: time = time(6)


@dataclass(frozen=True, slots=True)
class CallIn:
    minimum_hours: float = 4.0


@dataclass(frozen=True, slots=True)
class HoursLimit:
    hours: float
    clause: str


@dataclass(frozen=True, slots=True)
class WeeklyRest:
    hours: float
    window_days: int
    clause: str


@dataclass(frozen=True, slots=True)
class WeeklyAverage:
    hours: float
    reference_weeks: int
    clause: str


@dataclass(frozen=True, slots=True)
class RestBreak:
    after_hours: float
    min_minutes: float
    clause: str


@dataclass(frozen=True, slots=True)
class DaysLimit:
    days: int
    clause: str


@dataclass(frozen=True, slots=True)
class SplitWarning:
    after_hours: float
    clause: str


@dataclass(frozen=True, slots=True)
class Limits:
    break_gap_minutes: float = 60
    daily_rest: HoursLimit | None = None
    min_rest: HoursLimit | None = None
    weekly_rest: WeeklyRest | None = None
    max_weekly_average: WeeklyAverage | None = None
    rest_break: RestBreak | None = None
    max_hours_24h: HoursLimit | None = None
    max_consecutive_days: DaysLimit | None = None
    workday_split: SplitWarning | None = None


#: What a call list may be ordered by (`equalization.rank_by`, `equalization.forced_order`).
#: Ascending means: fewest charged hours, earliest seniority date (most senior), lowest employee number.
SORT_FIELDS = ("charged_hours", "seniority_date", "employee_number")


@dataclass(frozen=True, slots=True)
class SortKey:
    """One key of a call-list order; written `"name"` (ascending) or `"-name"` (descending) in TOML."""

    name: str
    descending: bool = False

    def __str__(self) -> str:
        return ("-" if self.descending else "") + self.name


@dataclass(frozen=True, slots=True)
class EqualizationRules:
    charge_refused: bool = True
    charge_no_answer: bool = True
    new_entrant_charge: str = "average"
    reset_on: tuple[int, int] = (1, 1)  # (month, day) the ledger restarts
    max_forced_per_month: int | None = None
    # overtime-and-union-rules.md §6 "Overtime distribution by equalization": lowest charged hours
    # first, ties to the most senior.
    rank_by: tuple[SortKey, ...] = (SortKey("charged_hours"), SortKey("seniority_date"))
    # §6 "Mandatory (forced) overtime": reverse seniority, least senior qualified first.
    forced_order: tuple[SortKey, ...] = (SortKey("seniority_date", True), SortKey("employee_number"))


@dataclass(frozen=True, slots=True)
class RuleSet:
    name: str
    description: str = ""
    calendar: Calendar = field(default_factory=Calendar)
    pay: Pay = field(default_factory=Pay)
    daily_overtime: DailyOvertime | None = None
    weekly_overtime: WeeklyOvertime | None = None
    seventh_day: SeventhDay | None = None
    premiums: Premiums = field(default_factory=Premiums)
    night_differential: NightDifferential | None = None
    call_in: CallIn | None = None
    limits: Limits = field(default_factory=Limits)
    equalization: EqualizationRules = field(default_factory=EqualizationRules)
