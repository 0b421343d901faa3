"""Export of the people list as CSV or XLSX, with the list's filters (`/people?…` → `/people/export.csv?…`).

Who may export: hr, supervisor and compliance (and admin). An export is the whole filtered list in
a file that leaves the system, phone numbers included, so it goes to the roles that keep or audit
personnel records and to supervisors (their crews' call-in lists, limited to their account's sites).
Safety and viewer accounts read records on screen but do not take bulk copies of contact data.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from litestar import Request, Response, get
from litestar.response import Stream

from workforce.people import exporting, service
from workforce.people.access import CONTACT_ROLES
from workforce.web.guards import roles

EXPORTERS = [roles(*(CONTACT_ROLES - {"admin"}))]


async def _rows(request: Request) -> list[dict[str, Any]]:
    """Every employee the list's filters match, in the list's order: one query, no pagination."""
    filters = service.EmployeeFilters.from_params(dict(request.query_params))
    filters = dataclasses.replace(filters, allowed_sites=await service.allowed_sites(request.scope["user"]))
    query, _count = service.list_queries(filters, columns=service.RAW_COLUMNS)
    return await query


def _disposition(extension: str) -> dict[str, str]:
    return {"content-disposition": f'attachment; filename="employees-{date.today().isoformat()}.{extension}"'}


@get("/people/export.csv", guards=EXPORTERS)
async def export_csv(request: Request) -> Stream:
    rows = await _rows(request)
    return Stream(exporting.csv_chunks(rows), media_type="text/csv", headers=_disposition("csv"))


@get("/people/export.xlsx", guards=EXPORTERS)
async def export_xlsx(request: Request) -> Response:
    rows = await _rows(request)
    return Response(
        content=exporting.xlsx_bytes(rows),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=_disposition("xlsx"),
    )


ROUTES = [export_csv, export_xlsx]
