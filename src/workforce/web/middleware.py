"""Request context and authentication, as plain ASGI middleware.

Every request gets an id (shown on error pages, written to the audit trail) and the security
headers; the user is looked up from the session cookie (screens) or a bearer token (/api).
"""

from __future__ import annotations

import uuid

from litestar.datastructures import MutableScopeHeaders
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from workforce.accounts import service
from workforce.audit.context import Actor, current_actor, current_request_id

SESSION_COOKIE = "wf_session"

# No inline script or style anywhere: htmx indicator styles are off (see base.html meta).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "permissions-policy": "geolocation=(), microphone=()",
    "cross-origin-opener-policy": "same-origin",
}


def ensure_request_id(scope: Scope) -> str:
    """The request's id, created on first use (error pages for unrouted URLs need one too)."""
    state = scope.setdefault("state", {})
    if not state.get("request_id"):
        state["request_id"] = uuid.uuid4().hex[:16]
    return state["request_id"]


async def add_response_headers(message: Message, scope: Scope) -> None:
    """App-level before_send hook: runs for every response, 404s for unknown URLs included."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    headers["x-request-id"] = ensure_request_id(scope)
    for name, value in SECURITY_HEADERS.items():
        if name not in headers:
            headers[name] = value
    if "cache-control" not in headers:
        # Records are personal data: keep them out of shared-tablet caches.
        path = scope.get("path", "")
        headers["cache-control"] = "public, max-age=3600" if path.startswith("/static/") else "no-store"


class RequestContextMiddleware(ASGIMiddleware):
    """Makes the request id available to the audit trail for the request's duration."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        token = current_request_id.set(ensure_request_id(scope))
        try:
            await next_app(scope, receive, send)
        finally:
            current_request_id.reset(token)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def _cookie(scope: Scope, name: str) -> str:
    raw = _header(scope, b"cookie")
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


class AuthMiddleware(ASGIMiddleware):
    """Sets scope['user'] to a CurrentUser or None; guards decide what None may see."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        path = scope.get("path", "")
        user = None
        if not path.startswith("/static/"):
            auth = _header(scope, b"authorization")
            if auth.lower().startswith("bearer "):
                user = await service.user_for_token(auth[7:].strip())
            elif not path.startswith("/api/"):
                # The API is exempt from CSRF, so it must never act on a browser's cookie.
                token = _cookie(scope, SESSION_COOKIE)
                if token:
                    user = await service.user_for_session(token)
                    if user is None:
                        scope.setdefault("state", {})["session_expired"] = True
        scope["user"] = user
        scope["auth"] = None
        reset = current_actor.set(Actor(user.id, user.username)) if user else None
        try:
            await next_app(scope, receive, send)
        finally:
            if reset is not None:
                current_actor.reset(reset)
