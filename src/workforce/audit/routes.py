"""The audit trail page: filters by who, entity and date range, paginated. Read-only by design."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from litestar import Request, get
from litestar.response import Template

from workforce.audit.tables import AuditEntry
from workforce.audit.trail import changed_fields
from workforce.web.forms import FormErrors
from workforce.web.guards import roles
from workforce.web.pagination import paginate, parse_page
from workforce.web.responses import page


def _day(value: str | None, name: str, errors: FormErrors) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(name, f"{value!r} is not a date (YYYY-MM-DD).")
        return None


@get("/admin/audit", guards=[roles("admin", "compliance")])
async def audit_list(request: Request) -> Template:
    params = dict(request.query_params)
    errors = FormErrors()
    who = (params.get("who") or "").strip()
    entity = (params.get("entity") or "").strip()
    entity_id = (params.get("entity_id") or "").strip()
    since = _day(params.get("since"), "since", errors)
    until = _day(params.get("until"), "until", errors)
    query = AuditEntry.select().order_by(AuditEntry.id, ascending=False)
    count = AuditEntry.count()
    conds = []
    if who:
        conds.append(AuditEntry.actor_name == who)
    if entity:
        conds.append(AuditEntry.entity_type == entity)
    if entity_id:
        conds.append(AuditEntry.entity_id == entity_id)
    if since:
        conds.append(AuditEntry.at >= datetime.combine(since, time.min).astimezone())
    if until:
        conds.append(AuditEntry.at < datetime.combine(until + timedelta(days=1), time.min).astimezone())
    for cond in conds:
        query, count = query.where(cond), count.where(cond)
    pg = await paginate(query.output(load_json=True), count, *parse_page(params, 50))
    for row in pg.items:
        row["changed"] = changed_fields(row["before"], row["after"])
    entity_types = [
        r["entity_type"]
        for r in await AuditEntry.select(AuditEntry.entity_type).distinct().order_by(AuditEntry.entity_type)
    ]
    return page(
        request,
        "audit/list.html",
        {
            "page": pg,
            "errors": errors,
            "entity_types": entity_types,
            "filters": {
                "who": who,
                "entity": entity,
                "entity_id": entity_id,
                "since": params.get("since", ""),
                "until": params.get("until", ""),
            },
        },
        fragment="audit/_table.html",
    )
