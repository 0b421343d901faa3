"""Employee import screens: upload a CSV/XLSX file, look at the dry-run preview, apply it.

HR (and administrators) only: an import creates and changes employee records in bulk."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from workforce.people import import_service, importing
from workforce.people.importing import ImportFileError
from workforce.people.validation import COLUMNS, REQUIRED_COLUMNS
from workforce.settings import get_settings
from workforce.web.forms import FormErrors, form_data
from workforce.web.guards import roles
from workforce.web.pagination import Page, parse_page
from workforce.web.responses import page, redirect

IMPORTERS = [roles("hr")]
PER_PAGE = 50


def _sentence(message: str) -> str:
    message = message.strip()
    return message[0].upper() + message[1:] + ("" if message.endswith((".", "?", "!")) else ".")


async def _upload_page(request: Request, errors: FormErrors, status: int = 200) -> Template:
    return page(
        request,
        "people/import.html",
        {
            "errors": errors,
            "columns": [(c, c in REQUIRED_COLUMNS, importing.COLUMN_HELP.get(c, "")) for c in COLUMNS],
            "recent": await import_service.recent_imports(),
            "max_mb": get_settings().max_body_bytes // 2**20,
            "max_rows": importing.MAX_ROWS,
        },
        status_code=status,
    )


@get("/people/import", guards=IMPORTERS)
async def import_form(request: Request) -> Template:
    return await _upload_page(request, FormErrors())


@get("/people/import/template.csv", guards=IMPORTERS)
async def import_template() -> Response:
    return Response(
        content=importing.template_csv(),
        media_type="text/csv",
        headers={"content-disposition": 'attachment; filename="employees-template.csv"'},
    )


@post("/people/import", guards=IMPORTERS)
async def import_upload(request: Request) -> Template | Redirect:
    data = await form_data(request)
    upload = data.get("file")
    if isinstance(upload, list):
        upload = upload[0]
    errors = FormErrors()
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors.add("file", "Choose a .csv or .xlsx file.")
        return await _upload_page(request, errors, 400)
    content = await upload.read()
    try:
        import_id = await import_service.store_upload(request.scope["user"].id, upload.filename, content)
    except ImportFileError as exc:
        errors.general.append(f"{upload.filename} was not imported; nothing was changed.")
        errors.general.extend(_sentence(m) for m in exc.messages)
        errors.add("file", "Correct the file and upload it again.")
        return await _upload_page(request, errors, 400)
    return redirect(f"/people/import/{import_id}", "File read. Check the preview, then apply it.")


async def _preview_page(
    request: Request, import_id: int, errors: FormErrors | None = None, status: int = 200
) -> Template:
    imp = await import_service.get_import(import_id, with_content=True)
    if imp is None:
        raise NotFoundException(f"No import with id {import_id}.")
    errors = errors or FormErrors()
    try:
        pv = await import_service.preview(imp["content"], imp["filename"], request.scope["user"])
    except ImportFileError as exc:  # readable at upload; only a rule change since gets here
        errors.general.extend(_sentence(m) for m in exc.messages)
        pv = importing.Preview(columns=(), rows=[])
    params = dict(request.query_params)
    kind = params.get("kind") if params.get("kind") in importing.KINDS else ""
    rows = pv.ordered(kind or None)
    number, per_page = parse_page(params, PER_PAGE)
    pages = max(1, -(-len(rows) // per_page))
    number = min(number, pages)
    start = (number - 1) * per_page
    pg = Page(items=rows[start : start + per_page], page=number, per_page=per_page, total=len(rows))
    imp.pop("content", None)
    return page(
        request,
        "people/import_preview.html",
        {
            "imp": imp,
            "preview": pv,
            "counts": pv.counts,
            "page": pg,
            "kind": kind,
            "kind_labels": importing.KIND_LABELS,
            "errors": errors,
            "fingerprint": pv.fingerprint,
            "as_of": await import_service.last_audit_id(),
        },
        fragment="people/_import_rows.html",
        status_code=status,
    )


@get("/people/import/{import_id:int}", guards=IMPORTERS)
async def import_preview(request: Request, import_id: int) -> Template:
    return await _preview_page(request, import_id)


@post("/people/import/{import_id:int}/apply", guards=IMPORTERS)
async def import_apply(request: Request, import_id: int) -> Template | Redirect:
    data = await form_data(request)
    try:
        as_of = int(str(data.get("as_of") or 0))
    except ValueError:
        as_of = 0
    try:
        summary = await import_service.apply(
            import_id, request.scope["user"], fingerprint=str(data.get("fingerprint") or ""), as_of=as_of
        )
    except import_service.ImportRefused as exc:
        if exc.status == 404:
            raise NotFoundException(exc.message) from exc
        if exc.already_applied:
            return redirect(f"/people/import/{import_id}", exc.message, level="warning")
        errors = FormErrors()
        errors.general.append(exc.message)
        return await _preview_page(request, import_id, errors, exc.status)
    return redirect(
        "/people",
        f"Import applied: {summary['created']} created, {summary['updated']} updated, "
        f"{summary['unchanged']} unchanged.",
    )


ROUTES = [import_form, import_template, import_upload, import_preview, import_apply]
