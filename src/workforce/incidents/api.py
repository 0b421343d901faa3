"""Safety endpoints of the JSON API (bearer tokens; problem JSON on errors).

- POST /api/v1/osha/classify: the same JSON in and out as `workforce osha classify FACTS.json`.
- GET /api/v1/safety/rates?site=&year=: rates with the counts and hours they were computed from.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from litestar import Request, Response, get, post

from workforce.incidents import queries, service_rates
from workforce.incidents.osha import FactsError, classify
from workforce.incidents.routes_common import RATES
from workforce.web.responses import problem


@post(
    "/api/v1/osha/classify",
    guards=RATES,
    tags=["safety"],
    status_code=200,
    summary="Classify one case for the OSHA 300 Log (29 CFR 1904)",
)
async def api_classify(request: Request) -> Response:
    """Body: the facts object (see `osha.Facts`). Answer: the result object, keys in contract order.
    `?cap=false` keeps day counts above 180 (the cap of 1904.7(b)(3)(vii) is optional)."""
    raw = await request.body()
    try:
        facts = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        return problem(
            400,
            "Bad request",
            f"The body is not JSON: {exc}",
            request=request,
            errors=[{"field": "body", "message": "not valid JSON"}],
        )
    cap = (request.query_params.get("cap") or "true").lower()
    if cap not in ("true", "false", "1", "0"):
        return problem(
            422,
            "Invalid input",
            "cap: expected true or false",
            request=request,
            errors=[{"field": "cap", "message": "expected true or false"}],
        )
    try:
        result = classify(facts, cap_days=cap in ("true", "1"))
    except FactsError as exc:
        return problem(
            422,
            "Invalid input",
            str(exc),
            request=request,
            errors=[{"field": exc.field, "message": exc.message}],
        )
    return Response(content=result, status_code=200, media_type="application/json")


@get(
    "/api/v1/safety/rates",
    guards=RATES,
    tags=["safety"],
    summary="TRIR, DART, LTIR, LTIFR and severity for a site and year, with counts and hours used",
)
async def api_rates(request: Request) -> Response:
    params = request.query_params
    sites = await queries.sites_by_id()
    allowed = await queries.user_site_ids(request.scope["user"], sites)
    errors: list[dict[str, str]] = []
    site: dict[str, Any] | None = None
    raw_site = (params.get("site") or "").strip()
    if not raw_site:
        errors.append({"field": "site", "message": "required: a site id or code"})
    else:
        site = (
            sites.get(int(raw_site))
            if raw_site.isdigit()
            else next((s for s in sites.values() if s["code"].upper() == raw_site.upper()), None)
        )
        if site is None or (allowed is not None and site["id"] not in allowed):
            errors.append({"field": "site", "message": f"unknown site {raw_site!r}"})
    raw_year = (params.get("year") or str(date.today().year)).strip()
    year = int(raw_year) if raw_year.isdigit() else 0
    if not 1990 <= year <= date.today().year + 1:
        errors.append(
            {
                "field": "year",
                "message": f"expected a calendar year up to {date.today().year + 1}, got {raw_year!r}",
            }
        )
    if errors or site is None:
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, "Invalid input", detail, request=request, errors=errors)
    return Response(content=await service_rates.rates_report(site["id"], year), media_type="application/json")


ROUTES = [api_classify, api_rates]
