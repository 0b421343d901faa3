"""The recordability wizard over `osha.WIZARD_STEPS`: which step comes next, how posted answers become
facts, and a one-line explanation (with its clause) for each answer and each basis clause. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workforce.incidents.osha import (
    FIRST_AID,
    FIRST_AID_CLAUSES,
    LABELS,
    MEDICAL_TREATMENT,
    PRIVACY_CLAUSES,
    TYPE_COLUMNS,
    WIZARD_STEPS,
    WizardStep,
)

STEPS = {s.id: s for s in WIZARD_STEPS}

#: What each clause in a result's basis means, for the result panel.
BASIS_TEXT: dict[str, str] = {
    "1904.5": "not work-related, so not recordable (1904.4(a))",
    "1904.6": "not a new case: update the existing log entry instead",
    "1904.7(a)": "no general recording criterion is met",
    "1904.7(b)(2)": "death",
    "1904.7(b)(3)": "days away from work",
    "1904.7(b)(4)": "restricted work or job transfer",
    "1904.7(b)(5)": "medical treatment beyond first aid",
    "1904.7(b)(5)(i)(A)": "a visit only for observation or counselling is not medical treatment",
    "1904.7(b)(5)(i)(B)": "diagnostic procedures are not medical treatment",
    "1904.7(b)(5)(ii)": "the care given is first aid only",
    "1904.7(b)(6)": "loss of consciousness",
    "1904.7(b)(7)": "significant injury or illness diagnosed by a PLHCP",
    "1904.7(b)(3)(vii)": "days away plus restricted days capped at 180",
    "1904.8(a)": "contaminated needlestick or sharps injury",
    "1904.9(a)": "medical removal under an OSHA standard",
    "1904.10(a)": "work-related hearing loss (STS and 25 dB)",
    "1904.11(a)": "tuberculosis infection after occupational exposure",
}


def lower_first(text: str) -> str:
    """`text` to run on after a colon: only the first letter is lowered, and not even that when the first
    word is an acronym ("HIV infection"). Acronyms and clause text inside keep their case ("OPIM")."""
    first = text.split(" ", 1)[0]
    if not text or (len(first) > 1 and first.isupper()):
        return text
    return text[0].lower() + text[1:]


for _code, _clause in PRIVACY_CLAUSES.items():
    BASIS_TEXT[_clause] = f"privacy case: {lower_first(LABELS[_code])}"


def applicable(step: WizardStep, answers: Mapping[str, Any]) -> bool:
    """Skip questions the case type rules out: the special cases fix the type column (1904.8(a), 1904.10,
    1904.11(a)), so asking them for another type would only produce a contradiction."""
    case_type = answers.get("case_type")
    if step.id == "hearing_sts":
        return case_type == "hearing_loss"
    if step.id == "tuberculosis":
        return case_type == "respiratory_condition"
    if step.id == "needlestick_contaminated":
        return case_type in ("injury", "other_illness")
    return True


@dataclass(frozen=True)
class Answered:
    step: WizardStep
    display: str
    explanation: str


@dataclass(frozen=True)
class State:
    answered: list[Answered]
    next_step: WizardStep | None
    stopped: bool
    errors: dict[str, str]


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def read_answers(form: Mapping[str, Any]) -> tuple[list[str], dict[str, Any], dict[str, str]]:
    """(answered step ids, answers by key, errors) from a posted wizard form. Keys follow the facts."""
    done = [s for s in _as_list(form.get("answered")) if s in STEPS]
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for step_id in done:
        step = STEPS[step_id]
        for key in step.keys:
            raw = form.get(key)
            if step.input == "boolean":
                if raw not in ("yes", "no"):
                    errors[key] = "Answer yes or no."
                answers[key] = raw == "yes"
            elif step.input == "days":
                text = str(raw or "0").strip() or "0"
                if not text.isdigit():
                    errors[key] = "Enter a whole number of days (0 if none)."
                    answers[key] = 0
                else:
                    answers[key] = int(text)
            elif step.input == "choice":
                codes = [code for code, _label in step.options]
                if raw not in codes:
                    errors[key] = "Choose one."
                answers[key] = raw
            else:
                codes = {code for code, _label in step.options}
                answers[key] = [v for v in _as_list(raw) if v in codes]
    return done, answers, errors


def state(form: Mapping[str, Any]) -> State:
    """Where the wizard stands after the posted answers."""
    done, answers, errors = read_answers(form)
    answered = []
    stopped = False
    for step_id in done:
        step = STEPS[step_id]
        answered.append(Answered(step, display(step, answers), explain(step, answers)))
        if step.stop_if_no and answers.get(step.keys[0]) is False:
            stopped = True
            break
    next_step = None
    if not stopped and not errors:
        for step in WIZARD_STEPS:
            if step.id not in done and applicable(step, answers):
                next_step = step
                break
    return State(answered, next_step, stopped, errors)


def facts_from(form: Mapping[str, Any]) -> dict[str, Any]:
    """The facts JSON (osha.Facts keys) from the answered steps; unanswered keys keep their defaults."""
    _done, answers, _errors = read_answers(form)
    facts = {
        "work_related": answers.get("work_related", True),
        "new_case": answers.get("new_case", True),
        "case_type": answers.get("case_type", "injury"),
    }
    for key, value in answers.items():
        if key in facts:
            continue
        if isinstance(value, bool) and not value:
            continue
        if value in (0, []):
            continue
        facts[key] = value
    return facts


def form_from_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Posted-form values that replay saved facts (to start a change from the current classification)."""
    form: dict[str, Any] = {}
    for step in WIZARD_STEPS:
        for key in step.keys:
            value = facts.get(key)
            if step.input == "boolean":
                # The two gates default to true in the facts (REQUIRED_KEYS are always present when saved).
                form[key] = "yes" if (facts.get(key, key in ("work_related", "new_case"))) else "no"
            elif step.input == "days":
                form[key] = str(value or 0)
            elif step.input == "multi":
                form[key] = list(value or [])
            else:
                form[key] = value or ""
    return form


def display(step: WizardStep, answers: Mapping[str, Any]) -> str:
    if step.input == "boolean":
        return "Yes" if answers.get(step.keys[0]) else "No"
    if step.input == "days":
        return ", ".join(f"{k.replace('_', ' ')}: {answers.get(k, 0)}" for k in step.keys)
    if step.input == "choice":
        return LABELS.get(answers.get(step.keys[0]) or "", "")
    chosen = answers.get(step.keys[0]) or []
    return "; ".join(LABELS[c] for c in chosen) or "None"


def explain(step: WizardStep, answers: Mapping[str, Any]) -> str:
    """One sentence saying what the answer means for the case, with its clause."""
    value = answers.get(step.keys[0])
    yes = bool(value)
    if step.id == "case_type":
        return f"Type column {TYPE_COLUMNS.get(value or '', '?')} on the log (1904.29(b))."
    if step.id == "work_related":
        return (
            "Work-related: presumed when the work environment caused or contributed (1904.5(a))."
            if yes
            else "Not work-related under a 1904.5(b)(2) exception: the case is not recorded (1904.4(a))."
        )
    if step.id == "new_case":
        return (
            "A new case (1904.6(a))."
            if yes
            else "Not a new case: update the earlier log entry if the outcome worsened (1904.6)."
        )
    if step.id == "death":
        return "Recordable: a work-related death, column G (1904.7(b)(2))." if yes else "No death."
    if step.id == "days_away":
        days = answers.get("days_away", 0)
        return (
            f"Recordable: {days} calendar days away, column H with K = {days} (1904.7(b)(3)); "
            "capped at 180 (1904.7(b)(3)(vii))."
            if days
            else "No days away from work."
        )
    if step.id == "restricted":
        days = answers.get("restricted_days", 0) + answers.get("job_transfer_days", 0)
        return (
            f"Recordable: {days} days restricted or transferred, column I with L = {days} (1904.7(b)(4))."
            if days
            else "No restricted work or job transfer beyond the day of injury (1904.7(b)(4)(iii))."
        )
    if step.id == "treatments":
        chosen = answers.get("treatments") or []
        if not chosen:
            return "No care beyond observation recorded."
        parts = []
        for code in chosen:
            if code in FIRST_AID:
                parts.append(f"{LABELS[code]}: first aid, {FIRST_AID_CLAUSES[code]}")
            elif code in MEDICAL_TREATMENT:
                parts.append(f"{LABELS[code]}: medical treatment, recordable (1904.7(b)(5)(i), (iii))")
            elif code == "diagnostic_test":
                parts.append(f"{LABELS[code]}: not medical treatment (1904.7(b)(5)(i)(B))")
            else:
                parts.append(f"{LABELS[code]}: not medical treatment (1904.7(b)(5)(i)(A))")
        return "; ".join(parts) + "."
    if step.id == "loss_of_consciousness":
        return (
            "Recordable: loss of consciousness, any duration (1904.7(b)(6))."
            if yes
            else "No loss of consciousness."
        )
    if step.id == "significant_diagnosis":
        return "Recordable at diagnosis (1904.7(b)(7))." if yes else "No significant diagnosis."
    if step.id == "needlestick_contaminated":
        return (
            "Recordable as an injury and a privacy case (1904.8(a), 1904.29(b)(7)(v))."
            if yes
            else "Not a contaminated sharps injury."
        )
    if step.id == "medical_removal":
        return (
            "Recordable as days away or restricted work, as the removal is done (1904.9(a), (b)(1))."
            if yes
            else "No medical removal."
        )
    if step.id == "hearing_sts":
        return "Recordable hearing loss, column M5 (1904.10(a))." if yes else "Not a recordable hearing loss."
    if step.id == "tuberculosis":
        return (
            "Recordable TB infection, column M3, privacy case (1904.11(a), 1904.29(b)(7)(iv))."
            if yes
            else "No occupational TB infection."
        )
    if step.id == "privacy_reasons":
        chosen = answers.get("privacy_reasons") or []
        if not chosen:
            return "Not a privacy case: the name goes on the log (1904.29(b)(8))."
        return (
            "; ".join(f"{LABELS[c]} ({PRIVACY_CLAUSES[c]})" for c in chosen)
            + ': "Privacy case" replaces the name.'
        )
    return step.explanation
