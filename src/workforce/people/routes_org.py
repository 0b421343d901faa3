"""Organisation pages: one generic list + form controller per OrgSpec (sites, departments, lines,
stations, crews, bargaining units)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from workforce.audit import trail
from workforce.db import StaleVersion
from workforce.people import org_service
from workforce.people.org_specs import SPECS, OrgSpec
from workforce.web.concurrency import already_saved, merge_stale, original_from, original_json, stale_message
from workforce.web.forms import FormErrors, form_data, parse_int
from workforce.web.guards import roles
from workforce.web.pagination import paginate, parse_page
from workforce.web.responses import page, redirect

READERS = [roles("hr", "supervisor", "safety", "compliance", "viewer")]
WRITERS = [roles("hr")]


def _spec(kind: str) -> OrgSpec:
    if kind not in SPECS:
        raise NotFoundException(f"No organisation unit type {kind!r}.")
    return SPECS[kind]


def _errors(field_errors: dict[str, str]) -> FormErrors:
    errors = FormErrors()
    for name, message in field_errors.items():
        errors.add(name, message[0].upper() + message[1:] + ".")
    return errors


async def _choices(spec: OrgSpec) -> dict[str, list[tuple[Any, str]]]:
    return {f.name: await f.choices() for f in spec.fields if f.choices}


@get("/org", guards=READERS)
async def org_index(request: Request) -> Template:
    counts = {
        key: await spec.table.count().where(spec.table.active.eq(True))  # type: ignore[attr-defined]
        for key, spec in SPECS.items()
    }
    return page(request, "people/org_index.html", {"specs": SPECS, "counts": counts})


@get("/org/{kind:str}", guards=READERS)
async def org_list(request: Request, kind: str) -> Template:
    spec = _spec(kind)
    params = dict(request.query_params)
    table = spec.table
    q = (params.get("q") or "").strip()
    show = params.get("show") or "active"
    columns = [table._meta.primary_key, table.code, table.name, table.active]  # type: ignore[attr-defined]
    columns += [col.as_alias(alias) for alias, _label, col in spec.list_extra]
    query, count = table.select(*columns), table.count()
    conds = []
    if q:
        conds.append(table.code.ilike(f"%{q}%") | table.name.ilike(f"%{q}%"))  # type: ignore[attr-defined]
    if show != "all":
        conds.append(table.active.eq(show == "active"))  # type: ignore[attr-defined]
    for cond in conds:
        query, count = query.where(cond), count.where(cond)
    pg = await paginate(query.order_by(table.code), count, *parse_page(params, 50))  # type: ignore[attr-defined]
    return page(
        request,
        "people/org_list.html",
        {"spec": spec, "page": pg, "q": q, "show": show},
        fragment="people/_org_table.html",
    )


async def _form(
    request: Request, spec: OrgSpec, values: dict, errors: FormErrors, record: dict | None, status: int = 200
) -> Template:
    history = await trail.history(spec.singular.replace(" ", "_"), record["id"]) if record else []
    # What the form was opened with, for a merge if someone saves first: the record as saved, or what
    # a re-shown invalid form was opened with.
    base = original_from(values) or (_comparable(spec, record, posted=False) if record else None)
    return page(
        request,
        "people/org_form.html",
        {
            "spec": spec,
            "values": values,
            "original_json": original_json(base) if base is not None else "",
            "errors": errors,
            "record": record,
            "choices": await _choices(spec),
            "history": history,
        },
        status_code=status,
    )


@get("/org/{kind:str}/new", guards=WRITERS)
async def org_new(request: Request, kind: str) -> Template:
    spec = _spec(kind)
    return await _form(request, spec, {f.name: f.default for f in spec.fields}, FormErrors(), None)


@post("/org/{kind:str}", guards=WRITERS)
async def org_create(request: Request, kind: str) -> Template | Redirect:
    spec = _spec(kind)
    data = await form_data(request)
    try:
        new_id = await org_service.create(spec, data)
    except org_service.OrgInvalid as exc:
        return await _form(request, spec, data, _errors(exc.errors), None, 400)
    return redirect(
        f"/org/{kind}/{new_id}", f"{spec.singular.capitalize()} {str(data.get('code', '')).upper()} created."
    )


async def _row(spec: OrgSpec, row_id: int) -> dict:
    row = await spec.table.select().where(spec.table._meta.primary_key == row_id).first()
    if row is None:
        raise NotFoundException(f"No {spec.singular} with id {row_id}.")
    return row


@get("/org/{kind:str}/{row_id:int}", guards=READERS)
async def org_detail(request: Request, kind: str, row_id: int) -> Template:
    spec = _spec(kind)
    row = await _row(spec, row_id)
    return await _form(request, spec, row, FormErrors(), row)


@post("/org/{kind:str}/{row_id:int}", guards=WRITERS)
async def org_update(request: Request, kind: str, row_id: int) -> Template | Redirect:
    spec = _spec(kind)
    row = await _row(spec, row_id)
    data = await form_data(request)
    errors = FormErrors()
    version = parse_int(str(data.get("version", "")), "version", errors, required=True) or 0
    try:
        await org_service.update(spec, row_id, version, data)
        return redirect(f"/org/{kind}/{row_id}", f"{spec.singular.capitalize()} saved.")
    except org_service.OrgInvalid as exc:
        return await _form(request, spec, {**data, "version": version}, _errors(exc.errors), row, 400)
    except StaleVersion:
        current = await _row(spec, row_id)
        saved = _comparable(spec, current, posted=False)
        if already_saved(_comparable(spec, data, posted=True), saved):
            return redirect(f"/org/{kind}/{row_id}", f"{spec.singular.capitalize()} saved.")
        labels = {
            name: {str(v): str(label) for v, label in options}
            for name, options in (await _choices(spec)).items()
        }
        take = merge_stale(errors, _comparable(spec, data, posted=True), original_from(data), saved, labels)
        merged = {**data, **{name: current[name] for name in take}, "version": current["version"]}
        merged.pop("_original", None)  # the merged form's base is the record as saved now
        errors.general.append(await stale_message(spec.singular.replace(" ", "_"), row_id, kept=True))
        return await _form(request, spec, merged, errors, current, 409)


def _comparable(spec: OrgSpec, values: dict[str, Any], *, posted: bool) -> dict[str, str]:
    """Field values as text, check boxes as yes/no (a posted form leaves an unticked box out)."""
    out = {}
    for f in spec.fields:
        value = values.get(f.name)
        if f.kind == "bool":
            # read as org_service reads a posted box
            ticked = value in (True, "on", "true", "1", 1) if posted else bool(value)
            out[f.name] = "yes" if ticked else "no"
        else:
            out[f.name] = "" if value is None else str(value)
    return out


@post("/org/{kind:str}/{row_id:int}/active", guards=WRITERS)
async def org_set_active(request: Request, kind: str, row_id: int) -> Redirect:
    spec = _spec(kind)
    await _row(spec, row_id)
    data = await form_data(request)
    active = data.get("active") == "true"
    await org_service.set_active(spec, row_id, active)
    return redirect(
        f"/org/{kind}/{row_id}", f"{spec.singular.capitalize()} {'reactivated' if active else 'deactivated'}."
    )


ROUTES = [org_index, org_list, org_new, org_create, org_detail, org_update, org_set_active]
