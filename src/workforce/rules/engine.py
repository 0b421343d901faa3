"""Evaluate shifts against a rule set: hours per workday and workweek, and the limits they break."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from operator import truediv

from .allocation import DAY, SLOTS, UNITS_PER_HOUR, WEEK, Plan, allocate, rows_of
from .limits import check_limits
from .model import DayHours, EmployeeResult, EvaluationResult, RuleSet, Shift, Violation, WeekHours


def evaluate(
    rules: RuleSet, shifts: Iterable[Shift], holidays: Iterable[date] = frozenset()
) -> EvaluationResult:
    """Hours (regular, overtime, double time, premiums) per employee, workday and workweek, plus violations.

    `holidays` are the public holidays whose hours earn the rule set's holiday premium; a shift flagged
    `holiday=True` earns it whatever its date.
    """
    plan = Plan.of(rules, frozenset(day.toordinal() for day in holidays))
    by_employee: dict[str, list[Shift]] = {}
    for shift in shifts:
        by_employee.setdefault(shift.employee, []).append(shift)
    return EvaluationResult(
        ruleset=rules.name,
        employees={emp: _employee(rules, plan, emp, by_employee[emp]) for emp in sorted(by_employee)},
    )


def check_extra_shift(
    rules: RuleSet, existing_shifts: Iterable[Shift], new_shift: Shift, holidays: Iterable[date] = frozenset()
) -> list[Violation]:
    """Violations the new shift would add to its employee's record (a worsened breach counts as new).

    Used for overtime-equalization eligibility and live roster checks; other employees' shifts are ignored.
    """
    plan = Plan.of(rules, frozenset(day.toordinal() for day in holidays))
    own = [s for s in existing_shifts if s.employee == new_shift.employee]
    before = set(_employee(rules, plan, new_shift.employee, own).violations)
    after = _employee(rules, plan, new_shift.employee, [*own, new_shift]).violations
    return [v for v in after if v not in before]


def _employee(rules: RuleSet, plan: Plan, employee: str, shifts: list[Shift]) -> EmployeeResult:
    rows = rows_of(shifts)
    alloc = allocate(plan, rows)
    violations = check_limits(employee, rules.limits, plan, rows, alloc)
    violations.sort(key=lambda v: (v.shift_start, v.rule, v.detail))
    days = [DayHours(*_hours(alloc.days[k]), day=date.fromordinal(k)) for k in sorted(alloc.days)]
    weeks = [
        WeekHours(
            *_hours(alloc.weeks[k]), week_start=date.fromordinal((plan.workweek_offset + k * WEEK) // DAY)
        )
        for k in sorted(alloc.weeks)
    ]
    return EmployeeResult(employee, days, weeks, violations)


_PER_HOUR = (UNITS_PER_HOUR,) * SLOTS


def _hours(units: list[int]) -> Iterator[float]:
    return map(truediv, units, _PER_HOUR)
