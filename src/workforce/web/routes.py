"""Shell routes: the dashboard and the health check."""

from __future__ import annotations

from litestar import Request, get, route
from litestar.response import Response, Template

from workforce.db import engine
from workforce.web.registry import load_modules
from workforce.web.responses import page


@get("/", name="home")
async def dashboard(request: Request) -> Template:
    user = request.scope["user"]
    cards = []
    for module in load_modules():
        for card in module.dashboard:
            result = await card(user)
            if result:
                cards.append(result)
    return page(request, "shell/dashboard.html", {"cards": cards})


@route("/healthz", http_method=["GET", "HEAD"], opt={"public": True}, include_in_schema=False)
async def healthz() -> Response:
    try:
        await engine().run_ddl("SELECT 1")
    except Exception as exc:  # any driver error means the database is not usable
        return Response({"status": "error", "database": type(exc).__name__}, status_code=503)
    return Response({"status": "ok", "database": "ok"})
