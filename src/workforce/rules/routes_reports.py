"""Overtime report by department, crew and employee with hours against the rule set's caps; the payroll
CSV of a pay period (one row per employee per pay code); the employee page's hours tab."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException
from litestar.response import Template

from workforce.audit import trail
from workforce.people import directory
from workforce.rules import service_hours as hours_service
from workforce.rules import service_overtime as ot
from workforce.rules.model import Hours
from workforce.rules.routes_common import (
    OT_READ,
    PAYROLL,
    allowed_site_ids,
    check_site,
    last_two_weeks,
    parse_day,
    parse_id,
    site_choices,
)
from workforce.web.pagination import Page, parse_page
from workforce.web.responses import page

MAX_REPORT_DAYS = 93
MAX_PAY_PERIOD_DAYS = 62
GROUPS = {"department": "Department", "crew": "Crew", "employee": "Employee"}


@dataclass
class GroupRow:
    key: Any
    label: str
    people: int = 0
    totals: Hours = field(default_factory=Hours)
    with_violations: int = 0
    violations: int = 0

    @property
    def overtime_share(self) -> float:
        worked = self.totals.hours_worked
        return (self.totals.overtime_hours + self.totals.double_time_hours) / worked * 100 if worked else 0.0


def _period(request: Request, max_days: int) -> tuple[date, date, list[str]]:
    default_start, default_end = last_two_weeks(date.today())
    start, bad_start = parse_day(request.query_params.get("start"), default_start)
    end, bad_end = parse_day(request.query_params.get("end"), default_end)
    problems = [p for p in (bad_start, bad_end) if p]
    if end < start:
        problems.append("The period ends before it starts; showing the default period.")
        start, end = default_start, default_end
    if (end - start).days + 1 > max_days:
        problems.append(f"At most {max_days} days at a time; showing the first {max_days}.")
        end = start + timedelta(days=max_days - 1)
    return start, end, problems


async def _sites_for(request: Request) -> tuple[list[dict[str, Any]], int | None, set[int]]:
    user = request.scope["user"]
    sites = await site_choices(user)
    site_id = parse_id(request.query_params.get("site"))
    if site_id:
        await check_site(user, site_id)
    ids = {site_id} if site_id else {s["id"] for s in sites}
    return sites, site_id, ids


def _group_rows(results: dict[int, hours_service.EmployeePeriod], group: str) -> list[GroupRow]:
    rows: dict[Any, GroupRow] = {}
    for res in results.values():
        e = res.employee
        if group == "department":
            key, text = e["department_id"], e["department_name"] or "No department"
            text = f"{e['site_code']} › {text}"
        else:
            key, text = (
                e["crew_id"],
                f"{e['site_code']} › Crew {e['crew_code']}" if e["crew_id"] else "No crew",
            )
        row = rows.setdefault(key, GroupRow(key, text))
        row.people += 1
        hours_service.add_hours(row.totals, res.totals)
        row.violations += len(res.violations)
        row.with_violations += 1 if res.violations else 0
    return sorted(rows.values(), key=lambda r: r.label)


@get("/overtime/report", guards=OT_READ)
async def overtime_report(request: Request) -> Template:
    start, end, problems = _period(request, MAX_REPORT_DAYS)
    sites, site_id, site_ids = await _sites_for(request)
    group = request.query_params.get("group") or "department"
    group = group if group in GROUPS else "department"
    results = await hours_service.evaluate_with_hours(start, end, site_ids)
    results = {k: v for k, v in results.items() if v.totals.hours_worked > 0 or v.violations}
    totals = Hours()
    for res in results.values():
        hours_service.add_hours(totals, res.totals)
    ctx: dict[str, Any] = {
        "start": start,
        "end": end,
        "problems": problems,
        "sites": sites,
        "site_id": site_id,
        "group": group,
        "groups": GROUPS,
        "totals": totals,
        "people_count": len(results),
        "violation_count": sum(len(r.violations) for r in results.values()),
        "can_export": request.scope["user"].has("hr", "compliance", "admin"),
    }
    if group == "employee":
        ordered = sorted(
            results.values(),
            key=lambda r: (-(r.totals.overtime_hours + r.totals.double_time_hours), r.employee["last_name"]),
        )
        number, per_page = parse_page(dict(request.query_params), 50)
        number = min(number, max(1, -(-len(ordered) // per_page)))
        items = ordered[(number - 1) * per_page : number * per_page]
        ctx["page"] = Page(items=items, page=number, per_page=per_page, total=len(ordered))
        ctx["caps"] = {r.employee["id"]: _caps(r) for r in items}
    else:
        ctx["rows"] = _group_rows(results, group)
    return page(request, "rules/report.html", ctx)


def _caps(res: hours_service.EmployeePeriod) -> dict[str, Any]:
    """The employee's figures against the limits of their rule set(s): weekly threshold, breaches."""
    weekly = [r.weekly_overtime.after_hours for r in res.rules if r.weekly_overtime]
    averages = [r.limits.max_weekly_average.hours for r in res.rules if r.limits.max_weekly_average]
    by_rule: dict[str, int] = defaultdict(int)
    for v in res.violations:
        by_rule[v.rule] += 1
    return {
        "weekly_threshold": min(weekly) if weekly else None,
        "weekly_average_cap": min(averages) if averages else None,
        "highest_week": res.highest_week,
        "over_threshold": bool(weekly) and res.highest_week > min(weekly),
        "breaches": sorted(by_rule.items()),
    }


@get("/overtime/payroll.csv", guards=PAYROLL)
async def payroll_export(request: Request) -> Response:
    params = request.query_params
    if not params.get("start") or not params.get("end"):
        raise HTTPException(status_code=400, detail="Give the pay period: start and end dates (YYYY-MM-DD).")
    start, end, problems = _period(request, MAX_PAY_PERIOD_DAYS)
    if problems:
        raise HTTPException(status_code=400, detail=" ".join(problems))
    _sites, site_id, site_ids = await _sites_for(request)
    results = await hours_service.evaluate_with_hours(start, end, site_ids)
    rows = hours_service.payroll_rows(results)
    await trail.record(
        "payroll.export",
        "payroll",
        f"{start.isoformat()}..{end.isoformat()}",
        after={"site_id": site_id, "rows": len(rows), "employees": len({r["employee_number"] for r in rows})},
        summary=f"Payroll hours exported for {start.isoformat()} to {end.isoformat()} ({len(rows)} rows)",
    )
    return Response(
        content=hours_service.payroll_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="payroll-{start.isoformat()}-{end.isoformat()}.csv"'
        },
    )


@get("/overtime/employee/{employee_id:int}", guards=OT_READ)
async def employee_tab(request: Request, employee_id: int) -> Template:
    emp = (await directory.employees_by_ids([employee_id])).get(employee_id)
    if emp is None:
        raise NotFoundException(f"No employee with id {employee_id}.")
    allowed = await allowed_site_ids(request.scope["user"])
    if allowed is not None and emp["site_id"] not in allowed:
        raise PermissionDeniedException("This employee works at a site outside your account's sites.")
    today = date.today()
    start = today - timedelta(days=today.weekday() + 21)  # this week and the three before it
    result = (await hours_service.evaluate_period([emp], start, today))[emp["id"]]
    ctx = {
        "emp": emp,
        "start": start,
        "end": today,
        "result": result,
        "overtime": await ot.employee_overtime(emp, today),
        "outcomes": ot.OUTCOMES,
    }
    return page(request, "rules/_employee_tab.html", ctx)


ROUTES = [overtime_report, payroll_export, employee_tab]
