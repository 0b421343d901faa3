"""Properties of the recordability engine over generated facts (hypothesis)."""

from hypothesis import assume, given
from hypothesis import strategies as st

from workforce.incidents.osha import (
    CASE_TYPES,
    DAY_CAP,
    FIRST_AID,
    PRIVACY_REASONS,
    TREATMENTS,
    FactsError,
    classify,
    parse_facts,
)

COLUMN_OF = {"death": "G", "days_away": "H", "restricted_or_transfer": "I", "other_recordable": "J"}
days = st.integers(min_value=0, max_value=400)

any_facts = st.fixed_dictionaries(
    {"work_related": st.booleans(), "new_case": st.booleans(), "case_type": st.sampled_from(CASE_TYPES)},
    optional={
        "death": st.booleans(),
        "days_away": days,
        "restricted_days": days,
        "job_transfer_days": days,
        "treatments": st.lists(st.sampled_from(TREATMENTS), max_size=4),
        "loss_of_consciousness": st.booleans(),
        "significant_diagnosis": st.booleans(),
        "needlestick_contaminated": st.booleans(),
        "medical_removal": st.booleans(),
        "hearing_sts": st.booleans(),
        "tuberculosis": st.booleans(),
        "privacy_reasons": st.lists(st.sampled_from(PRIVACY_REASONS), max_size=3),
    },
)


def valid(facts: dict) -> dict:
    try:
        parse_facts(facts)
    except FactsError:
        assume(False)
    return facts


@given(any_facts, st.sampled_from(FIRST_AID))
def test_adding_first_aid_never_makes_a_case_recordable(facts, first_aid):
    before = classify(valid(facts))
    after = classify({**facts, "treatments": [*facts.get("treatments", []), first_aid]})
    assert after["recordable"] == before["recordable"]
    if before["recordable"]:
        assert after == before  # first aid changes nothing on a recordable case


@given(any_facts)
def test_result_is_internally_consistent(facts):
    result = classify(valid(facts))
    assert result["basis"]
    if not result["recordable"]:
        assert result == {
            **result,
            "outcome": None,
            "column": None,
            "days_away": 0,
            "restricted_or_transfer_days": 0,
            "type_column": None,
            "privacy_case": False,
        }
        return
    assert result["column"] == COLUMN_OF[result["outcome"]]
    assert result["days_away"] + result["restricted_or_transfer_days"] <= DAY_CAP
    assert result["days_away"] <= facts.get("days_away", 0)
    assert result["type_column"] in {"M1", "M2", "M3", "M4", "M5", "M6"}


@given(any_facts)
def test_cap_changes_day_counts_only(facts):
    capped, full = classify(valid(facts)), classify(facts, cap_days=False)
    assert capped["column"] == full["column"]
    if full["recordable"]:
        assert full["days_away"] == facts.get("days_away", 0)
        assert full["restricted_or_transfer_days"] == (
            facts.get("restricted_days", 0) + facts.get("job_transfer_days", 0)
        )


@given(any_facts)
def test_not_work_related_is_never_recordable(facts):
    assert classify(valid({**facts, "work_related": False}))["recordable"] is False
