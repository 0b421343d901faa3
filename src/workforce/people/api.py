"""People and organisation endpoints of the JSON API (/api/v1, bearer tokens).

Bodies use the import's field names (`validation.COLUMNS`), references by code (site, department,
home_station, crew, bargaining_unit) and the supervisor by employee number, so an API client, a
CSV file and the form go through the same validator. Errors are problem JSON (RFC 9457):
422 with `errors: [{field, message}]` for bad input (also for bodies or query parameters of the
wrong type), 404 for an unknown id, 409 when `version` is stale, 401/403 from the shared guards.

Readers: hr, supervisor, safety, compliance, viewer. Writers: hr. Administrators pass every guard.
Phone numbers go only to the roles that may export the list (hr, supervisor, compliance, admin; see
routes_export.py); for other readers `phone` is null. Accounts limited to sites see those sites only.

No `from __future__ import annotations` here: the organisation handlers are made per unit type with
model classes built at import time, and Litestar reads their annotations as objects.
"""

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, Router, get, patch, post
from litestar.exceptions import (
    ClientException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.params import Parameter
from msgspec import UNSET, UnsetType
from piccolo.columns import ForeignKey

from workforce.audit import trail
from workforce.db import StaleVersion
from workforce.people import org_service, service
from workforce.people.access import can_see_contact
from workforce.people.org_specs import SPECS, OrgSpec
from workforce.people.validation import COLUMNS, REQUIRED_COLUMNS
from workforce.web.api_schema import problem_spec
from workforce.web.guards import roles
from workforce.web.responses import problem

READERS = [roles("hr", "supervisor", "safety", "compliance", "viewer")]
WRITERS = [roles("hr")]
MAX_PER_PAGE = 200


# --------------------------------------------------------------------------- models


READ_RESPONSES = {
    401: problem_spec("No or an invalid bearer token"),
    403: problem_spec("The token's user may not read this"),
    422: problem_spec("A query parameter is invalid; `errors` names it"),
}
ONE_RESPONSES = {**READ_RESPONSES, 404: problem_spec("No record with this id")}
WRITE_RESPONSES = {
    **ONE_RESPONSES,
    400: problem_spec("The body is not JSON"),
    403: problem_spec("The token's user may not change records"),
    422: problem_spec("Invalid input: `errors` has one entry per field"),
}
PATCH_RESPONSES = {
    **WRITE_RESPONSES,
    409: problem_spec("`version` is stale: someone changed the record since"),
}


Code = Annotated[str | None, msgspec.Meta(description="A code; null when not set")]


class EmployeeOut(msgspec.Struct):
    """An employee; references by code, the supervisor by employee number."""

    id: int
    version: Annotated[int, msgspec.Meta(description="Send it back in PATCH (optimistic locking)")]
    employee_number: str
    first_name: str
    last_name: str
    preferred_name: str
    job_class: str
    site: str
    department: Code
    home_station: Code
    crew: Code
    bargaining_unit: Code
    employment_type: Literal["full_time", "part_time", "temporary", "agency"]
    hire_date: date
    seniority_date: date
    supervisor: Annotated[str | None, msgspec.Meta(description="The supervisor's employee number")]
    status: Literal["active", "on_leave", "terminated"]
    status_reason: str
    termination_date: date | None
    phone: Annotated[str | None, msgspec.Meta(description="Null for roles that may not see contact data")]
    updated_at: datetime


class EmployeePage(msgspec.Struct):
    items: list[EmployeeOut]
    page: int
    per_page: int
    total: int


_TEXT = "Text; dates as YYYY-MM-DD, references by code, supervisor by employee number"
#: POST body: the COLUMNS; the required ones must be there, the rest may be left out or null.
EmployeeCreate = msgspec.defstruct(
    "EmployeeCreate",
    [(c, str) for c in COLUMNS if c in REQUIRED_COLUMNS]
    + [(c, str | None, None) for c in COLUMNS if c not in REQUIRED_COLUMNS],
    forbid_unknown_fields=True,
    module=__name__,
)
#: PATCH body: `version` and only the fields to change (null or "" clears an optional field).
EmployeePatch = msgspec.defstruct(
    "EmployeePatch",
    [("version", int)] + [(c, str | None | UnsetType, UNSET) for c in COLUMNS],
    forbid_unknown_fields=True,
    module=__name__,
)
EmployeeCreate.__doc__ = f"A new employee. {_TEXT}."
EmployeePatch.__doc__ = f"Fields to change and the version you read. {_TEXT}."


# --------------------------------------------------------------------------- errors


class Invalid(ValidationException):
    status_code = 422


def _invalid(errors: dict[str, str], detail: str = "Correct the fields listed in errors.") -> Invalid:
    return Invalid(detail=detail, extra=[{"key": k, "message": v} for k, v in errors.items()])


_MISSING = re.compile(r"missing required field `(\w+)`")
_UNKNOWN = re.compile(r"unknown field `(\w+)`")
_AT = re.compile(r" - at `\$\.(\w+)`")


def _field_error(item: dict[str, Any]) -> dict[str, str]:
    message = str(item.get("message", ""))
    key = str(item.get("key", ""))
    if m := _MISSING.search(message):
        return {"field": m.group(1), "message": "required"}
    if m := _UNKNOWN.search(message):
        return {"field": m.group(1), "message": "unknown field"}
    if key in ("", "data") and (m := _AT.search(message)):
        key = m.group(1)
    return {"field": key or "body", "message": message}


def validation_problem(request: Request, exc: ValidationException) -> Response:
    """Any invalid input to these endpoints: 422 with one entry per field."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = [_field_error(e) for e in extra if isinstance(e, dict)]
    detail = exc.detail if isinstance(exc, Invalid) else "The request does not match the documented fields."
    return problem(422, "Invalid input", detail, request=request, errors=errors or None)


def _stale(entity: str, row_id: int, history: list[dict[str, Any]]) -> ClientException:
    last = history[0] if history else {}
    when = last.get("at")
    when = when.strftime("%Y-%m-%d %H:%M") if isinstance(when, datetime) else str(when or "")[:16]
    who = f" by {last.get('actor_name')} at {when}" if last else ""
    return ClientException(
        status_code=409,
        detail=f"The {entity} {row_id} was changed{who} since the version you "
        "sent. GET it again and re-apply your change.",
    )


# --------------------------------------------------------------------------- employees


def _employee_out(row: dict[str, Any], user: Any) -> EmployeeOut:
    values = {k: row.get(k) for k in EmployeeOut.__struct_fields__}
    if not can_see_contact(user):
        values["phone"] = None
    return EmployeeOut(**values)


async def _employee(employee_id: int, user: Any) -> dict[str, Any]:
    row = await service.get_raw(employee_id)
    if row is None:
        raise NotFoundException(f"No employee with id {employee_id}.")
    allowed = await service.allowed_sites(user)
    if allowed is not None and row["site_id"] not in allowed:
        raise PermissionDeniedException("This employee works at a site outside your account's sites.")
    return row


def _site_allowed(user: Any, site_code: str) -> bool:
    return not user.sites or user.has("admin") or site_code.strip().upper() in {s.upper() for s in user.sites}


@get(
    "/employees",
    guards=READERS,
    tags=["people"],
    summary="Employees, filtered and paginated",
    responses=READ_RESPONSES,
)
async def list_employees(
    request: Request,
    q: Annotated[str, Parameter(description="Part of a name or an employee number")] = "",
    site: Annotated[int | None, Parameter(description="Site id")] = None,
    department: Annotated[int | None, Parameter(description="Department id")] = None,
    crew: Annotated[int | None, Parameter(description="Crew id")] = None,
    bargaining_unit: Annotated[int | None, Parameter(description="Bargaining unit id")] = None,
    status: Annotated[
        Literal["", "active", "on_leave", "terminated", "current"],
        Parameter(description="current = not terminated"),
    ] = "",
    page: Annotated[int, Parameter(ge=1)] = 1,
    per_page: Annotated[int, Parameter(ge=1, le=MAX_PER_PAGE)] = 50,
) -> EmployeePage:
    user = request.scope["user"]
    filters = service.EmployeeFilters(
        q=q.strip(),
        site=site,
        department=department,
        crew=crew,
        bargaining_unit=bargaining_unit,
        status=status,
        sort="number",
        allowed_sites=await service.allowed_sites(user),
    )
    query, count = service.list_queries(filters, columns=service.RAW_COLUMNS)
    total = await count
    rows = await query.limit(per_page).offset((page - 1) * per_page)  # past the end: no items (no clamping)
    return EmployeePage(
        items=[_employee_out(r, user) for r in rows], page=page, per_page=per_page, total=total
    )


@get(
    "/employees/{employee_id:int}",
    guards=READERS,
    tags=["people"],
    summary="One employee",
    responses=ONE_RESPONSES,
)
async def get_employee(request: Request, employee_id: int) -> EmployeeOut:
    return _employee_out(await _employee(employee_id, request.scope["user"]), request.scope["user"])


def _text_values(data: Any, names: tuple[str, ...] | list[str]) -> dict[str, str]:
    out = {}
    for name in names:
        value = getattr(data, name)
        if value is not UNSET:
            out[name] = "" if value is None else str(value)
    return out


@post("/employees", guards=WRITERS, tags=["people"], summary="Create an employee", responses=WRITE_RESPONSES)
async def create_employee(request: Request, data: EmployeeCreate) -> EmployeeOut:  # type: ignore[valid-type]
    user = request.scope["user"]
    raw = _text_values(data, COLUMNS)
    if raw.get("site") and not _site_allowed(user, raw["site"]):
        raise _invalid({"site": f"site {raw['site']} is outside your account's sites"})
    try:
        employee_id = await service.create_employee(raw)
    except service.EmployeeInvalid as exc:
        raise _invalid(exc.errors) from exc
    return _employee_out(await _employee(employee_id, user), user)


@patch(
    "/employees/{employee_id:int}",
    guards=WRITERS,
    tags=["people"],
    summary="Change some fields of an employee",
    responses=PATCH_RESPONSES,
)
async def update_employee(request: Request, employee_id: int, data: EmployeePatch) -> EmployeeOut:  # type: ignore[valid-type]
    user = request.scope["user"]
    current = await _employee(employee_id, user)
    raw = {**service.as_raw(current), **_text_values(data, COLUMNS)}
    if not _site_allowed(user, raw["site"]):
        raise _invalid({"site": f"site {raw['site']} is outside your account's sites"})
    try:
        await service.update_employee(employee_id, data.version, raw)  # type: ignore[attr-defined]
    except service.EmployeeInvalid as exc:
        raise _invalid(exc.errors) from exc
    except StaleVersion as exc:
        raise _stale("employee", employee_id, await trail.history("employee", employee_id, limit=1)) from exc
    return _employee_out(await _employee(employee_id, user), user)


# --------------------------------------------------------------------------- organisation units


def _class_name(spec: OrgSpec) -> str:
    return "".join(part.capitalize() for part in spec.singular.split())


def _field_type(spec: OrgSpec, fld: Any) -> type:
    if fld.kind == "select":  # a parent reference takes the parent's id; other choices are text
        return int if isinstance(getattr(spec.table, fld.name, None), ForeignKey) else str
    return {"text": str, "int": int, "bool": bool}[fld.kind]


def _models(spec: OrgSpec) -> tuple[Any, Any, Any, Any]:
    name = _class_name(spec)
    fields = [(f.name, _field_type(spec, f)) for f in spec.fields]
    extras = [(alias, str | None) for alias, _label, _column in spec.list_extra]
    out = msgspec.defstruct(
        name, [("id", int), ("version", int), ("active", bool), *fields, *extras], module=__name__
    )
    out.__doc__ = f"A {spec.singular}" + (
        f"; `{spec.parent}` is the id of its {spec.parent}" if spec.parent else ""
    )
    create_fields: list[tuple] = []
    for f in spec.fields:
        kind = _field_type(spec, f)
        if f.required and f.kind != "bool" and f.default in ("", None):
            create_fields.append((f.name, kind))  # no default: must be sent
        else:
            create_fields.append((f.name, kind, f.default))
    create = msgspec.defstruct(
        f"{name}Create", create_fields, kw_only=True, forbid_unknown_fields=True, module=__name__
    )
    create.__doc__ = f"A new {spec.singular}; a parent reference takes the parent's id."
    change = msgspec.defstruct(
        f"{name}Patch",
        [("version", int)] + [(f.name, _field_type(spec, f) | UnsetType, UNSET) for f in spec.fields],
        forbid_unknown_fields=True,
        module=__name__,
    )
    change.__doc__ = f"Fields of a {spec.singular} to change and the version you read."
    page = msgspec.defstruct(
        f"{name}Page",
        [
            ("items", list[out]),
            ("page", int),
            ("per_page", int),  # type: ignore
            ("total", int),
        ],
        module=__name__,
    )
    return out, create, change, page


def _org_handlers(spec: OrgSpec) -> list[Any]:
    Out, Create, Change, PageModel = _models(spec)  # noqa: N806 - classes
    table = spec.table
    pk = table._meta.primary_key
    columns = [*table._meta.columns, *(col.as_alias(alias) for alias, _label, col in spec.list_extra)]
    entity = spec.singular.replace(" ", "_")
    tags = ["organisation"]

    def out(row: dict[str, Any]) -> Any:
        return msgspec.convert({k: row.get(k) for k in Out.__struct_fields__}, Out)

    async def one(row_id: int) -> dict[str, Any]:
        row = await table.select(*columns).where(pk == row_id).first()
        if row is None:
            raise NotFoundException(f"No {spec.singular} with id {row_id}.")
        return row

    @get(
        f"/org/{spec.key}",
        guards=READERS,
        tags=tags,
        summary=f"{spec.title}, paginated",
        operation_id=f"list_{entity}",
        name=f"api_list_{entity}",
        responses=READ_RESPONSES,
    )
    async def list_units(
        active: Annotated[bool | None, Parameter(description="true or false; all when left out")] = None,
        q: Annotated[str, Parameter(description="Part of the code or the name")] = "",
        page: Annotated[int, Parameter(ge=1)] = 1,
        per_page: Annotated[int, Parameter(ge=1, le=MAX_PER_PAGE)] = 50,
    ) -> PageModel:  # type: ignore[valid-type]
        query, count = table.select(*columns), table.count()
        conds = []
        if active is not None:
            conds.append(table.active.eq(active))  # type: ignore[attr-defined]
        if q.strip():
            conds.append(table.code.ilike(f"%{q.strip()}%") | table.name.ilike(f"%{q.strip()}%"))  # type: ignore
        for cond in conds:
            query, count = query.where(cond), count.where(cond)
        total = await count
        rows = await query.order_by(table.code).limit(per_page).offset((page - 1) * per_page)  # type: ignore
        return PageModel(items=[out(r) for r in rows], page=page, per_page=per_page, total=total)

    @get(
        f"/org/{spec.key}/{{row_id:int}}",
        guards=READERS,
        tags=tags,
        summary=f"One {spec.singular}",
        operation_id=f"get_{entity}",
        name=f"api_get_{entity}",
        responses=ONE_RESPONSES,
    )
    async def get_unit(row_id: int) -> Out:  # type: ignore[valid-type]
        return out(await one(row_id))

    @post(
        f"/org/{spec.key}",
        guards=WRITERS,
        tags=tags,
        summary=f"Create a {spec.singular}",
        operation_id=f"create_{entity}",
        name=f"api_create_{entity}",
        responses=WRITE_RESPONSES,
    )
    async def create_unit(data: Create) -> Out:  # type: ignore[valid-type]
        try:
            row_id = await org_service.create(spec, msgspec.structs.asdict(data))
        except org_service.OrgInvalid as exc:
            raise _invalid(exc.errors) from exc
        return out(await one(row_id))

    @patch(
        f"/org/{spec.key}/{{row_id:int}}",
        guards=WRITERS,
        tags=tags,
        summary=f"Change a {spec.singular}",
        operation_id=f"update_{entity}",
        name=f"api_update_{entity}",
        responses=PATCH_RESPONSES,
    )
    async def update_unit(row_id: int, data: Change) -> Out:  # type: ignore[valid-type]
        current = await one(row_id)
        values = {f.name: current[f.name] for f in spec.fields}
        values.update(
            {k: v for k, v in msgspec.structs.asdict(data).items() if v is not UNSET and k != "version"}
        )
        try:
            await org_service.update(spec, row_id, data.version, values)
        except org_service.OrgInvalid as exc:
            raise _invalid(exc.errors) from exc
        except StaleVersion as exc:
            raise _stale(spec.singular, row_id, await trail.history(entity, row_id, limit=1)) from exc
        return out(await one(row_id))

    return [list_units, get_unit, create_unit, update_unit]


ROUTER = Router(
    path="/api/v1",
    route_handlers=[list_employees, get_employee, create_employee, update_employee]
    + [h for spec in SPECS.values() for h in _org_handlers(spec)],
    exception_handlers={ValidationException: validation_problem},
)
ROUTES = [ROUTER]
