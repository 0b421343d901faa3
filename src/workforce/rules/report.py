"""Evaluation results as the CLI's JSON document and as a plain-text table."""

from __future__ import annotations

from typing import Any

from .limits import stamp
from .model import EvaluationResult

WEEK_FIGURES = ("hours_worked", "regular_hours", "overtime_hours", "double_time_hours")


def _round(hours: float) -> float:
    return round(hours, 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def summary(result: EvaluationResult, rules_label: str) -> dict[str, Any]:
    """The `workforce overtime evaluate` JSON contract: weeks with hours, violations, all sorted."""
    employees = []
    for employee, outcome in sorted(result.employees.items()):
        weeks = [
            {"week_start": week.week_start.isoformat(), **{k: _round(getattr(week, k)) for k in WEEK_FIGURES}}
            for week in outcome.weeks
            if week.hours_worked > 0
        ]
        violations = [
            {"rule": v.rule, "at": stamp(v.shift_start), "detail": v.detail}
            for v in sorted(outcome.violations, key=lambda v: (v.shift_start, v.rule, v.detail))
        ]
        employees.append({"employee": employee, "weeks": weeks, "violations": violations})
    return {"rules": rules_label, "employees": employees}


_TABLE_COLUMNS = (
    ("week", "week_start"),
    ("worked", "hours_worked"),
    ("regular", "regular_hours"),
    ("overtime", "overtime_hours"),
    ("double", "double_time_hours"),
    ("night", "night_hours"),
    ("sunday", "sunday_hours"),
    ("holiday", "holiday_hours"),
    ("call-in pay", "call_in_pay_hours"),
)


def format_table(result: EvaluationResult, rules_label: str) -> str:
    """Weeks per employee with every hour figure, then the violations."""
    lines = [f"Rules: {rules_label} ({result.ruleset})", ""]
    header = ["employee"] + [title for title, _ in _TABLE_COLUMNS]
    body: list[list[str]] = []
    for employee, outcome in sorted(result.employees.items()):
        for week in outcome.weeks:
            if week.hours_worked > 0:
                cells = [week.week_start.isoformat()] + [
                    f"{getattr(week, k):.2f}" for _, k in _TABLE_COLUMNS[1:]
                ]
                body.append([employee, *cells])
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    for row in [header, *body]:
        lines.append(
            "  ".join(
                cell.ljust(w) if i < 2 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
    violations = sorted(result.violations, key=lambda v: (v.employee, v.shift_start, v.rule))
    lines += ["", f"Violations: {len(violations)}"]
    lines += [
        f"  {v.employee}  {stamp(v.shift_start)}  {v.rule}: {v.detail} [{v.clause}]" for v in violations
    ]
    return "\n".join(lines)
