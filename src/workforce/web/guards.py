"""Route guards. Default deny: an app-level guard requires a signed-in user on every route
unless the handler is marked ``opt={"public": True}``; ``roles(...)`` narrows further."""

from __future__ import annotations

from collections.abc import Callable

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler


class LoginRequired(NotAuthorizedException):
    """Anonymous request to a guarded route: pages redirect to /login, the API answers 401."""


def require_login(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    if handler.opt.get("public"):
        return
    if connection.scope.get("user") is None:
        raise LoginRequired("Sign in to continue.")


def roles(*allowed: str) -> Callable[[ASGIConnection, BaseRouteHandler], None]:
    """Guard factory: the user must hold at least one of `allowed` (admin always passes)."""
    wanted = set(allowed) | {"admin"}

    def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        user = connection.scope.get("user")
        if user is None:
            raise LoginRequired("Sign in to continue.")
        if not (user.roles & wanted):
            raise PermissionDeniedException("Your role does not allow this.")

    guard.__name__ = f"roles({', '.join(sorted(allowed))})"
    guard.allowed_roles = frozenset(wanted)  # type: ignore[attr-defined]
    return guard
