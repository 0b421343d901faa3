"""Who is offered overtime, in what order: CBA equalization and forced (mandatory) overtime.

overtime-and-union-rules.md §6: offer to the qualified employee with the lowest charged hours, ties to
the most senior; refused or unanswered offers are charged as if worked (per rule set); if volunteers run
short, force by reverse seniority, with caps and the same exemptions (leave, rest-rule conflict).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from .engine import check_extra_shift
from .model import RuleSet, Shift


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
    candidates: Iterable[Candidate], opportunity: Opportunity, rules: RuleSet, holidays: Iterable[date] = ()
) -> Ranking:
    """Voluntary offer order: lowest charged hours first, ties to the earliest seniority date (§6)."""
    eligible, excluded = _screen(candidates, opportunity, rules, frozenset(holidays), forced=False)
    eligible.sort(key=lambda c: (c.charged_hours, c.seniority_date, c.employee_id))
    ranked = tuple(
        Ranked(c, (f"{c.charged_hours:g} h charged", f"seniority {c.seniority_date.isoformat()}"))
        for c in eligible
    )
    return Ranking(ranked, tuple(excluded))


def forced_order(
    candidates: Iterable[Candidate], opportunity: Opportunity, rules: RuleSet, holidays: Iterable[date] = ()
) -> Ranking:
    """Mandatory overtime order: least senior qualified first, skipping exempt and capped employees (§6)."""
    eligible, excluded = _screen(candidates, opportunity, rules, frozenset(holidays), forced=True)
    eligible.sort(key=lambda c: (-c.seniority_date.toordinal(), c.employee_id))
    ranked = tuple(
        Ranked(c, (f"seniority {c.seniority_date.isoformat()}, least senior first",)) for c in eligible
    )
    return Ranking(ranked, tuple(excluded))


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
