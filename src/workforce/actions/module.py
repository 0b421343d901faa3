"""The shared CAPA module: action list and pages, dashboard reminders."""

from __future__ import annotations

from datetime import date
from typing import Any

from workforce.actions import routes, service
from workforce.web.registry import Module, NavItem

_READ = frozenset({"safety", "supervisor", "hr", "compliance", "viewer"})


async def overdue_card(user: Any) -> dict[str, Any] | None:
    """Overdue actions on the user's sites, for the people who chase them."""
    if not user.roles & routes.MANAGERS:
        return None
    count = await service.overdue_count(date.today(), await routes.user_site_ids(user))
    return {
        "title": "Overdue corrective actions",
        "value": count,
        "href": "/actions?overdue=1",
        "tone": "danger" if count else "ok",
    }


async def my_actions_card(user: Any) -> dict[str, Any] | None:
    """A reminder for an action owner: their open actions (shown only when they have some)."""
    count = await service.open_count_for_owner(user.id)
    if not count:
        return None
    return {"title": "My open actions", "value": count, "href": "/actions?mine=1", "tone": "warn"}


MODULE = Module(
    name="actions",
    routes=routes.ROUTES,
    nav=[NavItem("Corrective actions", "/actions", _READ, order=41, group="Safety")],
    dashboard=[overdue_card, my_actions_card],
)
