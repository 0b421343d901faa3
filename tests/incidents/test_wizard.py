"""The recordability wizard: step order over WIZARD_STEPS, skipped special cases, answers explained with
their clause, the stored result with its basis, and a change only with a reason (history kept)."""

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import login, post, run
from tests.incidents.scene import build_scene
from workforce.audit.tables import AuditEntry
from workforce.incidents import wizard
from workforce.incidents.osha import (
    CASE_TYPES,
    LABELS,
    PRIVACY_CLAUSES,
    TREATMENTS,
    WIZARD_STEPS,
    classify,
)
from workforce.incidents.tables import IncidentPerson, OshaClassification


def answer_all(**overrides):
    """A posted form answering every applicable step: a sutured cut by default."""
    form = {
        "case_type": "injury",
        "work_related": "yes",
        "new_case": "yes",
        "death": "no",
        "days_away": "0",
        "restricted_days": "0",
        "job_transfer_days": "0",
        "treatments": ["wound_closure"],
        "loss_of_consciousness": "no",
        "significant_diagnosis": "no",
        "needlestick_contaminated": "no",
        "medical_removal": "no",
        "hearing_sts": "no",
        "tuberculosis": "no",
        "privacy_reasons": [],
        **overrides,
    }
    form["answered"] = [s.id for s in WIZARD_STEPS if wizard.applicable(s, form)]
    return form


# ---------------------------------------------------------------- pure


def test_steps_come_in_decision_order_and_special_cases_follow_the_type():
    state = wizard.state({"answered": []})
    assert state.next_step.id == "case_type"
    state = wizard.state({"answered": ["case_type"], "case_type": "skin_disorder"})
    assert state.next_step.id == "work_related"
    ids = [s.id for s in WIZARD_STEPS if wizard.applicable(s, {"case_type": "skin_disorder"})]
    assert "hearing_sts" not in ids and "tuberculosis" not in ids and "needlestick_contaminated" not in ids
    assert "hearing_sts" in [
        s.id for s in WIZARD_STEPS if wizard.applicable(s, {"case_type": "hearing_loss"})
    ]


def test_a_no_on_work_relatedness_stops_the_wizard_with_the_clause():
    state = wizard.state(
        {"answered": ["case_type", "work_related"], "case_type": "injury", "work_related": "no"}
    )
    assert state.stopped and state.next_step is None
    assert "1904.5(b)(2)" in state.answered[-1].explanation
    assert classify(
        wizard.facts_from(
            {"answered": ["case_type", "work_related"], "case_type": "injury", "work_related": "no"}
        )
    )["basis"] == ["1904.5"]


@pytest.mark.parametrize(
    ("code", "clause"),
    [
        ("wound_covering", "1904.7(b)(5)(ii)(D)"),
        ("wound_closure", "1904.7(b)(5)(i)"),
        ("diagnostic_test", "1904.7(b)(5)(i)(B)"),
    ],
)
def test_treatment_answers_are_explained_with_their_clause(code, clause):
    step = wizard.STEPS["treatments"]
    assert clause in wizard.explain(step, {"treatments": [code]})


def test_basis_text_keeps_acronyms_and_clause_text_in_their_case():
    assert wizard.BASIS_TEXT["1904.29(b)(7)(v)"] == (
        "privacy case: needlestick or sharps injury contaminated with another person's blood or OPIM"
    )
    assert wizard.BASIS_TEXT["1904.29(b)(7)(iv)"] == "privacy case: HIV infection, hepatitis or tuberculosis"
    assert wizard.BASIS_TEXT["1904.29(b)(7)(iii)"] == "privacy case: mental illness"
    for code, clause in PRIVACY_CLAUSES.items():
        for word in re.findall(r"\b[A-Z]{2,}\b", LABELS[code]):
            assert word in wizard.BASIS_TEXT[clause], (code, word)


@pytest.mark.parametrize(
    ("text", "after_colon"),
    [
        ("Mental illness", "mental illness"),
        ("HIV infection", "HIV infection"),
        ("OPIM exposure", "OPIM exposure"),
        ("A splash", "a splash"),
        ("X-ray only", "x-ray only"),
        ("", ""),
    ],
)
def test_lower_first_lowers_only_a_plain_first_letter(text, after_colon):
    assert wizard.lower_first(text) == after_colon


def test_wizard_result_shows_opim_in_capitals(client):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    url = f"/incidents/{scene.injury}/people/{scene.injured}/osha/wizard"
    form = answer_all(needlestick_contaminated="yes")
    result = post(client, url, form, token_from="/", headers={"hx-request": "true"})
    assert "1904.29(b)(7)(v)" in result.text and "blood or OPIM" in result.text
    assert "opim" not in result.text


def test_bad_answers_are_reported_per_field():
    _done, _answers, errors = wizard.read_answers(
        {"answered": ["death", "days_away"], "death": "maybe", "days_away": "-3"}
    )
    assert set(errors) == {"death", "days_away"}


@settings(max_examples=60, deadline=None)
@given(
    case_type=st.sampled_from(CASE_TYPES),
    days=st.integers(0, 400),
    restricted=st.integers(0, 400),
    treatments=st.lists(st.sampled_from(TREATMENTS), unique=True, max_size=4),
    death=st.booleans(),
)
def test_wizard_facts_classify_like_the_engine_and_replay(case_type, days, restricted, treatments, death):
    form = answer_all(
        case_type=case_type,
        days_away=str(days),
        restricted_days=str(restricted),
        treatments=treatments,
        death="yes" if death else "no",
    )
    facts = wizard.facts_from(form)
    assert classify(facts) == classify(
        {
            "work_related": True,
            "new_case": True,
            "case_type": case_type,
            "days_away": days,
            "restricted_days": restricted,
            "treatments": treatments,
            "death": death,
        }
    )
    replay = {**wizard.form_from_facts(facts), "answered": form["answered"]}
    assert wizard.facts_from(replay) == facts


# ---------------------------------------------------------------- HTTP


def test_wizard_goes_step_by_step_over_htmx(client):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    url = f"/incidents/{scene.injury}/people/{scene.injured}/osha"
    page = client.get(url)
    assert page.status_code == 200 and "Current classification" in page.text
    r = post(
        client,
        url + "/wizard",
        {"answered": "case_type", "case_type": "injury"},
        token_from="/",
        headers={"hx-request": "true"},
    )
    assert r.status_code == 200 and "<html" not in r.text
    assert 'data-uitest="wizard-step-work_related"' in r.text and "M1" in r.text and "1904.29(b)" in r.text
    bad = post(
        client,
        url + "/wizard",
        {"answered": ["case_type", "work_related"], "case_type": "injury"},
        token_from="/",
        headers={"hx-request": "true"},
    )
    assert bad.status_code == 400 and "Answer yes or no." in bad.text
    back = post(
        client,
        url + "/wizard",
        {
            "answered": ["case_type", "work_related"],
            "case_type": "injury",
            "work_related": "yes",
            "back": "1",
        },
        token_from="/",
        headers={"hx-request": "true"},
    )
    assert 'data-uitest="wizard-step-work_related"' in back.text


def test_wizard_result_shows_basis_and_saving_needs_a_reason_for_a_change(client):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    url = f"/incidents/{scene.injury}/people/{scene.injured}/osha"
    result = post(
        client, url + "/wizard", answer_all(days_away="5"), token_from="/", headers={"hx-request": "true"}
    )
    assert 'data-uitest="wizard-result"' in result.text and "Recordable: column H" in result.text
    assert "1904.7(b)(3)" in result.text and "days away from work" in result.text
    facts = re.search(r'name="facts" value="([^"]+)"', result.text).group(1).replace("&#34;", '"')
    assert json.loads(facts)["days_away"] == 5
    no_reason = post(client, url, {"facts": facts, "reason": ""}, token_from="/")
    assert (
        no_reason.status_code == 400 and "say why the classification changes".capitalize() in no_reason.text
    )
    saved = post(client, url, {"facts": facts, "reason": "Doctor kept her off work"}, token_from="/")
    assert saved.status_code == 303
    rows = run(
        OshaClassification.select()
        .where(OshaClassification.person == scene.injured)
        .order_by(OshaClassification.id)
    )
    assert [r["current"] for r in rows] == [False, True]
    assert rows[-1]["outcome_column"] == "H" and rows[-1]["days_away"] == 5 and rows[-1]["reason"]
    assert run(
        IncidentPerson.select(IncidentPerson.case_number).where(IncidentPerson.id == scene.injured).first()
    )["case_number"].endswith("-001")  # the number is kept across changes
    entry = run(
        AuditEntry.select()
        .where(AuditEntry.action == "incident.osha_classify")
        .order_by(AuditEntry.id, ascending=False)
        .first()
    )
    assert "Doctor kept her off work" in entry["summary"]
    person = client.get(f"/incidents/{scene.injury}/people/{scene.injured}").text
    assert "Doctor kept her off work" in person and "current" in person


def test_saving_never_trusts_the_page_result_and_names_bad_facts(client):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    url = f"/incidents/{scene.injury}/people/{scene.injured}/osha"
    bad = json.dumps(
        {"work_related": True, "new_case": True, "case_type": "injury", "treatments": ["bandaid"]}
    )
    r = post(client, url, {"facts": bad, "reason": "x"}, token_from="/")
    assert r.status_code == 400 and "treatments[0]" in r.text
    r = post(client, url, {"facts": "{not json", "reason": "x"}, token_from="/")
    assert r.status_code == 400 and "start the wizard again" in r.text


def test_first_classification_numbers_the_case_per_site_and_year(client):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    witness_url = f"/incidents/{scene.injury}/people/{scene.witness}"
    post(client, witness_url, {"version": "1", "role": "injured"}, token_from="/")
    facts = json.dumps({"work_related": True, "new_case": True, "case_type": "injury", "restricted_days": 3})
    r = post(client, witness_url + "/osha", {"facts": facts}, token_from="/")
    assert r.status_code == 303
    numbers = sorted(r["case_number"] for r in run(IncidentPerson.select(IncidentPerson.case_number)))
    assert numbers[-1].endswith("-002") and numbers[-2].endswith("-001")
