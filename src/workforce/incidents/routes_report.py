"""Reporting from the shop floor: the quick form (a near miss in under a minute on a tablet), its
server-side draft, the people picker, and the create handler that the offline queue also posts to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Response, Template

from workforce.incidents import queries, service
from workforce.incidents.photos import PhotoError, process_photo
from workforce.incidents.routes_common import station_groups
from workforce.incidents.tables import INCIDENT_TYPES, PERSON_ROLES
from workforce.people import directory
from workforce.web import idempotency
from workforce.web.forms import FormErrors, form_data
from workforce.web.responses import flash_cookie, page, redirect
from workforce.web.tables import FormDraft

DRAFT_FORM = "incident-report"
#: Fields kept in the draft (never the photo: it would not survive a reload anyway).
DRAFT_FIELDS = (
    "kind",
    "title",
    "site_id",
    "station_id",
    "location_detail",
    "occurred_at",
    "description",
    "immediate_action",
    "person_id",
    "person_role",
)


async def _draft(user_id: int) -> dict[str, Any] | None:
    row = (
        await FormDraft.select()
        .where((FormDraft.user_id == user_id) & (FormDraft.form == DRAFT_FORM))
        .first()
        .output(load_json=True)
    )
    return row


async def _form_context(
    request: Request,
    values: dict[str, Any],
    errors: FormErrors,
    idem_key: str | None = None,
    draft_saved_at: Any = None,
) -> dict[str, Any]:
    user = request.scope["user"]
    sites = await queries.sites_by_id()
    allowed = await queries.user_site_ids(user, sites)
    site_list = [s for s in sites.values() if s["active"] and (allowed is None or s["id"] in allowed)]
    if not values.get("site_id") and len(site_list) == 1:
        values["site_id"] = site_list[0]["id"]
    site = (
        sites.get(_int(values.get("site_id")))
        if values.get("site_id")
        else (site_list[0] if site_list else None)
    )
    default_when = ""
    if not values.get("occurred_at"):
        # "Now" on the first site's clock; the script re-does it for the site chosen (offsets below).
        default_when = values["occurred_at"] = queries.local(datetime.now(UTC), site).strftime(
            "%Y-%m-%dT%H:%M"
        )
    offsets = {
        s["id"]: int(datetime.now(queries.zone(s)).utcoffset().total_seconds() // 60) for s in site_list
    }
    chosen_ids = [_int(v) for v in _list(values.get("person_id"))]
    employees = await directory.employees_by_ids({i for i in chosen_ids if i})
    roles_posted = _list(values.get("person_role"))
    chosen = [
        {"employee": employees[i], "role": roles_posted[n] if n < len(roles_posted) else "involved"}
        for n, i in enumerate(chosen_ids)
        if i in employees
    ]
    return {
        "values": values,
        "errors": errors,
        "types": INCIDENT_TYPES,
        "person_roles": PERSON_ROLES,
        "sites": site_list,
        "station_groups": await station_groups(allowed),
        "chosen": chosen,
        "idem_key": idem_key or idempotency.new_key(),
        "default_when": default_when,
        "offsets": offsets,
        "draft_saved_at": draft_saved_at,
    }


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@get(["/report", "/incidents/new"], name="incidents.new")
async def report_form(request: Request) -> Template:
    """Everyone signed in may report (the default login guard); a saved draft is restored."""
    user = request.scope["user"]
    draft = await _draft(user.id)
    values: dict[str, Any] = dict(draft["data"]) if draft else {}
    if not draft and request.query_params.get("type") in INCIDENT_TYPES:
        values["kind"] = request.query_params["type"]
    values.setdefault("kind", "near_miss")
    ctx = await _form_context(
        request, values, FormErrors(), draft_saved_at=draft["updated_at"] if draft else None
    )
    return page(request, "incidents/report.html", ctx)


@post("/incidents/draft", name="incidents.draft")
async def save_draft(request: Request) -> Template:
    """Called by htmx as the user types: keep the half-filled form server-side (survives a reload)."""
    user = request.scope["user"]
    data = await form_data(request)
    values = {k: data[k] for k in DRAFT_FIELDS if k in data and not hasattr(data[k], "filename")}
    now = datetime.now(UTC)
    existing = await _draft(user.id)
    if existing:
        await FormDraft.update({FormDraft.data: values, FormDraft.updated_at: now}).where(
            FormDraft.id == existing["id"]
        )
    else:
        await FormDraft.insert(FormDraft(user_id=user.id, form=DRAFT_FORM, data=values, updated_at=now))
    return page(request, "incidents/_draft_status.html", {"draft_saved_at": now})


@post("/incidents/draft/discard", name="incidents.draft_discard")
async def discard_draft(request: Request) -> Redirect:
    user = request.scope["user"]
    await FormDraft.delete().where((FormDraft.user_id == user.id) & (FormDraft.form == DRAFT_FORM))
    return redirect("/report", "Draft discarded.")


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


@post("/incidents", name="incidents.create")
async def create(request: Request) -> Template | Redirect | Response:
    """Create a report. A repeated idempotency key (double tap, retry, offline resend) lands on the first
    record. The offline queue asks for JSON (Accept: application/json) and gets {id, url, created}."""
    user = request.scope["user"]
    data = await form_data(request)
    key = str(data.get("idempotency_key") or "")
    errors = FormErrors()
    if not idempotency.valid_key(key):
        key = ""  # an old form without a key still works; it just is not de-duplicated
    photos = []
    uploads = data.get("photo")
    for upload in uploads if isinstance(uploads, list) else [uploads]:
        if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
            continue
        try:
            photos.append(process_photo(await upload.read()))
        except PhotoError as exc:
            errors.add("photo", str(exc))
    report = None
    try:
        report = await service.validate_report(data)
    except service.IncidentInvalid as exc:
        for name, message in exc.errors.items():
            errors.add(name, message)
    if errors or report is None:
        if _wants_json(request):
            return Response({"errors": errors.fields}, status_code=400)
        values = {k: v for k, v in data.items() if k != "photo"}
        ctx = await _form_context(request, values, errors, idem_key=key or None)
        return page(request, "incidents/report.html", ctx, status_code=400)
    incident_id, created = await service.report_incident(report, user, photos=photos, idempotency_key=key)
    await FormDraft.delete().where((FormDraft.user_id == user.id) & (FormDraft.form == DRAFT_FORM))
    url = f"/incidents/{incident_id}"
    message = (
        f"{INCIDENT_TYPES[report.kind]} reported as incident {incident_id}. Thank you."
        if created
        else f"Already received as incident {incident_id}; it was not sent twice."
    )
    if _wants_json(request):
        # The script navigates to `url` itself; the flash cookie tells the person it arrived.
        flash = flash_cookie(message)
        return Response(
            {"id": incident_id, "url": url, "created": created},
            status_code=201 if created else 200,
            cookies=[flash],
        )
    return redirect(url, message)


@get("/incidents/people-search", name="incidents.people_search")
async def people_search(request: Request) -> Template:
    """People picker results (htmx): active employees matching the text."""
    q = (request.query_params.get("q") or "").strip()
    found = await directory.search_employees(q, limit=8) if len(q) >= 2 else []
    return page(request, "incidents/_people_results.html", {"found": found, "q": q})


@get("/incidents/people-row", name="incidents.people_row")
async def people_row(request: Request) -> Template:
    """One chosen person for the report form (hidden id + role picker)."""
    employee = await directory.employee(_int(request.query_params.get("employee_id")) or 0)
    return page(
        request,
        "incidents/_person_row.html",
        {
            "p": {"employee": employee, "role": request.query_params.get("role") or "involved"},
            "person_roles": PERSON_ROLES,
        },
    )


ROUTES = [report_form, save_draft, discard_draft, create, people_search, people_row]
