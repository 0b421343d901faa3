"""OSHA 300 Log recordability decision (29 CFR 1904.4-1904.11, 1904.29) as pure functions on plain data.

`classify(facts)` returns the log entry a case gets; `parse_facts` validates the input and names the bad
field; `WIZARD_STEPS` are the questions, in decision order, that collect the facts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, NamedTuple

# 1904.7(b)(3)(vii), applied to K + L by (b)(4)(xi): counting may stop once days away and restricted
# days together reach 180. The cap is optional ("may"); classify(cap_days=False) keeps the full count.
DAY_CAP = 180

# 1904.7(b)(5)(ii)(A)-(N), in paragraph order. The list is complete (1904.7(b)(5)(iii)).
FIRST_AID: tuple[str, ...] = (
    "otc_medication",
    "tetanus_immunization",
    "wound_cleaning",
    "wound_covering",
    "hot_cold_therapy",
    "nonrigid_support",
    "transport_immobilization",
    "drill_nail_drain_blister",
    "eye_patch",
    "eye_irrigation_swab",
    "splinter_removal",
    "finger_guard",
    "massage",
    "fluids_heat_stress",
)
# Anything off the first-aid list is medical treatment (1904.7(b)(5)(iii)); these are the usual boundaries.
MEDICAL_TREATMENT: tuple[str, ...] = (
    "prescription_medication",
    "otc_at_prescription_strength",
    "wound_closure",
    "rigid_splint",
    "physical_therapy",
    "chiropractic",
    "other_immunization",
    "eye_foreign_body_removal",
    "surgical_debridement",
)
# Excluded from medical treatment without being first aid: 1904.7(b)(5)(i)(A) and (B).
NEITHER: tuple[str, ...] = ("diagnostic_test", "observation_visit")
TREATMENTS: tuple[str, ...] = FIRST_AID + MEDICAL_TREATMENT + NEITHER

PRIVACY_REASONS: tuple[str, ...] = (
    "intimate_body_part",
    "sexual_assault",
    "mental_illness",
    "infectious_disease",
    "needlestick",
    "employee_request",
)
CASE_TYPES: tuple[str, ...] = (
    "injury",
    "skin_disorder",
    "respiratory_condition",
    "poisoning",
    "hearing_loss",
    "other_illness",
)
TYPE_COLUMNS: dict[str, str] = dict(zip(CASE_TYPES, ("M1", "M2", "M3", "M4", "M5", "M6"), strict=True))

FIRST_AID_CLAUSES: dict[str, str] = {
    code: f"1904.7(b)(5)(ii)({letter})" for code, letter in zip(FIRST_AID, "ABCDEFGHIJKLMN", strict=True)
}
PRIVACY_CLAUSES: dict[str, str] = {
    code: f"1904.29(b)(7)({para})"
    for code, para in zip(PRIVACY_REASONS, ("i", "ii", "iii", "iv", "v", "vi"), strict=True)
}

LABELS: dict[str, str] = {
    "otc_medication": "Non-prescription medication at non-prescription strength",
    "tetanus_immunization": "Tetanus immunization",
    "wound_cleaning": "Cleaning, flushing or soaking surface wounds",
    "wound_covering": "Wound coverings, butterfly bandages, Steri-Strips",
    "hot_cold_therapy": "Hot or cold therapy",
    "nonrigid_support": "Non-rigid support (elastic bandage, wrap, non-rigid back belt)",
    "transport_immobilization": "Temporary immobilization while transporting (splint, sling, collar, board)",
    "drill_nail_drain_blister": "Drilling a finger/toe nail, draining a blister",
    "eye_patch": "Eye patch",
    "eye_irrigation_swab": "Foreign body removed from the eye by irrigation or cotton swab",
    "splinter_removal": "Splinter/foreign material removed (not eye) by simple means",
    "finger_guard": "Finger guard",
    "massage": "Massage",
    "fluids_heat_stress": "Drinking fluids for heat stress",
    "prescription_medication": "Prescription medication (given or recommended)",
    "otc_at_prescription_strength": "Non-prescription medication at prescription strength",
    "wound_closure": "Sutures, staples, surgical glue or other wound-closing device",
    "rigid_splint": "Rigid splint, cast or brace to immobilize",
    "physical_therapy": "Physical therapy",
    "chiropractic": "Chiropractic treatment",
    "other_immunization": "Immunization other than tetanus (hepatitis B, rabies, ...)",
    "eye_foreign_body_removal": "Foreign body removed from the eye by other means (needle, magnet, spud)",
    "surgical_debridement": "Surgical debridement, incision or other non-simple removal",
    "diagnostic_test": "Diagnostic procedure only (x-ray, blood test, diagnostic eye drops)",
    "observation_visit": "Visit to a physician/PLHCP only for observation or counselling",
    "intimate_body_part": "Injury or illness to an intimate body part or the reproductive system",
    "sexual_assault": "Injury or illness from a sexual assault",
    "mental_illness": "Mental illness",
    "infectious_disease": "HIV infection, hepatitis or tuberculosis",
    "needlestick": "Needlestick or sharps injury contaminated with another person's blood or OPIM",
    "employee_request": "Illness where the employee voluntarily asks that the name be left off",
    "injury": "Injury",
    "skin_disorder": "Skin disease or disorder",
    "respiratory_condition": "Respiratory condition",
    "poisoning": "Poisoning",
    "hearing_loss": "Hearing loss",
    "other_illness": "All other illnesses",
}


class FactsError(ValueError):
    """Invalid facts; `field` names the offending key, e.g. `treatments[1]`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Facts:
    """Validated facts of one case. Day counts are calendar days after the day of injury (1904.7(b)(3)(i))."""

    work_related: bool
    new_case: bool
    case_type: str
    death: bool = False
    days_away: int = 0
    restricted_days: int = 0
    job_transfer_days: int = 0
    treatments: tuple[str, ...] = ()
    loss_of_consciousness: bool = False
    significant_diagnosis: bool = False
    needlestick_contaminated: bool = False
    medical_removal: bool = False
    hearing_sts: bool = False
    tuberculosis: bool = False
    privacy_reasons: tuple[str, ...] = ()


REQUIRED_KEYS: tuple[str, ...] = ("work_related", "new_case", "case_type")
FACT_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Facts))
_DAY_KEYS = frozenset({"days_away", "restricted_days", "job_transfer_days"})
_CODE_LISTS = {
    "treatments": (TREATMENTS, "treatment code"),
    "privacy_reasons": (PRIVACY_REASONS, "privacy code"),
}


def _json_type(value: object) -> str:
    names = {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        tuple: "array",
        dict: "object",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def _check(key: str, value: object) -> object:
    if key in _DAY_KEYS:
        if type(value) is not int:
            raise FactsError(key, f"expected a whole number of days, got {_json_type(value)}")
        if value < 0:
            raise FactsError(key, f"day count must not be negative, got {value}")
        return value
    if key in _CODE_LISTS:
        allowed, what = _CODE_LISTS[key]
        if not isinstance(value, list | tuple):
            raise FactsError(key, f"expected an array of codes, got {_json_type(value)}")
        for i, code in enumerate(value):
            if not isinstance(code, str):
                raise FactsError(f"{key}[{i}]", f"expected a string, got {_json_type(code)}")
            if code not in allowed:
                raise FactsError(f"{key}[{i}]", f"unknown {what} {code!r}")
        return tuple(value)
    if key == "case_type":
        if not isinstance(value, str):
            raise FactsError(key, f"expected a string, got {_json_type(value)}")
        if value not in CASE_TYPES:
            raise FactsError(key, f"unknown case_type {value!r} (expected one of {', '.join(CASE_TYPES)})")
        return value
    if type(value) is not bool:
        raise FactsError(key, f"expected true or false, got {_json_type(value)}")
    return value


def _check_consistency(f: Facts) -> None:
    # The special-case rules fix the type column; a contradicting case_type is a data-entry error.
    if f.hearing_sts and f.case_type != "hearing_loss":
        raise FactsError("case_type", "a hearing STS case is recorded as hearing_loss (M5), 1904.10")
    if f.tuberculosis and f.case_type != "respiratory_condition":
        raise FactsError("case_type", "a TB case is recorded as respiratory_condition (M3), 1904.11(a)")
    if f.needlestick_contaminated and f.case_type not in ("injury", "other_illness"):
        raise FactsError(
            "case_type",
            "a needlestick is an injury (1904.8(a)), or other_illness once the employee seroconverts",
        )
    # 1904.9(b)(1): a removal is a days-away or a restricted case, never column J.
    if f.medical_removal and not (f.days_away or f.restricted_days or f.job_transfer_days):
        raise FactsError(
            "medical_removal",
            "a medical removal is recorded with days_away or restricted/job "
            "transfer days, never as column J (1904.9(b)(1))",
        )


def parse_facts(obj: Mapping[str, Any] | Facts) -> Facts:
    """Validate a facts mapping (e.g. decoded JSON). Required keys: REQUIRED_KEYS; the rest default to
    false / 0 / []. Raises FactsError naming the first bad field."""
    if isinstance(obj, Facts):
        obj = asdict(obj)
    if not isinstance(obj, Mapping):
        raise FactsError("facts", f"expected an object, got {_json_type(obj)}")
    for key in obj:
        if key not in FACT_KEYS:
            raise FactsError(str(key), "unknown key")
    for key in REQUIRED_KEYS:
        if key not in obj:
            raise FactsError(key, "required")
    facts = Facts(**{key: _check(key, value) for key, value in obj.items()})
    _check_consistency(facts)
    return facts


def _result(
    recordable: bool,
    basis: list[str],
    outcome: str | None = None,
    column: str | None = None,
    days_away: int = 0,
    restricted: int = 0,
    type_column: str | None = None,
    privacy: bool = False,
) -> dict[str, Any]:
    # Key order is part of the contract (CLI output, web layer).
    return {
        "recordable": recordable,
        "outcome": outcome,
        "column": column,
        "days_away": days_away,
        "restricted_or_transfer_days": restricted,
        "type_column": type_column,
        "privacy_case": privacy,
        "basis": basis,
    }


def _criteria(f: Facts) -> list[str]:
    met = (
        ("1904.7(b)(2)", f.death),
        ("1904.7(b)(3)", f.days_away > 0),
        ("1904.7(b)(4)", f.restricted_days + f.job_transfer_days > 0),
        ("1904.7(b)(5)", any(t in MEDICAL_TREATMENT for t in f.treatments)),
        ("1904.7(b)(6)", f.loss_of_consciousness),
        ("1904.7(b)(7)", f.significant_diagnosis),
        ("1904.8(a)", f.needlestick_contaminated),
        ("1904.9(a)", f.medical_removal),
        ("1904.10(a)", f.hearing_sts),
        ("1904.11(a)", f.tuberculosis),
    )
    return [clause for clause, hit in met if hit]


def _not_recordable_basis(f: Facts) -> list[str]:
    # 1904.7(a): no general criterion met; say which exclusions the listed care fell under.
    basis = ["1904.7(a)"]
    if "observation_visit" in f.treatments:
        basis.append("1904.7(b)(5)(i)(A)")
    if "diagnostic_test" in f.treatments:
        basis.append("1904.7(b)(5)(i)(B)")
    if any(t in FIRST_AID for t in f.treatments):
        basis.append("1904.7(b)(5)(ii)")
    return basis


def _privacy_clauses(f: Facts) -> list[str]:
    reasons = set(f.privacy_reasons)
    if f.needlestick_contaminated:
        reasons.add("needlestick")  # 1904.8(a) and 1904.29(b)(7)(v)
    if f.tuberculosis:
        reasons.add("infectious_disease")  # 1904.29(b)(7)(iv)
    if f.case_type == "injury":
        reasons.discard("employee_request")  # (b)(7)(vi) covers illnesses only; (b)(8) allows no others
    return [PRIVACY_CLAUSES[code] for code in PRIVACY_REASONS if code in reasons]


def _capped(days_away: int, restricted: int, cap: bool) -> tuple[int, int]:
    if not cap or days_away + restricted <= DAY_CAP:
        return days_away, restricted
    away = min(days_away, DAY_CAP)
    return away, min(restricted, DAY_CAP - away)


def classify(facts: Mapping[str, Any] | Facts, *, cap_days: bool = True) -> dict[str, Any]:
    """The 300 Log entry for a case: recordable?, G-J column, K/L days, M1-M6, privacy case, cited basis."""
    f = parse_facts(facts)
    # 1904.4(a): work-related (1904.5) and a new case (1904.6) are preconditions for any recording.
    gates = [clause for clause, ok in (("1904.5", f.work_related), ("1904.6", f.new_case)) if not ok]
    if gates:
        return _result(False, gates)
    basis = _criteria(f)
    if not basis:
        return _result(False, _not_recordable_basis(f))
    # 1904.7(b)(4): job transfer is recorded like restricted work, in columns I and L.
    restricted_total = f.restricted_days + f.job_transfer_days
    # Most serious outcome wins: G > H > I > J (1904.7(b)(2)-(5); a case with days away and restriction is H).
    if f.death:
        outcome, column = "death", "G"
    elif f.days_away:
        outcome, column = "days_away", "H"
    elif restricted_total:
        outcome, column = "restricted_or_transfer", "I"
    else:
        outcome, column = "other_recordable", "J"
    away, restricted = _capped(f.days_away, restricted_total, cap_days)
    if (away, restricted) != (f.days_away, restricted_total):
        basis.append("1904.7(b)(3)(vii)")
    privacy = _privacy_clauses(f)
    return _result(
        True, basis + privacy, outcome, column, away, restricted, TYPE_COLUMNS[f.case_type], bool(privacy)
    )


class HearingTest(NamedTuple):
    """Audiogram comparison for 1904.10; all values in dB averaged over 2000, 3000 and 4000 Hz."""

    shift_db: float
    level_db: float
    sts: bool
    recordable: bool


def hearing_test(
    baseline: Sequence[float], current: Sequence[float], age_allowance: Sequence[float] = (0, 0, 0)
) -> HearingTest:
    """Compare one ear's audiograms at 2/3/4 kHz. STS = average shift >= 10 dB (1910.95(g)(10)(i)), age
    correction allowed (1904.10(b)(3)); recordable only if the current level also averages >= 25 dB,
    uncorrected (1904.10(a), (b)(2))."""
    if not len(baseline) == len(current) == len(age_allowance) == 3:
        raise ValueError("give three thresholds each, at 2000, 3000 and 4000 Hz")
    shift_sum = sum(c - b - a for b, c, a in zip(baseline, current, age_allowance, strict=True))
    # Compare sums, not averages, so 10 dB exactly is not lost to float rounding.
    sts = shift_sum >= 30
    return HearingTest(shift_sum / 3, sum(current) / 3, sts, sts and sum(current) >= 75)


@dataclass(frozen=True)
class WizardStep:
    """One question of the recording wizard. `input` is boolean | days | choice | multi; `options` are
    (code, label) pairs for choice/multi; `stop_if_no` means a "no" ends the wizard: not recordable."""

    id: str
    clause: str
    keys: tuple[str, ...]
    input: str
    question: str
    explanation: str
    options: tuple[tuple[str, str], ...] = ()
    stop_if_no: bool = False


def _options(codes: Sequence[str]) -> tuple[tuple[str, str], ...]:
    return tuple((code, LABELS[code]) for code in codes)


# The order follows the decision: what it is, 1904.5 and 1904.6 gates, 1904.7 criteria from the most serious
# outcome down, special cases 1904.8-1904.11, then the privacy test of 1904.29(b)(7).
WIZARD_STEPS: tuple[WizardStep, ...] = (
    WizardStep(
        "case_type",
        "1904.29(b)",
        ("case_type",),
        "choice",
        "Is it an injury or an illness, and of which type?",
        "Form 300 type columns M1-M6 (1904.29(b)). A needlestick starts as an injury (1904.8(a)); "
        "TB is a respiratory condition (1904.11(a)); hearing loss (M5) is recorded under 1904.10.",
        _options(CASE_TYPES),
    ),
    WizardStep(
        "work_related",
        "1904.5",
        ("work_related",),
        "boolean",
        "Did an event or exposure in the work environment cause or contribute to it, or "
        "significantly aggravate a pre-existing condition?",
        "Presumed work-related (1904.5(a)) unless a 1904.5(b)(2) exception applies: present as a "
        "member of the public, symptoms solely from a non-work cause, voluntary wellness or "
        "recreation, eating or drinking for personal consumption, personal tasks outside working "
        "hours, grooming or self-inflicted, commuting crash in the company lot, common cold or flu, "
        "mental illness without a PLHCP opinion that it is work-related.",
        stop_if_no=True,
    ),
    WizardStep(
        "new_case",
        "1904.6",
        ("new_case",),
        "boolean",
        "Is this a new case?",
        "New if no injury or illness of the same type to the same body part was recorded before, or "
        "the employee had fully recovered and a new work event brought it back (1904.6(a)). Chronic "
        "illnesses recurring without new exposure are recorded once (1904.6(b)(1)). If not new, "
        "update the existing log line instead.",
        stop_if_no=True,
    ),
    WizardStep(
        "death",
        "1904.7(b)(2)",
        ("death",),
        "boolean",
        "Did the employee die as a result?",
        "A work-related death is recordable (1904.7(b)(2)): column G.",
    ),
    WizardStep(
        "days_away",
        "1904.7(b)(3)",
        ("days_away",),
        "days",
        "How many calendar days was the employee unable to work?",
        "Start the day after the injury (1904.7(b)(3)(i)); count calendar days including weekends "
        "and holidays (iv); count the days a PLHCP recommended even if the employee came in (ii); "
        "stop at a PLHCP's return-to-work clearance (iii). Column H, days in K.",
    ),
    WizardStep(
        "restricted",
        "1904.7(b)(4)",
        ("restricted_days", "job_transfer_days"),
        "days",
        "How many calendar days was the employee on restricted work or transferred to another job?",
        "Restricted = kept from a routine function (done at least weekly) or from the full workday "
        "(1904.7(b)(4)(i)-(ii)). A restriction on the day of injury only does not count (iii); "
        "producing less while doing every routine function is not restricted (vi). Counted like "
        "days away (xi). Column I, days in L.",
    ),
    WizardStep(
        "treatments",
        "1904.7(b)(5)",
        ("treatments",),
        "multi",
        "What care did the employee receive or a PLHCP recommend?",
        "Medical treatment beyond first aid is recordable, even if the employee declines a "
        "recommended treatment. First aid is only the list in 1904.7(b)(5)(ii)(A)-(N), which is "
        "complete (iii). Observation visits and diagnostic tests are neither "
        "(1904.7(b)(5)(i)(A)-(B)).",
        _options(TREATMENTS),
    ),
    WizardStep(
        "loss_of_consciousness",
        "1904.7(b)(6)",
        ("loss_of_consciousness",),
        "boolean",
        "Did the employee lose consciousness?",
        "Recordable whatever the duration (1904.7(b)(6)).",
    ),
    WizardStep(
        "significant_diagnosis",
        "1904.7(b)(7)",
        ("significant_diagnosis",),
        "boolean",
        "Did a PLHCP diagnose a significant injury or illness?",
        "Cancer, a chronic irreversible disease, a fractured or cracked bone or tooth, or a "
        "punctured eardrum is recordable at diagnosis even without treatment or restriction "
        "(1904.7(b)(7)).",
    ),
    WizardStep(
        "needlestick_contaminated",
        "1904.8",
        ("needlestick_contaminated",),
        "boolean",
        "Was it a needlestick or a cut from a sharp contaminated with another person's blood or OPIM?",
        "Always recordable, as an injury and a privacy case (1904.8(a)). A splash is recordable "
        "only if it meets the general criteria or leads to a diagnosed bloodborne illness.",
    ),
    WizardStep(
        "medical_removal",
        "1904.9",
        ("medical_removal",),
        "boolean",
        "Was the employee medically removed under an OSHA standard's medical surveillance rules?",
        "Recordable (1904.9(a)) as days away or restricted work, depending on how the removal is "
        "done; a chemical cause is a poisoning (1904.9(b)(1)). Voluntary removal below the "
        "standard's removal levels need not be recorded (1904.9(b)(3)).",
    ),
    WizardStep(
        "hearing_sts",
        "1904.10",
        ("hearing_sts",),
        "boolean",
        "Does an audiogram show a work-related Standard Threshold Shift with hearing level at least 25 dB?",
        "Record when the average shift at 2, 3 and 4 kHz is 10 dB or more against the baseline (age "
        "correction allowed) and the level in that ear averages 25 dB or more above audiometric "
        "zero, uncorrected (1904.10(a), (b)(1)-(3)). A retest within 30 days may confirm or cancel "
        "it (1904.10(b)(4)).",
    ),
    WizardStep(
        "tuberculosis",
        "1904.11",
        ("tuberculosis",),
        "boolean",
        "Was the employee exposed at work to someone with active TB and later infected?",
        "Record a positive skin test or PLHCP diagnosis after occupational exposure (1904.11(a)); a "
        "positive pre-employment test is not recordable (1904.11(b)(1)).",
    ),
    WizardStep(
        "privacy_reasons",
        "1904.29(b)(7)",
        ("privacy_reasons",),
        "multi",
        "Does any privacy reason apply?",
        'Only these are privacy cases (1904.29(b)(7)-(8)); the name is replaced by "privacy case" '
        "(b)(6). An employee's request counts for illnesses only (b)(7)(vi). Describe the case "
        "generically if the description could identify the person (b)(9).",
        _options(PRIVACY_REASONS),
    ),
)
