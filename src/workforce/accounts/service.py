"""Account operations over the database: sign-in, sessions, tokens and user administration."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

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
from workforce.accounts.tables import ApiToken, LoginFailure, User, UserSession
from workforce.audit import trail
from workforce.db import transaction, utcnow
from workforce.settings import get_settings


@dataclass(frozen=True)
class CurrentUser:
    """What a request knows about its signed-in user."""

    id: int
    username: str
    full_name: str
    roles: frozenset[str]
    sites: tuple[str, ...] = field(default_factory=tuple)
    must_change_password: bool = False
    via_token: bool = False

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


def _current(row: dict[str, Any], via_token: bool = False) -> CurrentUser:
    return CurrentUser(
        id=row["id"],
        username=row["username"],
        full_name=row.get("full_name") or "",
        roles=frozenset(row.get("roles") or []),
        sites=tuple(row.get("sites") or []),
        must_change_password=bool(row.get("must_change_password")),
        via_token=via_token,
    )


def session_policy() -> SessionPolicy:
    s = get_settings()
    return SessionPolicy(
        idle=timedelta(minutes=s.session_idle_minutes), absolute=timedelta(hours=s.session_absolute_hours)
    )


def throttle_policy() -> ThrottlePolicy:
    s = get_settings()
    return ThrottlePolicy(
        max_failures=s.throttle_failures, window=timedelta(minutes=s.throttle_window_minutes)
    )


# --------------------------------------------------------------------------- sign-in


class Throttled(Exception):
    pass


async def login_throttled(username: str, ip: str, now: datetime | None = None) -> bool:
    now = now or utcnow()
    policy = throttle_policy()
    since = now - policy.window
    by_user = await LoginFailure.count().where(
        (LoginFailure.username == username.lower()) & (LoginFailure.at > since)
    )
    by_ip = await LoginFailure.count().where((LoginFailure.ip == ip) & (LoginFailure.at > since))
    return is_throttled(by_user, by_ip, policy)


async def authenticate(username: str, password: str, ip: str) -> CurrentUser | None:
    """Check a password. Raises Throttled when too many recent failures; returns None on any
    failure (unknown user, wrong password, deactivated) so the screen shows one message."""
    username = username.strip().lower()
    if await login_throttled(username, ip):
        raise Throttled()
    row = await User.select().where(User.username == username).first().output(load_json=True)
    ok = passwords.verify_password(row["password_hash"] if row else None, password)
    if not ok or not row or not row["active"]:
        await LoginFailure.insert(LoginFailure(username=username, ip=ip))
        return None
    async with transaction():
        await LoginFailure.delete().where((LoginFailure.username == username) | (LoginFailure.ip == ip))
        values: dict[Any, Any] = {User.last_login_at: utcnow()}
        if passwords.needs_rehash(row["password_hash"]):
            values[User.password_hash] = passwords.hash_password(password)
        await User.update(values).where(User.id == row["id"])
    return _current(row)


async def start_session(user_id: int, ip: str, user_agent: str) -> str:
    # Housekeeping rides on sign-in (rare, cheap): sessions nobody came back to and failures
    # older than the throttle window would otherwise pile up.
    await purge_expired_sessions()
    await LoginFailure.delete().where(LoginFailure.at < utcnow() - throttle_policy().window)
    token = new_token()
    await UserSession.insert(
        UserSession(token_hash=digest(token), user=user_id, ip=ip, user_agent=user_agent[:255])
    )
    return token


async def end_session(token: str) -> None:
    await UserSession.delete().where(UserSession.token_hash == digest(token))


async def user_for_session(token: str, now: datetime | None = None) -> CurrentUser | None:
    """The user behind a session cookie, or None when unknown, expired or deactivated."""
    now = now or utcnow()
    row = await (
        UserSession.select(
            UserSession.id, UserSession.created_at, UserSession.last_seen_at, *UserSession.user.all_columns()
        )
        .where(UserSession.token_hash == digest(token))
        .first()
        .output(load_json=True, nested=True)
    )
    if row is None:
        return None
    policy = session_policy()
    state = session_state(row["created_at"], row["last_seen_at"], now, policy)
    if state != "valid" or not row["user"]["active"]:
        await UserSession.delete().where(UserSession.id == row["id"])
        return None
    if needs_touch(row["last_seen_at"], now, policy):
        await UserSession.update({UserSession.last_seen_at: now}).where(UserSession.id == row["id"])
    return _current(row["user"])


async def purge_expired_sessions(now: datetime | None = None) -> int:
    now = now or utcnow()
    policy = session_policy()
    rows = (
        await UserSession.delete()
        .where(
            (UserSession.last_seen_at < now - policy.idle) | (UserSession.created_at < now - policy.absolute)
        )
        .returning(UserSession.id)
    )
    return len(rows)


# --------------------------------------------------------------------------- API tokens


async def create_token(user_id: int, name: str) -> str:
    token = "wf_" + new_token()
    async with transaction():
        rows = await ApiToken.insert(
            ApiToken(name=name, token_hash=digest(token), prefix=token[:10], user=user_id)
        ).returning(ApiToken.id)
        await trail.record(
            "token.create",
            "api_token",
            rows[0]["id"],
            after={"name": name, "user": user_id, "prefix": token[:10]},
            summary=f"API token {name!r} created",
        )
    return token


async def user_for_token(token: str) -> CurrentUser | None:
    row = await (
        ApiToken.select(ApiToken.id, ApiToken.last_used_at, *ApiToken.user.all_columns())
        .where((ApiToken.token_hash == digest(token)) & ApiToken.revoked_at.is_null())
        .first()
        .output(load_json=True, nested=True)
    )
    if row is None or not row["user"]["active"]:
        return None
    now = utcnow()
    if row["last_used_at"] is None or now - row["last_used_at"] > timedelta(minutes=1):
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    return _current(row["user"], via_token=True)


async def revoke_token(token_id: int, user: CurrentUser) -> bool:
    query = ApiToken.update({ApiToken.revoked_at: utcnow()}).where(
        (ApiToken.id == token_id) & ApiToken.revoked_at.is_null()
    )
    if not user.has("admin"):
        query = query.where(ApiToken.user == user.id)
    async with transaction():
        rows = await query.returning(ApiToken.id, ApiToken.name)
        if rows:
            await trail.record(
                "token.revoke", "api_token", token_id, summary=f"API token {rows[0]['name']!r} revoked"
            )
    return bool(rows)


async def tokens_for(user_id: int) -> list[dict[str, Any]]:
    return (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.prefix,
            ApiToken.created_at,
            ApiToken.last_used_at,
            ApiToken.revoked_at,
        )
        .where(ApiToken.user == user_id)
        .order_by(ApiToken.id, ascending=False)
    )


# --------------------------------------------------------------------------- users


class UserError(ValueError):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


PUBLIC_FIELDS = (
    "id",
    "username",
    "full_name",
    "email",
    "roles",
    "sites",
    "active",
    "must_change_password",
    "created_at",
    "last_login_at",
    "version",
)


async def get_user(user_id: int) -> dict[str, Any] | None:
    return (
        await User.select(*[getattr(User, f) for f in PUBLIC_FIELDS])
        .where(User.id == user_id)
        .first()
        .output(load_json=True)
    )


async def create_user(
    username: str,
    password: str,
    roles: list[str],
    full_name: str = "",
    email: str = "",
    must_change_password: bool = False,
) -> int:
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise UserError("username", "Use letters, digits, dots, dashes or underscores.")
    try:
        roles = validate_roles(roles)
    except ValueError as exc:
        raise UserError("roles", str(exc)) from exc
    problem = passwords.password_problem(password, username)
    if problem:
        raise UserError("password", problem)
    async with transaction():
        if await User.exists().where(User.username == username):
            raise UserError("username", f"User {username!r} already exists.")
        rows = await User.insert(
            User(
                username=username,
                full_name=full_name.strip(),
                email=email.strip(),
                password_hash=passwords.hash_password(password),
                roles=roles,
                must_change_password=must_change_password,
            )
        ).returning(User.id)
        user_id = rows[0]["id"]
        await trail.record(
            "user.create", "user", user_id, after=await get_user(user_id), summary=f"User {username} created"
        )
    return user_id


async def update_user(
    user_id: int,
    version: int,
    full_name: str,
    email: str,
    roles: list[str],
    active: bool,
    sites: list[str] | None = None,
) -> None:
    """Save an account. `sites` limits what the user sees to those site codes (empty: all sites)."""
    from workforce.db import update_versioned

    try:
        roles = validate_roles(roles)
    except ValueError as exc:
        raise UserError("roles", str(exc)) from exc
    async with transaction():
        before = await get_user(user_id)
        if before is None:
            raise UserError("id", "No such user.")
        await update_versioned(
            User,
            user_id,
            version,
            {
                "full_name": full_name.strip(),
                "email": email.strip(),
                "roles": roles,
                "active": active,
                "sites": sorted(set(sites or [])),
            },
        )
        if not active:
            await UserSession.delete().where(UserSession.user == user_id)
        after = await get_user(user_id)
        await trail.record(
            "user.update",
            "user",
            user_id,
            before=before,
            after=after,
            summary=f"User {before['username']} updated",
        )


async def set_password(user_id: int, new_password: str, *, must_change: bool, action: str) -> None:
    row = await get_user(user_id)
    if row is None:
        raise UserError("id", "No such user.")
    problem = passwords.password_problem(new_password, row["username"])
    if problem:
        raise UserError("password", problem)
    async with transaction():
        await User.update(
            {
                User.password_hash: passwords.hash_password(new_password),
                User.must_change_password: must_change,
                User.version: User.version + 1,
            }
        ).where(User.id == user_id)
        await trail.record(
            action,
            "user",
            user_id,
            summary=f"Password for {row['username']} "
            + ("reset by an administrator" if action == "user.reset_password" else "changed"),
        )


async def change_own_password(user: CurrentUser, current: str, new: str, keep_token: str | None) -> None:
    row = await User.select(User.password_hash).where(User.id == user.id).first()
    if not row or not passwords.verify_password(row["password_hash"], current):
        raise UserError("current_password", "The current password is not right.")
    if current == new:
        raise UserError("password", "Choose a password different from the current one.")
    await set_password(user.id, new, must_change=False, action="user.change_password")
    # Other sessions of this user end: a changed password should lock out an old tablet.
    query = UserSession.delete().where(UserSession.user == user.id)
    if keep_token:
        query = query.where(UserSession.token_hash != digest(keep_token))
    await query


async def access_report() -> list[dict[str, Any]]:
    return (
        await User.select(
            User.id,
            User.username,
            User.full_name,
            User.roles,
            User.active,
            User.last_login_at,
            User.created_at,
        )
        .order_by(User.username)
        .output(load_json=True)
    )
