"""Parts of an incident record with their own forms: people, photos, CAPA actions raised from the
incident, and the incidents tab on the employee page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Response, Template

from workforce.actions import service as actions
from workforce.actions.routes import new_action_form
from workforce.incidents import queries, service
from workforce.incidents.photos import PhotoError, process_photo
from workforce.incidents.routes_common import EDITORS, READERS, load_incident
from workforce.incidents.routes_incident import detail_page, guarded_write
from workforce.incidents.tables import INCIDENT_TYPES, PERSON_ROLES, IncidentPerson, Photo
from workforce.web.forms import FormErrors, form_data
from workforce.web.responses import page, redirect


@post("/incidents/{incident_id:int}/people", guards=EDITORS)
async def person_add(request: Request, incident_id: int) -> Template | Redirect:
    data = await form_data(request)

    async def write(_incident: dict[str, Any]) -> None:
        ids = data.get("person_id") or data.get("employee_id") or []
        ids = ids if isinstance(ids, list) else [ids]
        posted_roles = data.get("person_role") or data.get("role") or []
        posted_roles = posted_roles if isinstance(posted_roles, list) else [posted_roles]
        if not ids:
            raise service.IncidentInvalid({"employee_id": "Find the person and choose them from the list."})
        for n, raw in enumerate(ids):
            try:
                number = int(str(raw))
            except ValueError as exc:
                raise service.IncidentInvalid({"employee_id": "Choose the person from the list."}) from exc
            role = posted_roles[n] if n < len(posted_roles) else "involved"
            await service.add_person(incident_id, number, str(role), str(data.get("statement", "")))

    return await guarded_write(request, incident_id, write, "Person added.")


@post("/incidents/{incident_id:int}/photos", guards=EDITORS)
async def photo_add(request: Request, incident_id: int) -> Template | Redirect:
    data = await form_data(request)

    async def write(_incident: dict[str, Any]) -> None:
        upload = data.get("photo")
        if upload is None or isinstance(upload, str | list):
            raise service.IncidentInvalid({"photo": "Choose one photo."})
        try:
            stored = process_photo(await upload.read())
        except PhotoError as exc:
            raise service.IncidentInvalid({"photo": str(exc)}) from exc
        await service.add_photo(incident_id, stored, str(data.get("caption", "")), request.scope["user"])

    return await guarded_write(request, incident_id, write, "Photo added.")


async def _photo_bytes(request: Request, incident_id: int, photo_id: int, column: Any) -> Response:
    await load_incident(request, incident_id)
    row = (
        await Photo.select(column.as_alias("data"))
        .where((Photo.id == photo_id) & (Photo.incident == incident_id))
        .first()
    )
    if row is None:
        raise NotFoundException(f"No photo {photo_id} on incident {incident_id}.")
    return Response(
        content=bytes(row["data"]),
        media_type="image/jpeg",
        headers={"cache-control": "private, max-age=3600"},
    )


@get("/incidents/{incident_id:int}/photos/{photo_id:int}", guards=READERS)
async def photo_full(request: Request, incident_id: int, photo_id: int) -> Response:
    return await _photo_bytes(request, incident_id, photo_id, Photo.data)


@get("/incidents/{incident_id:int}/photos/{photo_id:int}/thumb", guards=READERS)
async def photo_thumb(request: Request, incident_id: int, photo_id: int) -> Response:
    return await _photo_bytes(request, incident_id, photo_id, Photo.thumbnail)


@post("/incidents/{incident_id:int}/actions", guards=EDITORS)
async def action_add(request: Request, incident_id: int) -> Template | Redirect:
    """Raise a CAPA action on the incident through the shared actions module."""
    incident, sites = await load_incident(request, incident_id)
    data = await form_data(request)
    form = await new_action_form(f"/incidents/{incident_id}/actions")
    owners = dict(form["owners"])
    owner_id = data.get("owner_user_id") or ""
    try:
        owner = int(str(owner_id)) if owner_id else None
    except ValueError:
        owner = None
    fields = {
        k: str(data.get(k, ""))
        for k in (
            "title",
            "due_date",
            "priority",
            "kind",
            "control_level",
            "description",
            "effectiveness_due",
            "effectiveness_criterion",
        )
    }
    try:
        if owner is not None and owner not in owners:
            raise actions.ActionInvalid({"owner_user_id": "Choose an owner from the list."})
        action_id, created = await actions.create_action_once(
            "incident",
            incident_id,
            str(data.get("idempotency_key", "")),
            owner_user_id=owner,
            owner_name=owners.get(owner or 0, ""),
            site_id=incident["site_id"],
            created_by=request.scope["user"].id,
            **fields,
        )
    except actions.ActionInvalid as exc:
        errors = FormErrors()
        for name, message in exc.errors.items():
            errors.add(name, message)
        form.update(
            values={**fields, "owner_user_id": owner},
            errors=errors,
            idem_key=str(data.get("idempotency_key") or form["idem_key"]),
        )
        return await detail_page(
            request,
            incident,
            sites,
            FormErrors(general=["The action was not added: correct the fields marked."]),
            400,
            action_form=form,
        )
    return redirect(
        f"/incidents/{incident_id}#actions",
        f"Action {action_id} added." if created else f"Action {action_id} was already added.",
    )


@get("/incidents/by-employee/{employee_id:int}", guards=READERS)
async def incidents_for_employee(request: Request, employee_id: int) -> Template:
    """Tab on the employee page: incidents the person was in (only for roles that may see injuries)."""
    user = request.scope["user"]
    if not queries.can_see_injuries(user):
        raise PermissionDeniedException("Only safety, HR and compliance see a person's incidents.")
    rows = (
        await IncidentPerson.select(
            IncidentPerson.role,
            IncidentPerson.case_number,
            IncidentPerson.incident.id.as_alias("incident_id"),
            IncidentPerson.incident.title.as_alias("title"),
            IncidentPerson.incident.kind.as_alias("kind"),
            IncidentPerson.incident.occurred_at.as_alias("occurred_at"),
        )
        .where((IncidentPerson.employee_id == employee_id) & IncidentPerson.incident.voided_at.is_null())
        .order_by(IncidentPerson.incident.occurred_at, ascending=False)
        .limit(50)
    )
    return page(
        request,
        "incidents/_employee_tab.html",
        {"rows": rows, "types": INCIDENT_TYPES, "person_roles": PERSON_ROLES},
    )


ROUTES = [person_add, photo_add, photo_full, photo_thumb, action_add, incidents_for_employee]
