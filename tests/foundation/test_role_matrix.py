"""Every role-guarded route refuses the roles it does not name (403), for every module at once.

Routes are read from the app, so a new route is covered the day it is added. A route with no role
guard is open to any signed-in user; those are listed here on purpose.
"""

import re

from litestar.routes import HTTPRoute

from tests.conftest import csrf_token, login
from workforce.accounts.roles import ROLES

SAMPLES = {"int": "1", "str": "x", "path": "/x", "date": "2026-01-05"}


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+):(\w+)\}", lambda m: SAMPLES.get(m.group(2), "x"), path)


def guarded_routes(app):
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.opt.get("public"):
                continue
            allowed = set()
            for layer in handler.ownership_layers:  # app, routers, controller, handler
                for guard in layer.guards or []:
                    allowed |= set(getattr(guard, "allowed_roles", ()))
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                yield route.path, method, allowed


def test_role_guards_refuse_other_roles(app, client):
    sessions = {}
    for role in ROLES:
        client.cookies.clear()
        login(client, f"matrix-{role}", [role])
        token = csrf_token(client, "/")
        sessions[role] = (dict(client.cookies.items()), token)
    checked = 0
    for path, method, allowed in guarded_routes(app):
        if not allowed or path.startswith(("/api/", "/schema")):
            continue  # API roles are covered with bearer tokens in each module's API tests
        for role in sorted(set(ROLES) - allowed):
            cookies, token = sessions[role]
            client.cookies.clear()
            for name, value in cookies.items():
                client.cookies.set(name, value, domain="testserver.local")
            r = client.request(
                method,
                concrete(path),
                headers={"x-csrftoken": token},
                data={"_csrf_token": token} if method != "GET" else None,
                follow_redirects=False,
            )
            assert r.status_code == 403, f"{method} {path} gave {r.status_code} to role {role}"
            checked += 1
    assert checked > 20


def test_admin_passes_every_role_guard(app):
    for path, method, allowed in guarded_routes(app):
        if allowed:
            assert "admin" in allowed, f"{method} {path}"
