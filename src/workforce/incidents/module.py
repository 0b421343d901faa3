"""Incidents, investigations and OSHA records: routes, navigation, dashboard cards, the employee tab,
and the incident as a source of CAPA actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from workforce.actions import service as actions
from workforce.incidents import (
    api,
    queries,
    routes_case,
    routes_incident,
    routes_investigation,
    routes_osha,
    routes_parts,
    routes_report,
)
from workforce.incidents.demo import demo
from workforce.incidents.tables import Incident, OshaClassification
from workforce.web.registry import Module, NavItem, Tab

_READ = frozenset({"safety", "supervisor", "hr", "compliance", "viewer"})
_EVERYONE = frozenset({"safety", "supervisor", "hr", "compliance", "viewer"})


async def _incident_labels(ids: list[int]) -> dict[int, dict[str, str]]:
    rows = await Incident.select(Incident.id, Incident.title).where(Incident.id.is_in(ids or [-1]))
    return {
        r["id"]: {"label": f"Incident {r['id']}: {r['title']}", "href": f"/incidents/{r['id']}"} for r in rows
    }


actions.register_source("incident", _incident_labels)


async def open_investigations_card(user: Any) -> dict[str, Any] | None:
    """Safety: incidents still reported or under investigation on the user's sites."""
    if not user.roles & queries.EDITORS:
        return None
    allowed = await queries.user_site_ids(user)
    count = Incident.count().where(
        Incident.voided_at.is_null() & Incident.status.is_in(["reported", "investigating"])
    )
    if allowed is not None:
        count = count.where(Incident.site_id.is_in(allowed or [-1]))
    value = await count
    return {
        "title": "Incidents open or under investigation",
        "value": value,
        "href": "/incidents?status=reported",
        "tone": "warn" if value else "ok",
    }


async def unclassified_card(user: Any) -> dict[str, Any] | None:
    """Safety: injuries reported over 5 days ago with no OSHA decision yet (7-day rule, 1904.29(b)(3))."""
    if not user.roles & queries.EDITORS:
        return None
    allowed = await queries.user_site_ids(user)
    cutoff = datetime.now(UTC) - timedelta(days=5)
    query = Incident.count().where(
        (Incident.kind == "injury_illness")
        & Incident.voided_at.is_null()
        & (Incident.reported_at < cutoff)
        & Incident.id.not_in(OshaClassification.select(OshaClassification.incident))
    )
    if allowed is not None:
        query = query.where(Incident.site_id.is_in(allowed or [-1]))
    value = await query
    if not value:
        return None
    return {
        "title": "Injuries to classify (7-day rule)",
        "value": value,
        "href": "/incidents?type=injury_illness&status=reported",
        "tone": "danger",
    }


async def near_miss_card(user: Any) -> dict[str, Any] | None:
    """Everyone: near misses reported in the last 30 days, a nudge to report what they see."""
    since = datetime.now(UTC) - timedelta(days=30)
    value = await Incident.count().where(
        (Incident.kind == "near_miss") & Incident.voided_at.is_null() & (Incident.reported_at >= since)
    )
    return {
        "title": "Near misses reported in 30 days: report one",
        "value": value,
        "href": "/report",
        "tone": "plain",
    }


MODULE = Module(
    name="incidents",
    routes=(
        routes_report.ROUTES
        + routes_incident.ROUTES
        + routes_parts.ROUTES
        + routes_investigation.ROUTES
        + routes_case.ROUTES
        + routes_osha.ROUTES
        + api.ROUTES
    ),
    nav=[
        NavItem("Report", "/report", _EVERYONE, order=5),
        NavItem("Incidents", "/incidents", _READ, order=40, group="Safety"),
        NavItem("OSHA records", "/osha", frozenset({"safety", "compliance"}), order=42, group="Safety"),
        NavItem(
            "Safety rates",
            "/safety/rates",
            frozenset({"safety", "compliance", "hr"}),
            order=43,
            group="Safety",
        ),
    ],
    demo=demo,
    tabs={
        "employee": [
            Tab(
                "incidents",
                "Incidents",
                href=lambda i: f"/incidents/by-employee/{i}",
                roles=frozenset({"safety", "hr", "compliance"}),
                order=40,
            )
        ]
    },
    dashboard=[unclassified_card, open_investigations_card, near_miss_card],
)
