"""Bad input gets a clear answer, never a 500: every route, as an administrator, with junk query
parameters and with empty or junk forms. Routes are read from the app, so new ones are covered."""

import re

from litestar.routes import HTTPRoute

from tests.conftest import csrf_token, login

SAMPLES = {"int": "999999", "str": "nonsense", "path": "/nonsense", "date": "2026-01-05"}
JUNK_QUERY = (
    "?page=abc&per_page=-5&q=%3Cscript%3E&site=x&year=20x6&start=yesterday&end=13-13-13"
    "&status=%27&sort=evil&since=x&until=y&kind=x&format=x&id=x&from=x&to=x&month=x"
)
JUNK_FORM = {
    "name": "x" * 5000,
    "date": "not-a-date",
    "start": "x",
    "end": "x",
    "hours": "lots",
    "version": "x",
    "employee_id": "x",
    "site": "x",
    "station_id": "x",
    "status": "x",
    "reason": "",
    "id": "x",
}


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+):(\w+)\}", lambda m: SAMPLES.get(m.group(2), "x"), path)


def routes(app, methods):
    for route in app.routes:
        if isinstance(route, HTTPRoute) and not route.path.startswith(("/static", "/schema")):
            for method in sorted(route.methods & methods):
                yield route.path, method


def test_get_routes_with_junk_parameters(app, client):
    login(client, "ada", ["admin"])
    failures = []
    for path, _method in routes(app, {"GET"}):
        r = client.get(concrete(path) + JUNK_QUERY, headers={"authorization": ""}, follow_redirects=False)
        if r.status_code >= 500:
            failures.append(f"GET {path}: {r.status_code}")
    assert not failures, failures


def test_unsafe_routes_with_empty_and_junk_forms(app, client):
    login(client, "ada", ["admin"])
    token = csrf_token(client, "/")
    failures = []
    for path, method in routes(app, {"POST", "PUT", "PATCH", "DELETE"}):
        if path.startswith("/api/") or path == "/logout":
            continue
        for data in ({}, JUNK_FORM):
            r = client.request(
                method,
                concrete(path),
                data={**data, "_csrf_token": token},
                headers={"x-csrftoken": token},
                follow_redirects=False,
            )
            if r.status_code >= 500:
                failures.append(f"{method} {path} with {'junk' if data else 'empty'} form: {r.status_code}")
    assert not failures, failures


def test_api_routes_with_junk_json(app, client):
    from tests.conftest import api_token

    token = api_token("robot", ["admin"])
    headers = {"authorization": f"Bearer {token}"}
    failures = []
    for path, method in routes(app, {"GET", "POST", "PUT", "PATCH", "DELETE"}):
        if not path.startswith("/api/"):
            continue
        url = concrete(path)
        if method == "GET":
            r = client.get(url + JUNK_QUERY, headers=headers)
            bad = [r]
        else:
            bad = [
                client.request(
                    method, url, content=b"{not json", headers={**headers, "content-type": "application/json"}
                ),
                client.request(method, url, json={"unexpected": [1, 2, {"x": None}]}, headers=headers),
                client.request(method, url, json=[], headers=headers),
            ]
        for r in bad:
            if r.status_code >= 500:
                failures.append(f"{method} {path}: {r.status_code}")
            elif r.status_code >= 400:
                assert r.headers["content-type"].startswith("application/problem+json"), f"{method} {path}"
    assert not failures, failures
