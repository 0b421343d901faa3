"""Evaluate shifts against a rule set: hours per workday and workweek, and the limits they break."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from datetime import date
from operator import truediv
from typing import Any

from .allocation import DAY, SLOTS, UNITS_PER_HOUR, WEEK, Allocation, Plan, allocate, rows_of
from .context import around, reset_gap
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


def plan_for(rules: RuleSet, holidays: Iterable[date] = frozenset()) -> Plan:
    """The rule set turned into offsets and thresholds, once, for evaluate_employee on many records."""
    return Plan.of(rules, frozenset(day.toordinal() for day in holidays))


def evaluate_employee(rules: RuleSet, employee: str, shifts: Iterable[Shift], plan: Plan) -> EmployeeResult:
    """evaluate() for one employee's shifts (others' are ignored), with a Plan made once by plan_for:
    `evaluate(rules, shifts, holidays).employees[employee]`, without the per-call set-up."""
    return _employee(rules, plan, employee, [s for s in shifts if s.employee == employee])


def check_extra_shift(
    rules: RuleSet, existing_shifts: Iterable[Shift], new_shift: Shift, holidays: Iterable[date] = frozenset()
) -> list[Violation]:
    """Violations the new shift would add to its employee's record (a worsened breach counts as new).

    Used for overtime-equalization eligibility and live roster checks; other employees' shifts are ignored.
    Only the stretch of the record between the long breaks around the new shift is evaluated
    (context.around): nothing outside it changes, and nothing inside it depends on the rest.
    """
    plan = Plan.of(rules, frozenset(day.toordinal() for day in holidays))
    own = around(
        [s for s in existing_shifts if s.employee == new_shift.employee], new_shift, reset_gap(rules)
    )
    key = (rules, tuple(own), new_shift, plan.holidays)
    found = _extra_checks.get(key)
    if found is None:
        before = set(_violations(rules, plan, new_shift.employee, own))
        after = _violations(rules, plan, new_shift.employee, [*own, new_shift])
        after.sort(key=lambda v: (v.shift_start, v.rule, v.detail))
        found = _extra_checks[key] = tuple(v for v in after if v not in before)
        if len(_extra_checks) > EXTRA_CHECK_CACHE_SIZE:
            _extra_checks.popitem(last=False)
    else:
        _extra_checks.move_to_end(key)
    return list(found)


#: check_extra_shift's answers by their exact inputs (a call list shown again after each recorded answer
#: asks the same questions); least recently used out.
EXTRA_CHECK_CACHE_SIZE = 4096
_extra_checks: OrderedDict[tuple[Any, ...], tuple[Violation, ...]] = OrderedDict()


def _violations(rules: RuleSet, plan: Plan, employee: str, shifts: list[Shift]) -> list[Violation]:
    """The limit side of _employee alone; hours are worked out only for the limits that read them."""
    rows = rows_of(shifts)
    limits = rules.limits
    needs_hours = limits.max_consecutive_days is not None or limits.max_weekly_average is not None
    return check_limits(employee, limits, plan, rows, allocate(plan, rows) if needs_hours else Allocation())


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
