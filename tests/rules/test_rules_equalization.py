"""Overtime equalization (overtime-and-union-rules.md §6): offer order, exclusions, charging, forced order."""

from dataclasses import replace
from datetime import date, datetime

import pytest

from workforce.rules.equalization import (
    Candidate,
    Opportunity,
    Outcome,
    charge_for_outcome,
    entry_charge,
    fairness_spread,
    forced_order,
    ledger_start,
    rank_candidates,
)
from workforce.rules.model import Shift
from workforce.rules.ruleset import load_preset

CBA = load_preset("example-cba")
SATURDAY = Opportunity(
    datetime(2026, 1, 10, 6), datetime(2026, 1, 10, 14), hours=8, crew="A", station="Press 4"
)


def member(name: str, seniority: str, charged: float, **changes) -> Candidate:
    base = Candidate(
        name, name, "A", "UAW-1", date.fromisoformat(seniority), charged_hours=charged, qualified=True
    )
    return replace(base, **changes)


GROUP = [
    member("Ana", "2008-01-07", 42),
    member("Ben", "2012-05-14", 36),
    member("Cho", "2015-09-08", 36),
    member("Dev", "2019-11-18", 50),
    member("Eli", "2022-03-01", 20),
]


def names(ranked) -> list[str]:
    return [r.candidate.name for r in ranked]


def test_notes_example_offers_lowest_charged_first_ties_to_the_senior():
    ranking = rank_candidates(GROUP, SATURDAY, CBA)
    assert names(ranking.eligible) == ["Eli", "Ben", "Cho", "Ana", "Dev"]
    assert ranking.eligible[1].reasons == ("36 h charged", "seniority 2012-05-14")
    assert ranking.excluded == ()


def test_notes_example_charges_after_two_acceptances_and_a_refusal():
    answers = {"Eli": Outcome.ACCEPTED, "Ben": Outcome.REFUSED, "Cho": Outcome.ACCEPTED}
    after = {
        c.name: c.charged_hours + charge_for_outcome(answers.get(c.name, "accepted"), 8, CBA)
        if c.name in answers
        else c.charged_hours
        for c in GROUP
    }
    assert after == {"Eli": 28, "Ben": 44, "Cho": 44, "Ana": 42, "Dev": 50}
    assert fairness_spread(after) == 22


@pytest.mark.parametrize(
    ("setting", "outcome", "charged"),
    [
        ("charge_refused", "refused", 0.0),
        ("charge_no_answer", "no_answer", 0.0),
        ("charge_refused", "accepted", 8),
    ],
)
def test_charging_of_refusals_and_no_answers_follows_the_rule_set(setting, outcome, charged):
    rules = replace(CBA, equalization=replace(CBA.equalization, **{setting: False}))
    assert charge_for_outcome(outcome, 8, rules) == charged
    assert charge_for_outcome(outcome, 8, CBA) == 8


def test_excluded_candidates_carry_every_reason():
    shifts = (Shift("Ana", datetime(2026, 1, 9, 16), datetime(2026, 1, 9, 23, 30)),)
    group = [
        member("Ana", "2008-01-07", 10, shifts=shifts),
        member("Ben", "2012-05-14", 10, on_leave=True, crew="B"),
        member("Cho", "2015-09-08", 10, qualified=False),
        member("Dev", "2019-11-18", 10, qualified=None),
        member(
            "Eli",
            "2022-03-01",
            10,
            shifts=(Shift("Eli", datetime(2026, 1, 10, 4), datetime(2026, 1, 10, 8)),),
        ),
    ]
    ranking = rank_candidates(group, SATURDAY, CBA)
    assert names(ranking.eligible) == ["Dev"]  # qualified None: no qualification check for this work
    reasons = {r.candidate.name: r.reasons for r in ranking.excluded}
    assert reasons == {
        "Ana": ("would break min_rest: only 6.5 h since shift ending 2026-01-09T23:30 (minimum 8 h)",),
        "Ben": ("on leave", "crew B, the work is for crew A"),
        "Cho": ("not qualified for station Press 4",),
        "Eli": ("already working: overlaps shift 2026-01-10T04:00 to 2026-01-10T08:00",),
    }


def test_bargaining_unit_constraint_excludes_other_units():
    opportunity = replace(SATURDAY, crew=None, bargaining_unit="UAW-1")
    outsider = member("Fay", "2010-01-01", 0, bargaining_unit="IAM-9")
    ranking = rank_candidates([outsider, GROUP[0]], opportunity, CBA)
    assert names(ranking.eligible) == ["Ana"]
    assert ranking.excluded[0].reasons == ("bargaining unit IAM-9, the work is for UAW-1",)


def test_forced_overtime_goes_to_the_least_senior_eligible_first():
    group = [*GROUP[:4], replace(GROUP[4], on_leave=True)]
    ranking = forced_order(group, SATURDAY, CBA)
    assert names(ranking.eligible) == ["Dev", "Cho", "Ben", "Ana"]
    assert names(ranking.excluded) == ["Eli"]


def test_forced_overtime_cap_exempts_those_already_forced():
    rules = replace(CBA, equalization=replace(CBA.equalization, max_forced_per_month=2))
    group = [replace(GROUP[3], forced_this_month=2), GROUP[2]]
    ranking = forced_order(group, SATURDAY, rules)
    assert names(ranking.eligible) == ["Cho"]
    assert ranking.excluded[0].reasons == ("already forced 2 times this month (maximum 2)",)
    assert names(rank_candidates(group, SATURDAY, rules).eligible) == ["Cho", "Dev"]  # the cap is for forcing


def test_new_entrant_starts_at_the_group_average_or_highest():
    charges = [20, 36, 36, 42, 50]
    assert entry_charge(charges, CBA) == pytest.approx(36.8)
    highest = replace(CBA, equalization=replace(CBA.equalization, new_entrant_charge="highest"))
    assert entry_charge(charges, highest) == 50
    assert entry_charge([], CBA) == 0


def test_ledger_period_starts_on_the_reset_date():
    assert ledger_start(date(2026, 3, 5), CBA) == date(2026, 1, 1)
    quarterly_ish = replace(CBA, equalization=replace(CBA.equalization, reset_on=(7, 1)))
    assert ledger_start(date(2026, 3, 5), quarterly_ish) == date(2025, 7, 1)
    assert ledger_start(date(2026, 7, 1), quarterly_ish) == date(2026, 7, 1)


def test_fairness_spread_of_an_empty_group_is_zero():
    assert fairness_spread({}) == 0
    assert fairness_spread({"a": 12.5}) == 0
