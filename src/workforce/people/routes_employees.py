"""Employee screens: searchable list, record page with history and module tabs, forms, status."""

from __future__ import annotations

import dataclasses
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Template

from workforce.audit import trail
from workforce.db import StaleVersion
from workforce.people import service
from workforce.people.access import can_see_contact
from workforce.people.tables import EMPLOYMENT_TYPES, STATUSES
from workforce.people.validation import COLUMNS
from workforce.web.concurrency import already_saved, merge_stale, original_from, original_json, stale_message
from workforce.web.forms import FormErrors, form_data, parse_date, parse_int
from workforce.web.guards import roles
from workforce.web.pagination import paginate, parse_page
from workforce.web.registry import tabs_for
from workforce.web.responses import page, redirect

READERS = [roles("hr", "supervisor", "safety", "compliance", "viewer")]
WRITERS = [roles("hr")]
STATUS_ACTIONS = {"on_leave": "Start leave", "active": "Return to active", "terminated": "Terminate"}


async def _list_context(request: Request) -> dict:
    params = dict(request.query_params)
    filters = service.EmployeeFilters.from_params(params)
    filters = dataclasses.replace(filters, allowed_sites=await service.allowed_sites(request.scope["user"]))
    query, count = service.list_queries(filters)
    pg = await paginate(query, count, *parse_page(params))
    return {
        "page": pg,
        "filters": filters,
        "choices": await service.filter_choices(),
        "statuses": STATUSES,
        "can_export": can_see_contact(request.scope["user"]),
    }


@get("/people", guards=READERS, name="employee_list")
async def employee_list(request: Request) -> Template:
    return page(
        request, "people/employees.html", await _list_context(request), fragment="people/_employee_table.html"
    )


async def _record(employee_id: int, user: Any = None) -> dict:
    row = await service.get_raw(employee_id)
    if row is None:
        raise NotFoundException(f"No employee with id {employee_id}.")
    if user is not None:
        allowed = await service.allowed_sites(user)
        if allowed is not None and row["site_id"] not in allowed:
            raise PermissionDeniedException("This employee works at a site outside your account's sites.")
    return row


@get("/people/{employee_id:int}", guards=READERS)
async def employee_detail(request: Request, employee_id: int) -> Template:
    from workforce.people import directory

    user = request.scope["user"]
    row = await _record(employee_id, user)
    summary = await directory.employee(employee_id)
    return page(
        request,
        "people/employee.html",
        {
            "record": row,
            "summary": summary,
            "history": await trail.history("employee", employee_id),
            "tabs": tabs_for("employee", user.roles),
            "statuses": STATUSES,
            "employment_types": EMPLOYMENT_TYPES,
            "can_edit": user.has("hr", "admin"),
            "can_see_contact": can_see_contact(user),
            "status_actions": STATUS_ACTIONS,
            "errors": FormErrors(),
        },
    )


async def _form(
    request: Request,
    values: dict,
    errors: FormErrors,
    record: dict | None,
    status: int = 200,
    *,
    original: dict | None = None,
):
    """The employee form; on an edit, `original` is the record as the form first showed it (stale merge)."""
    site_id = None
    return page(
        request,
        "people/employee_form.html",
        {
            "values": values,
            "original_json": original_json(original) if original is not None else "",
            "errors": errors,
            "record": record,
            "choices": await service.org_choices(),
            "supervisors": await service.supervisor_choices(site_id),
            "statuses": STATUSES,
            "employment_types": EMPLOYMENT_TYPES,
        },
        status_code=status,
    )


def _errors(field_errors: dict[str, str]) -> FormErrors:
    errors = FormErrors()
    for name, message in field_errors.items():
        errors.add(name, message[0].upper() + message[1:] + ".")
    return errors


@get("/people/new", guards=WRITERS)
async def employee_new(request: Request) -> Template:
    return await _form(request, {"status": "active", "employment_type": "full_time"}, FormErrors(), None)


@post("/people", guards=WRITERS)
async def employee_create(request: Request) -> Template | Redirect:
    data = await form_data(request)
    values = {k: str(data.get(k, "")) for k in COLUMNS}
    try:
        employee_id = await service.create_employee(values)
    except service.EmployeeInvalid as exc:
        return await _form(request, values, _errors(exc.errors), None, 400)
    return redirect(f"/people/{employee_id}", f"Employee {values['employee_number'].upper()} created.")


@get("/people/{employee_id:int}/edit", guards=WRITERS)
async def employee_edit(request: Request, employee_id: int) -> Template:
    row = await _record(employee_id, request.scope["user"])
    raw = service.as_raw(row)
    return await _form(request, {**raw, "version": row["version"]}, FormErrors(), row, original=raw)


@post("/people/{employee_id:int}", guards=WRITERS)
async def employee_update(request: Request, employee_id: int) -> Template | Redirect:
    row = await _record(employee_id, request.scope["user"])
    data = await form_data(request)
    values = {k: str(data.get(k, "")) for k in COLUMNS}
    errors = FormErrors()
    version = parse_int(str(data.get("version", "")), "version", errors, required=True) or 0
    try:
        await service.update_employee(employee_id, version, values)
    except service.EmployeeInvalid as exc:
        base = original_from(data)
        return await _form(
            request, {**values, "version": version}, _errors(exc.errors), row, 400, original=base
        )
    except StaleVersion:
        current = await _record(employee_id, request.scope["user"])
        saved = service.as_raw(current)
        if already_saved(values, saved):
            return redirect(f"/people/{employee_id}", "Employee saved.")
        labels = {name: dict(options) for name, options in (await service.org_choices()).items()}
        labels.update(status=STATUSES, employment_type=EMPLOYMENT_TYPES)
        take = merge_stale(errors, values, original_from(data), saved, labels)
        merged = {**values, **{name: saved[name] for name in take}, "version": current["version"]}
        errors.general.append(await stale_message("employee", employee_id, kept=True))
        return await _form(request, merged, errors, current, 409, original=saved)
    return redirect(f"/people/{employee_id}", "Employee saved.")


@post("/people/{employee_id:int}/status", guards=WRITERS)
async def employee_status(request: Request, employee_id: int) -> Template | Redirect:
    row = await _record(employee_id, request.scope["user"])
    data = await form_data(request)
    errors = FormErrors()
    status = str(data.get("status", ""))
    if status not in STATUS_ACTIONS:
        errors.add("status", "Choose leave, return or terminate.")
    version = parse_int(str(data.get("version", "")), "version", errors, required=True) or 0
    reason = str(data.get("reason", "")).strip()
    if not reason:
        errors.add("reason", "Give a reason; it is kept in the record's history.")
    term = parse_date(
        str(data.get("termination_date", "")), "termination_date", errors, required=status == "terminated"
    )
    if not errors:
        try:
            await service.change_status(
                employee_id, version, status, reason, term if status == "terminated" else None
            )
            return redirect(f"/people/{employee_id}", f"Status set to {STATUSES[status].lower()}.")
        except service.EmployeeInvalid as exc:
            for k, m in exc.errors.items():
                errors.add(
                    "termination_date" if k == "termination_date" else "reason", m[0].upper() + m[1:] + "."
                )
        except StaleVersion:
            errors.general.append("The record changed since you opened it; look at it again and repeat.")
    from workforce.people import directory

    return page(
        request,
        "people/employee.html",
        {
            "record": row,
            "summary": await directory.employee(employee_id),
            "history": await trail.history("employee", employee_id),
            "tabs": tabs_for("employee", request.scope["user"].roles),
            "statuses": STATUSES,
            "employment_types": EMPLOYMENT_TYPES,
            "can_edit": True,
            "can_see_contact": can_see_contact(request.scope["user"]),
            "status_actions": STATUS_ACTIONS,
            "errors": errors,
            "status_values": {
                "status": status,
                "reason": reason,
                "termination_date": data.get("termination_date", ""),
            },
        },
        status_code=409 if errors.general else 400,
    )


ROUTES = [
    employee_list,
    employee_detail,
    employee_new,
    employee_create,
    employee_edit,
    employee_update,
    employee_status,
]
