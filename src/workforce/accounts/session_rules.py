"""Session expiry and login throttling as pure functions (no database inside)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta
    #: Refresh last-seen at most this often, so browsing does not write on every request.
    touch_every: timedelta = timedelta(seconds=60)


def session_state(created_at: datetime, last_seen_at: datetime, now: datetime, policy: SessionPolicy) -> str:
    """'valid', 'idle_expired' or 'absolute_expired'.

    Shared tablets on the floor: an idle session ends after `idle` (default 15 minutes) even
    inside its absolute lifetime.
    """
    if now - created_at >= policy.absolute:
        return "absolute_expired"
    if now - last_seen_at >= policy.idle:
        return "idle_expired"
    return "valid"


def needs_touch(last_seen_at: datetime, now: datetime, policy: SessionPolicy) -> bool:
    return now - last_seen_at >= policy.touch_every


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


def is_throttled(failures_for_username: int, failures_for_ip: int, policy: ThrottlePolicy) -> bool:
    """Blocked once either the username or the address has `max_failures` inside the window."""
    return failures_for_username >= policy.max_failures or failures_for_ip >= policy.max_failures
