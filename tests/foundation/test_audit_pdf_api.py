"""Audit trail page, the user access PDF, API tokens and the API's problem bodies."""

import io

from pypdf import PdfReader

from tests.conftest import api_token, login, make_user, post, run
from workforce.audit import trail
from workforce.audit.context import Actor, current_actor
from workforce.audit.tables import AuditEntry


def test_record_and_history_decode_before_after(db):
    async def go():
        current_actor.set(Actor(7, "tester"))
        await trail.record(
            "thing.update",
            "thing",
            42,
            before={"a": 1, "b": 2, "version": 1},
            after={"a": 1, "b": 3, "version": 2},
            summary="Thing changed",
        )
        return await trail.history("thing", 42)

    rows = run(go())
    assert rows[0]["actor_name"] == "tester" and rows[0]["before"]["b"] == 2 and rows[0]["after"]["b"] == 3
    assert rows[0]["changed"] == ["b"]


def test_audit_page_filters_and_paginates(client):
    login(client, "ada", ["admin"])
    for i in range(60):
        post(client, "/account/tokens", {"name": f"token {i}"}, token_from="/")
    page = client.get("/admin/audit?entity=api_token")
    assert page.status_code == 200 and "token.create" in page.text and "of 60" in page.text
    assert "Page 1 of 2" in page.text
    assert "of 60" not in client.get("/admin/audit?who=nobody").text
    bad = client.get("/admin/audit?since=yesterday")
    assert bad.status_code == 200 and "is not a date" in bad.text


def test_audit_trail_has_no_write_routes(app):
    for route in app.routes:
        if route.path.startswith("/admin/audit"):
            assert route.methods <= {"GET", "HEAD", "OPTIONS"}


def test_access_report_pdf_text(client):
    login(client, "carl", ["compliance"])
    make_user("bob.builder", ["viewer"])
    r = client.get("/admin/access-report.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "User access report" in text
    assert "bob.builder" in text
    assert "Page 1 of" in text
    assert "Printed by Carl" in text


def test_token_shown_once_and_works_then_revoked(client):
    login(client, "ada", ["admin"])
    r = post(client, "/account/tokens", {"name": "payroll"}, token_from="/")
    assert r.status_code == 201
    token = r.text.split('data-uitest="new-token">')[1].split("<")[0]
    assert token.startswith("wf_")
    assert token not in client.get("/account/tokens").text  # never shown again
    api = client.get("/api/v1/me", headers={"authorization": f"Bearer {token}"})
    assert api.status_code == 200 and api.json()["username"] == "ada"
    token_id = run(AuditEntry.select(AuditEntry.entity_id).where(AuditEntry.action == "token.create").first())
    r = post(client, f"/account/tokens/{token_id['entity_id']}/revoke", token_from="/")
    assert r.status_code == 303
    api = client.get("/api/v1/me", headers={"authorization": f"Bearer {token}"})
    assert api.status_code == 401


def test_api_401_403_problem_bodies(client):
    r = client.get("/api/v1/users")
    assert r.status_code == 401 and r.json()["title"] == "Sign in required"
    r = client.get("/api/v1/users", headers={"authorization": "Bearer wf_wrong"})
    assert r.status_code == 401
    viewer = api_token("vic", ["viewer"])
    r = client.get("/api/v1/users", headers={"authorization": f"Bearer {viewer}"})
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
    admin = api_token("ada", ["admin"])
    r = client.get("/api/v1/users", headers={"authorization": f"Bearer {admin}"})
    assert r.status_code == 200 and {u["username"] for u in r.json()} == {"vic", "ada"}


def test_api_does_not_accept_session_cookies(client):
    login(client, "ada", ["admin"])
    assert client.get("/api/v1/me").status_code == 401


def test_openapi_schema_needs_auth_and_describes_api(client):
    assert client.get("/schema/openapi.json").status_code == 401
    token = api_token("ada", ["admin"])
    r = client.get("/schema/openapi.json", headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 200 and "/api/v1/me" in r.json()["paths"]
    assert all(path.startswith("/api/") for path in r.json()["paths"])  # screens are not API
