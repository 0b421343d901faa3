"""Account endpoints of the JSON API (bearer tokens)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from workforce.accounts import service
from workforce.web.guards import roles


@get("/api/v1/me", tags=["accounts"], summary="The user behind the token")
async def api_me(request: Request) -> dict[str, Any]:
    user = request.scope["user"]
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "roles": sorted(user.roles),
    }


@get("/api/v1/users", guards=[roles("admin")], tags=["accounts"], summary="All user accounts (admin)")
async def api_users() -> list[dict[str, Any]]:
    rows = await service.access_report()
    return [
        {
            "id": r["id"],
            "username": r["username"],
            "full_name": r["full_name"],
            "roles": r["roles"],
            "active": r["active"],
            "last_login_at": r["last_login_at"].isoformat() if r["last_login_at"] else None,
        }
        for r in rows
    ]


ROUTES = [api_me, api_users]
