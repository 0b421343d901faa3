"""Pure account rules: password hashing, session expiry, login throttling."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from workforce.accounts import passwords
from workforce.accounts.roles import validate_roles
from workforce.accounts.session_rules import (
    SessionPolicy,
    ThrottlePolicy,
    digest,
    is_throttled,
    needs_touch,
    new_token,
    session_state,
)

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
POLICY = SessionPolicy(idle=timedelta(minutes=15), absolute=timedelta(hours=12))


def test_hash_verifies_only_the_right_password():
    h = passwords.hash_password("right-password-1")
    assert h.startswith("$argon2id$")
    assert passwords.verify_password(h, "right-password-1")
    assert not passwords.verify_password(h, "wrong-password-1")


def test_missing_or_garbled_hash_never_verifies():
    assert not passwords.verify_password(None, "anything-at-all")
    assert not passwords.verify_password("", "anything-at-all")
    assert not passwords.verify_password("not-a-hash", "anything-at-all")


def test_same_password_hashes_differently():
    assert passwords.hash_password("same-password-x") != passwords.hash_password("same-password-x")


def test_password_rules():
    assert passwords.password_problem("short") == "Use at least 10 characters."
    assert passwords.password_problem("longenoughname", "longenoughname") is not None
    assert passwords.password_problem("a-good-password") is None


def test_session_valid_then_idle_expired_at_exactly_the_limit():
    assert session_state(T0, T0, T0 + timedelta(minutes=14, seconds=59), POLICY) == "valid"
    assert session_state(T0, T0, T0 + timedelta(minutes=15), POLICY) == "idle_expired"


def test_absolute_lifetime_wins_even_when_active():
    last_seen = T0 + timedelta(hours=11, minutes=59)
    assert session_state(T0, last_seen, T0 + timedelta(hours=12), POLICY) == "absolute_expired"


def test_touch_only_after_a_minute():
    assert not needs_touch(T0, T0 + timedelta(seconds=59), POLICY)
    assert needs_touch(T0, T0 + timedelta(seconds=60), POLICY)


@given(st.integers(min_value=0, max_value=24 * 3600), st.integers(min_value=0, max_value=24 * 3600))
def test_session_state_is_valid_only_inside_both_limits(idle_s, age_s):
    last_seen = T0 + timedelta(seconds=min(idle_s, age_s))
    now = T0 + timedelta(seconds=age_s)
    state = session_state(T0, last_seen, now, POLICY)
    inside = (now - T0) < POLICY.absolute and (now - last_seen) < POLICY.idle
    assert (state == "valid") == inside


def test_throttle_after_five_failures_by_name_or_address():
    policy = ThrottlePolicy(max_failures=5)
    assert not is_throttled(4, 4, policy)
    assert is_throttled(5, 0, policy)
    assert is_throttled(0, 5, policy)


def test_tokens_are_random_and_digested():
    a, b = new_token(), new_token()
    assert a != b and len(a) >= 40
    assert digest(a) == digest(a) and len(digest(a)) == 64 and digest(a) != a


def test_roles_validated_and_ordered():
    assert validate_roles(["viewer", "admin"]) == ["admin", "viewer"]
    for bad in (["boss"], []):
        try:
            validate_roles(bad)
        except ValueError as exc:
            assert str(exc)
        else:  # pragma: no cover
            raise AssertionError("expected ValueError")
