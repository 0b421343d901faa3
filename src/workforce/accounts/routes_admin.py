"""User administration (admin) and the user access report (admin, compliance)."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template

from workforce.accounts import service
from workforce.accounts.roles import ROLES
from workforce.accounts.tables import User
from workforce.audit import trail
from workforce.db import StaleVersion
from workforce.web.concurrency import stale_message
from workforce.web.forms import FormErrors, as_list, form_data, parse_int
from workforce.web.guards import roles
from workforce.web.pagination import paginate, parse_page
from workforce.web.pdf import pdf_response
from workforce.web.responses import page, redirect

ADMIN_ONLY = [roles("admin")]
REPORT_ROLES = [roles("admin", "compliance")]


@get("/admin/users", guards=ADMIN_ONLY)
async def users_list(request: Request) -> Template:
    params = dict(request.query_params)
    q = (params.get("q") or "").strip().lower()
    status = params.get("status") or ""
    query = User.select(*[getattr(User, f) for f in service.PUBLIC_FIELDS]).order_by(User.username)
    count = User.count()
    if q:
        cond = User.username.ilike(f"%{q}%") | User.full_name.ilike(f"%{q}%")
        query, count = query.where(cond), count.where(cond)
    if status in ("active", "inactive"):
        cond = User.active == (status == "active")
        query, count = query.where(cond), count.where(cond)
    pg = await paginate(query.output(load_json=True), count, *parse_page(params))
    return page(
        request,
        "accounts/users.html",
        {"page": pg, "q": q, "status": status, "roles": ROLES},
        fragment="accounts/_users_table.html",
    )


@get("/admin/users/new", guards=ADMIN_ONLY)
async def user_new(request: Request) -> Template:
    return page(
        request,
        "accounts/user_form.html",
        {"values": {"roles": ["viewer"]}, "errors": FormErrors(), "roles": ROLES, "record": None},
    )


@post("/admin/users", guards=ADMIN_ONLY)
async def user_create(request: Request) -> Template | Redirect:
    data = await form_data(request)
    values = {
        "username": data.get("username", ""),
        "full_name": data.get("full_name", ""),
        "email": data.get("email", ""),
        "roles": as_list(data.get("roles")),
    }
    errors = FormErrors()
    if not values["username"]:
        errors.add("username", "Enter a user name.")
    if not data.get("password"):
        errors.add("password", "Enter a first password; the user changes it at first sign-in.")
    if not errors:
        try:
            user_id = await service.create_user(
                values["username"],
                str(data["password"]),
                values["roles"],
                values["full_name"],
                values["email"],
                must_change_password=True,
            )
        except service.UserError as exc:
            errors.add(exc.field, exc.message)
    if errors:
        return page(
            request,
            "accounts/user_form.html",
            {"values": values, "errors": errors, "roles": ROLES, "record": None},
            status_code=400,
        )
    return redirect(f"/admin/users/{user_id}", f"User {values['username']} created.")


async def _user_or_404(user_id: int) -> dict:
    row = await service.get_user(user_id)
    if row is None:
        raise NotFoundException(f"No user with id {user_id}.")
    return row


async def _site_choices() -> list[tuple[str, str]]:
    from workforce.people import directory  # sites belong to the people module

    return [(s["code"], f"{s['code']} · {s['name']}") for s in await directory.sites(active_only=False)]


async def _edit_page(
    request: Request, row: dict, values: dict, errors: FormErrors, status: int = 200
) -> Template:
    return page(
        request,
        "accounts/user_form.html",
        {
            "values": values,
            "errors": errors,
            "roles": ROLES,
            "record": row,
            "site_choices": await _site_choices(),
            "history": await trail.history("user", row["id"]),
            "tokens": await service.tokens_for(row["id"]),
        },
        status_code=status,
    )


@get("/admin/users/{user_id:int}", guards=ADMIN_ONLY)
async def user_detail(request: Request, user_id: int) -> Template:
    row = await _user_or_404(user_id)
    return await _edit_page(request, row, row, FormErrors())


@post("/admin/users/{user_id:int}", guards=ADMIN_ONLY)
async def user_update(request: Request, user_id: int) -> Template | Redirect:
    row = await _user_or_404(user_id)
    data = await form_data(request)
    errors = FormErrors()
    version = parse_int(str(data.get("version", "")), "version", errors, required=True) or 0
    values = {
        **row,
        "full_name": data.get("full_name", ""),
        "email": data.get("email", ""),
        "roles": as_list(data.get("roles")),
        "active": data.get("active") == "on",
        "sites": as_list(data.get("sites")),
    }
    known_sites = {code for code, _label in await _site_choices()}
    if set(values["sites"]) - known_sites:
        errors.add("sites", "Choose sites from the list.")
    if user_id == request.scope["user"].id and (not values["active"] or "admin" not in values["roles"]):
        errors.add("roles", "You cannot remove your own administrator role or deactivate yourself.")
    if not errors:
        try:
            await service.update_user(
                user_id,
                version,
                values["full_name"],
                values["email"],
                values["roles"],
                values["active"],
                values["sites"],
            )
            return redirect(f"/admin/users/{user_id}", "User saved.")
        except service.UserError as exc:
            errors.add(exc.field, exc.message)
        except StaleVersion:
            errors.general.append(await stale_message("user", user_id))
            values = await service.get_user(user_id) or row
    return await _edit_page(request, row, values, errors, 409 if errors.general else 400)


@post("/admin/users/{user_id:int}/reset-password", guards=ADMIN_ONLY)
async def user_reset_password(request: Request, user_id: int) -> Template | Redirect:
    row = await _user_or_404(user_id)
    data = await form_data(request)
    try:
        await service.set_password(
            user_id, str(data.get("password", "")), must_change=True, action="user.reset_password"
        )
    except service.UserError as exc:
        return redirect(f"/admin/users/{user_id}", f"Password not reset: {exc.message}", "error")
    return redirect(
        f"/admin/users/{user_id}",
        f"Password for {row['username']} reset; they must change it at next sign-in.",
    )


@get("/admin/access-report", guards=REPORT_ROLES)
async def access_report(request: Request) -> Template:
    return page(
        request, "accounts/access_report.html", {"rows": await service.access_report(), "roles": ROLES}
    )


@get("/admin/access-report.pdf", guards=REPORT_ROLES)
async def access_report_pdf(request: Request) -> Response:
    return await pdf_response(
        request,
        "accounts/access_report_print.html",
        "User access report",
        "user-access-report.pdf",
        rows=await service.access_report(),
        roles=ROLES,
    )


ROUTES = [
    users_list,
    user_new,
    user_create,
    user_detail,
    user_update,
    user_reset_password,
    access_report,
    access_report_pdf,
]
