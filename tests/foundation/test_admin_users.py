"""User administration: create, validate, edit with concurrency check, deactivate, reset, audit."""

import json
import re

from tests.conftest import csrf_token, login, make_user, post, run
from workforce.accounts.tables import User
from workforce.audit.tables import AuditEntry


def audit_actions(entity_type="user"):
    return [
        r["action"]
        for r in run(
            AuditEntry.select(AuditEntry.action)
            .where(AuditEntry.entity_type == entity_type)
            .order_by(AuditEntry.id)
        )
    ]


def test_admin_creates_user_and_it_is_audited(client):
    login(client, "ada", ["admin"])
    r = post(
        client,
        "/admin/users",
        {
            "username": "Bob.Smith",
            "full_name": "Bob Smith",
            "password": "first-pass-123",
            "roles": ["supervisor", "hr"],
        },
        token_from="/",
    )
    assert r.status_code == 303
    row = run(User.select().where(User.username == "bob.smith").first().output(load_json=True))
    assert row["roles"] == ["hr", "supervisor"] and row["must_change_password"]
    assert "user.create" in audit_actions()
    entry = run(AuditEntry.select().where(AuditEntry.action == "user.create").first())
    assert entry["actor_name"] == "ada" and entry["request_id"]
    assert "password_hash" not in json.loads(entry["after"])


def test_missing_fields_show_errors_and_write_nothing(client):
    login(client, "ada", ["admin"])
    before = run(User.count())
    r = post(
        client, "/admin/users", {"username": "", "password": "", "full_name": "Kept Value"}, token_from="/"
    )
    assert r.status_code == 400
    assert "Enter a user name." in r.text and "Enter a first password" in r.text
    assert 'value="Kept Value"' in r.text
    assert run(User.count()) == before


def test_duplicate_username_and_bad_role_rejected(client):
    login(client, "ada", ["admin"])
    r = post(
        client,
        "/admin/users",
        {"username": "ada", "password": "first-pass-123", "roles": "viewer"},
        token_from="/",
    )
    assert r.status_code == 400 and "already exists" in r.text
    r = post(
        client,
        "/admin/users",
        {"username": "x1", "password": "first-pass-123", "roles": "boss"},
        token_from="/",
    )
    assert r.status_code == 400 and "unknown role" in r.text


def test_non_admin_cannot_create_users(client):
    login(client, "hana", ["hr"])
    r = post(
        client,
        "/admin/users",
        {"username": "x", "password": "first-pass-123", "roles": "admin"},
        token_from="/",
    )
    assert r.status_code == 403
    assert run(User.count().where(User.username == "x")) == 0


def _version(html):
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_edit_detects_concurrent_change(client):
    login(client, "ada", ["admin"])
    uid = make_user("bob", ["viewer"])
    form = client.get(f"/admin/users/{uid}").text
    version = _version(form)
    r = post(
        client,
        f"/admin/users/{uid}",
        {"version": version, "full_name": "First Save", "roles": "viewer", "active": "on"},
        token_from="/",
    )
    assert r.status_code == 303
    r = post(
        client,
        f"/admin/users/{uid}",
        {"version": version, "full_name": "Second Save", "roles": "viewer", "active": "on"},
        token_from="/",
    )
    assert r.status_code == 409
    assert "Changed by ada" in r.text and "since you opened it" in r.text
    assert run(User.select(User.full_name).where(User.id == uid).first())["full_name"] == "First Save"


def test_deactivate_and_history_shown(client):
    login(client, "ada", ["admin"])
    uid = make_user("bob", ["viewer"])
    version = _version(client.get(f"/admin/users/{uid}").text)
    r = post(
        client,
        f"/admin/users/{uid}",
        {"version": version, "full_name": "Bob", "roles": "viewer"},
        token_from="/",
    )
    assert r.status_code == 303
    assert run(User.select(User.active).where(User.id == uid).first())["active"] is False
    page = client.get(f"/admin/users/{uid}").text
    assert "History" in page and "active" in page


def test_admin_cannot_lock_themself_out(client):
    uid = login(client, "ada", ["admin"])
    version = _version(client.get(f"/admin/users/{uid}").text)
    r = post(
        client, f"/admin/users/{uid}", {"version": version, "roles": "viewer", "active": "on"}, token_from="/"
    )
    assert r.status_code == 400 and "cannot remove your own administrator role" in r.text


def test_reset_password_forces_change(client):
    login(client, "ada", ["admin"])
    uid = make_user("bob", ["viewer"])
    r = post(client, f"/admin/users/{uid}/reset-password", {"password": "temporary-pass-9"}, token_from="/")
    assert r.status_code == 303
    row = run(User.select(User.must_change_password).where(User.id == uid).first())
    assert row["must_change_password"] is True
    assert "user.reset_password" in audit_actions()
    client.cookies.clear()
    r = client.post(
        "/login",
        data={"username": "bob", "password": "temporary-pass-9", "_csrf_token": csrf_token(client)},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/account/password"


def test_user_list_search_and_pagination(client):
    login(client, "ada", ["admin"])
    for i in range(30):
        make_user(f"worker{i:02d}", ["viewer"])
    r = client.get("/admin/users?q=worker1")
    assert "worker10" in r.text and "worker29" not in r.text
    r = client.get("/admin/users?page=2&per_page=25")
    assert "of 31" in r.text
    fragment = client.get("/admin/users?q=worker2", headers={"hx-request": "true"}).text
    assert "<html" not in fragment and "worker21" in fragment


def test_access_report_lists_users(client):
    login(client, "carl", ["compliance"])
    make_user("bob", ["viewer"], active=False)
    html = client.get("/admin/access-report").text
    assert "bob" in html and "carl" in html and "compliance" in html


def test_admin_limits_a_user_to_sites(client):
    from workforce.people.tables import Site

    login(client, "ada", ["admin"])
    run(Site.insert(Site(code="RIV", name="Riverside"), Site(code="LKS", name="Lakeshore")))
    uid = make_user("sam", ["supervisor"])
    version = _version(client.get(f"/admin/users/{uid}").text)
    data = {"version": version, "roles": "supervisor", "active": "on", "sites": "RIV"}
    assert post(client, f"/admin/users/{uid}", data, token_from="/").status_code == 303
    row = run(User.select(User.sites).where(User.id == uid).first().output(load_json=True))
    assert row["sites"] == ["RIV"]
    bad = post(
        client,
        f"/admin/users/{uid}",
        {**data, "version": str(int(version) + 1), "sites": "MARS"},
        token_from="/",
    )
    assert bad.status_code == 400 and "Choose sites from the list." in bad.text
