"""Accounts: users with roles, server-side sessions, API tokens and login failures."""

from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class User(Table, tablename="wf_user"):
    """A person who signs in. Never deleted: deactivated users keep their history."""

    username = Varchar(length=80, unique=True, index=True)
    full_name = Varchar(length=160, default="")
    email = Varchar(length=200, default="")
    password_hash = Varchar(length=255, default="")
    #: List of role names; see accounts.roles.ROLES.
    roles = JSON(default=[])
    #: Site codes the user is limited to; empty means all sites.
    sites = JSON(default=[])
    active = Boolean(default=True)
    must_change_password = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)


class UserSession(Table, tablename="wf_session"):
    """Server-side session: the cookie holds a random token, the table its SHA-256 digest,
    so several app processes share sessions and a stolen database holds no usable cookie."""

    token_hash = Varchar(length=64, unique=True, index=True)
    user = ForeignKey(User, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    ip = Varchar(length=64, default="")
    user_agent = Varchar(length=255, default="")


class ApiToken(Table, tablename="wf_api_token"):
    """Bearer token for /api/v1. Shown once at creation; stored as a SHA-256 digest."""

    name = Varchar(length=120)
    token_hash = Varchar(length=64, unique=True, index=True)
    prefix = Varchar(length=12, default="")
    user = ForeignKey(User, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class LoginFailure(Table, tablename="wf_login_failure"):
    """One failed sign-in; counted per username and per address inside the throttle window."""

    username = Varchar(length=80, index=True)
    ip = Varchar(length=64, index=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)
