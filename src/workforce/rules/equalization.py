"""Who is offered overtime, in what order: CBA equalization and forced (mandatory) overtime.

overtime-and-union-rules.md §6: offer to the qualified employee with the lowest charged hours, ties to
the most senior; refused or unanswered offers are charged as if worked (per rule set); if volunteers run
short, force by reverse seniority, with caps and the same exemptions (leave, rest-rule conflict).

Both orders are contract terms, so they are rule-set data (`equalization.rank_by`, `forced_order`: lists
of SortKey); the defaults are the notes' orders above. Full ties go to the lower employee id, so an
order is always total and the same list is ranked the same way every time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from .engine import check_extra_shift
from .model import RuleSet, Shift, SortKey


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    NO_ANSWER = "no_answer"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One member of the equalization group. `qualified` None: the work needs no qualification check."""

    employee_id: str
    name: str
    crew: str | None
    bargaining_unit: str | None
    seniority_date: date
    on_leave: bool = False
    charged_hours: float = 0.0
    qualified: bool | None = None
    shifts: tuple[Shift, ...] = ()
    forced_this_month: int = 0
    #: For `employee_number` orders; "" falls back to `employee_id`.
    employee_number: str = ""


@dataclass(frozen=True, slots=True)
class Opportunity:
    """The overtime to fill; crew / bargaining unit None means anyone in the group may take it."""

    start: datetime
    end: datetime
    hours: float
    crew: str | None = None
    bargaining_unit: str | None = None
    station: str | None = None
    break_minutes: float = 0


@dataclass(frozen=True, slots=True)
class Ranked:
    candidate: Candidate
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ranking:
    """Eligible candidates in offer order, and the excluded ones with every reason that applies."""

    eligible: tuple[Ranked, ...]
    excluded: tuple[Ranked, ...]


def rank_candidates(
    candidates: Iterable[Candidate],
    opportunity: Opportunity,
    rules: RuleSet,
    holidays: Iterable[date] = (),
    order: Sequence[SortKey] | None = None,
) -> Ranking:
    """Voluntary offer order: `order`, else the rule set's `equalization.rank_by` (default: lowest charged
    hours first, ties to the earliest seniority date, §6 "Overtime distribution by equalization")."""
    order = tuple(order if order is not None else rules.equalization.rank_by)
    eligible, excluded = _screen(candidates, opportunity, rules, frozenset(holidays), forced=False)
    ranked = tuple(Ranked(c, explain(c, order)) for c in order_candidates(eligible, order))
    return Ranking(ranked, tuple(excluded))


def forced_order(
    candidates: Iterable[Candidate],
    opportunity: Opportunity,
    rules: RuleSet,
    holidays: Iterable[date] = (),
    order: Sequence[SortKey] | None = None,
) -> Ranking:
    """Mandatory overtime order, skipping exempt and capped employees: `order`, else the rule set's
    `equalization.forced_order` (default: least senior first, §6 "Mandatory (forced) overtime")."""
    order = tuple(order if order is not None else rules.equalization.forced_order)
    eligible, excluded = _screen(candidates, opportunity, rules, frozenset(holidays), forced=True)
    ranked = tuple(Ranked(c, explain(c, order)) for c in order_candidates(eligible, order))
    return Ranking(ranked, tuple(excluded))


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key that reads digit runs as numbers: "E9" before "E10", id "9" before "10"."""
    parts = re.split(r"(\d+)", text.casefold())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def _sort_value(candidate: Candidate, name: str) -> Any:
    if name == "charged_hours":
        return candidate.charged_hours
    if name == "seniority_date":
        return candidate.seniority_date
    if name == "employee_number":
        return natural_key(candidate.employee_number or candidate.employee_id)
    raise ValueError(f"unknown sort key {name!r}")


def order_candidates(candidates: Iterable[Candidate], order: Sequence[SortKey]) -> list[Candidate]:
    """The candidates sorted by `order` (each key ascending or descending), full ties by employee id."""
    out = sorted(candidates, key=lambda c: natural_key(c.employee_id))
    for key in reversed(order):  # stable sorts, least significant key first
        out.sort(key=lambda c, name=key.name: _sort_value(c, name), reverse=key.descending)
    return out


_PHRASES = {
    # name: (ascending, descending), as read on the call list
    "charged_hours": ("lowest hours charged this period", "highest hours charged this period"),
    "seniority_date": ("earliest seniority date (most senior)", "latest seniority date (least senior)"),
    "employee_number": ("lowest employee number", "highest employee number"),
}


def describe_order(order: Sequence[SortKey]) -> str:
    """The order in words: "Lowest hours charged this period first, ties to the earliest seniority date
    (most senior)." """
    phrases = [_PHRASES[k.name][k.descending] for k in order]
    if not phrases:
        return ""
    text = phrases[0][0].upper() + phrases[0][1:] + " first"
    if len(phrases) > 1:
        text += ", ties to the " + phrases[1]
    for phrase in phrases[2:]:
        text += ", then the " + phrase
    return text + "."


_EXPLAIN = {
    # name: (text of the candidate's value, what descending adds)
    "charged_hours": (lambda c: f"{c.charged_hours:g} h charged", ", most charged first"),
    "seniority_date": (lambda c: f"seniority {c.seniority_date.isoformat()}", ", least senior first"),
    "employee_number": (
        lambda c: f"employee number {c.employee_number or c.employee_id}",
        ", highest first",
    ),
}


def explain(candidate: Candidate, order: Sequence[SortKey]) -> tuple[str, ...]:
    """Why the candidate stands where they do: their value of each key of the order."""
    return tuple(
        _EXPLAIN[k.name][0](candidate) + (_EXPLAIN[k.name][1] if k.descending else "") for k in order
    )


def shared_order(
    orders: Iterable[Sequence[SortKey]], fallback: Sequence[SortKey]
) -> tuple[tuple[SortKey, ...], bool]:
    """The one order for a call list whose people are judged by several rule sets: theirs when they all
    agree, else `fallback` (the plant default's). Returns (order, True when the fallback was needed)."""
    distinct = {tuple(o) for o in orders}
    if len(distinct) == 1:
        return next(iter(distinct)), False
    return tuple(fallback), len(distinct) > 1


def _screen(
    candidates: Iterable[Candidate],
    opportunity: Opportunity,
    rules: RuleSet,
    holidays: frozenset[date],
    forced: bool,
) -> tuple[list[Candidate], list[Ranked]]:
    eligible: list[Candidate] = []
    excluded: list[Ranked] = []
    for candidate in candidates:
        reasons = _exclusions(candidate, opportunity, rules, holidays, forced)
        if reasons:
            excluded.append(Ranked(candidate, tuple(reasons)))
        else:
            eligible.append(candidate)
    excluded.sort(key=lambda r: r.candidate.employee_id)
    return eligible, excluded


def _exclusions(
    candidate: Candidate, opportunity: Opportunity, rules: RuleSet, holidays: frozenset[date], forced: bool
) -> list[str]:
    reasons = []
    if candidate.on_leave:
        reasons.append("on leave")
    if opportunity.crew is not None and candidate.crew != opportunity.crew:
        reasons.append(f"crew {candidate.crew or 'none'}, the work is for crew {opportunity.crew}")
    if opportunity.bargaining_unit is not None and candidate.bargaining_unit != opportunity.bargaining_unit:
        unit = candidate.bargaining_unit or "none"
        reasons.append(f"bargaining unit {unit}, the work is for {opportunity.bargaining_unit}")
    if candidate.qualified is False:
        reasons.append(
            f"not qualified for station {opportunity.station}" if opportunity.station else "not qualified"
        )
    cap = rules.equalization.max_forced_per_month
    if forced and cap is not None and candidate.forced_this_month >= cap:
        reasons.append(f"already forced {candidate.forced_this_month} times this month (maximum {cap})")
    own = [
        s if s.employee == candidate.employee_id else replace(s, employee=candidate.employee_id)
        for s in candidate.shifts
    ]
    extra = Shift(candidate.employee_id, opportunity.start, opportunity.end, opportunity.break_minutes)
    for violation in check_extra_shift(rules, own, extra, holidays):
        if violation.rule == "overlap":
            reasons.append(f"already working: {violation.detail}")
        else:
            reasons.append(f"would break {violation.rule}: {violation.detail}")
    return reasons


def charge_for_outcome(outcome: Outcome | str, hours: float, rules: RuleSet) -> float:
    """Hours charged to the ledger for one offer: worked hours always; refused / unanswered per rule set."""
    outcome = Outcome(outcome)
    if outcome is Outcome.ACCEPTED:
        return hours
    if outcome is Outcome.REFUSED:
        return hours if rules.equalization.charge_refused else 0.0
    return hours if rules.equalization.charge_no_answer else 0.0


def entry_charge(group_charges: Iterable[float], rules: RuleSet) -> float:
    """Charged hours a new entrant or transferee starts with (§6: the group's average, or highest)."""
    charges = list(group_charges)
    if not charges or rules.equalization.new_entrant_charge == "zero":
        return 0.0
    if rules.equalization.new_entrant_charge == "highest":
        return max(charges)
    return sum(charges) / len(charges)


def ledger_start(day: date, rules: RuleSet) -> date:
    """First day of the ledger period containing `day` (§6: the ledger resets on a fixed date)."""
    month, dom = rules.equalization.reset_on

    def reset(year: int) -> date:
        return date(year, month, min(dom, 28) if (month, dom) == (2, 29) and not _leap(year) else dom)

    this_year = reset(day.year)
    return this_year if this_year <= day else reset(day.year - 1)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def fairness_spread(charged_by_employee: Mapping[str, float]) -> float:
    """Highest minus lowest charged hours in the group: 0 is perfectly equalized."""
    if not charged_by_employee:
        return 0.0
    return max(charged_by_employee.values()) - min(charged_by_employee.values())
