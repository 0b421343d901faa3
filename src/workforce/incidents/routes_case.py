"""One person in an incident as an OSHA case: the Form 301 details, the recordability wizard (htmx, one
question of 1904.5-1904.11 at a time, each answer explained with its clause), saving the classification
(a change needs a reason) and the case's Form 301 PDF."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Response, Template

from workforce.db import StaleVersion
from workforce.incidents import osha_log, queries, service, service_osha, wizard
from workforce.incidents.osha import DAY_CAP, FactsError, classify
from workforce.incidents.routes_common import EDITORS, OSHA_FORMS, load_incident
from workforce.incidents.tables import PERSON_ROLES, IncidentPerson
from workforce.people import directory
from workforce.web.forms import FormErrors, form_data, parse_int
from workforce.web.guards import roles
from workforce.web.pdf import pdf_response
from workforce.web.responses import page, redirect

INJURY_READERS = [roles("safety", "hr", "compliance")]


async def _person(request: Request, incident_id: int, person_id: int):
    incident, sites = await load_incident(request, incident_id)
    person = await IncidentPerson.select().where(IncidentPerson.id == person_id).first()
    if person is None or person["incident"] != incident_id:
        raise NotFoundException(f"No person {person_id} on incident {incident_id}.")
    person["employee"] = await directory.employee(person["employee_id"]) or {
        "name": f"Employee {person['employee_id']}",
        "employee_number": "",
    }
    return incident, sites, person


async def _person_page(
    request: Request,
    incident: dict[str, Any],
    person: dict[str, Any],
    values: dict[str, Any],
    errors: FormErrors,
    status_code: int = 200,
) -> Template:
    return page(
        request,
        "incidents/person.html",
        {
            "incident": incident,
            "person": person,
            "values": values,
            "errors": errors,
            "person_roles": PERSON_ROLES,
            "can_edit": queries.can_edit(request.scope["user"]),
            "classifications": [
                c for c in await service_osha.history(incident["id"]) if c["person"] == person["id"]
            ],
            "basis_text": wizard.BASIS_TEXT,
        },
        status_code=status_code,
    )


@get("/incidents/{incident_id:int}/people/{person_id:int}", guards=INJURY_READERS)
async def person_detail(request: Request, incident_id: int, person_id: int) -> Template:
    incident, _sites, person = await _person(request, incident_id, person_id)
    return await _person_page(request, incident, person, person, FormErrors())


@post("/incidents/{incident_id:int}/people/{person_id:int}", guards=EDITORS)
async def person_update(request: Request, incident_id: int, person_id: int) -> Template | Redirect:
    incident, _sites, person = await _person(request, incident_id, person_id)
    data = await form_data(request)
    errors = FormErrors()
    version = parse_int(str(data.get("version", "")), "version", errors, required=True) or 0
    field_errors: dict[str, str] = {}
    values = service.parse_detail_values(data, field_errors)
    for name, message in field_errors.items():
        errors.add(name, message)
    if not errors:
        try:
            await service.update_person(person_id, version, values)
            return redirect(f"/incidents/{incident_id}/people/{person_id}", "Details saved.")
        except StaleVersion:
            errors.general.append(
                "Someone saved this person since you opened the page; the form shows their "
                "version. Make your change again."
            )
            _i, _s, fresh = await _person(request, incident_id, person_id)
            return await _person_page(request, incident, fresh, fresh, errors, 409)
    return await _person_page(request, incident, person, {**person, **values}, errors, 400)


# ---------------------------------------------------------------- the recordability wizard


def _carry(form: dict[str, Any], answered: list[str]) -> list[tuple[str, str]]:
    """Hidden inputs that replay the answers given so far."""
    pairs: list[tuple[str, str]] = []
    for step_id in answered:
        pairs.append(("answered", step_id))
        for key in wizard.STEPS[step_id].keys:
            value = form.get(key)
            for item in value if isinstance(value, list) else [value]:
                if item not in (None, ""):
                    pairs.append((key, str(item)))
    return pairs


async def _wizard_context(
    incident: dict[str, Any],
    person: dict[str, Any],
    form: dict[str, Any],
    prefill: dict[str, Any],
    errors: dict[str, str] | None = None,
    save_errors: FormErrors | None = None,
) -> dict[str, Any]:
    current = (await service_osha.current_by_person(incident["id"])).get(person["id"])
    state = wizard.state(form)
    answered_ids = [a.step.id for a in state.answered]
    ctx: dict[str, Any] = {
        "incident": incident,
        "person": person,
        "state": state,
        "current": current,
        "carry": _carry(form, answered_ids),
        "prefill": prefill,
        "errors": errors or {},
        "save_errors": save_errors or FormErrors(),
        "basis_text": wizard.BASIS_TEXT,
        "result": None,
        "facts_error": None,
        "day_cap": DAY_CAP,
        "post_url": f"/incidents/{incident['id']}/people/{person['id']}/osha",
    }
    if state.next_step is None and state.answered:
        facts = wizard.facts_from(form)
        try:
            ctx["result"] = classify(facts)
            ctx["facts_json"] = json.dumps(facts)
        except FactsError as exc:
            ctx["facts_error"] = exc
    return ctx


@get("/incidents/{incident_id:int}/people/{person_id:int}/osha", guards=EDITORS)
async def wizard_start(request: Request, incident_id: int, person_id: int) -> Template:
    incident, _sites, person = await _person(request, incident_id, person_id)
    current = (await service_osha.current_by_person(incident_id)).get(person_id)
    prefill = wizard.form_from_facts(current["facts"]) if current else {}
    return page(request, "incidents/wizard.html", await _wizard_context(incident, person, {}, prefill))


@post("/incidents/{incident_id:int}/people/{person_id:int}/osha/wizard", guards=EDITORS)
async def wizard_step(request: Request, incident_id: int, person_id: int) -> Template:
    """Take the answer to the current question and show the next one (or the result)."""
    incident, _sites, person = await _person(request, incident_id, person_id)
    form = await form_data(request)
    answered, _answers, errors = wizard.read_answers(form)
    if form.get("back") and answered:
        answered = answered[:-1]
        errors = {}
    elif errors:
        # Show the first question with a bad answer again, with the message.
        bad = next(s for s in answered if any(k in errors for k in wizard.STEPS[s].keys))
        answered = answered[: answered.index(bad)]
    form = {**form, "answered": answered}
    current = (await service_osha.current_by_person(incident_id)).get(person_id)
    prefill = {**(wizard.form_from_facts(current["facts"]) if current else {}), **form}
    ctx = await _wizard_context(incident, person, form, prefill, errors)
    return page(
        request,
        "incidents/wizard.html",
        ctx,
        fragment="incidents/_wizard.html",
        status_code=400 if errors else 200,
    )


@post("/incidents/{incident_id:int}/people/{person_id:int}/osha", guards=EDITORS)
async def classification_save(request: Request, incident_id: int, person_id: int) -> Template | Redirect:
    """Store the classification. The facts are classified again here: the page's result is never trusted."""
    incident, _sites, person = await _person(request, incident_id, person_id)
    data = await form_data(request)
    save_errors = FormErrors()
    try:
        facts = json.loads(str(data.get("facts") or "{}"))
    except ValueError:
        facts = None
    if not isinstance(facts, dict):
        save_errors.add("facts", "The answers were lost; start the wizard again.")
        facts = {}
    saved = None
    if not save_errors:
        try:
            saved = await service_osha.classify_case(
                incident_id, person_id, facts, str(data.get("reason", "")), request.scope["user"]
            )
        except service_osha.ClassificationError as exc:
            save_errors.add(
                "reason" if exc.field == "reason" else "facts",
                f"{exc.field}: {exc.message}"
                if exc.field != "reason"
                else exc.message[0].upper() + exc.message[1:] + ".",
            )
    if saved is None:
        form = {
            **wizard.form_from_facts(facts),
            "answered": [s.id for s in wizard.WIZARD_STEPS if wizard.applicable(s, facts)],
        }
        ctx = await _wizard_context(incident, person, form, form, save_errors=save_errors)
        ctx["reason"] = str(data.get("reason", ""))
        return page(request, "incidents/wizard.html", ctx, status_code=400)
    result = saved["result"]
    message = (
        f"Recorded as case {saved['case_number']}, column {result['column']}."
        if result["recordable"]
        else "Saved: not recordable."
    )
    return redirect(f"/incidents/{incident_id}#people", message)


# ---------------------------------------------------------------- Form 301


@get("/incidents/{incident_id:int}/people/{person_id:int}/301.pdf", guards=OSHA_FORMS)
async def form_301_pdf(request: Request, incident_id: int, person_id: int) -> Response:
    incident, sites, person = await _person(request, incident_id, person_id)
    if person["role"] != "injured":
        raise PermissionDeniedException("A Form 301 exists only for an injured or ill person.")
    cases = await osha_log.cases_301([(incident_id, person_id)])
    site = sites.get(incident["site_id"]) or {}
    return await pdf_response(
        request,
        "incidents/form301_print.html",
        "OSHA Form 301: Injury and Illness Incident Report",
        f"osha-301-{person['case_number'] or person_id}.pdf",
        cases=cases,
        site_name=site.get("name", ""),
        paper_size=site.get("paper_size"),  # the establishment's paper, else the plant default
        year_data=await service_osha.year_data(incident["site_id"], cases[0]["occurred_local"].year),
    )


ROUTES = [person_detail, person_update, wizard_start, wizard_step, classification_save, form_301_pdf]
