"""OSHA papers per establishment (site) and year: the 300 Log (screen, PDF, CSV for electronic
submission), the 300A summary with its editable figures and certification, all 301s, the confidential
privacy-case list, and the rates page."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template

from workforce.db import StaleVersion
from workforce.incidents import osha_log, queries, service_osha, service_rates
from workforce.incidents.routes_common import OSHA_FORMS, RATES
from workforce.web.forms import FormErrors, form_data, parse_date, parse_float, parse_int
from workforce.web.pdf import chunks, pdf_long_response, pdf_response, warm_long_pdf
from workforce.web.responses import page, redirect

#: Case lines per printed 300 Log page (the paper form has 13 lines per page).
LOG_LINES_PER_PAGE = 13
#: From this many cases the 300 Log PDF is printed in parts side by side and kept (web.pdf.pdf_long_response);
#: below it one process is quicker than starting the parts.
LOG_PARTS_FROM_CASES = 100
#: Form pages per part: parts start at fixed pages, so a new or edited case re-lays out its part and the
#: last (the year's totals), about 2 s for the 500-case bench log; smaller parts cost more when nothing
#: is kept yet.
LOG_PAGES_PER_PART = 5
LOG_PDF_TEMPLATE = "incidents/osha300_print.html"


def _log_title(year: int) -> str:
    return f"OSHA Form 300: Log of Work-Related Injuries and Illnesses {year}"


async def _site_year(request: Request) -> tuple[dict[str, Any], int, list[dict[str, Any]]]:
    """The establishment (by id or code, as the rates API takes it) and year asked for (defaults: the
    user's first site, this year), or 404."""
    params = request.query_params
    user = request.scope["user"]
    sites = await queries.sites_by_id()
    allowed = await queries.user_site_ids(user, sites)
    choices = [s for s in sites.values() if allowed is None or s["id"] in allowed]
    wanted = (params.get("site") or "").strip()
    by_code = {str(s["code"]).upper(): s for s in sites.values()}
    try:
        site = by_code.get(wanted.upper()) or sites.get(int(wanted or (choices[0]["id"] if choices else 0)))
        year = int(params.get("year") or date.today().year)
    except ValueError as exc:
        raise NotFoundException("Choose a site and a year.") from exc
    if site is None or site not in choices or not 1990 <= year <= date.today().year + 1:
        raise NotFoundException("No such establishment or year.")
    return site, year, choices


def _years() -> list[int]:
    # 1904.33: five years following the end of the covered year, plus the current one.
    this = date.today().year
    return list(range(this, this - 6, -1))


@get("/osha", guards=OSHA_FORMS, name="osha.index")
async def osha_index(request: Request) -> Template:
    site, year, choices = await _site_year(request)
    ctx = await _log_context(site, year, None)
    _warm_log_pdf(request, ctx)  # this page links the 300 Log PDF too
    return page(
        request,
        "incidents/osha_index.html",
        {
            "site": site,
            "year": year,
            "sites": choices,
            "years": _years(),
            "totals": ctx["totals"],
            "year_data": ctx["year_data"],
        },
    )


async def _log_context(site: dict[str, Any], year: int, per_page: int | None) -> dict[str, Any]:
    lines = await osha_log.log_rows(site["id"], year, site=site)
    year_data = await service_osha.year_data(site["id"], year)
    return {
        "site": site,
        "year": year,
        "lines": lines,
        "pages": osha_log.log_pages(lines, per_page),
        "totals": osha_log.totals(lines),
        "year_data": year_data,
    }


@get("/osha/300", guards=OSHA_FORMS, name="osha.log")
async def log_page(request: Request) -> Template:
    site, year, choices = await _site_year(request)
    ctx = await _log_context(site, year, None)
    _warm_log_pdf(request, ctx)
    ctx.update(sites=choices, years=_years())
    return page(request, "incidents/osha300.html", ctx)


def _warm_log_pdf(request: Request, ctx: dict[str, Any]) -> None:
    """The next click is often the 300 Log PDF: lay out a long log's parts meanwhile (web/pdf_cache.py);
    parts already kept cost one lookup."""
    if len(ctx["lines"]) < LOG_PARTS_FROM_CASES:
        return
    printed = {**ctx, "pages": osha_log.log_pages(ctx["lines"], LOG_LINES_PER_PAGE)}
    warm_long_pdf(
        request,
        LOG_PDF_TEMPLATE,
        _log_title(ctx["year"]),
        document=osha_log.log_document(ctx["site"]["id"], ctx["year"]),
        parts=_log_parts(printed),
        head=True,
        **_log_print(ctx["site"], printed),
    )


def _log_parts(ctx: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"pages": run} for run in chunks(ctx["pages"], LOG_PAGES_PER_PART)]


def _log_print(site: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
    """Print options of the log: landscape, on the establishment's paper (else the plant default)."""
    paper = site.get("paper_size")
    return {**ctx, "orientation": "landscape", "site_name": site["name"], "paper_size": paper}


@get("/osha/300.pdf", guards=OSHA_FORMS)
async def log_pdf(request: Request) -> Response:
    site, year, _choices = await _site_year(request)
    ctx = await _log_context(site, year, LOG_LINES_PER_PAGE)
    args = (request, LOG_PDF_TEMPLATE, _log_title(year), f"osha-300-{site['code']}-{year}.pdf")
    if len(ctx["lines"]) < LOG_PARTS_FROM_CASES:
        return await pdf_response(*args, **_log_print(site, ctx))
    return await pdf_long_response(
        *args,
        document=osha_log.log_document(site["id"], year),
        parts=_log_parts(ctx),
        head=True,
        expected_pages=len(ctx["pages"]),  # a sheet per form page, unless a page overflows
        **_log_print(site, ctx),
    )


@get("/osha/300.csv", guards=OSHA_FORMS)
async def log_csv(request: Request) -> Response:
    """Case data for the yearly electronic submission (1904.41); names are not part of it."""
    site, year, _choices = await _site_year(request)
    lines = await osha_log.log_rows(site["id"], year, site=site)
    cases = {
        c["id"]: c
        for c in await osha_log.cases_301([(line["incident_id"], line["person_id"]) for line in lines])
    }
    year_data = {**await service_osha.year_data(site["id"], year), "year": year}
    body = osha_log.csv_export(lines, cases, year_data)
    return Response(
        content=body,
        media_type="text/csv",
        headers={"content-disposition": f'attachment; filename="osha-300-{site["code"]}-{year}.csv"'},
    )


@get("/osha/300a", guards=OSHA_FORMS, name="osha.summary")
async def summary_page(request: Request) -> Template:
    site, year, choices = await _site_year(request)
    return await _summary(request, site, year, choices)


async def _summary(
    request: Request,
    site: dict[str, Any],
    year: int,
    choices: list[dict[str, Any]],
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    ctx = await _log_context(site, year, None)
    ctx.update(
        sites=choices, years=_years(), values=values or ctx["year_data"], errors=errors or FormErrors()
    )
    return page(request, "incidents/osha300a.html", ctx, status_code=status_code)


@post("/osha/300a", guards=OSHA_FORMS)
async def summary_save(request: Request) -> Template | Redirect:
    """Save average employees, hours worked (with the reason for any change), establishment details and the
    certification (1904.32(b)(3): a company executive certifies)."""
    site, year, choices = await _site_year(request)
    data = await form_data(request)
    errors = FormErrors()
    version = parse_int(str(data.get("version", "")), "version", errors, required=True) or 0
    values: dict[str, Any] = {k: str(data.get(k, "")).strip() for k in service_osha.YEAR_FIELDS}
    values["average_employees"] = parse_int(
        values["average_employees"], "average_employees", errors, minimum=0
    )
    values["total_hours"] = parse_float(
        values["total_hours"].replace(",", ""), "total_hours", errors, minimum=0
    )
    values["certified_on"] = parse_date(values["certified_on"], "certified_on", errors)
    if values["certified_on"] and not (values["certified_name"] and values["certified_title"]):
        errors.add("certified_name", "The certification needs the executive's name and title.")
    if not errors:
        try:
            await service_osha.save_year_data(site["id"], year, version, values)
            return redirect(f"/osha/300a?site={site['id']}&year={year}", f"{year} figures saved.")
        except service_osha.ClassificationError as exc:
            errors.add(exc.field, exc.message[0].upper() + exc.message[1:] + ".")
        except StaleVersion:
            errors.general.append(
                "Someone saved these figures since you opened the page; the form shows their "
                "version. Make your change again."
            )
            return await _summary(request, site, year, choices, errors=errors, status_code=409)
    return await _summary(request, site, year, choices, {**values, "version": version}, errors, 400)


@get("/osha/300a.pdf", guards=OSHA_FORMS)
async def summary_pdf(request: Request) -> Response:
    site, year, _choices = await _site_year(request)
    ctx = await _log_context(site, year, None)
    return await pdf_response(
        request,
        "incidents/osha300a_print.html",
        f"OSHA Form 300A: Summary of Work-Related Injuries and Illnesses {year}",
        f"osha-300a-{site['code']}-{year}.pdf",
        site_name=site["name"],
        paper_size=site.get("paper_size"),
        **ctx,
    )


@get("/osha/301.pdf", guards=OSHA_FORMS)
async def all_301_pdf(request: Request) -> Response:
    site, year, _choices = await _site_year(request)
    cases = await osha_log.cases_301(site_id=site["id"], year=year)
    return await pdf_response(
        request,
        "incidents/form301_print.html",
        f"OSHA Form 301: Injury and Illness Incident Reports {year}",
        f"osha-301-{site['code']}-{year}.pdf",
        cases=cases,
        site_name=site["name"],
        paper_size=site.get("paper_size"),
        year_data=await service_osha.year_data(site["id"], year),
    )


@get("/osha/privacy-cases", guards=OSHA_FORMS)
async def privacy_cases(request: Request) -> Template:
    """1904.29(b)(6): the separate, confidential list of privacy case numbers and names."""
    site, year, choices = await _site_year(request)
    lines = [line for line in await osha_log.log_rows(site["id"], year, site=site) if line["privacy"]]
    return page(
        request,
        "incidents/privacy_cases.html",
        {"site": site, "year": year, "lines": lines, "sites": choices, "years": _years()},
    )


@get("/safety/rates", guards=RATES, name="osha.rates")
async def rates_page(request: Request) -> Template:
    sites = await queries.sites_by_id()
    allowed = await queries.user_site_ids(request.scope["user"], sites)
    choices = [s for s in sites.values() if allowed is None or s["id"] in allowed]
    try:
        site_id = int(request.query_params.get("site") or (choices[0]["id"] if choices else 0))
        year = int(request.query_params.get("year") or date.today().year)
    except ValueError as exc:
        raise NotFoundException("Choose a site and a year.") from exc
    if site_id not in {s["id"] for s in choices}:
        raise NotFoundException("No such site.")
    report = await service_rates.rates_report(site_id, year)
    return page(
        request,
        "incidents/rates.html",
        {"report": report, "sites": choices, "years": _years(), "site_id": site_id, "year": year},
    )


ROUTES = [
    osha_index,
    log_page,
    log_pdf,
    log_csv,
    summary_page,
    summary_save,
    summary_pdf,
    all_301_pdf,
    privacy_cases,
    rates_page,
]
