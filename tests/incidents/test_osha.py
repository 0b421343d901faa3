"""Recordability engine: 29 CFR 1904.4-1904.11 and 1904.29 decisions, one clause per test group."""

import pytest

from workforce.incidents.osha import (
    CASE_TYPES,
    FIRST_AID,
    FIRST_AID_CLAUSES,
    LABELS,
    MEDICAL_TREATMENT,
    NEITHER,
    PRIVACY_REASONS,
    TREATMENTS,
    WIZARD_STEPS,
    Facts,
    FactsError,
    classify,
    hearing_test,
    parse_facts,
)

RESULT_KEYS = [
    "recordable",
    "outcome",
    "column",
    "days_away",
    "restricted_or_transfer_days",
    "type_column",
    "privacy_case",
    "basis",
]


def case(**facts):
    return {"work_related": True, "new_case": True, "case_type": "injury", **facts}


def not_recordable(basis):
    return {
        "recordable": False,
        "outcome": None,
        "column": None,
        "days_away": 0,
        "restricted_or_transfer_days": 0,
        "type_column": None,
        "privacy_case": False,
        "basis": basis,
    }


def test_code_lists_cover_the_complete_first_aid_list_and_do_not_overlap():
    assert len(FIRST_AID) == 14  # 1904.7(b)(5)(ii)(A)-(N)
    assert FIRST_AID_CLAUSES["otc_medication"] == "1904.7(b)(5)(ii)(A)"
    assert FIRST_AID_CLAUSES["fluids_heat_stress"] == "1904.7(b)(5)(ii)(N)"
    assert len(set(TREATMENTS)) == len(FIRST_AID) + len(MEDICAL_TREATMENT) + len(NEITHER)
    assert all(code in LABELS for code in TREATMENTS + PRIVACY_REASONS + CASE_TYPES)


# --- 1904.7(b)(5): first aid vs medical treatment ----------------------------------------------------------


@pytest.mark.parametrize("code", FIRST_AID)
def test_first_aid_alone_is_not_recordable(code):
    assert classify(case(treatments=[code])) == not_recordable(["1904.7(a)", "1904.7(b)(5)(ii)"])


@pytest.mark.parametrize("code", MEDICAL_TREATMENT)
def test_medical_treatment_alone_is_recordable_other_case(code):
    assert classify(case(treatments=[code])) == {
        "recordable": True,
        "outcome": "other_recordable",
        "column": "J",
        "days_away": 0,
        "restricted_or_transfer_days": 0,
        "type_column": "M1",
        "privacy_case": False,
        "basis": ["1904.7(b)(5)"],
    }


@pytest.mark.parametrize(
    ("code", "clause"),
    [("observation_visit", "1904.7(b)(5)(i)(A)"), ("diagnostic_test", "1904.7(b)(5)(i)(B)")],
)
def test_observation_and_diagnostics_are_not_medical_treatment(code, clause):
    assert classify(case(treatments=[code])) == not_recordable(["1904.7(a)", clause])


def test_medical_treatment_among_first_aid_still_records():
    result = classify(case(treatments=["wound_cleaning", "wound_closure", "hot_cold_therapy"]))
    assert (result["recordable"], result["column"], result["basis"]) == (True, "J", ["1904.7(b)(5)"])


def test_nothing_but_the_injury_is_not_recordable():
    assert classify(case()) == not_recordable(["1904.7(a)"])


# --- 1904.5 / 1904.6 gates ---------------------------------------------------------------------------------


def test_not_work_related_is_not_recordable_whatever_the_outcome():
    assert classify(case(work_related=False, death=True, days_away=30)) == not_recordable(["1904.5"])


def test_not_a_new_case_is_not_recordable():
    assert classify(case(new_case=False, treatments=["wound_closure"])) == not_recordable(["1904.6"])


def test_failing_both_gates_cites_both():
    assert classify(case(work_related=False, new_case=False))["basis"] == ["1904.5", "1904.6"]


# --- 1904.7(b)(2)-(7): outcomes and precedence -------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "outcome", "column", "basis"),
    [
        ({"death": True}, "death", "G", ["1904.7(b)(2)"]),
        ({"days_away": 4}, "days_away", "H", ["1904.7(b)(3)"]),
        ({"restricted_days": 3}, "restricted_or_transfer", "I", ["1904.7(b)(4)"]),
        ({"job_transfer_days": 2}, "restricted_or_transfer", "I", ["1904.7(b)(4)"]),
        ({"loss_of_consciousness": True}, "other_recordable", "J", ["1904.7(b)(6)"]),
        ({"significant_diagnosis": True}, "other_recordable", "J", ["1904.7(b)(7)"]),
    ],
    ids=["b2-death", "b3-days-away", "b4-restricted", "b4-transfer", "b6-loc", "b7-diagnosis"],
)
def test_each_general_criterion_sets_its_outcome(facts, outcome, column, basis):
    result = classify(case(**facts))
    assert (result["recordable"], result["outcome"], result["column"], result["basis"]) == (
        True,
        outcome,
        column,
        basis,
    )


@pytest.mark.parametrize(
    ("facts", "column"),
    [
        ({"death": True, "days_away": 5, "restricted_days": 5, "treatments": ["wound_closure"]}, "G"),
        ({"days_away": 10, "restricted_days": 20, "treatments": ["physical_therapy"]}, "H"),
        ({"restricted_days": 1, "job_transfer_days": 1, "loss_of_consciousness": True}, "I"),
        ({"treatments": ["rigid_splint"], "significant_diagnosis": True}, "J"),
    ],
    ids=["death-beats-all", "days-away-beats-restriction", "restriction-beats-other", "other"],
)
def test_most_serious_outcome_wins(facts, column):
    assert classify(case(**facts))["column"] == column


def test_days_away_and_restriction_both_counted_on_an_h_case():
    # Domain notes section 6: injured 10 Jan, off 11-20 Jan, restricted 21 Jan - 9 Feb.
    result = classify(case(days_away=10, restricted_days=20))
    assert (result["column"], result["days_away"], result["restricted_or_transfer_days"]) == ("H", 10, 20)
    assert result["basis"] == ["1904.7(b)(3)", "1904.7(b)(4)"]


def test_restricted_and_transfer_days_add_up_in_column_l():
    assert classify(case(restricted_days=4, job_transfer_days=6))["restricted_or_transfer_days"] == 10


# --- 1904.7(b)(3)(vii): the 180-day cap --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("away", "restricted", "expected"),
    [
        (200, 0, (180, 0)),
        (250, 0, (180, 0)),
        (150, 100, (150, 30)),
        (45, 150, (45, 135)),
        (0, 400, (0, 180)),
        (12, 30, (12, 30)),
        (90, 90, (90, 90)),
    ],
)
def test_day_counts_are_capped_at_180_combined(away, restricted, expected):
    result = classify(case(days_away=away, restricted_days=restricted))
    assert (result["days_away"], result["restricted_or_transfer_days"]) == expected
    assert ("1904.7(b)(3)(vii)" in result["basis"]) == (away + restricted > 180)


def test_cap_can_be_switched_off():
    result = classify(case(days_away=45, restricted_days=150), cap_days=False)
    assert (result["days_away"], result["restricted_or_transfer_days"]) == (45, 150)
    assert "1904.7(b)(3)(vii)" not in result["basis"]


# --- 1904.8-1904.11 special cases --------------------------------------------------------------------------


def test_contaminated_needlestick_is_a_recordable_privacy_injury():
    assert classify(case(needlestick_contaminated=True)) == {
        "recordable": True,
        "outcome": "other_recordable",
        "column": "J",
        "days_away": 0,
        "restricted_or_transfer_days": 0,
        "type_column": "M1",
        "privacy_case": True,
        "basis": ["1904.8(a)", "1904.29(b)(7)(v)"],
    }


def test_seroconverted_needlestick_is_an_other_illness():
    result = classify(case(needlestick_contaminated=True, case_type="other_illness"))
    assert (result["type_column"], result["privacy_case"]) == ("M6", True)


@pytest.mark.parametrize(("days", "column"), [({"days_away": 30}, "H"), ({"job_transfer_days": 30}, "I")])
def test_medical_removal_is_days_away_or_restricted(days, column):
    result = classify(case(medical_removal=True, case_type="poisoning", **days))
    assert (result["column"], result["type_column"]) == (column, "M4")
    assert "1904.9(a)" in result["basis"]


def test_hearing_sts_is_recordable_hearing_loss():
    result = classify(case(hearing_sts=True, case_type="hearing_loss"))
    assert (result["recordable"], result["column"], result["type_column"], result["basis"]) == (
        True,
        "J",
        "M5",
        ["1904.10(a)"],
    )


def test_tuberculosis_is_a_recordable_respiratory_privacy_case():
    result = classify(case(tuberculosis=True, case_type="respiratory_condition"))
    assert (result["recordable"], result["type_column"], result["privacy_case"]) == (True, "M3", True)
    assert result["basis"] == ["1904.11(a)", "1904.29(b)(7)(iv)"]


@pytest.mark.parametrize(
    ("baseline", "current", "allowance", "expected"),
    [
        ((0, 0, 5), (10, 10, 25), (1, 1, 3), (True, False)),  # notes: STS but level 15 dB < 25 dB
        ((15, 20, 25), (25, 35, 40), (0, 0, 0), (True, True)),  # notes: shift 13.3, level 33.3 -> record
        ((20, 20, 20), (30, 30, 29), (0, 0, 0), (False, False)),  # 9.7 dB average shift is no STS
        ((20, 20, 20), (30, 30, 30), (0, 0, 0), (True, True)),  # exactly 10 dB is an STS
    ],
)
def test_hearing_test_follows_1904_10(baseline, current, allowance, expected):
    result = hearing_test(baseline, current, allowance)
    assert (result.sts, result.recordable) == expected


def test_hearing_test_worked_example_averages():
    result = hearing_test((0, 0, 5), (10, 10, 25), (1, 1, 3))
    assert (round(result.shift_db, 1), result.level_db) == (11.7, 15.0)


# --- 1904.29(b)(7)-(8): privacy cases ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "clause"),
    [
        ("intimate_body_part", "1904.29(b)(7)(i)"),
        ("sexual_assault", "1904.29(b)(7)(ii)"),
        ("mental_illness", "1904.29(b)(7)(iii)"),
        ("infectious_disease", "1904.29(b)(7)(iv)"),
        ("needlestick", "1904.29(b)(7)(v)"),
        ("employee_request", "1904.29(b)(7)(vi)"),
    ],
)
def test_each_privacy_reason_makes_an_illness_a_privacy_case(reason, clause):
    result = classify(
        case(case_type="other_illness", treatments=["prescription_medication"], privacy_reasons=[reason])
    )
    assert result["privacy_case"] is True
    assert result["basis"] == ["1904.7(b)(5)", clause]


def test_employee_request_does_not_make_an_injury_a_privacy_case():
    result = classify(case(treatments=["wound_closure"], privacy_reasons=["employee_request"]))
    assert (result["privacy_case"], result["basis"]) == (False, ["1904.7(b)(5)"])


def test_privacy_reasons_do_not_matter_when_not_recordable():
    assert classify(case(treatments=["massage"], privacy_reasons=["sexual_assault"]))["privacy_case"] is False


# --- Domain notes section 17 reference vectors -------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "recordable", "column"),
    [
        (case(treatments=["wound_cleaning", "wound_covering"]), False, None),
        (case(treatments=["wound_closure"]), True, "J"),
        (case(treatments=["wound_covering"]), False, None),
        (case(treatments=["otc_at_prescription_strength"]), True, "J"),
        (case(treatments=["diagnostic_test", "otc_medication"]), False, None),
        (case(significant_diagnosis=True), True, "J"),
        (case(), False, None),
        (case(treatments=["rigid_splint"]), True, "J"),
        (case(loss_of_consciousness=True), True, "J"),
        (case(work_related=False), False, None),
        (case(needlestick_contaminated=True), True, "J"),
        (case(treatments=["other_immunization"]), True, "J"),
    ],
    ids=[f"vector-{n}" for n in range(1, 13)],
)
def test_reference_vectors(facts, recordable, column):
    result = classify(facts)
    assert (result["recordable"], result["column"]) == (recordable, column)


def test_result_keys_are_in_contract_order():
    assert list(classify(case(days_away=2))) == RESULT_KEYS
    assert list(classify(case(work_related=False))) == RESULT_KEYS


# --- parse_facts validation --------------------------------------------------------------------------------


def test_omitted_optional_keys_take_defaults():
    facts = parse_facts({"work_related": True, "new_case": False, "case_type": "poisoning"})
    assert facts == Facts(work_related=True, new_case=False, case_type="poisoning")
    assert (facts.days_away, facts.treatments, facts.death) == (0, (), False)


def test_facts_object_is_accepted_and_revalidated():
    assert classify(Facts(True, True, "injury", days_away=3))["column"] == "H"
    with pytest.raises(FactsError) as error:
        classify(Facts(True, True, "injury", days_away=-3))
    assert error.value.field == "days_away"


@pytest.mark.parametrize(
    ("facts", "field", "fragment"),
    [
        (case(treatments=["massage", "bandaid"]), "treatments[1]", "unknown treatment code 'bandaid'"),
        (case(treatments="massage"), "treatments", "expected an array"),
        (case(treatments=[3]), "treatments[0]", "expected a string"),
        (case(privacy_reasons=["celebrity"]), "privacy_reasons[0]", "unknown privacy code 'celebrity'"),
        (case(days_away=-1), "days_away", "must not be negative"),
        (case(restricted_days=2.5), "restricted_days", "whole number"),
        (case(job_transfer_days=True), "job_transfer_days", "whole number"),
        (case(days_away="3"), "days_away", "got string"),
        (case(death="yes"), "death", "expected true or false"),
        (case(death=1), "death", "expected true or false"),
        (case(case_type="burn"), "case_type", "unknown case_type 'burn'"),
        (case(case_type=None), "case_type", "got null"),
        (case(injured_finger=True), "injured_finger", "unknown key"),
        ({"new_case": True, "case_type": "injury"}, "work_related", "required"),
        ({"work_related": True, "case_type": "injury"}, "new_case", "required"),
        ({"work_related": True, "new_case": True}, "case_type", "required"),
        ([], "facts", "expected an object"),
        (case(hearing_sts=True), "case_type", "hearing_loss"),
        (case(tuberculosis=True, case_type="other_illness"), "case_type", "respiratory_condition"),
        (case(needlestick_contaminated=True, case_type="skin_disorder"), "case_type", "injury"),
        (case(medical_removal=True, case_type="poisoning"), "medical_removal", "1904.9(b)(1)"),
    ],
)
def test_bad_facts_name_the_field(facts, field, fragment):
    with pytest.raises(FactsError) as error:
        parse_facts(facts)
    assert error.value.field == field
    assert fragment in error.value.message
    assert str(error.value) == f"{field}: {error.value.message}"


# --- Wizard steps ------------------------------------------------------------------------------------------


def test_wizard_asks_every_fact_once_in_decision_order():
    keys = [key for step in WIZARD_STEPS for key in step.keys]
    assert sorted(keys) == sorted(Facts.__dataclass_fields__)
    assert len(keys) == len(set(keys))
    clauses = [step.clause for step in WIZARD_STEPS]
    assert clauses[1:13] == [
        "1904.5",
        "1904.6",
        "1904.7(b)(2)",
        "1904.7(b)(3)",
        "1904.7(b)(4)",
        "1904.7(b)(5)",
        "1904.7(b)(6)",
        "1904.7(b)(7)",
        "1904.8",
        "1904.9",
        "1904.10",
        "1904.11",
    ]


def test_wizard_steps_cite_their_clause_and_offer_known_codes():
    for step in WIZARD_STEPS:
        assert step.question.endswith("?")
        assert step.clause.split("(")[0] in step.explanation
        if step.input in ("choice", "multi"):
            assert step.options and all(code in LABELS for code, _ in step.options)
    gates = [step.id for step in WIZARD_STEPS if step.stop_if_no]
    assert gates == ["work_related", "new_case"]
