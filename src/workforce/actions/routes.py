"""CAPA screens: the action list (overdue, mine, by status), one action with its status and effectiveness
check. Actions are created from their source record's page (e.g. POST /incidents/{id}/actions), which
decides who may raise them; here only their own life cycle is handled."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Template

from workforce.accounts import service as accounts
from workforce.actions import service
from workforce.audit import trail
from workforce.db import StaleVersion
from workforce.incidents.rootcause import ActionStateError
from workforce.people import directory
from workforce.web.concurrency import (
    already_saved,
    changed_by,
    merge_stale,
    original_from,
    original_json,
    stale_message,
)
from workforce.web.forms import FormErrors, form_data, parse_date, parse_int
from workforce.web.guards import roles
from workforce.web.pagination import paginate, parse_page
from workforce.web.responses import page, redirect

#: Who may read the action lists: every plant role.
READERS = [roles("safety", "supervisor", "hr", "compliance", "viewer")]
#: Who may edit, verify and cancel any action (the owner may also move their own along).
MANAGERS = frozenset({"safety", "compliance", "admin"})


async def user_site_ids(user: Any) -> list[int] | None:
    """Site ids the user is limited to (User.sites holds codes), or None for every site."""
    if not user.sites:
        return None
    codes = {c.upper() for c in user.sites}
    return [s["id"] for s in await directory.sites(active_only=False) if s["code"].upper() in codes]


async def owner_choices() -> list[tuple[int, str]]:
    """Active accounts as (id, name) for the owner picker (one query)."""
    rows = await accounts.access_report()
    return [(r["id"], r["full_name"] or r["username"]) for r in rows if r["active"]]


def can_manage(user: Any) -> bool:
    return bool(user.roles & MANAGERS)


def can_progress(user: Any, action: dict[str, Any]) -> bool:
    return can_manage(user) or action.get("owner_user_id") == user.id


@get("/actions", guards=READERS, name="actions.list")
async def action_list(request: Request) -> Template:
    params = dict(request.query_params)
    user = request.scope["user"]
    status = params.get("status", "active")
    overdue = params.get("overdue") == "1"
    mine = params.get("mine") == "1"
    query, count = service.list_queries(
        status="" if overdue else status,
        overdue_on=date.today() if overdue else None,
        site_ids=await user_site_ids(user),
        owner_user_id=user.id if mine else None,
    )
    pg = await paginate(query, count, *parse_page(params))
    today = date.today()
    for row in pg.items:
        service.decorate(row, today)
    return page(
        request,
        "actions/list.html",
        {
            "page": pg,
            "status": status,
            "overdue": overdue,
            "mine": mine,
            "sources": await service.source_labels(pg.items),
            "statuses": service.STATUS_LABELS,
            "priorities": service.PRIORITIES,
        },
        fragment="actions/_table.html",
    )


async def _action_or_404(request: Request, action_id: int) -> dict[str, Any]:
    row = await service.get_action(action_id)
    site_ids = await user_site_ids(request.scope["user"])
    if row is None or (site_ids is not None and row["site_id"] not in site_ids):
        raise NotFoundException(f"No action {action_id}.")
    return row


async def _detail(
    request: Request,
    row: dict[str, Any],
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
    *,
    original: dict[str, Any] | None = None,
) -> Template:
    """The action page; its edit form shows `values` (else the record) and was opened with `original`."""
    user = request.scope["user"]
    return page(
        request,
        "actions/detail.html",
        {
            "record": row,
            "values": values or row,
            "original_json": original_json(_form_values(row) if original is None else original),
            "errors": errors or FormErrors(),
            "source": (await service.source_labels([row]))[(row["source_type"], row["source_id"])],
            "statuses": service.STATUS_LABELS,
            "priorities": service.PRIORITIES,
            "kinds": service.KINDS,
            "levels": service.CONTROL_LEVELS,
            "owners": await owner_choices() if can_manage(user) else [],
            "can_manage": can_manage(user),
            "can_progress": can_progress(user, row),
            "next_statuses": _next_statuses(row["status"]),
            "closed": CLOSED,
            "today": date.today(),
            "history": await trail.history("action", row["id"]),
        },
        status_code=status_code,
    )


def _next_statuses(current: str) -> list[tuple[str, str]]:
    from workforce.incidents.rootcause import CAPA_TRANSITIONS

    # verified_effective is reached only through the effectiveness check form.
    return [
        (s, service.STATUS_LABELS[s])
        for s in service.CAPA_STATUSES
        if s in CAPA_TRANSITIONS[current] and s != "verified_effective"
    ]


@get("/actions/{action_id:int}", guards=READERS, name="actions.detail")
async def action_detail(request: Request, action_id: int) -> Template:
    return await _detail(request, await _action_or_404(request, action_id))


#: What the edit form posts; update_action writes these (and the owner's name), never the status.
EDIT_FIELDS = (
    "title",
    "description",
    "priority",
    "kind",
    "control_level",
    "due_date",
    "effectiveness_due",
    "effectiveness_criterion",
    "owner_user_id",
)
#: Final statuses: their page has no edit form.
CLOSED = service.FINAL


def _form_values(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in EDIT_FIELDS}


@post("/actions/{action_id:int}", guards=READERS)
async def action_update(request: Request, action_id: int) -> Template | Redirect:
    row = await _action_or_404(request, action_id)
    if not can_manage(request.scope["user"]):
        raise PermissionDeniedException("Only safety and compliance may edit actions.")
    data = await form_data(request)
    mine = {k: str(data.get(k, "")) for k in EDIT_FIELDS}
    errors = FormErrors()
    version = parse_int(str(data.get("version", "")), "version", errors, required=True) or 0
    owners = dict(await owner_choices())
    owner_id = parse_int(mine["owner_user_id"], "owner_user_id", errors)
    values = {**mine, "owner_user_id": owner_id, "owner_name": owners.get(owner_id or 0, "")}
    if not errors:
        try:
            await service.update_action(action_id, version, values)
            return redirect(f"/actions/{action_id}", "Action saved.")
        except service.ActionInvalid as exc:
            for k, m in exc.errors.items():
                errors.add(k, m) if k else errors.general.append(m)
        except StaleVersion:
            return await _stale_edit(request, action_id, errors, mine, data, owners)
    # The posted version and original, not the record's: a stale form must still clash when saved.
    shown = {**row, **mine, "version": version}
    return await _detail(request, row, errors, shown, 400, original=original_from(data) or {})


async def _stale_edit(
    request: Request,
    action_id: int,
    errors: FormErrors,
    mine: dict[str, str],
    data: dict[str, Any],
    owners: dict[int, str],
) -> Template | Redirect:
    """Someone saved first: merge their changes into this user's form (see web.concurrency)."""
    fresh = await _action_or_404(request, action_id)
    if fresh["status"] in CLOSED:  # the page has no edit form any more
        label = service.STATUS_LABELS[fresh["status"]].lower()
        errors.general.append(
            f"{await changed_by('action', action_id)} It is now {label}, so it is no longer edited; "
            "your changes were not saved."
        )
        return await _detail(request, fresh, errors, status_code=409)
    saved = _form_values(fresh)
    if already_saved(mine, saved):
        return redirect(f"/actions/{action_id}", "Action saved.")
    labels = {
        "owner_user_id": {str(k): v for k, v in owners.items()},
        "priority": service.PRIORITIES,
        "kind": service.KINDS,
        "control_level": service.CONTROL_LEVELS,
    }
    take = merge_stale(errors, mine, original_from(data), saved, labels)
    merged = {**fresh, **mine, **{name: saved[name] for name in take}}
    errors.general.append(await stale_message("action", action_id, kept=True))
    return await _detail(request, fresh, errors, merged, 409, original=saved)


@post("/actions/{action_id:int}/status", guards=READERS)
async def action_status(request: Request, action_id: int) -> Template | Redirect:
    row = await _action_or_404(request, action_id)
    user = request.scope["user"]
    data = await form_data(request)
    target = str(data.get("status", ""))
    if not can_progress(user, row) or (target == "cancelled" and not can_manage(user)):
        raise PermissionDeniedException("Only the owner, safety or compliance may change this action.")
    errors = FormErrors()
    version = parse_int(str(data.get("version", "")), "version", errors, required=True) or 0
    if not errors:
        try:
            await service.change_status(action_id, version, target, str(data.get("reason", "")))
            return redirect(
                f"/actions/{action_id}", f"Action is now {service.STATUS_LABELS[target].lower()}."
            )
        except ActionStateError as exc:
            errors.add("status", str(exc)[0].upper() + str(exc)[1:] + ".")
        except StaleVersion:
            errors.general.append(await stale_message("action", action_id))
            return await _detail(request, await _action_or_404(request, action_id), errors, status_code=409)
    return await _detail(request, row, errors, status_code=400)


@post("/actions/{action_id:int}/check", guards=READERS)
async def action_check(request: Request, action_id: int) -> Template | Redirect:
    row = await _action_or_404(request, action_id)
    if not can_manage(request.scope["user"]):
        raise PermissionDeniedException("Only safety and compliance verify effectiveness.")
    data = await form_data(request)
    errors = FormErrors()
    version = parse_int(str(data.get("version", "")), "version", errors, required=True) or 0
    checked_on = parse_date(str(data.get("checked_on", "")), "checked_on", errors, required=True)
    effective = str(data.get("effective", ""))
    if effective not in ("yes", "no"):
        errors.add("effective", "Say whether the action worked.")
    for name, message in (
        ("criterion", "State the criterion checked against."),
        ("result", "Describe what the check found."),
    ):
        if not str(data.get(name, "")).strip():
            errors.add(name, message)
    if not errors and checked_on:
        try:
            status = await service.record_effectiveness(
                action_id,
                version,
                checked_on,
                str(data["criterion"]),
                str(data["result"]),
                effective == "yes",
            )
            message = (
                "Verified effective."
                if status == "verified_effective"
                else "Not effective: the action is reopened (in progress)."
            )
            return redirect(f"/actions/{action_id}", message)
        except ActionStateError as exc:
            errors.add("effective", str(exc)[0].upper() + str(exc)[1:] + ".")
        except StaleVersion:
            errors.general.append(await stale_message("action", action_id))
            return await _detail(request, await _action_or_404(request, action_id), errors, status_code=409)
    return await _detail(request, row, errors, {**row, "check": data}, status_code=400)


ROUTES = [action_list, action_detail, action_update, action_status, action_check]


async def new_action_form(
    post_url: str, values: dict[str, Any] | None = None, errors: FormErrors | None = None
) -> dict[str, Any]:
    """Context for `actions/_new_form.html` on a source record's page (the source owns the POST)."""
    from workforce.web.idempotency import new_key

    return {
        "post_url": post_url,
        "values": values or {"priority": "medium", "kind": "corrective"},
        "errors": errors or FormErrors(),
        "owners": await owner_choices(),
        "idem_key": new_key(),
        "priorities": service.PRIORITIES,
        "kinds": service.KINDS,
        "levels": service.CONTROL_LEVELS,
    }
