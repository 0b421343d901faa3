"""CSRF on unsafe requests, error pages, security headers, body limits."""

from litestar import get

from tests.conftest import csrf_token, login


def test_post_without_csrf_token_is_refused(client):
    r = client.post("/login", data={"username": "a", "password": "b"})
    assert r.status_code == 403
    assert "Not allowed" in r.text


def test_post_with_wrong_csrf_token_is_refused(client):
    csrf_token(client)
    r = client.post("/login", data={"username": "a", "password": "b", "_csrf_token": "forged"})
    assert r.status_code == 403


def test_htmx_header_token_is_accepted(client):
    login(client, "ada", ["admin"])
    token = csrf_token(client, "/")
    r = client.post(
        "/account/tokens", data={"name": "from htmx"}, headers={"x-csrftoken": token, "hx-request": "true"}
    )
    assert r.status_code == 201


def test_unknown_url_gets_404_page_with_request_id(client):
    login(client, "ada", ["admin"])
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert "404" in r.text and r.headers["x-request-id"] in r.text


def test_security_headers_on_pages(client):
    r = client.get("/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["cache-control"] == "no-store"


def test_no_inline_scripts_in_layout(client):
    html = client.get("/login").text
    assert "<script>" not in html and "onclick" not in html.lower()
    assert 'src="/static/vendor/htmx.min.js"' in html


def test_oversized_body_gets_413(app, client):
    token = csrf_token(client)
    big = "x" * (app.request_max_body_size + 10)
    r = client.post(
        "/login",
        content=f"_csrf_token={token}&username={big}",
        headers={"content-type": "application/x-www-form-urlencoded", "x-csrftoken": token},
    )
    assert r.status_code == 413


@get("/test-only/boom")
async def boom() -> str:
    raise RuntimeError("secret internal detail")


def test_500_page_shows_request_id_never_traceback(db):
    from litestar.testing import TestClient

    from workforce.app import create_app

    with TestClient(app=create_app(extra_routes=[boom]), raise_server_exceptions=False) as c:
        login(c, "ada", ["admin"])
        r = c.get("/test-only/boom")
        assert r.status_code == 500
        assert "secret internal detail" not in r.text and "Traceback" not in r.text
        assert r.headers["x-request-id"] in r.text


def test_api_problem_body_for_unknown_api_url(client):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code in (401, 404)
    assert r.headers["content-type"].startswith("application/problem+json")


def test_healthz_reports_database(client):
    assert client.get("/healthz").json()["database"] == "ok"
