"""Who is acting and in which request: set once by the middleware (or the CLI) and read by the
audit trail, so services do not have to thread the actor through every call."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    id: int | None
    name: str


SYSTEM = Actor(None, "system")

current_actor: ContextVar[Actor] = ContextVar("current_actor", default=SYSTEM)
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
