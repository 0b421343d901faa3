"""The overtime opportunity board: open opportunities, create one, the ranked call list with exclusion
reasons, recording offers from a tablet, forced order, cancelling; fairness per crew and the ledger."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from workforce.audit import trail
from workforce.db import StaleVersion
from workforce.people import directory
from workforce.rules import service_overtime as ot
from workforce.rules.routes_common import (
    LEDGER,
    OT_READ,
    OT_RUN,
    allowed_site_ids,
    check_site,
    parse_id,
    site_choices,
)
from workforce.rules.tables import OPPORTUNITY_STATUSES, OUTCOMES, OvertimeOpportunity
from workforce.web import idempotency
from workforce.web.concurrency import stale_message
from workforce.web.forms import FormErrors, form_data, parse_date, parse_float, parse_int
from workforce.web.pagination import Page, paginate, parse_page
from workforce.web.responses import is_fragment, page, redirect
from workforce.web.templating import fmt_dt


def _can_run(user: Any) -> bool:
    return user.has("supervisor", "admin")


@get("/overtime", guards=OT_READ)
async def board(request: Request) -> Template:
    params = dict(request.query_params)
    user = request.scope["user"]
    status = params.get("status") or "open"
    when = params.get("when") or "upcoming"
    site_id = parse_id(params.get("site"))
    allowed = await allowed_site_ids(user)
    query, count = OvertimeOpportunity.select(), OvertimeOpportunity.count()
    conds = []
    if status in OPPORTUNITY_STATUSES:
        conds.append(OvertimeOpportunity.status == status)
    now = datetime.now().replace(second=0, microsecond=0)
    if when == "upcoming":
        conds.append(OvertimeOpportunity.ends_at > now)
    elif when == "past":
        conds.append(OvertimeOpportunity.ends_at <= now)
    if site_id:
        conds.append(OvertimeOpportunity.site_id == site_id)
    if allowed is not None:
        conds.append(OvertimeOpportunity.site_id.is_in(sorted(allowed) or [0]))
    for cond in conds:
        query, count = query.where(cond), count.where(cond)
    query = query.order_by(OvertimeOpportunity.starts_at, ascending=when != "past")
    pg = await paginate(query, count, *parse_page(params))
    pg.items[:] = await ot.describe_opportunities(list(pg.items))
    return page(
        request,
        "rules/board.html",
        {
            "page": pg,
            "status": status,
            "when": when,
            "site_id": site_id,
            "sites": await site_choices(user),
            "statuses": OPPORTUNITY_STATUSES,
            "can_run": _can_run(user),
        },
        fragment="rules/_board_table.html",
    )


async def _form_choices(user: Any) -> dict[str, list[tuple[Any, str]]]:
    sites = await site_choices(user)
    ids = {s["id"] for s in sites}
    return {
        "site_id": [(s["id"], f"{s['code']} · {s['name']}") for s in sites],
        "station_id": [(s["id"], s["label"]) for s in await directory.stations() if s["site_id"] in ids],
        "department_id": [
            (d["id"], f"{d['site_code']} › {d['name']}")
            for d in await directory.departments()
            if d["site_id"] in ids
        ],
        "crew_id": [
            (c["id"], f"{c['site_code']} › {c['name']}")
            for c in await directory.crews()
            if c["site_id"] in ids
        ],
        "bargaining_unit_id": [
            (u["id"], f"{u['code']} · {u['name']}") for u in await directory.bargaining_units()
        ],
    }


def _next_saturday() -> date:
    today = date.today()
    return today + timedelta(days=(5 - today.weekday()) % 7 or 7)


@get("/overtime/new", guards=OT_RUN)
async def opportunity_new(request: Request) -> Template:
    user = request.scope["user"]
    choices = await _form_choices(user)
    values = {
        "site_id": choices["site_id"][0][0] if len(choices["site_id"]) == 1 else "",
        "day": _next_saturday().isoformat(),
        "start": "06:00",
        "hours": "8",
        "break_minutes": "30",
        "needed": "1",
        "idempotency_key": idempotency.new_key(),
    }
    return page(
        request, "rules/opportunity_form.html", {"values": values, "errors": FormErrors(), "choices": choices}
    )


@post("/overtime", guards=OT_RUN)
async def opportunity_create(request: Request) -> Template | Redirect:
    user = request.scope["user"]
    data = await form_data(request)
    values = {
        k: data.get(k, "")
        for k in (
            "site_id",
            "day",
            "start",
            "hours",
            "break_minutes",
            "needed",
            "station_id",
            "department_id",
            "crew_id",
            "bargaining_unit_id",
            "skill",
            "note",
            "idempotency_key",
        )
    }
    errors = FormErrors()
    site_id = parse_int(str(values["site_id"]), "site_id", errors, required=True)
    day = parse_date(str(values["day"]), "day", errors, required=True)
    start: time | None = None
    try:
        start = time.fromisoformat(str(values["start"])) if values["start"] else None
    except ValueError:
        errors.add("start", f"{values['start']!r} is not a time (use HH:MM).")
    if start is None and not errors.get("start"):
        errors.add("start", "Enter the start time.")
    hours = parse_float(str(values["hours"]), "hours", errors, minimum=0.25, required=True)
    break_minutes = parse_float(str(values["break_minutes"] or "0"), "break_minutes", errors, minimum=0)
    needed = parse_int(str(values["needed"] or "1"), "needed", errors, minimum=1, maximum=50)
    opt = {
        k: parse_id(str(values[k])) for k in ("station_id", "department_id", "crew_id", "bargaining_unit_id")
    }
    if site_id:
        allowed = await allowed_site_ids(user)
        if allowed is not None and site_id not in allowed:
            errors.add("site_id", "Choose one of your sites.")
    if not errors and site_id and day and start and hours is not None:
        try:
            opp_id = await ot.create_opportunity(
                ot.OpportunityInput(
                    site_id=site_id,
                    starts_at=datetime.combine(day, start),
                    hours=hours,
                    break_minutes=break_minutes or 0.0,
                    needed=needed or 1,
                    skill=str(values["skill"]),
                    note=str(values["note"]),
                    **opt,
                ),
                idempotency_key=str(values["idempotency_key"])
                if idempotency.valid_key(str(values["idempotency_key"]))
                else "",
                user_id=user.id,
            )
            return redirect(
                f"/overtime/{opp_id}", "Overtime opportunity created: call the list from the top."
            )
        except ot.OvertimeError as exc:
            for name, message in exc.errors.items():
                if name:
                    errors.add(name, message)
                else:
                    errors.general.append(message)
    return page(
        request,
        "rules/opportunity_form.html",
        {"values": values, "errors": errors, "choices": await _form_choices(user)},
        status_code=400,
    )


async def _opportunity(request: Request, opportunity_id: int) -> dict[str, Any]:
    opp = await ot.get_opportunity(opportunity_id)
    if opp is None:
        raise NotFoundException(f"No overtime opportunity {opportunity_id}.")
    await check_site(request.scope["user"], opp["site_id"])
    return (await ot.describe_opportunities([opp]))[0]


async def _detail_context(
    request: Request, opp: dict[str, Any], message: str = "", level: str = "success"
) -> dict:
    params = request.query_params
    check = (params.get("check") or "").strip()
    checked_ids: list[int] = []
    if check:
        found = await directory.search_employees(check, site_id=opp["site_id"], limit=5)
        checked_ids = [e["id"] for e in found]
    calls = await ot.call_list(opp, want_forced=params.get("forced") == "1", extra_ids=checked_ids)
    everyone = {c.employee["id"]: c for c in [*calls.eligible, *calls.excluded, *calls.checked]}
    user = request.scope["user"]
    return {
        "opp": opp,
        "calls": calls,
        "outcomes": OUTCOMES,
        "statuses": OPPORTUNITY_STATUSES,
        "can_run": _can_run(user) and opp["status"] != "cancelled",
        "check": check,
        "checked": [everyone[i] for i in checked_ids if i in everyone],
        "message": message,
        "message_level": level,
        "history": await trail.history("overtime_opportunity", opp["id"]),
        "errors": FormErrors(),
    }


@get("/overtime/{opportunity_id:int}", guards=OT_READ)
async def opportunity_detail(request: Request, opportunity_id: int) -> Template:
    opp = await _opportunity(request, opportunity_id)
    return page(
        request,
        "rules/opportunity.html",
        await _detail_context(request, opp),
        fragment="rules/_call_list.html",
    )


@post("/overtime/{opportunity_id:int}/offers", guards=OT_RUN)
async def offer_record(request: Request, opportunity_id: int) -> Template | Redirect:
    opp = await _opportunity(request, opportunity_id)
    data = await form_data(request)
    employee_id = parse_id(str(data.get("employee_id", "")))
    outcome = str(data.get("outcome", ""))
    version = parse_int(str(data.get("version", "")), "version", FormErrors())
    status = 400
    try:
        if employee_id is None:
            raise ot.OvertimeError({"employee_id": "Choose who answered."})
        if version is None:  # every answer button carries the version the page showed
            raise ot.OvertimeError({"": "This page is out of date: reload the call list and answer again."})
        recorded = await ot.record_outcome(
            opportunity_id, employee_id, outcome, user_id=request.scope["user"].id, version=version
        )
        message, level = recorded.message, "success" if recorded.changed else "warning"
    except ot.AnswerChanged as exc:
        message, level, status = _answer_changed(exc.current or {}), "error", 409
    except ot.OvertimeError as exc:
        message, level = " ".join(exc.errors.values()), "error"
        status = 409 if isinstance(exc, ot.OpportunityFilled) else 400
    if is_fragment(request):  # htmx swaps only 2xx answers: the refusal is the fragment's message
        opp = await _opportunity(request, opportunity_id)
        ctx = await _detail_context(request, opp, message, level)
        return page(request, "rules/opportunity.html", ctx, fragment="rules/_call_list.html")
    if level == "error":  # nothing written: the page again (the saved answers), with why
        opp = await _opportunity(request, opportunity_id)
        ctx = await _detail_context(request, opp)
        ctx["errors"].general.append(message)
        return page(request, "rules/opportunity.html", ctx, status_code=status)
    return redirect(f"/overtime/{opportunity_id}", message, level)


def _answer_changed(offer: dict[str, Any]) -> str:
    """The stale-page message (as web.concurrency.stale_message), from the offer as saved now."""
    name = offer.get("employee_name") or "This person"
    who = offer.get("offered_by") or "someone"
    when = fmt_dt(offer.get("offered_at")) or "an unknown time"
    now = OUTCOMES.get(offer.get("outcome") or "", "")
    answer = f"{name}'s answer is now {now.lower()}" if now else f"{name} has no answer recorded now"
    return (
        f"Changed by {who} at {when} since you opened it: {answer}. Nothing was recorded. "
        "The call list now shows the saved answers; record the answer again if it still applies."
    )


@post("/overtime/{opportunity_id:int}/cancel", guards=OT_RUN)
async def opportunity_cancel(request: Request, opportunity_id: int) -> Template | Redirect:
    opp = await _opportunity(request, opportunity_id)
    data = await form_data(request)
    errors = FormErrors()
    version = parse_int(str(data.get("version", "")), "version", errors, required=True) or 0
    reason = str(data.get("reason", ""))
    status = 400
    if not errors:
        try:
            await ot.cancel_opportunity(opportunity_id, version, reason)
            return redirect(
                f"/overtime/{opportunity_id}", "Overtime cancelled; accepted hours taken back off the ledger."
            )
        except ot.OvertimeError as exc:
            for name, message in exc.errors.items():
                errors.add(name or "reason", message)
        except StaleVersion:
            errors.general.append(await stale_message("overtime_opportunity", opportunity_id))
            status = 409
    opp = await _opportunity(request, opportunity_id)
    ctx = await _detail_context(request, opp)
    ctx.update(errors=errors, cancel_reason=reason)
    return page(request, "rules/opportunity.html", ctx, status_code=status)


# --- fairness and the ledger -----------------------------------------------------------------------------


#: Crew members per page on the fairness page (a crew can be a few hundred people).
MEMBERS_PER_PAGE = 50


async def _fairness_context(request: Request, errors: FormErrors | None = None) -> dict[str, Any]:
    params = request.query_params
    user = request.scope["user"]
    sites = await site_choices(user)
    site_id = parse_id(params.get("site"))
    if site_id:
        await check_site(user, site_id)
    allowed = {s["id"] for s in sites}
    crew_id = parse_id(params.get("crew"))
    today = date.today()
    crews = await ot.fairness(None, today, site_ids={site_id} & allowed if site_id else allowed)
    selected = next((c for c in crews if c.crew["id"] == crew_id), None)
    members = None
    if selected is not None:  # the crew's members in call order, a page at a time
        number, per_page = parse_page(dict(params), MEMBERS_PER_PAGE)
        total = len(selected.members)
        number = min(number, max(1, -(-total // per_page)))
        members = Page(
            items=selected.members[(number - 1) * per_page : number * per_page],
            page=number,
            per_page=per_page,
            total=total,
        )
    return {
        "sites": sites,
        "site_id": site_id,
        "crews": crews,
        "selected": selected,
        "page": members,
        "hx_target": "#crew-members",
        "today": today,
        "can_adjust": user.has("hr", "admin"),
        "errors": errors or FormErrors(),
    }


@get("/overtime/fairness", guards=OT_READ)
async def fairness_page(request: Request) -> Template:
    return page(
        request,
        "rules/fairness.html",
        await _fairness_context(request),
        fragment="rules/_fairness_members.html",
    )


@post("/overtime/fairness/entry", guards=LEDGER)
async def entry_charge(request: Request) -> Redirect:
    data = await form_data(request)
    employee_id, crew_id = parse_id(str(data.get("employee_id", ""))), parse_id(str(data.get("crew_id", "")))
    crew_row = next((c for c in await directory.crews() if c["id"] == crew_id), None)
    if crew_row is None or employee_id is None:
        raise NotFoundException("No such crew member.")
    await check_site(request.scope["user"], crew_row["site_id"])
    crew = next(c for c in await ot.fairness(crew_row["site_id"], date.today()) if c.crew["id"] == crew_id)
    target = f"/overtime/fairness?site={crew_row['site_id']}&crew={crew_id}"
    try:
        hours = await ot.apply_entry_charge(employee_id, crew, date.today())
    except ot.OvertimeError as exc:
        return redirect(target, " ".join(exc.errors.values()), "error")
    return redirect(target, f"Entry charge of {hours:g} h recorded.")


@post("/overtime/ledger", guards=LEDGER)
async def ledger_adjust(request: Request) -> Redirect:
    data = await form_data(request)
    errors = FormErrors()
    employee_id = parse_id(str(data.get("employee_id", "")))
    hours = parse_float(str(data.get("hours", "")), "hours", errors, required=True)
    back = str(data.get("back", "")) or "/overtime/fairness"
    if not back.startswith("/overtime/"):
        back = "/overtime/fairness"
    if employee_id is None:
        errors.add("employee_id", "Choose the employee.")
    else:
        emp = (await directory.employees_by_ids([employee_id])).get(employee_id)
        if emp is None:
            raise NotFoundException("No such employee.")
        await check_site(request.scope["user"], emp["site_id"])
    if errors:
        return redirect(back, " ".join(errors.fields.values()), "error")
    try:
        await ot.adjust_ledger(employee_id, hours or 0.0, str(data.get("reason", "")))
    except ot.OvertimeError as exc:
        return redirect(back, " ".join(exc.errors.values()), "error")
    return redirect(back, f"Ledger adjusted by {hours:+g} h.")


ROUTES = [
    board,
    opportunity_new,
    opportunity_create,
    opportunity_detail,
    offer_record,
    opportunity_cancel,
    fairness_page,
    entry_charge,
    ledger_adjust,
]
