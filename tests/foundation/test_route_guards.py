"""Every registered route is guarded: anonymous page requests go to the login page, anonymous API
requests get 401 with a problem body. A new route without a guard fails here."""

import re

import pytest
from litestar.routes import HTTPRoute

from tests.conftest import csrf_token, login

# The only routes an anonymous user may reach.
ALLOW = {("/login", "GET"), ("/login", "POST"), ("/healthz", "GET")}
ALLOW_PREFIXES = ("/static/",)

SAMPLES = {
    "int": "1",
    "str": "x",
    "path": "/x",
    "date": "2026-01-05",
    "uuid": "00000000-0000-0000-0000-000000000001",
}


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+):(\w+)\}", lambda m: SAMPLES.get(m.group(2), "x"), path)


def all_routes(app):
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method in sorted(route.methods - {"OPTIONS", "HEAD"}):
            yield route.path, method


def test_route_list_is_not_empty(app):
    assert len(list(all_routes(app))) > 15


def test_every_route_needs_a_login(app, client):
    token = csrf_token(client)  # so unsafe requests reach the guard rather than stop at CSRF
    checked = 0
    for path, method in all_routes(app):
        url = concrete(path)
        if (path, method) in ALLOW or url.startswith(ALLOW_PREFIXES):
            continue
        data = {"_csrf_token": token} if method != "GET" else None
        r = client.request(method, url, data=data, headers={"x-csrftoken": token}, follow_redirects=False)
        if path.startswith(("/api/", "/schema")):
            assert r.status_code == 401, f"{method} {path} answered {r.status_code} to an anonymous request"
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["status"] == 401
        else:
            assert r.status_code == 303, f"{method} {path} answered {r.status_code} to an anonymous request"
            assert r.headers["location"].startswith("/login"), f"{method} {path}"
        checked += 1
    assert checked > 10


def test_allow_listed_routes_answer_anonymously(client):
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    assert client.get("/static/css/app.css").status_code == 200


def test_htmx_request_gets_hx_redirect_instead_of_login_fragment(client):
    r = client.get("/admin/users", headers={"hx-request": "true"}, follow_redirects=False)
    assert r.headers.get("hx-redirect", "").startswith("/login")


@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/new", "/admin/audit", "/admin/access-report"])
def test_viewer_is_refused_admin_pages(client, path):
    login(client, "vic", ["viewer"])
    r = client.get(path)
    assert r.status_code == 403
    assert "Request id" in r.text and "Traceback" not in r.text


def test_role_guard_on_every_admin_page_lets_admin_in(client):
    login(client, "ada", ["admin"])
    for path in [
        "/admin/users",
        "/admin/users/new",
        "/admin/audit",
        "/admin/access-report",
        "/account/tokens",
    ]:
        assert client.get(path).status_code == 200, path
