"""Demo labour rules: rule-set versions per bargaining unit, plant holidays, six weeks of worked shifts
for whole crews, an opening overtime ledger and a few overtime opportunities with offers.

Kept fast for `--employees 2000 --years 5`: timesheets cover at most the last six weeks of at most
TIMESHEET_PEOPLE people, written with bulk inserts.
"""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from workforce.audit.context import Actor, current_actor, current_request_id
from workforce.audit.tables import AuditEntry
from workforce.people import directory
from workforce.rules import holidays_service, service
from workforce.rules import service_overtime as ot
from workforce.rules.equalization import ledger_start
from workforce.rules.ruleset import parse_ruleset, preset_text
from workforce.rules.tables import ChargedHours, TimesheetEntry

TIMESHEET_PEOPLE = 600
WEEKS = 6

# (start, length in hours including the break, unpaid break minutes, weekdays worked; Monday = 0)
CREW_PATTERNS = {
    "A": (time(6, 0), 8.5, 30, (0, 1, 2, 3, 4)),  # days, 8 h paid
    "B": (time(14, 0), 8.5, 30, (0, 1, 2, 3, 4)),  # swing
    "C": (time(22, 0), 8.5, 30, (6, 0, 1, 2, 3)),  # nights, Sunday to Thursday
    "D": (time(6, 0), 12.0, 30, (4, 5, 6)),  # 12 h weekend crew
}


def _uaw_text() -> str:
    text = preset_text("example-cba").replace(
        'name = "Example CBA"', 'name = "UAW Local 1701 agreement 2024-2028"'
    )
    return text.replace(
        "[limits.min_rest]\nhours = 8\n", '[limits.min_rest]\nhours = 8\nclause = "UAW 1701 Art. 14.2"\n'
    )


def _usw_text(rest_hours: int) -> str:
    text = preset_text("example-cba").replace('name = "Example CBA"', 'name = "USW Local 88 agreement"')
    return text.replace(
        "[limits.min_rest]\nhours = 8\n",
        f'[limits.min_rest]\nhours = {rest_hours}\nclause = "USW 88 Art. 9.4"\n',
    )


def _nonunion_text() -> str:
    return preset_text("flsa").replace('name = "FLSA"', 'name = "Non-union hourly (FLSA)"')


async def demo(ctx: Any) -> None:
    today: date = ctx.today
    units = ctx.made.get("bargaining_unit_ids") or []
    if len(units) < 3:
        return
    uaw, usw, nonunion = units[:3]
    since = ctx.start
    for unit_id, text, preset, effective, note in (
        (uaw, _uaw_text(), "example-cba", since, "Agreement ratified; overtime Art. 12, rest Art. 14."),
        (usw, _usw_text(8), "example-cba", since, "Agreement 2023-2027 as signed."),
        (nonunion, _nonunion_text(), "flsa", since, "Federal minimum for non-union hourly staff."),
        (
            usw,
            _usw_text(10),
            "example-cba",
            today - timedelta(days=20),
            "Memorandum of agreement: minimum rest between shifts raised from 8 to 10 hours (Art. 9.4).",
        ),
    ):
        parse_ruleset(text)  # a broken demo text must fail here, loudly
        await service.create_version(unit_id, text, effective, note, preset=preset, check_based_on=False)

    site_ids: list[int] = ctx.made.get("site_ids") or []
    for site_id in site_ids:
        for year in (today.year - 1, today.year, today.year + 1):
            thanksgiving = _fourth_thursday_of_november(year)
            for day, name in (
                (thanksgiving + timedelta(days=1), "Plant shutdown (day after Thanksgiving)"),
                (date(year, 12, 24), "Christmas Eve (plant holiday)"),
                (date(year, 8, 14), "Summer shutdown"),
            ):
                with contextlib.suppress(holidays_service.HolidayError):  # already a public holiday
                    await holidays_service.add_plant_holiday(site_id, day, name)

    people = list((await directory.employees_by_ids(ctx.made.get("employee_ids") or [])).values())
    active = [p for p in people if p["status"] != "terminated"]
    groups: dict[tuple[int, int | None, int | None], list[dict[str, Any]]] = defaultdict(list)
    for p in sorted(active, key=lambda p: p["id"]):
        groups[(p["site_id"], p["department_id"], p["crew_id"])].append(p)
    # Whole groups (site × department × crew), so the call lists of the demo overtime have complete
    # data: departments and crews in turn (day, swing and night patterns), the sites interleaved.
    chosen: list[tuple[int, int | None, int | None]] = []
    count = 0
    dept_rank = {d: i for ids in (ctx.made.get("department_ids") or {}).values() for i, d in enumerate(ids)}
    crew_rank = {c: i for ids in (ctx.made.get("crew_ids") or {}).values() for i, c in enumerate(ids)}
    order = sorted(
        groups,
        key=lambda k: (
            dept_rank.get(k[1], 9) + crew_rank.get(k[2], 9),
            dept_rank.get(k[1], 9),
            site_ids.index(k[0]) if k[0] in site_ids else 9,
        ),
    )
    for key in order:
        if count + len(groups[key]) > TIMESHEET_PEOPLE and chosen:
            continue
        chosen.append(key)
        count += len(groups[key])
    holidays = await holidays_service.holidays_by_site(site_ids, today - timedelta(days=7 * WEEKS + 7), today)
    await _timesheets(ctx, [p for k in chosen for p in groups[k]], holidays, today)
    await _opening_ledger(ctx, active, today)
    await _opportunities(ctx, chosen, groups, today)


def _fourth_thursday_of_november(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


async def _timesheets(
    ctx: Any, people: list[dict[str, Any]], holidays: dict[int, set[date]], today: date
) -> None:
    rng = ctx.rng
    monday = today - timedelta(days=today.weekday() + 7 * WEEKS)
    rows: list[TimesheetEntry] = []
    for p in people:
        if p["status"] == "on_leave":
            continue
        start_at, length, unpaid, weekdays = CREW_PATTERNS.get(p["crew_code"] or "A", CREW_PATTERNS["A"])
        site_holidays = holidays.get(p["site_id"], set())
        day = monday
        while day < today:
            works = day.weekday() in weekdays and rng.random() > 0.03  # the odd absence
            if day in site_holidays and rng.random() > 0.15:
                works = False
            if works:
                start = datetime.combine(day, start_at)
                extra = 2 if rng.random() < 0.08 else 0  # a holdover
                rows.append(
                    TimesheetEntry(
                        employee_id=p["id"],
                        starts_at=start,
                        ends_at=start + timedelta(hours=length + extra),
                        break_minutes=float(unpaid),
                        training=rng.random() < 0.02,
                        holiday=False,
                        source="demo",
                        created_by="demo-data",
                    )
                )
            elif day.weekday() == 5 and p["crew_code"] in ("A", "B") and rng.random() < 0.12:
                start = datetime.combine(day, time(6))
                rows.append(
                    TimesheetEntry(
                        employee_id=p["id"],
                        starts_at=start,
                        ends_at=start + timedelta(hours=8.5),
                        break_minutes=30.0,
                        source="demo",
                        created_by="demo-data",
                    )
                )
            elif day.weekday() == 6 and p["crew_code"] in ("A", "B") and rng.random() < 0.02:
                start = datetime.combine(day, time(10))
                rows.append(
                    TimesheetEntry(
                        employee_id=p["id"],
                        starts_at=start,
                        ends_at=start + timedelta(hours=2),
                        call_in=True,
                        source="demo",
                        created_by="demo-data",
                    )
                )
            day += timedelta(days=1)
    for i in range(0, len(rows), 500):
        await TimesheetEntry.insert(*rows[i : i + 500])
    await _audit(
        "timesheet.record",
        "timesheet",
        "demo",
        {"rows": len(rows), "employees": len({r.employee_id for r in rows})},
        f"{len(rows)} worked shifts of the last {WEEKS} weeks loaded (demo data)",
    )


async def _opening_ledger(ctx: Any, people: list[dict[str, Any]], today: date) -> None:
    """Balances carried over from the paper ledger; people hired in the last 60 days start with none
    (the fairness page offers them the rule set's new-entrant charge)."""
    rng = ctx.rng
    book = await service.RuleBook.load()
    rows = []
    for p in people:
        if (today - p["hire_date"]).days < 60:
            continue
        _row, rules = book.for_date(p["bargaining_unit_id"], today)
        hours = max(0, round(rng.gauss(22, 6) / 2) * 2)  # a fairly equalized crew: a spread of ~30 h
        if hours:
            rows.append(
                ChargedHours(
                    employee_id=p["id"],
                    period_start=ledger_start(today, rules),
                    hours=float(hours),
                    kind="opening",
                    reason="opening balance from the paper ledger",
                    created_by="demo-data",
                )
            )
    for i in range(0, len(rows), 500):
        await ChargedHours.insert(*rows[i : i + 500])
    await _audit(
        "overtime.ledger.opening",
        "ledger",
        "demo",
        {"rows": len(rows)},
        f"Opening overtime balances of {len(rows)} people (demo data)",
    )


async def _opportunities(
    ctx: Any, chosen: list[tuple[int, int | None, int | None]], groups: dict, today: date
) -> None:
    if not chosen:
        return
    supervisor_id = ctx.users.get("supervisor")
    token = current_actor.set(Actor(supervisor_id, "supervisor"))
    try:
        stations = await directory.stations()
        by_dept: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for s in stations:
            by_dept[s["department_id"]].append(s)
        saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
        last_saturday = saturday - timedelta(days=7)
        first, second = chosen[0], chosen[min(1, len(chosen) - 1)]
        other_site = next((k for k in chosen if k[0] != first[0]), second)

        def station_of(key: tuple[int, int | None, int | None]) -> int | None:
            options = by_dept.get(key[1] or 0) or []
            return options[0]["id"] if options else None

        async def make(
            key, start: datetime, hours: float, needed: int, skill: str = "", note: str = ""
        ) -> int:
            return await ot.create_opportunity(
                ot.OpportunityInput(
                    site_id=key[0],
                    starts_at=start,
                    hours=hours,
                    break_minutes=30 if hours >= 6 else 0,
                    needed=needed,
                    department_id=key[1],
                    crew_id=key[2],
                    station_id=station_of(key) if not skill else None,
                    skill=skill,
                    note=note,
                ),
                user_id=supervisor_id,
            )

        past = await make(
            first, datetime.combine(last_saturday, time(6)), 8, 2, note="Catch-up on the backlog"
        )
        await _answer(past, ["refused", "accepted", "no_answer", "accepted"])
        upcoming = await make(first, datetime.combine(saturday, time(6)), 8, 2, note="Customer pull-in")
        await _answer(upcoming, ["refused"])
        await make(
            second,
            datetime.combine(today + timedelta(days=1), time(14, 30)),
            4,
            1,
            skill="Forklift licence",
            note="Truck unloading after the swing shift",
        )
        await make(
            other_site, datetime.combine(saturday + timedelta(days=1), time(6)), 10, 3, note="Die change"
        )
    finally:
        current_actor.reset(token)


async def _answer(opportunity_id: int, outcomes: list[str]) -> None:
    opp = await ot.get_opportunity(opportunity_id)
    if opp is None:
        return
    calls = await ot.call_list(opp)
    for entry, outcome in zip(calls.eligible, outcomes, strict=False):
        await ot.record_outcome(opportunity_id, entry.employee["id"], outcome)


async def _audit(action: str, entity_type: str, entity_id: str, after: dict[str, Any], summary: str) -> None:
    actor = current_actor.get()
    await AuditEntry.insert(
        AuditEntry(
            actor_id=actor.id,
            actor_name=actor.name,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            summary=summary[:255],
            after=json.dumps(after),
            request_id=current_request_id.get(),
        )
    )
