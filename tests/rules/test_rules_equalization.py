"""Overtime equalization (overtime-and-union-rules.md §6): offer order, exclusions, charging, forced order."""

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workforce.rules.equalization import (
    Candidate,
    Opportunity,
    Outcome,
    charge_for_outcome,
    describe_order,
    entry_charge,
    fairness_spread,
    forced_order,
    ledger_start,
    natural_key,
    order_candidates,
    rank_candidates,
    shared_order,
)
from workforce.rules.model import SORT_FIELDS, Shift, SortKey
from workforce.rules.ruleset import load_preset, parse_ruleset, preset_text

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


# --- the order is rule-set data (equalization.rank_by / forced_order) -------------------------------------


def with_order(rank_by: str = "", forced: str = ""):
    """example-cba with its [equalization] orders replaced, as a site would write them."""
    text = preset_text("example-cba")
    if rank_by:
        text = text.replace('rank_by = ["charged_hours", "seniority_date"]', f"rank_by = {rank_by}")
    if forced:
        text = text.replace(
            'forced_order = ["-seniority_date", "employee_number"]', f"forced_order = {forced}"
        )
    return parse_ruleset(text)


NUMBERED = [
    replace(c, employee_number=n) for c, n in zip(GROUP, ["E10", "E2", "E9", "E1", "E3"], strict=True)
]


def test_rank_by_seniority_first_ignores_charged_hours_order():
    rules = with_order(rank_by='["seniority_date"]')
    ranking = rank_candidates(GROUP, SATURDAY, rules)
    assert names(ranking.eligible) == ["Ana", "Ben", "Cho", "Dev", "Eli"]  # most senior first
    assert ranking.eligible[0].reasons == ("seniority 2008-01-07",)


def test_rank_by_descending_keys_and_employee_number_tie_break():
    # Highest charged first; Ben (E2) and Cho (E9) tie on 36 h and go by employee number, digit runs
    # compared as numbers.
    rules = with_order(rank_by='["-charged_hours", "employee_number"]')
    ranking = rank_candidates(NUMBERED, SATURDAY, rules)
    assert names(ranking.eligible) == ["Dev", "Ana", "Ben", "Cho", "Eli"]
    assert ranking.eligible[2].reasons == ("36 h charged, most charged first", "employee number E2")
    # The same people, the default rule set: unchanged notes' order.
    assert names(rank_candidates(NUMBERED, SATURDAY, CBA).eligible) == ["Eli", "Ben", "Cho", "Ana", "Dev"]


def test_forced_order_from_the_rule_set():
    least_charged = with_order(forced='["charged_hours", "-seniority_date"]')
    assert names(forced_order(GROUP, SATURDAY, least_charged).eligible) == ["Eli", "Cho", "Ben", "Ana", "Dev"]
    by_number = with_order(forced='["employee_number"]')  # E1 Dev, E2 Ben, E3 Eli, E9 Cho, E10 Ana
    assert names(forced_order(NUMBERED, SATURDAY, by_number).eligible) == ["Dev", "Ben", "Eli", "Cho", "Ana"]
    # Default: reverse seniority; equal seniority dates go by employee number (E1 before E10).
    tied = [replace(c, seniority_date=date(2015, 1, 1)) for c in NUMBERED]
    assert names(forced_order(tied, SATURDAY, CBA).eligible) == ["Dev", "Ben", "Eli", "Cho", "Ana"]
    assert forced_order(tied, SATURDAY, CBA).eligible[0].reasons == (
        "seniority 2015-01-01, least senior first",
        "employee number E1",
    )


def test_an_explicit_order_overrides_the_rule_set():
    order = (SortKey("seniority_date", descending=True),)
    assert names(rank_candidates(GROUP, SATURDAY, CBA, order=order).eligible) == [
        "Eli",
        "Dev",
        "Cho",
        "Ben",
        "Ana",
    ]


def test_orders_in_words():
    default = CBA.equalization
    assert describe_order(default.rank_by) == (
        "Lowest hours charged this period first, ties to the earliest seniority date (most senior)."
    )
    assert describe_order(default.forced_order) == (
        "Latest seniority date (least senior) first, ties to the lowest employee number."
    )
    three = (SortKey("charged_hours", True), SortKey("seniority_date"), SortKey("employee_number", True))
    assert describe_order(three) == (
        "Highest hours charged this period first, ties to the earliest seniority date (most senior), "
        "then the highest employee number."
    )


def test_one_order_for_a_group_judged_by_several_rule_sets():
    mine = (SortKey("seniority_date"),)
    plant = CBA.equalization.rank_by
    assert shared_order([mine, mine], plant) == (mine, False)  # they agree: theirs
    assert shared_order([mine, plant], plant) == (plant, True)  # they differ: the plant default's
    assert shared_order([], plant) == (plant, False)  # nobody in the group


def test_employee_numbers_compare_digit_runs_as_numbers():
    assert sorted(["E10", "E9", "e1", "E100", "D5"], key=natural_key) == ["D5", "e1", "E9", "E10", "E100"]
    assert natural_key("T001") == natural_key("t1")


# Candidates with few distinct values, so ties on every key are common.
people = st.builds(
    Candidate,
    employee_id=st.integers(1, 10_000).map(str),
    name=st.just("x"),
    crew=st.just("A"),
    bargaining_unit=st.just("UAW-1"),
    seniority_date=st.integers(0, 5).map(lambda d: date(2010, 1, 1) + timedelta(days=365 * d)),
    charged_hours=st.sampled_from([0.0, 8.0, 8.5, 16.0]),
    employee_number=st.integers(1, 30).map(lambda n: f"E{n}"),
)
orders = st.lists(st.sampled_from(SORT_FIELDS), min_size=1, max_size=3, unique=True).flatmap(
    lambda fields: st.tuples(*(st.builds(SortKey, st.just(f), st.booleans()) for f in fields))
)


def _value(c: Candidate, key: SortKey):
    if key.name == "employee_number":
        return natural_key(c.employee_number)
    return getattr(c, key.name)


@settings(max_examples=300, deadline=None)
@given(st.lists(people, max_size=12, unique_by=lambda c: c.employee_id), orders)
def test_ranking_is_a_permutation_in_the_rule_sets_order(group, order):
    rules = replace(CBA, equalization=replace(CBA.equalization, rank_by=order, forced_order=order))
    for ranking in (rank_candidates(group, SATURDAY, rules), forced_order(group, SATURDAY, rules)):
        ranked = [r.candidate for r in ranking.eligible]
        assert sorted(c.employee_id for c in ranked) == sorted(c.employee_id for c in group)  # everyone, once
        assert ranking.excluded == ()
        for a, b in zip(ranked, ranked[1:], strict=False):
            # Lexicographic in the order's keys: the first key that differs decides, in its direction;
            # equal on every key: the lower employee id first.
            for key in order:
                va, vb = _value(a, key), _value(b, key)
                if va != vb:
                    assert (va > vb) if key.descending else (va < vb)
                    break
            else:
                assert int(a.employee_id) < int(b.employee_id)
        first = order[0]
        values = [_value(c, first) for c in ranked]
        assert values == sorted(values, reverse=first.descending)  # the first key above all
        # Ranking is deterministic: shuffled input, same order.
        assert order_candidates(list(reversed(group)), order) == ranked
