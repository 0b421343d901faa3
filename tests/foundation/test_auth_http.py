"""Sign-in, sessions, throttling and password changes over HTTP."""

from datetime import timedelta

from tests.conftest import TEST_PASSWORD, csrf_token, login, make_user, post, run
from workforce.accounts.tables import LoginFailure, User, UserSession
from workforce.db import utcnow


def _login(client, username, password):
    return client.post(
        "/login",
        data={"username": username, "password": password, "_csrf_token": csrf_token(client)},
        follow_redirects=False,
    )


def test_login_sets_httponly_samesite_cookie_and_redirects(client):
    make_user("ana", ["hr"])
    r = _login(client, "ana", TEST_PASSWORD)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "wf_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/").status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_message(client):
    make_user("ana", ["hr"])
    a = _login(client, "ana", "wrong-password")
    b = _login(client, "nobody", "wrong-password")
    assert a.status_code == b.status_code == 401
    msg = "Wrong user name or password, or the account is not active."
    assert msg in a.text and msg in b.text


def test_missing_fields_rerender_with_field_errors(client):
    r = client.post("/login", data={"username": "", "password": "", "_csrf_token": csrf_token(client)})
    assert r.status_code == 400
    assert "Enter your user name." in r.text and "Enter your password." in r.text


def test_deactivated_user_cannot_sign_in(client):
    make_user("gone", ["viewer"], active=False)
    assert _login(client, "gone", TEST_PASSWORD).status_code == 401


def test_throttle_after_five_failures_then_429_and_success_clears(client):
    make_user("ana", ["hr"])
    for _ in range(5):
        assert _login(client, "ana", "wrong-password").status_code == 401
    r = _login(client, "ana", TEST_PASSWORD)
    assert r.status_code == 429 and "Too many failed sign-ins" in r.text
    assert r.headers["retry-after"] == "900"
    run(LoginFailure.delete(force=True))  # window passed
    assert _login(client, "ana", "wrong-password").status_code == 401
    assert _login(client, "ana", TEST_PASSWORD).status_code == 303
    assert run(LoginFailure.count().where(LoginFailure.username == "ana")) == 0


def test_next_is_kept_and_open_redirects_refused(client):
    make_user("ana", ["admin"])
    r = client.get("/admin/users?q=x", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/admin/users?q=x"
    r = client.post(
        "/login",
        data={
            "username": "ana",
            "password": TEST_PASSWORD,
            "next": "//evil.example/",
            "_csrf_token": csrf_token(client),
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


def test_tampered_cookie_goes_back_to_login_without_error(client):
    client.cookies.set("wf_session", "forged-value")
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    page = client.get("/login")
    assert page.status_code == 200 and "Your session ended" in page.text


def test_idle_session_expires(client):
    login(client, "ana", ["hr"])
    assert client.get("/").status_code == 200
    run(UserSession.update({UserSession.last_seen_at: utcnow() - timedelta(minutes=16)}, force=True))
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert run(UserSession.count()) == 0


def test_absolute_lifetime_expires_active_session(client):
    login(client, "ana", ["hr"])
    run(UserSession.update({UserSession.created_at: utcnow() - timedelta(hours=13)}, force=True))
    assert client.get("/", follow_redirects=False).status_code == 303


def test_logout_ends_the_server_side_session(client):
    login(client, "ana", ["hr"])
    r = post(client, "/logout", token_from="/")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert run(UserSession.count()) == 0


def test_deactivating_a_user_ends_their_sessions(client):
    user_id = login(client, "ana", ["hr"])
    run(User.update({User.active: False}).where(User.id == user_id))
    assert client.get("/", follow_redirects=False).status_code == 303


def test_change_own_password(client):
    login(client, "ana", ["hr"])
    r = post(
        client,
        "/account/password",
        {
            "current_password": "nope-nope-nope",
            "password": "another-pass-1",
            "password_again": "another-pass-1",
        },
        token_from="/",
    )
    assert r.status_code == 400 and "The current password is not right." in r.text
    r = post(
        client,
        "/account/password",
        {"current_password": TEST_PASSWORD, "password": "short", "password_again": "short"},
        token_from="/",
    )
    assert r.status_code == 400 and "at least 10 characters" in r.text
    r = post(
        client,
        "/account/password",
        {"current_password": TEST_PASSWORD, "password": "another-pass-1", "password_again": "another-pass-2"},
        token_from="/",
    )
    assert "The two new passwords differ." in r.text
    r = post(
        client,
        "/account/password",
        {"current_password": TEST_PASSWORD, "password": "another-pass-1", "password_again": "another-pass-1"},
        token_from="/",
    )
    assert r.status_code == 303
    client.cookies.clear()
    assert _login(client, "ana", TEST_PASSWORD).status_code == 401
    assert _login(client, "ana", "another-pass-1").status_code == 303


def test_must_change_password_goes_to_password_page(client):
    user_id = make_user("newbie", ["viewer"])
    run(User.update({User.must_change_password: True}).where(User.id == user_id))
    r = _login(client, "newbie", TEST_PASSWORD)
    assert r.headers["location"] == "/account/password"


def test_sign_in_purges_stale_sessions_and_old_failures(client):
    make_user("ana", ["hr"])
    login(client, "ana")
    run(UserSession.update({UserSession.last_seen_at: utcnow() - timedelta(hours=1)}, force=True))
    run(LoginFailure.insert(LoginFailure(username="x", ip="1.2.3.4", at=utcnow() - timedelta(hours=2))))
    client.cookies.clear()
    login(client, "ana")
    assert run(UserSession.count()) == 1
    assert run(LoginFailure.count()) == 0
