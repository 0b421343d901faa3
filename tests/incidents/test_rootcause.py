"""Investigation helpers: 5 Whys, fishbone, 8D and the CAPA status machine."""

from datetime import date

import pytest

from workforce.incidents.rootcause import (
    CAPA_STATUSES,
    CAPA_TRANSITIONS,
    EIGHT_D_STEPS,
    FISHBONE_CATEGORIES,
    ActionStateError,
    EffectivenessCheck,
    InvestigationError,
    Why,
    apply_effectiveness_check,
    eight_d_progress,
    five_whys_root_cause,
    is_overdue,
    transition,
    validate_fishbone,
)

FORKLIFT = [  # domain notes section 16
    Why("Why did the forklift strike the racking?", "The driver could not see"),
    Why("Why could the driver not see?", "The load was stacked above the mast guard"),
    Why("Why was it stacked so high?", "The work instruction has no load-height limit"),
    Why("Why no limit?", "It was written for the old truck and never reviewed at the truck change"),
    Why("Why was it not reviewed?", " Management of change did not trigger document review "),
]
PASSED = EffectivenessCheck(
    date(2026, 5, 1), "zero repeat events, 10/10 lifts compliant", "10/10 compliant", True
)
FAILED = EffectivenessCheck(date(2026, 5, 1), "zero repeat events", "one repeat event", False)


def test_five_whys_root_cause_is_the_last_because():
    assert five_whys_root_cause(FORKLIFT) == "Management of change did not trigger document review"


def test_five_whys_accepts_mappings_and_a_single_why():
    assert five_whys_root_cause([{"why": "Why?", "because": "Guard missing"}]) == "Guard missing"


@pytest.mark.parametrize(
    ("chain", "field"),
    [
        ([], "whys"),
        ([Why("Why?", "Because")] * 8, "whys"),
        ([Why("Why?", "Because"), Why("  ", "Because")], "whys[1].why"),
        ([Why("Why?", "")], "whys[0].because"),
        ([{"why": "Why?"}], "whys[0].because"),
    ],
)
def test_five_whys_rejects_bad_chains(chain, field):
    with pytest.raises(InvestigationError) as error:
        five_whys_root_cause(chain)
    assert error.value.field == field


def test_fishbone_has_the_6m_categories():
    assert FISHBONE_CATEGORIES == ("man", "machine", "method", "material", "measurement", "environment")


def test_fishbone_returns_trimmed_causes_for_every_category():
    result = validate_fishbone({"machine": [" worn brake "], "method": ["no load limit", "no MOC review"]})
    assert list(result) == list(FISHBONE_CATEGORIES)
    assert result["machine"] == ["worn brake"]
    assert result["method"] == ["no load limit", "no MOC review"]
    assert result["man"] == []


def test_fishbone_allows_a_site_category():
    result = validate_fishbone({"management": ["no budget"]}, (*FISHBONE_CATEGORIES, "management"))
    assert result["management"] == ["no budget"]


@pytest.mark.parametrize(
    ("causes", "field"),
    [
        ({"money": ["x"]}, "causes.money"),
        ({"machine": ["ok", " "]}, "causes.machine[1]"),
        ({"machine": [None]}, "causes.machine[0]"),
        ({"method": ["No limit", "no limit"]}, "causes.method[1]"),
    ],
)
def test_fishbone_rejects_bad_causes(causes, field):
    with pytest.raises(InvestigationError) as error:
        validate_fishbone(causes)
    assert error.value.field == field


def test_eight_d_lists_d0_to_d8():
    assert [code for code, _ in EIGHT_D_STEPS] == [f"D{n}" for n in range(9)]


def test_eight_d_progress_names_the_first_open_step():
    progress = eight_d_progress(["D0", "D1", "D3"])
    assert (progress.done, progress.next_step, progress.percent, progress.complete) == (
        ("D0", "D1", "D3"),
        "D2",
        33,
        False,
    )
    assert eight_d_progress([]).next_step == "D0"
    finished = eight_d_progress(code for code, _ in EIGHT_D_STEPS)
    assert (finished.next_step, finished.percent, finished.complete) == (None, 100, True)


def test_eight_d_progress_rejects_unknown_steps():
    with pytest.raises(InvestigationError, match="D9"):
        eight_d_progress(["D9"])


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("open", "in_progress"),
        ("open", "done"),
        ("open", "cancelled"),
        ("in_progress", "done"),
        ("in_progress", "cancelled"),
        ("done", "in_progress"),
    ],
)
def test_allowed_capa_transitions(current, target):
    assert transition(current, target) == target


def test_every_disallowed_transition_raises_with_the_allowed_list():
    for current in CAPA_STATUSES:
        for target in set(CAPA_STATUSES) - CAPA_TRANSITIONS[current] - {"verified_effective"}:
            with pytest.raises(ActionStateError, match=f"cannot move a CAPA from {current} to {target}"):
                transition(current, target)


def test_final_statuses_say_so():
    with pytest.raises(ActionStateError, match="none, it is final"):
        transition("cancelled", "open")


def test_verified_effective_needs_a_passed_check():
    with pytest.raises(ActionStateError, match="effectiveness check"):
        transition("done", "verified_effective")
    with pytest.raises(ActionStateError, match="failed"):
        transition("done", "verified_effective", check=FAILED)
    with pytest.raises(ActionStateError, match="criterion"):
        transition("done", "verified_effective", check=EffectivenessCheck(date(2026, 5, 1), "", "fine", True))
    assert transition("done", "verified_effective", check=PASSED) == "verified_effective"


def test_only_done_actions_can_be_verified():
    with pytest.raises(ActionStateError, match="from in_progress to verified_effective"):
        transition("in_progress", "verified_effective", check=PASSED)


def test_effectiveness_check_closes_or_reopens():
    assert apply_effectiveness_check("done", PASSED) == "verified_effective"
    assert apply_effectiveness_check("done", FAILED) == "in_progress"  # ISO 45001 10.2(f)


def test_unknown_status_is_refused():
    with pytest.raises(ActionStateError, match="unknown CAPA status 'closed'"):
        transition("open", "closed")


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        ("open", date(2026, 4, 30), True),
        ("in_progress", date(2026, 4, 30), True),
        ("in_progress", date(2026, 5, 1), False),
        ("done", date(2026, 4, 1), False),
        ("verified_effective", date(2026, 4, 1), False),
        ("cancelled", date(2026, 4, 1), False),
        ("open", None, False),
    ],
)
def test_is_overdue(status, due, overdue):
    assert is_overdue(status, due, date(2026, 5, 1)) is overdue
