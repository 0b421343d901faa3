"""The investigation page: context from other modules, timeline, immediate causes, 5 Whys, fishbone (6M),
8D and summary. Each section saves on its own (versioned, audited)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from workforce.actions import service as actions
from workforce.actions.routes import new_action_form
from workforce.db import StaleVersion
from workforce.incidents import queries, service_investigation
from workforce.incidents.context import context_for
from workforce.incidents.rootcause import EIGHT_D_STEPS, FISHBONE_LABELS, MAX_WHYS, InvestigationError
from workforce.incidents.routes_common import EDITORS, READERS, load_incident
from workforce.incidents.tables import INCIDENT_TYPES, PERSON_ROLES
from workforce.people import directory
from workforce.web.forms import FormErrors, form_data, parse_int
from workforce.web.responses import page, redirect


async def _page(
    request: Request,
    incident: dict[str, Any],
    sites: dict[int, dict[str, Any]],
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Template:
    user = request.scope["user"]
    site = sites.get(incident["site_id"])
    people = queries.mask_people(await queries.people(incident["id"]), queries.can_see_injuries(user))
    # Context is asked per person the reader may see (injured first), or once for the place alone.
    subjects = [p for p in people if not p.get("restricted") and p["role"] in ("injured", "involved")]
    blocks = []
    for person in sorted(subjects, key=lambda p: p["role"] != "injured")[:4]:
        blocks.append(
            {
                "person": person,
                "sections": await context_for(
                    person["employee_id"], incident["station_id"], incident["occurred_at"]
                ),
            }
        )
    if not blocks:
        blocks.append(
            {
                "person": None,
                "sections": await context_for(None, incident["station_id"], incident["occurred_at"]),
            }
        )
    station = (
        (await directory.stations_by_ids([incident["station_id"]])).get(incident["station_id"])
        if incident["station_id"]
        else None
    )
    investigation = await service_investigation.get(incident["id"])
    can_edit = queries.can_edit(user) and incident["voided_at"] is None
    return page(
        request,
        "incidents/investigation.html",
        {
            "incident": incident,
            "site": site,
            "station": station,
            "people": people,
            "blocks": blocks,
            "occurred_local": queries.local(incident["occurred_at"], site),
            "types": INCIDENT_TYPES,
            "person_roles": PERSON_ROLES,
            "inv": investigation,
            "values": values or {},
            "errors": errors or FormErrors(),
            "fishbone_labels": FISHBONE_LABELS,
            "eight_d_steps": EIGHT_D_STEPS,
            "max_whys": MAX_WHYS,
            "can_edit": can_edit,
            "actions": await actions.actions_for("incident", incident["id"]),
            "action_form": await new_action_form(f"/incidents/{incident['id']}/actions")
            if can_edit
            else None,
        },
        status_code=status_code,
    )


@get("/incidents/{incident_id:int}/investigation", guards=READERS, name="incidents.investigation")
async def investigation(request: Request, incident_id: int) -> Template:
    incident, sites = await load_incident(request, incident_id)
    return await _page(request, incident, sites)


@post("/incidents/{incident_id:int}/investigation/{section:str}", guards=EDITORS)
async def investigation_save(request: Request, incident_id: int, section: str) -> Template | Redirect:
    if section not in service_investigation.SECTIONS:
        raise NotFoundException(f"No investigation section {section!r}.")
    incident, sites = await load_incident(request, incident_id)
    data = await form_data(request)
    errors = FormErrors()
    version = parse_int(str(data.get("version", "")), "version", errors, required=True) or 0
    if incident["voided_at"] is not None:
        errors.general.append("A voided incident is not investigated further.")
    if not errors:
        try:
            values = service_investigation.parse_section(section, data)
            await service_investigation.save_section(incident_id, version, section, values)
            return redirect(f"/incidents/{incident_id}/investigation#{section}", "Saved.")
        except InvestigationError as exc:
            errors.add(exc.field, exc.message[0].upper() + exc.message[1:] + ".")
            errors.general.append(f"Not saved: {exc.field} {exc.message}.")
        except StaleVersion:
            errors.general.append(
                "Someone saved the investigation since you opened it. The page shows their "
                "version; make your change again."
            )
            return await _page(request, incident, sites, errors, status_code=409)
    return await _page(request, incident, sites, errors, {section: data}, status_code=400)


ROUTES = [investigation, investigation_save]
