"""Safety endpoints of the JSON API (bearer tokens; problem JSON on errors).

- POST /api/v1/osha/classify: the same JSON in and out as `workforce osha classify FACTS.json`.
- GET /api/v1/safety/rates?site=&year=: rates with the counts and hours they were computed from.

The models below document the contract in the OpenAPI schema (/schema/openapi.json). Validation stays
ours: the classify body is read raw and checked by `osha.parse_facts`, so a bad field gets the same 422
problem (and message) as the CLI's error line; the rates parameters are taken as text and checked here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, get, post
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody
from litestar.params import Parameter
from msgspec import Meta

from workforce.incidents import queries, service_rates
from workforce.incidents.osha import (
    CASE_TYPES,
    DAY_CAP,
    PRIVACY_REASONS,
    TREATMENTS,
    TYPE_COLUMNS,
    FactsError,
    classify,
)
from workforce.incidents.routes_common import RATES
from workforce.web.api_schema import problem_spec
from workforce.web.responses import problem

# --------------------------------------------------------------------------- models (OpenAPI only)

CaseType = Literal[CASE_TYPES]  # type: ignore[valid-type]
TreatmentCode = Literal[TREATMENTS]  # type: ignore[valid-type]
PrivacyCode = Literal[PRIVACY_REASONS]  # type: ignore[valid-type]
TypeColumn = Literal[tuple(TYPE_COLUMNS.values())]  # type: ignore[valid-type]
Days = Annotated[int, Meta(ge=0, description="Calendar days, counted from the day after the injury")]
Flag = Annotated[bool, Meta(description="Defaults to false")]


class ClassifyFacts(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The facts of one case (`osha.Facts`), as in `workforce osha classify FACTS.json`. Only work_related,
    new_case and case_type are required; the rest default to false, 0 or []. Unknown keys are refused."""

    work_related: Annotated[bool, Meta(description="Work-related under 1904.5")]
    new_case: Annotated[bool, Meta(description="A new case under 1904.6")]
    case_type: Annotated[CaseType, Meta(description="Form 300 type column M1-M6 (1904.29(b))")]
    death: Annotated[bool, Meta(description="Work-related death, column G (1904.7(b)(2))")] = False
    days_away: Annotated[Days, Meta(description="Days away from work, K (1904.7(b)(3))")] = 0
    restricted_days: Annotated[Days, Meta(description="Days of restricted work, L (1904.7(b)(4))")] = 0
    job_transfer_days: Annotated[Days, Meta(description="Days transferred to another job, L")] = 0
    treatments: Annotated[
        list[TreatmentCode],
        Meta(
            description="Care given or recommended: first aid (1904.7(b)(5)(ii)(A)-(N)), medical "
            "treatment, or neither (diagnostic_test, observation_visit)"
        ),
    ] = []
    loss_of_consciousness: Annotated[bool, Meta(description="1904.7(b)(6)")] = False
    significant_diagnosis: Annotated[bool, Meta(description="Diagnosed by a PLHCP, 1904.7(b)(7)")] = False
    needlestick_contaminated: Annotated[bool, Meta(description="Contaminated sharps, 1904.8")] = False
    medical_removal: Annotated[
        bool, Meta(description="Medical removal under an OSHA standard, 1904.9; needs days")
    ] = False
    hearing_sts: Annotated[bool, Meta(description="STS and 25 dB level, 1904.10; case_type hearing_loss")] = (
        False
    )
    tuberculosis: Annotated[
        bool, Meta(description="TB after occupational exposure, 1904.11; case_type respiratory_condition")
    ] = False
    privacy_reasons: Annotated[
        list[PrivacyCode], Meta(description="Privacy-case reasons of 1904.29(b)(7)(i)-(vi)")
    ] = []


class ClassifyResult(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The 300 Log entry for the case; keys always present, in this order."""

    recordable: bool
    outcome: Literal["death", "days_away", "restricted_or_transfer", "other_recordable"] | None
    column: Annotated[
        Literal["G", "H", "I", "J"] | None, Meta(description="Most serious outcome; null if not recordable")
    ]
    days_away: Annotated[int, Meta(ge=0, description=f"K, capped at {DAY_CAP} with K + L unless cap=false")]
    restricted_or_transfer_days: Annotated[int, Meta(ge=0, description="L")]
    type_column: Annotated[TypeColumn | None, Meta(description="M1-M6; null if not recordable")]
    privacy_case: Annotated[bool, Meta(description='"Privacy case" replaces the name (1904.29(b)(6))')]
    basis: Annotated[list[str], Meta(description="The 29 CFR 1904 clauses the decision rests on")]


class RatesSite(msgspec.Struct):
    id: int
    code: str | None
    name: str | None


class RatesPeriod(msgspec.Struct):
    start: date
    end: Annotated[date, Meta(description="31 Dec, or today for the current year")]


class RatesCounts(msgspec.Struct):
    """300 Log totals of the year (exact)."""

    deaths: Annotated[int, Meta(description="G cases")]
    days_away_cases: Annotated[int, Meta(description="H cases")]
    restricted_cases: Annotated[int, Meta(description="I cases")]
    other_cases: Annotated[int, Meta(description="J cases")]
    recordable: Annotated[int, Meta(description="G + H + I + J")]
    days_away: Annotated[int, Meta(description="K days")]
    restricted_days: Annotated[int, Meta(description="L days")]


class RatesHours(msgspec.Struct):
    value: Annotated[float, Meta(description="Hours worked in the year (exact, not rounded)")]
    source: Literal["roster", "entered", "none"]


Rate = Annotated[float | None, Meta(description="Rounded to 2 decimals, half up; null without hours")]


class RateValues(msgspec.Struct):
    """Rates per 200,000 hours (LTIFR per 1,000,000 hours); see `definitions`."""

    trir: Rate
    dart: Rate
    dafw: Rate
    ltir: Rate
    ltifr: Rate
    severity: Rate
    avg_days_away: Annotated[float | None, Meta(description="K / H cases, 2 decimals; null without H")]


class RatesTrendMonth(msgspec.Struct):
    month: Annotated[str, Meta(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]
    hours: Annotated[float, Meta(description="Hours of the month (exact)")]
    month_rates: RateValues
    rolling_12_months: RateValues
    complete: Annotated[bool, Meta(description="False while the 12-month window reaches before the data")]


class RatesReport(msgspec.Struct):
    """Rates of a site and calendar year with the counts and hours they come from."""

    site: RatesSite
    year: int
    period: RatesPeriod
    counts: RatesCounts
    hours: RatesHours
    rates: RateValues
    trend: Annotated[list[RatesTrendMonth], Meta(description="Jan to Dec (to this month this year)")]
    definitions: Annotated[dict[str, str], Meta(description="How each figure is computed")]
    computed_at: datetime


_AUTH_RESPONSES = {
    401: problem_spec("No or an invalid bearer token"),
    403: problem_spec("The token's user is not safety, compliance, hr or admin"),
}
CLASSIFY_RESPONSES = {
    **_AUTH_RESPONSES,
    400: problem_spec("The body is not JSON; `errors` names `body`"),
    422: problem_spec(
        "Invalid facts or `cap`: `errors` holds one entry naming the field (e.g. `treatments[1]`), "
        "`detail` is the CLI's error line"
    ),
}
RATES_RESPONSES = {
    **_AUTH_RESPONSES,
    422: problem_spec("Unknown site or bad year: `errors` has one entry per parameter"),
}

# The body's JSON Schema, inline (no nested models); msgspec writes it from the model above.
_FACTS_SCHEMA = msgspec.json.schema_components([ClassifyFacts])[1]["ClassifyFacts"]
_FACTS_SCHEMA["description"] = " ".join(_FACTS_SCHEMA["description"].split())


@dataclass
class ClassifyOperation(Operation):
    """Documents the facts body; the handler reads the body itself so that our validator, not Litestar's,
    answers bad input (see the module docstring)."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            description="The facts of one case; bad fields get a 422 problem naming the field",
            content={"application/json": OpenAPIMediaType(schema=_FACTS_SCHEMA)},  # type: ignore[arg-type]
        )


# --------------------------------------------------------------------------- handlers


@post(
    "/api/v1/osha/classify",
    guards=RATES,
    tags=["safety"],
    status_code=200,
    summary="Classify one case for the OSHA 300 Log (29 CFR 1904)",
    description="The same JSON in and out as `workforce osha classify FACTS.json`; answer keys in contract "
    "order.",
    responses=CLASSIFY_RESPONSES,
    operation_class=ClassifyOperation,
)
async def api_classify(
    request: Request,
    cap: Annotated[
        str,
        Parameter(
            description=f"true (default) caps days away plus restricted days at {DAY_CAP} "
            "(optional under 1904.7(b)(3)(vii)); false keeps the full count. Also 1 or 0."
        ),
    ] = "true",
) -> Response[ClassifyResult]:
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
    cap_text = (cap or "true").lower()
    if cap_text not in ("true", "false", "1", "0"):
        return problem(
            422,
            "Invalid input",
            "cap: expected true or false",
            request=request,
            errors=[{"field": "cap", "message": "expected true or false"}],
        )
    try:
        result = classify(facts, cap_days=cap_text in ("true", "1"))
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
    responses=RATES_RESPONSES,
)
async def api_rates(
    request: Request,
    site: Annotated[
        str, Parameter(description="Required: the site's id (e.g. 3) or code (e.g. RIV, any case)")
    ] = "",
    year: Annotated[
        str, Parameter(description="Calendar year, from 1990 to next year; this year when left out")
    ] = "",
) -> Response[RatesReport]:
    sites = await queries.sites_by_id()
    allowed = await queries.user_site_ids(request.scope["user"], sites)
    errors: list[dict[str, str]] = []
    found: dict[str, Any] | None = None
    raw_site = (site or "").strip()
    if not raw_site:
        errors.append({"field": "site", "message": "required: a site id or code"})
    else:
        found = (
            sites.get(int(raw_site))
            if raw_site.isdigit()
            else next((s for s in sites.values() if s["code"].upper() == raw_site.upper()), None)
        )
        if found is None or (allowed is not None and found["id"] not in allowed):
            errors.append({"field": "site", "message": f"unknown site {raw_site!r}"})
    raw_year = (year or str(date.today().year)).strip()
    year_number = int(raw_year) if raw_year.isdigit() else 0
    if not 1990 <= year_number <= date.today().year + 1:
        errors.append(
            {
                "field": "year",
                "message": f"expected a calendar year up to {date.today().year + 1}, got {raw_year!r}",
            }
        )
    if errors or found is None:
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, "Invalid input", detail, request=request, errors=errors)
    report = await service_rates.rates_report(found["id"], year_number)
    return Response(content=report, media_type="application/json")


ROUTES = [api_classify, api_rates]
