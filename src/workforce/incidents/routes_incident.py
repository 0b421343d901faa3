"""The incident list and record: filters, the record page, edits, status, void, people, photos, the
1904.39 reporting facts, CAPA actions raised from the incident and the incident report PDF."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Response, Template

from workforce.actions import service as actions
from workforce.actions.routes import new_action_form
from workforce.db import StaleVersion
from workforce.incidents import queries, service, service_investigation, service_osha
from workforce.incidents.deadlines import deadline_status, deadlines_for
from workforce.incidents.routes_common import EDITORS, READERS, history_for, load_incident, station_groups
from workforce.incidents.tables import INCIDENT_TYPES, PERSON_ROLES, STATUSES
from workforce.people import directory
from workforce.web.concurrency import (
    already_saved,
    changed_by,
    merge_stale,
    original_from,
    original_json,
    stale_message,
)
from workforce.web.forms import FormErrors, form_data, parse_int
from workforce.web.pagination import paginate, parse_page
from workforce.web.pdf import pdf_response
from workforce.web.registry import tabs_for
from workforce.web.responses import page, redirect

#: Incident types the OSHA reporting and recording deadlines apply to.
INJURY_KINDS = ("injury_illness", "first_aid")


@get("/incidents", guards=READERS, name="incidents.list")
async def incident_list(request: Request) -> Template:
    params = dict(request.query_params)
    user = request.scope["user"]
    sites = await queries.sites_by_id()
    allowed = await queries.user_site_ids(user, sites)
    filters = queries.IncidentFilters.from_params(params)
    tz = queries.zone(sites.get(filters.site_id)) if filters.site_id else None
    query, count = queries.list_queries(filters, allowed, tz)
    pg = await paginate(query, count, *parse_page(params))
    await queries.label_rows(pg.items, sites)
    return page(
        request,
        "incidents/list.html",
        {
            "page": pg,
            "filters": filters,
            "types": INCIDENT_TYPES,
            "statuses": STATUSES,
            "sites": [s for s in sites.values() if allowed is None or s["id"] in allowed],
        },
        fragment="incidents/_table.html",
    )


def deadline_rows(
    incident: dict[str, Any],
    recordable: bool | None,
    recorded_at: datetime | None,
    now: datetime,
    site: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """1904.39 report and 1904.29(b)(3) recording deadlines with their status. Until the case is
    classified an injury is assumed recordable, so the 7-day clock is visible from the start."""
    severe = any(
        (incident["death_at"], incident["hospitalized_at"], incident["amputation"], incident["loss_of_eye"])
    )
    if incident["kind"] not in INJURY_KINDS and not severe:
        return []
    if recordable is None:
        recordable = incident["kind"] == "injury_illness"
    learned = max(incident["reported_at"], incident["occurred_at"])
    rows = []
    for d in deadlines_for(
        incident["occurred_at"],
        learned,
        fatality=incident["death_at"] or False,
        hospitalization=incident["hospitalized_at"] or False,
        amputation=incident["amputation"],
        loss_of_eye=incident["loss_of_eye"],
        recordable=recordable,
        reporting_exempt=incident["reporting_exempt"],
    ):
        done = recorded_at if d.kind == "record_case" else incident["osha_reported_at"]
        rows.append(
            {
                "label": d.label,
                "clause": d.clause,
                "due_at": queries.local(d.due_at, site),
                "status": deadline_status(d, now, done),
                "done_at": queries.local(done, site),
            }
        )
    return rows


async def record_context(
    request: Request, incident: dict[str, Any], sites: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    """Everything the record page and the incident report PDF show, masked for the user's role."""
    user = request.scope["user"]
    site = sites.get(incident["site_id"])
    station = (
        (await directory.stations_by_ids([incident["station_id"]])).get(incident["station_id"])
        if incident["station_id"]
        else None
    )
    see_injuries = queries.can_see_injuries(user)
    people = await queries.people(incident["id"])
    current = await service_osha.current_by_person(incident["id"])
    for person in people:
        person["classification"] = current.get(person["id"])
    recordables = [c["recordable"] for c in current.values()]
    recordable = any(recordables) if recordables else None
    recorded_at = await service_osha.first_recorded_at(incident["id"])
    return {
        "incident": incident,
        "site": site,
        "station": station,
        "occurred_local": queries.local(incident["occurred_at"], site),
        "reported_local": queries.local(incident["reported_at"], site),
        "where": queries.where_text(
            {"station": station, "site": site, "location_detail": incident["location_detail"]}
        ),
        "people": queries.mask_people(people, see_injuries),
        "see_injuries": see_injuries,
        "deadlines": deadline_rows(incident, recordable, recorded_at, datetime.now(UTC), site),
        "actions": await actions.actions_for("incident", incident["id"]),
        "types": INCIDENT_TYPES,
        "statuses": STATUSES,
        "person_roles": PERSON_ROLES,
        "can_edit": queries.can_edit(user),
        "osha_forms": bool(user.roles & queries.OSHA_FORMS),
        # Severe-event times on the site's wall clock, as the datetime-local inputs expect them.
        "severe": {
            k: queries.local(incident[k], site).strftime("%Y-%m-%dT%H:%M") if incident[k] else ""
            for k in ("death_at", "hospitalized_at", "osha_reported_at")
        },
    }


@get("/incidents/{incident_id:int}", guards=READERS, name="incidents.detail")
async def incident_detail(request: Request, incident_id: int) -> Template:
    incident, sites = await load_incident(request, incident_id)
    return await detail_page(request, incident, sites)


async def detail_page(
    request: Request,
    incident: dict[str, Any],
    sites: dict[int, dict[str, Any]],
    errors: FormErrors | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    user = request.scope["user"]
    ctx = await record_context(request, incident, sites)
    ctx.update(
        errors=errors or FormErrors(),
        photos=await queries.photos(incident["id"]),
        history=await history_for(incident["id"], user),
        tabs=tabs_for("incident", user.roles),
        investigation=await service_investigation.get(incident["id"]),
    )
    if ctx["can_edit"]:
        ctx["action_form"] = extra.pop("action_form", None) or await new_action_form(
            f"/incidents/{incident['id']}/actions"
        )
    ctx.update(extra)
    return page(request, "incidents/detail.html", ctx, status_code=status_code)


#: What the edit form posts and update_incident writes; status and void are never among them.
EDIT_FIELDS = (
    "kind",
    "title",
    "site_id",
    "station_id",
    "occurred_at",
    "location_detail",
    "description",
    "immediate_action",
)


def _form_values(incident: dict[str, Any], sites: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The record as the edit form shows it (the time on the site's wall clock)."""
    when = queries.local(incident["occurred_at"], sites.get(incident["site_id"])).strftime("%Y-%m-%dT%H:%M")
    return {**{k: incident[k] for k in EDIT_FIELDS}, "occurred_at": when}


@get("/incidents/{incident_id:int}/edit", guards=EDITORS)
async def incident_edit(request: Request, incident_id: int) -> Template:
    incident, sites = await load_incident(request, incident_id)
    values = _form_values(incident, sites)
    return await _edit_page(
        request, incident, {**values, "version": incident["version"]}, FormErrors(), original=values
    )


async def _edit_page(
    request: Request,
    incident: dict[str, Any],
    values: dict[str, Any],
    errors: FormErrors,
    status_code: int = 200,
    *,
    original: dict[str, Any] | None = None,
) -> Template:
    """The edit form; `values` carries the version it saves against, `original` what it was opened with."""
    sites = await queries.sites_by_id()
    return page(
        request,
        "incidents/edit.html",
        {
            "incident": incident,
            "values": values,
            "original_json": original_json(original) if original is not None else "",
            "errors": errors,
            "types": INCIDENT_TYPES,
            "site_options": [(s["id"], f"{s['code']} · {s['name']}") for s in sites.values()],
            "station_groups": await station_groups(),
        },
        status_code=status_code,
    )


async def _labels(sites: dict[int, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """What the selects show for each code, for the notes beside fields both users changed."""
    stations = {
        str(st["id"]): f"{st['code']} {st['name']}" for g in await station_groups() for st in g["stations"]
    }
    return {
        "kind": INCIDENT_TYPES,
        "site_id": {str(i): f"{s['code']} · {s['name']}" for i, s in sites.items()},
        "station_id": stations,
    }


@post("/incidents/{incident_id:int}", guards=EDITORS)
async def incident_update(request: Request, incident_id: int) -> Template | Redirect:
    incident, _sites = await load_incident(request, incident_id)
    data = await form_data(request)
    mine = {k: str(data.get(k, "")) for k in EDIT_FIELDS}
    errors = FormErrors()
    version = parse_int(str(data.get("version", "")), "version", errors, required=True) or 0
    try:
        report = await service.validate_report(data)
        await service.update_incident(incident_id, version, report)
        return redirect(f"/incidents/{incident_id}", "Incident saved.")
    except service.IncidentInvalid as exc:
        for name, message in exc.errors.items():
            errors.add(name, message) if name else errors.general.append(message)
        # The posted version and original, not the record's: a stale form must still clash when saved.
        values = {**mine, "version": version}
        return await _edit_page(request, incident, values, errors, 400, original=original_from(data))
    except StaleVersion:
        fresh, sites = await load_incident(request, incident_id)
        saved = _form_values(fresh, sites)
        if already_saved(mine, saved):
            return redirect(f"/incidents/{incident_id}", "Incident saved.")
        take = merge_stale(errors, mine, original_from(data), saved, await _labels(sites))
        merged = {**mine, **{name: saved[name] for name in take}, "version": fresh["version"]}
        errors.general.append(await stale_message("incident", incident_id, kept=True))
        return await _edit_page(request, fresh, merged, errors, 409, original=saved)


async def guarded_write(request: Request, incident_id: int, write, ok_message: str) -> Template | Redirect:
    """Run a versioned write; field errors and stale versions re-render the record page."""
    incident, sites = await load_incident(request, incident_id)
    errors = FormErrors()
    try:
        await write(incident)
        return redirect(f"/incidents/{incident_id}", ok_message)
    except service.IncidentInvalid as exc:
        for name, message in exc.errors.items():
            errors.add(name, message)
            # The record page holds several small forms; say it at the top too, so no message is lost.
            errors.general.append(f"Not saved: {message}")
        return await detail_page(request, incident, sites, errors, 400)
    except StaleVersion:
        changed = await changed_by("incident", incident_id)
        errors.general.append(f"{changed} Look at the record again and repeat your change.")
        fresh, sites = await load_incident(request, incident_id)
        return await detail_page(request, fresh, sites, errors, 409)


@post("/incidents/{incident_id:int}/status", guards=EDITORS)
async def incident_status(request: Request, incident_id: int) -> Template | Redirect:
    data = await form_data(request)
    status = str(data.get("status", ""))

    async def write(_incident: dict[str, Any]) -> None:
        await service.set_status(incident_id, _version(data), status, str(data.get("note", "")))

    return await guarded_write(
        request, incident_id, write, f"Status: {STATUSES.get(status, status).lower()}."
    )


def _version(data: dict[str, Any]) -> int:
    try:
        return int(str(data.get("version", "")))
    except ValueError as exc:
        raise service.IncidentInvalid({"version": "The form is out of date; reload the page."}) from exc


@post("/incidents/{incident_id:int}/void", guards=EDITORS)
async def incident_void(request: Request, incident_id: int) -> Template | Redirect:
    data = await form_data(request)

    async def write(_incident: dict[str, Any]) -> None:
        await service.void_incident(
            incident_id, _version(data), str(data.get("void_reason", "")), request.scope["user"]
        )

    return await guarded_write(
        request, incident_id, write, "Incident voided; it stays on file with the reason."
    )


def _local_or_none(raw: str, site: dict[str, Any] | None, name: str) -> datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return service.parse_local(raw, site)
    except ValueError as exc:
        raise service.IncidentInvalid({name: f"{raw!r} is not a date and time."}) from exc


@post("/incidents/{incident_id:int}/reporting", guards=EDITORS)
async def incident_reporting(request: Request, incident_id: int) -> Template | Redirect:
    """1904.39 facts: when a death or in-patient admission happened, amputation, loss of an eye, an exemption
    (public road, public transport) and when OSHA was told."""
    data = await form_data(request)

    async def write(incident: dict[str, Any]) -> None:
        site = await directory.site(incident["site_id"])
        values = {
            "death_at": _local_or_none(str(data.get("death_at", "")), site, "death_at"),
            "hospitalized_at": _local_or_none(str(data.get("hospitalized_at", "")), site, "hospitalized_at"),
            "amputation": data.get("amputation") == "on",
            "loss_of_eye": data.get("loss_of_eye") == "on",
            "reporting_exempt": data.get("reporting_exempt") == "on",
            "osha_reported_at": _local_or_none(
                str(data.get("osha_reported_at", "")), site, "osha_reported_at"
            ),
            "osha_report_reference": str(data.get("osha_report_reference", "")).strip()[:120],
        }
        for name in ("death_at", "hospitalized_at"):
            if values[name] and values[name] < incident["occurred_at"]:
                raise service.IncidentInvalid({name: "That is before the incident happened."})
        await service.update_severe_events(incident_id, _version(data), values)

    return await guarded_write(request, incident_id, write, "Reporting facts saved.")


@get("/incidents/{incident_id:int}/report.pdf", guards=READERS)
async def incident_pdf(request: Request, incident_id: int) -> Response:
    """The incident report for the file: facts, people (masked by role), investigation, causes, actions."""
    incident, sites = await load_incident(request, incident_id)
    ctx = await record_context(request, incident, sites)
    ctx["investigation"] = await service_investigation.get(incident_id)
    ctx["classifications"] = await service_osha.current_by_person(incident_id) if ctx["see_injuries"] else {}
    ctx["photos"] = await queries.photos_for_print(incident_id)  # same readers as the record page's photos
    return await pdf_response(
        request,
        "incidents/report_print.html",
        f"Incident report {incident_id}",
        f"incident-{incident_id}.pdf",
        site_name=(ctx["site"] or {}).get("name", ""),
        paper_size=(ctx["site"] or {}).get("paper_size"),  # the site's paper, else the plant default
        **ctx,
    )


ROUTES = [
    incident_list,
    incident_detail,
    incident_edit,
    incident_update,
    incident_status,
    incident_void,
    incident_reporting,
    incident_pdf,
]
