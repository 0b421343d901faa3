"""Rendering helpers every controller uses: a page (or its htmx fragment), a redirect with a flash
message, an API problem body (RFC 9457)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from workforce.web.middleware import ensure_request_id
from workforce.web.registry import load_modules

FLASH_COOKIE = "wf_flash"


@dataclass(frozen=True)
class NavGroup:
    label: str
    items: list[Any]
    order: int


def nav_for(user: Any) -> list[Any]:
    """The user's navigation: top-level links and menus, in order. A menu with a single link for
    this user collapses to that link (one tap less on a tablet)."""
    if user is None:
        return []
    items = sorted(
        (n for m in load_modules() for n in m.nav if user.roles & (n.roles | {"admin"})),
        key=lambda n: (n.order, n.label),
    )
    entries: list[Any] = []
    groups: dict[str, list[Any]] = {}
    for item in items:
        if item.group:
            groups.setdefault(item.group, []).append(item)
        else:
            entries.append(item)
    for label, members in groups.items():
        entries.append(members[0] if len(members) == 1 else NavGroup(label, members, members[0].order))
    return sorted(entries, key=lambda e: e.order)


def is_fragment(request: Request) -> bool:
    """An htmx request that wants a piece of the page (boosted navigation wants the whole page)."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        # the back button asks for a whole page to restore
        and headers.get("hx-history-restore-request") != "true"
    )


def base_context(request: Request) -> dict[str, Any]:
    user = request.scope.get("user")
    flash_raw = request.cookies.get(FLASH_COOKIE)
    flash = None
    if flash_raw:
        try:
            flash = json.loads(unquote(flash_raw))
        except ValueError:
            flash = None
    nav = nav_for(user)
    path = request.url.path
    hrefs = [i.href for e in nav for i in (e.items if isinstance(e, NavGroup) else [e])]
    # The longest matching link is the current one: /osha/rates lights "Rates", not also "OSHA".
    matching = [h for h in hrefs if path == h or (h != "/" and path.startswith(h.rstrip("/") + "/"))]
    return {
        "user": user,
        "nav": nav,
        "nav_active": max(matching, key=len) if matching else "",
        "flash": flash,
        "request_id": ensure_request_id(request.scope),
        "current_path": request.url.path,
        "args": dict(request.query_params),
    }


def page(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    fragment: str | None = None,
    status_code: int = 200,
) -> Template:
    """Render `template`, or `fragment` alone when htmx asks for part of the page."""
    ctx = base_context(request)
    ctx.update(context or {})
    name = fragment if fragment and is_fragment(request) else template
    cookies = [Cookie(key=FLASH_COOKIE, value="", max_age=0, path="/")] if ctx["flash"] else []
    return Template(template_name=name, context=ctx, status_code=status_code, cookies=cookies)


def flash_cookie(message: str, level: str = "success") -> Cookie:
    """The cookie that carries a message to the next page the browser shows."""
    value = quote(json.dumps({"message": message, "level": level}))
    return Cookie(key=FLASH_COOKIE, value=value, path="/", httponly=True, samesite="lax")


def redirect(url: str, message: str | None = None, level: str = "success") -> Redirect:
    cookies = [flash_cookie(message, level)] if message else []
    return Redirect(path=url, status_code=HTTP_303_SEE_OTHER, cookies=cookies)


def problem(
    status: int,
    title: str,
    detail: str = "",
    *,
    request: Request | None = None,
    errors: list[dict[str, str]] | None = None,
) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if request is not None:
        body["instance"] = request.url.path
        body["request_id"] = ensure_request_id(request.scope)
    if errors:
        body["errors"] = errors
    return Response(content=body, status_code=status, media_type="application/problem+json")
