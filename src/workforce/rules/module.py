"""Labour rules in the app: rule-set versions, holidays, the overtime board, report and payroll export."""

from datetime import datetime, timedelta

from workforce.rules import routes_overtime, routes_reports, routes_rulesets
from workforce.rules.demo import demo
from workforce.rules.routes_common import TAB_ROLES
from workforce.rules.tables import OvertimeOpportunity
from workforce.web.registry import Module, NavItem, Tab

_READ = frozenset({"hr", "supervisor", "safety", "compliance", "viewer"})
_OT_READ = frozenset({"hr", "supervisor", "compliance", "viewer"})


async def open_overtime_card(user):
    """Supervisors and HR: open overtime still to fill; amber when some starts within a day."""
    if not user.has("supervisor", "hr", "admin"):
        return None
    from workforce.rules.routes_common import allowed_site_ids

    now = datetime.now().replace(second=0, microsecond=0)
    query = OvertimeOpportunity.select(OvertimeOpportunity.starts_at).where(
        (OvertimeOpportunity.status == "open") & (OvertimeOpportunity.ends_at > now)
    )
    allowed = await allowed_site_ids(user)
    if allowed is not None:
        query = query.where(OvertimeOpportunity.site_id.is_in(sorted(allowed) or [0]))
    rows = await query
    soon = any(r["starts_at"] <= now + timedelta(hours=24) for r in rows)
    return {
        "title": "open overtime to fill",
        "value": len(rows),
        "href": "/overtime?status=open",
        "tone": "warn" if soon else ("ok" if not rows else "plain"),
    }


MODULE = Module(
    name="rules",
    routes=routes_rulesets.ROUTES + routes_overtime.ROUTES + routes_reports.ROUTES,
    nav=[
        NavItem("Overtime board", "/overtime", _OT_READ, order=30, group="Time"),
        NavItem("Overtime report", "/overtime/report", _OT_READ, order=31, group="Time"),
        NavItem("Fairness", "/overtime/fairness", _OT_READ, order=32, group="Time"),
        NavItem("Rule sets", "/rules", _READ, order=33, group="Time"),
        NavItem(
            "Test a timesheet",
            "/rules/test",
            frozenset({"hr", "supervisor", "compliance"}),
            order=34,
            group="Time",
        ),
        NavItem("Holidays", "/rules/holidays", _READ, order=35, group="Time"),
    ],
    demo=demo,
    tabs={
        "employee": [
            Tab(
                "hours",
                "Hours & overtime",
                href=lambda emp_id: f"/overtime/employee/{emp_id}",
                roles=TAB_ROLES,
                order=20,
            )
        ]
    },
    dashboard=[open_overtime_card],
)
