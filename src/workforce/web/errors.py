"""Exception handlers: a page for people, problem JSON for /api, never a traceback."""

from __future__ import annotations

import logging

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from workforce.web.guards import LoginRequired
from workforce.web.middleware import SESSION_COOKIE, ensure_request_id
from workforce.web.responses import base_context, problem

log = logging.getLogger("workforce")

TITLES = {
    400: "Bad request",
    401: "Sign in required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Upload too large",
    422: "Invalid input",
    429: "Too many attempts",
    500: "Something went wrong",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.startswith("/schema")


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = f"/login?next={target}" if request.url.path not in ("/", "/login") else "/login"
    if request.headers.get("hx-request") == "true":
        # An htmx fragment request must move the whole page, not swap the login form into a cell.
        return Response(content="", status_code=200, headers={"HX-Redirect": url})
    response = Redirect(path=url, status_code=HTTP_303_SEE_OTHER)
    if request.scope.get("state", {}).get("session_expired"):
        response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _error_page(request: Request, status: int, detail: str) -> Response:
    ctx = base_context(request)
    ctx.update(status=status, title=TITLES.get(status, "Error"), detail=detail)
    try:
        return Template(
            template_name="errors/error.html", context=ctx, status_code=status, media_type=MediaType.HTML
        )
    except Exception:  # pragma: no cover - the error page itself must never fail loudly
        return Response(content=f"{status} {TITLES.get(status, 'Error')}", status_code=status)


def handle_http(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if isinstance(exc, LoginRequired):
        if _is_api(request):
            return problem(
                401, TITLES[401], "Send a valid API token: Authorization: Bearer <token>.", request=request
            )
        return _login_redirect(request)
    detail = exc.detail if status < 500 else "The error has been logged."
    if _is_api(request):
        errors = None
        if isinstance(exc, ValidationException) and isinstance(exc.extra, list):
            errors = [
                {"field": str(e.get("key", "")), "message": str(e.get("message", ""))}
                for e in exc.extra
                if isinstance(e, dict)
            ]
        return problem(status, TITLES.get(status, "Error"), str(detail), request=request, errors=errors)
    if status == 413:
        detail = "The upload is larger than the server accepts. Use a smaller file."
    return _error_page(request, status, str(detail))


def handle_unexpected(request: Request, exc: Exception) -> Response:
    request_id = ensure_request_id(request.scope)
    log.exception("unhandled error (request %s)", request_id)
    if _is_api(request):
        return problem(
            500, TITLES[500], f"The error has been logged (request {request_id}).", request=request
        )
    return _error_page(request, 500, "The error has been logged. Quote the request id to your administrator.")


EXCEPTION_HANDLERS = {HTTPException: handle_http, Exception: handle_unexpected}
