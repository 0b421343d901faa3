"""Rule-set screens: list per bargaining unit, view a version, edit (a new version), versions and diff,
"test this rule set" with a timesheet, and plant holidays per site."""

from __future__ import annotations

import difflib
import json
from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from workforce.audit import trail
from workforce.people import directory
from workforce.rules import holidays_service, service
from workforce.rules.engine import evaluate
from workforce.rules.report import format_table, summary
from workforce.rules.routes_common import HR, READ, TESTERS, check_site, parse_id, site_choices
from workforce.rules.ruleset import (
    PRESETS,
    RuleSetError,
    diff_rulesets,
    load_preset,
    parse_ruleset,
    preset_text,
)
from workforce.rules.timesheet import read_timesheet
from workforce.web import idempotency
from workforce.web.concurrency import stale_message
from workforce.web.forms import FormErrors, form_data, parse_date
from workforce.web.responses import page, redirect

MAX_TIMESHEET_BYTES = 2 * 1024 * 1024


async def _unit(key: str) -> tuple[int | None, dict[str, Any]]:
    """(unit id, display dict) for a URL key; 404 for an unknown unit."""
    try:
        unit_id = service.unit_from_key(key)
    except ValueError:
        raise NotFoundException(f"No bargaining unit {key!r}.") from None
    if unit_id is None:
        return None, {
            "key": service.DEFAULT_KEY,
            "code": "Plant default",
            "name": "Everyone without a unit's own",
        }
    for unit in await directory.bargaining_units():
        if unit["id"] == unit_id:
            return unit_id, {**unit, "key": str(unit_id)}
    raise NotFoundException(f"No bargaining unit {key!r}.")


@get("/rules", guards=READ)
async def rules_index(request: Request) -> Template:
    book = await service.RuleBook.load()
    today = date.today()
    default_current = book.latest_own(None, today)
    rows = [
        {
            "key": service.DEFAULT_KEY,
            "code": "Plant default",
            "name": "Anyone whose unit has no rule set of its own",
            "current": default_current,
            "own": default_current is not None,
            "scheduled": book.scheduled(None, today),
            "count": len(book.by_unit.get(None, [])),
        }
    ]
    for unit in await directory.bargaining_units():
        own = book.latest_own(unit["id"], today)
        rows.append(
            {
                "key": str(unit["id"]),
                "code": unit["code"],
                "name": unit["name"],
                "current": own or default_current,
                "own": own is not None,
                "scheduled": book.scheduled(unit["id"], today),
                "count": len(book.by_unit.get(unit["id"], [])),
            }
        )
    return page(
        request,
        "rules/index.html",
        {
            "rows": rows,
            "fallback": service.FALLBACK_PRESET,
            "today": today,
            "can_edit": request.scope["user"].has("hr", "admin"),
        },
    )


def _statuses(versions: list[dict[str, Any]], today: date) -> dict[int, str]:
    """in force / scheduled / superseded / replaced (a later save for the same date won)."""
    out: dict[int, str] = {}
    winners: dict[date, int] = {}
    for v in versions:
        winners[v["effective_from"]] = max(winners.get(v["effective_from"], 0), v["id"])
    current = None
    for v in sorted(versions, key=lambda v: (v["effective_from"], v["id"])):
        if v["effective_from"] <= today:
            current = v["id"]
    for v in versions:
        if winners[v["effective_from"]] != v["id"]:
            out[v["id"]] = "replaced"
        elif v["id"] == current:
            out[v["id"]] = "in force"
        elif v["effective_from"] > today:
            out[v["id"]] = "scheduled"
        else:
            out[v["id"]] = "superseded"
    return out


def _previous(versions: list[dict[str, Any]], version: dict[str, Any]) -> dict[str, Any] | None:
    ordered = sorted(versions, key=lambda v: (v["effective_from"], v["id"]))
    index = next(i for i, v in enumerate(ordered) if v["id"] == version["id"])
    return ordered[index - 1] if index else None


@get("/rules/units/{key:str}", guards=READ)
async def unit_versions(request: Request, key: str) -> Template:
    unit_id, unit = await _unit(key)
    versions = await service.versions_for(unit_id)
    today = date.today()
    previous = {v["id"]: (_previous(versions, v) or {}).get("id") for v in versions}
    return page(
        request,
        "rules/unit.html",
        {
            "unit": unit,
            "versions": versions,
            "statuses": _statuses(versions, today),
            "previous": previous,
            "history": await trail.history("ruleset", service.unit_key(unit_id)),
            "can_edit": request.scope["user"].has("hr", "admin"),
            "fallback": service.FALLBACK_PRESET,
        },
    )


async def _version_or_404(version_id: int) -> dict[str, Any]:
    row = await service.get_version(version_id)
    if row is None:
        raise NotFoundException(f"No rule-set version {version_id}.")
    return row


@get("/rules/versions/{version_id:int}", guards=READ)
async def version_detail(request: Request, version_id: int) -> Template:
    row = await _version_or_404(version_id)
    _unit_id, unit = await _unit(service.unit_key(row["bargaining_unit_id"]))
    versions = await service.versions_for(row["bargaining_unit_id"])
    previous = _previous(versions, row)
    rules = service.parse_cached(row["toml"])
    return page(
        request,
        "rules/version.html",
        {
            "version": row,
            "unit": unit,
            "rules": rules,
            "facts": service.describe(rules),
            "previous": previous,
            "changes": _changes(previous["toml"], row["toml"]) if previous else [],
            "status": _statuses(versions, date.today()).get(row["id"], ""),
            "can_edit": request.scope["user"].has("hr", "admin"),
            "can_test": request.scope["user"].has("hr", "supervisor", "compliance", "admin"),
        },
    )


def _changes(old: str, new: str) -> list[tuple[str, str, str]]:
    return [(k, service.show_value(a), service.show_value(b)) for k, a, b in diff_rulesets(old, new)]


async def _edit_context(
    unit_id: int | None, unit: dict[str, Any], values: dict[str, Any], errors: FormErrors
) -> dict[str, Any]:
    latest = await service.latest_created(unit_id)
    return {
        "unit": unit,
        "values": values,
        "errors": errors,
        "latest": latest,
        "presets": PRESETS,
        "error_line": values.get("error_line"),
    }


@get("/rules/units/{key:str}/edit", guards=HR)
async def version_new(request: Request, key: str) -> Template:
    unit_id, unit = await _unit(key)
    params = request.query_params
    latest = await service.latest_created(unit_id)
    preset = params.get("preset") or ""
    source = None
    if preset in PRESETS:
        text = preset_text(preset)
    else:
        preset = ""
        from_id = parse_id(params.get("from"))
        source = await service.get_version(from_id) if from_id else None
        source = source or latest
        text = (
            source["toml"] if source else preset_text("example-cba" if unit_id else service.FALLBACK_PRESET)
        )
        preset = source["preset"] if source else ("example-cba" if unit_id else service.FALLBACK_PRESET)
    values = {
        "toml": text,
        "effective_from": date.today().isoformat(),
        "note": "",
        "preset": preset,
        "based_on": latest["id"] if latest else "",
        "idempotency_key": idempotency.new_key(),
    }
    return page(request, "rules/edit.html", await _edit_context(unit_id, unit, values, FormErrors()))


@post("/rules/units/{key:str}", guards=HR)
async def version_create(request: Request, key: str) -> Template | Redirect:
    unit_id, unit = await _unit(key)
    data = await form_data(request)
    values = {
        "toml": str(data.get("toml", "")).replace("\r\n", "\n").strip() + "\n",
        "effective_from": data.get("effective_from", ""),
        "note": data.get("note", ""),
        "preset": data.get("preset", "") if data.get("preset") in PRESETS else "",
        "based_on": data.get("based_on", ""),
        "idempotency_key": data.get("idempotency_key", "") or idempotency.new_key(),
    }
    errors = FormErrors()
    effective = parse_date(values["effective_from"], "effective_from", errors, required=True)
    if not values["note"]:
        errors.add("note", "Say why the rules change (e.g. the agreement's article and date).")
    elif len(values["note"]) > 500:
        errors.add("note", "Keep the note under 500 characters.")
    try:
        parse_ruleset(values["toml"])
    except RuleSetError as exc:
        where = service.line_of_key(values["toml"], exc.key)
        values["error_line"] = where
        errors.add("toml", str(exc) + (f" (line {where})" if where else ""))
        values["error_key"] = exc.key
    status = 400
    if not errors and effective is not None:
        key_ok = idempotency.valid_key(values["idempotency_key"])
        try:
            version_id = await service.create_version_once(
                unit_id,
                values["toml"],
                effective,
                values["note"],
                preset=values["preset"],
                based_on=parse_id(values["based_on"]),
                idempotency_key=values["idempotency_key"] if key_ok else "",
                user_id=request.scope["user"].id,
            )
            return redirect(f"/rules/versions/{version_id}", "New rule-set version saved.")
        except service.Duplicate as dup:
            return redirect(f"/rules/versions/{dup.version_id}", "This version was saved already.")
        except service.StaleBase as stale:
            errors.general.append(await stale_message("ruleset", service.unit_key(unit_id)))
            values["mine"] = values["toml"]
            values["toml"] = stale.latest["toml"] if stale.latest else values["toml"]
            values["based_on"] = stale.latest["id"] if stale.latest else ""
            status = 409
    return page(
        request, "rules/edit.html", await _edit_context(unit_id, unit, values, errors), status_code=status
    )


@get("/rules/diff", guards=READ)
async def version_diff(request: Request) -> Template:
    a_id, b_id = parse_id(request.query_params.get("a")), parse_id(request.query_params.get("b"))
    if not a_id or not b_id:
        raise NotFoundException("Choose two versions to compare.")
    a, b = await _version_or_404(a_id), await _version_or_404(b_id)
    if (a["effective_from"], a["id"]) > (b["effective_from"], b["id"]):
        a, b = b, a  # older on the left
    units = {u["id"]: u["code"] for u in await directory.bargaining_units()}
    text_diff = list(
        difflib.unified_diff(
            a["toml"].splitlines(),
            b["toml"].splitlines(),
            f"version {a['id']}",
            f"version {b['id']}",
            lineterm="",
        )
    )
    return page(
        request,
        "rules/diff.html",
        {
            "a": a,
            "b": b,
            "unit_codes": units,
            "changes": _changes(a["toml"], b["toml"]),
            "text_diff": text_diff,
        },
    )


# --- test this rule set ---------------------------------------------------------------------------------


async def _rule_choices(selected: str) -> list[tuple[str, str]]:
    book = await service.RuleBook.load()
    today = date.today()
    units = {u["id"]: u["code"] for u in await directory.bargaining_units()}
    choices: list[tuple[str, str]] = []
    seen: set[int] = set()
    for unit_id, rows in sorted(book.by_unit.items(), key=lambda kv: (kv[0] is not None, kv[0] or 0)):
        current = book.latest_own(unit_id, today)
        for row in reversed(rows):
            who = units.get(unit_id, "Plant default") if unit_id else "Plant default"
            state = " (in force)" if current and row["id"] == current["id"] else ""
            if state or f"version:{row['id']}" == selected:
                choices.append((f"version:{row['id']}", f"{who}: {service.label(row)}{state}"))
                seen.add(row["id"])
    choices += [(f"preset:{name}", f"Preset: {name}") for name in PRESETS]
    return choices


async def _resolve_rules(choice: str, toml_text: str, errors: FormErrors) -> tuple[Any, str]:
    if toml_text.strip():
        try:
            return parse_ruleset(toml_text), "pasted rule set"
        except RuleSetError as exc:
            errors.add("toml", str(exc))
            return None, ""
    kind, _, ref = choice.partition(":")
    if kind == "preset" and ref in PRESETS:
        return load_preset(ref), ref
    if kind == "version" and parse_id(ref):
        row = await service.get_version(int(ref))
        if row:
            return service.parse_cached(row["toml"]), service.label(row)
    errors.add("rules", "Choose a rule set.")
    return None, ""


@get("/rules/test", guards=TESTERS)
async def test_form(request: Request) -> Template:
    selected = request.query_params.get("rules") or "preset:example-cba"
    return page(
        request,
        "rules/test.html",
        {
            "choices": await _rule_choices(selected),
            "sites": await site_choices(request.scope["user"]),
            "values": {"rules": selected, "csv_text": "", "toml": "", "site": ""},
            "errors": FormErrors(),
            "outcome": None,
        },
    )


@post("/rules/test", guards=TESTERS)
async def test_run(request: Request) -> Template:
    data = await form_data(request)
    errors = FormErrors()
    values = {
        "rules": str(data.get("rules", "")),
        "csv_text": str(data.get("csv_text", "")),
        "toml": str(data.get("toml", "")),
        "site": str(data.get("site", "")),
    }
    upload = data.get("file")
    text = values["csv_text"]
    if upload is not None and not isinstance(upload, str | list) and getattr(upload, "filename", ""):
        raw = await upload.read()
        if len(raw) > MAX_TIMESHEET_BYTES:
            errors.add("file", "The file is larger than 2 MB; split it by week.")
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                errors.add("file", "Save the file as CSV in UTF-8.")
    if not text.strip() and not errors.get("file"):
        errors.add("csv_text", "Paste a timesheet or choose a CSV file.")
    rules, rules_label = await _resolve_rules(values["rules"], values["toml"], errors)
    outcome = None
    if rules is not None and text.strip() and not errors.get("file"):
        shifts, row_errors = read_timesheet(text.lstrip("\ufeff"))
        holidays: set[date] = set()
        site_id = parse_id(values["site"])
        if site_id and shifts:
            await check_site(request.scope["user"], site_id)
            first = min(s.start for s in shifts).date()
            last = max(s.end for s in shifts).date()
            holidays = await holidays_service.holidays_for(site_id, first, last)
        result = evaluate(rules, shifts, holidays)
        outcome = {
            "label": rules_label,
            "result": result,
            "summary": summary(result, rules_label),
            "json": json.dumps(summary(result, rules_label), indent=2),
            "table": format_table(result, rules_label),
            "row_errors": row_errors,
            "shift_count": len(shifts),
            "holidays": sorted(holidays),
        }
    return page(
        request,
        "rules/test.html",
        {
            "choices": await _rule_choices(values["rules"]),
            "sites": await site_choices(request.scope["user"]),
            "values": values,
            "errors": errors,
            "outcome": outcome,
        },
        status_code=400 if errors else 200,
    )


# --- holidays -------------------------------------------------------------------------------------------


async def _holiday_context(
    request: Request, site_id: int | None, year: int, errors: FormErrors, values: dict
) -> dict:
    sites = await site_choices(request.scope["user"])
    site = next((s for s in sites if s["id"] == site_id), sites[0] if sites else None)
    rows = await holidays_service.calendar(site, year) if site else []
    return {
        "sites": sites,
        "site": site,
        "year": year,
        "rows": rows,
        "supported": holidays_service.library_supports(site["country"], site["subdivision"])
        if site
        else True,
        "errors": errors,
        "values": values,
        "can_edit": request.scope["user"].has("hr", "admin"),
    }


def _year(text: str | None) -> int:
    try:
        year = int(text or "")
    except ValueError:
        return date.today().year
    return year if 1990 <= year <= 2100 else date.today().year


@get("/rules/holidays", guards=READ)
async def holidays_page(request: Request) -> Template:
    site_id = parse_id(request.query_params.get("site"))
    if site_id:
        await check_site(request.scope["user"], site_id)
    year = _year(request.query_params.get("year"))
    ctx = await _holiday_context(request, site_id, year, FormErrors(), {"day": "", "name": ""})
    return page(request, "rules/holidays.html", ctx)


@post("/rules/holidays", guards=HR)
async def holiday_add(request: Request) -> Template | Redirect:
    data = await form_data(request)
    errors = FormErrors()
    site_id = parse_id(str(data.get("site", "")))
    day = parse_date(str(data.get("day", "")), "day", errors, required=True)
    values = {"day": data.get("day", ""), "name": data.get("name", "")}
    if not site_id:
        errors.add("site", "Choose a site.")
    else:
        await check_site(request.scope["user"], site_id)
    if not errors and day is not None and site_id:
        try:
            await holidays_service.add_plant_holiday(site_id, day, str(values["name"]))
            return redirect(f"/rules/holidays?site={site_id}&year={day.year}", "Plant holiday added.")
        except holidays_service.HolidayError as exc:
            errors.add(exc.field, exc.message)
    year = day.year if day else date.today().year
    ctx = await _holiday_context(request, site_id, year, errors, values)
    return page(request, "rules/holidays.html", ctx, status_code=400)


@post("/rules/holidays/{holiday_id:int}/delete", guards=HR)
async def holiday_remove(request: Request, holiday_id: int) -> Redirect:
    from workforce.rules.tables import PlantHoliday

    row = await PlantHoliday.select().where(PlantHoliday.id == holiday_id).first()
    if row is None:
        raise NotFoundException(f"No plant holiday {holiday_id}.")
    await check_site(request.scope["user"], row["site_id"])
    await holidays_service.remove_plant_holiday(holiday_id)
    return redirect(
        f"/rules/holidays?site={row['site_id']}&year={row['day'].year}",
        f"Plant holiday {row['day'].isoformat()} {row['name']} removed.",
    )


ROUTES = [
    rules_index,
    unit_versions,
    version_detail,
    version_new,
    version_create,
    version_diff,
    test_form,
    test_run,
    holidays_page,
    holiday_add,
    holiday_remove,
]
