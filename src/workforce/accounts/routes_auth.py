"""Sign-in, sign-out, own password and own API tokens."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from workforce.accounts import service
from workforce.settings import get_settings
from workforce.web.forms import FormErrors, form_data
from workforce.web.middleware import SESSION_COOKIE
from workforce.web.responses import page, redirect

GENERIC_FAILURE = "Wrong user name or password, or the account is not active."
THROTTLED = "Too many failed sign-ins. Wait 15 minutes, or ask an administrator to reset your password."


def safe_next(target: str | None) -> str:
    """Only local paths: an open redirect after login would be a phishing tool."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@get("/login", opt={"public": True}, name="login")
async def login_page(request: Request, next: str | None = None) -> Template | Redirect:  # noqa: A002
    if request.scope.get("user"):
        return redirect(safe_next(next))
    expired = bool(request.scope.get("state", {}).get("session_expired"))
    response = page(
        request,
        "accounts/login.html",
        {"next": safe_next(next), "errors": FormErrors(), "values": {}, "expired": expired},
    )
    if expired:
        response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@post("/login", opt={"public": True})
async def login_submit(request: Request) -> Template | Redirect:
    data = await form_data(request)
    username, password = str(data.get("username", "")), str(data.get("password", ""))
    target = safe_next(str(data.get("next", "")))
    errors = FormErrors()
    if not username:
        errors.add("username", "Enter your user name.")
    if not password:
        errors.add("password", "Enter your password.")
    ctx = {"next": target, "errors": errors, "values": {"username": username}, "expired": False}
    if errors:
        return page(request, "accounts/login.html", ctx, status_code=400)
    try:
        user = await service.authenticate(username, password, _client_ip(request))
    except service.Throttled:
        errors.general.append(THROTTLED)
        response = page(request, "accounts/login.html", ctx, status_code=429)
        response.headers["retry-after"] = str(get_settings().throttle_window_minutes * 60)
        return response
    if user is None:
        errors.general.append(GENERIC_FAILURE)
        return page(request, "accounts/login.html", ctx, status_code=401)
    token = await service.start_session(user.id, _client_ip(request), request.headers.get("user-agent", ""))
    settings = get_settings()
    response = redirect("/account/password" if user.must_change_password else target)
    response.cookies.append(
        Cookie(
            key=SESSION_COOKIE,
            value=token,
            httponly=True,
            samesite="lax",
            path="/",
            secure=settings.secure_cookies,
            max_age=settings.session_absolute_hours * 3600,
        )
    )
    return response


@post("/logout")
async def logout(request: Request) -> Redirect:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await service.end_session(token)
    response = redirect("/login", "You are signed out.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@get("/account/password")
async def password_page(request: Request) -> Template:
    return page(request, "accounts/password.html", {"errors": FormErrors()})


@post("/account/password")
async def password_submit(request: Request) -> Template | Redirect:
    data = await form_data(request)
    errors = FormErrors()
    current, new, again = (str(data.get(k, "")) for k in ("current_password", "password", "password_again"))
    if not current:
        errors.add("current_password", "Enter your current password.")
    if not new:
        errors.add("password", "Enter a new password.")
    elif new != again:
        errors.add("password_again", "The two new passwords differ.")
    if not errors:
        try:
            await service.change_own_password(
                request.scope["user"], current, new, request.cookies.get(SESSION_COOKIE)
            )
        except service.UserError as exc:
            errors.add(exc.field, exc.message)
    if errors:
        return page(request, "accounts/password.html", {"errors": errors}, status_code=400)
    return redirect("/", "Your password is changed.")


@get("/account/tokens")
async def tokens_page(request: Request) -> Template:
    tokens = await service.tokens_for(request.scope["user"].id)
    return page(
        request, "accounts/tokens.html", {"tokens": tokens, "errors": FormErrors(), "new_token": None}
    )


@post("/account/tokens")
async def token_create(request: Request) -> Template:
    data = await form_data(request)
    name = str(data.get("name", "")).strip()
    user = request.scope["user"]
    errors = FormErrors()
    if not name:
        errors.add("name", "Name the token after what will use it, e.g. 'payroll export'.")
    elif len(name) > 120:
        errors.add("name", "Use at most 120 characters.")
    new_token = None if errors else await service.create_token(user.id, name)
    tokens = await service.tokens_for(user.id)
    return page(
        request,
        "accounts/tokens.html",
        {"tokens": tokens, "errors": errors, "new_token": new_token},
        status_code=400 if errors else 201,
    )


@post("/account/tokens/{token_id:int}/revoke")
async def token_revoke(request: Request, token_id: int) -> Redirect:
    ok = await service.revoke_token(token_id, request.scope["user"])
    return redirect(
        "/account/tokens",
        "Token revoked." if ok else "That token was already revoked.",
        "success" if ok else "warning",
    )


ROUTES = [
    login_page,
    login_submit,
    logout,
    password_page,
    password_submit,
    tokens_page,
    token_create,
    token_revoke,
]
