"""Overtime equalization over the database: opportunities, the ranked call list, offers and the ledger.

The ranking, exclusions and charges come from the pure core (equalization.py) with each person judged
by the rule-set version of *their* bargaining unit on the opportunity's date: their limits decide
whether the extra hours break a rule, their `[equalization]` table what a refusal costs and when their
ledger resets. The order is the rule set's (`equalization.rank_by` / `forced_order`; by default the
notes' §6: lowest hours charged in the current period first, ties to the earliest seniority date; forced
overtime least senior first). When the group's people are judged by rule sets that order differently,
the plant default's order is used and the page says so.

Recording answers (`record_outcome`) is one transaction per answer that first locks the opportunity's
row, so two tablets cannot both take the last place (no over-filling), and that refuses an answer
given on a stale page (the offer's version moved since the list was loaded).

Every call list runs a fixed number of queries, whatever the size of the group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from workforce.audit import trail
from workforce.audit.context import current_actor
from workforce.db import StaleVersion, engine, is_unique_violation, transaction, update_versioned
from workforce.people import directory
from workforce.rules.equalization import (
    Candidate,
    Opportunity,
    Ranked,
    Ranking,
    charge_for_outcome,
    describe_order,
    entry_charge,
    fairness_spread,
    forced_order,
    ledger_start,
    order_candidates,
    rank_candidates,
    shared_order,
)
from workforce.rules.holidays_service import holidays_for
from workforce.rules.model import RuleSet, Shift, SortKey
from workforce.rules.service import RuleBook, label
from workforce.rules.service_hours import book_context_days, worked_shifts
from workforce.rules.tables import OUTCOMES, ChargedHours, OvertimeOffer, OvertimeOpportunity
from workforce.web import idempotency

WORKING = ("accepted", "forced")  # outcomes that put the person on the shift
RULE_LABELS = {
    "overlap": "already working then",
    "min_rest": "minimum rest",
    "daily_rest": "daily rest",
    "weekly_rest": "weekly rest",
    "max_weekly_average": "weekly average hours",
    "rest_break": "rest break",
    "max_hours_24h": "maximum hours in 24 h",
    "max_consecutive_days": "maximum consecutive days",
    "workday_split": "workday split",
}
QUALIFICATION_NOTE = (
    "Training is not recorded in Workforce yet: qualification for the station is not checked. "
    "Make sure the person you call is qualified."
)


#: Limits of one opportunity (validate_opportunity). The longest shift one can be, MAX_SPAN, bounds the
#: overlap query on opportunities from below, so the starts_at index is used (as service_hours.MAX_SHIFT).
MAX_HOURS, MAX_BREAK_MINUTES = 16, 120
MAX_SPAN = timedelta(hours=MAX_HOURS, minutes=MAX_BREAK_MINUTES)


class OvertimeError(ValueError):
    """Field errors of a form, keyed by field name ("" for the whole form)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class OpportunityFilled(OvertimeError):
    """An acceptance (or forced assignment) for overtime that already has everyone it needs."""


class AnswerChanged(StaleVersion):
    """Someone recorded or changed this person's answer since the page was loaded: `current` is the
    offer as saved now, with the person's name under "employee_name"."""


# --- opportunities -------------------------------------------------------------------------------------


@dataclass
class OpportunityInput:
    site_id: int
    starts_at: datetime
    hours: float
    break_minutes: float = 0.0
    needed: int = 1
    department_id: int | None = None
    crew_id: int | None = None
    bargaining_unit_id: int | None = None
    station_id: int | None = None
    skill: str = ""
    note: str = ""


async def validate_opportunity(data: OpportunityInput) -> OpportunityInput:
    """Check the places belong to the site; derive the department from the station. Raises OvertimeError."""
    errors: dict[str, str] = {}
    if data.hours <= 0 or data.hours > MAX_HOURS:
        errors["hours"] = f"Overtime is between a few minutes and {MAX_HOURS} hours."
    if data.break_minutes < 0 or data.break_minutes > MAX_BREAK_MINUTES:
        errors["break_minutes"] = f"An unpaid break is 0 to {MAX_BREAK_MINUTES} minutes."
    if data.needed < 1 or data.needed > 50:
        errors["needed"] = "Between 1 and 50 people."
    if not data.station_id and not data.skill.strip() and not data.department_id:
        errors["station_id"] = "Choose a station, a department, or describe the skill needed."
    site = await directory.site(data.site_id)
    if site is None:
        errors["site_id"] = "Choose a site."
        raise OvertimeError(errors)
    if data.station_id:
        station = (await directory.stations_by_ids([data.station_id])).get(data.station_id)
        if station is None or station["site_id"] != data.site_id:
            errors["station_id"] = f"Choose a station at {site['code']}."
        elif data.department_id and data.department_id != station["department_id"]:
            errors["department_id"] = f"Station {station['code']} is in {station['department_name']}."
        else:
            data = replace(data, department_id=station["department_id"])
    if data.department_id and not errors.get("department_id"):
        depts = {d["id"]: d for d in await directory.departments(data.site_id)}
        if data.department_id not in depts:
            errors["department_id"] = f"Choose a department at {site['code']}."
    if data.crew_id:
        crews = {c["id"] for c in await directory.crews(data.site_id)}
        if data.crew_id not in crews:
            errors["crew_id"] = f"Choose a crew at {site['code']}."
    if data.bargaining_unit_id:
        units = {u["id"] for u in await directory.bargaining_units()}
        if data.bargaining_unit_id not in units:
            errors["bargaining_unit_id"] = "Choose a bargaining unit."
    if len(data.skill) > 120:
        errors["skill"] = "Keep the skill under 120 characters."
    if errors:
        raise OvertimeError(errors)
    return replace(data, skill=data.skill.strip(), note=data.note.strip()[:500])


def _ends_at(starts_at: datetime, hours: float, break_minutes: float) -> datetime:
    return starts_at + timedelta(minutes=round(hours * 60 + break_minutes))


async def create_opportunity(
    data: OpportunityInput, *, idempotency_key: str = "", user_id: int | None = None
) -> int:
    """Validate and save an opportunity; a repeated submit of the same form returns the first one's id."""
    if idempotency_key:
        done = await idempotency.existing(idempotency_key, "overtime_opportunity")
        if done:
            return int(done)
    data = await validate_opportunity(data)
    actor = current_actor.get()
    stations = await directory.stations_by_ids([data.station_id]) if data.station_id else {}
    station_code = stations[data.station_id]["code"] if data.station_id in stations else ""
    try:
        async with transaction():
            rows = await OvertimeOpportunity.insert(
                OvertimeOpportunity(
                    site_id=data.site_id,
                    department_id=data.department_id,
                    crew_id=data.crew_id,
                    bargaining_unit_id=data.bargaining_unit_id,
                    station_id=data.station_id,
                    skill=data.skill,
                    starts_at=data.starts_at,
                    ends_at=_ends_at(data.starts_at, data.hours, data.break_minutes),
                    hours=data.hours,
                    break_minutes=data.break_minutes,
                    needed=data.needed,
                    note=data.note,
                    created_by=actor.name,
                    created_by_id=user_id if user_id is not None else actor.id,
                )
            ).returning(OvertimeOpportunity.id)
            opp_id = rows[0]["id"]
            when = f"{data.starts_at:%Y-%m-%d %H:%M}"
            if idempotency_key and not await idempotency.claim(
                idempotency_key, "overtime_opportunity", str(opp_id), user_id
            ):
                raise _Duplicate()
            await trail.record(
                "overtime.opportunity.create",
                "overtime_opportunity",
                opp_id,
                after={
                    "starts_at": data.starts_at,
                    "hours": data.hours,
                    "needed": data.needed,
                    "station": station_code,
                    "skill": data.skill,
                },
                summary=f"Overtime opportunity {opp_id}: {data.hours:g} h from {when}",
            )
    except _Duplicate:
        return int(await idempotency.existing(idempotency_key, "overtime_opportunity") or 0)
    return opp_id


class _Duplicate(Exception):
    pass


async def get_opportunity(opportunity_id: int) -> dict[str, Any] | None:
    return await OvertimeOpportunity.select().where(OvertimeOpportunity.id == opportunity_id).first()


async def describe_opportunities(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add site/station/crew/unit/department labels and accepted counts (fixed number of queries)."""
    if not rows:
        return rows
    sites = {s["id"]: s for s in await directory.sites(active_only=False)}
    stations = await directory.stations_by_ids({r["station_id"] for r in rows if r["station_id"]})
    crews = {c["id"]: c for c in await directory.crews()} if any(r["crew_id"] for r in rows) else {}
    units = (
        {u["id"]: u for u in await directory.bargaining_units()}
        if any(r["bargaining_unit_id"] for r in rows)
        else {}
    )
    depts = (
        {d["id"]: d for d in await directory.departments()} if any(r["department_id"] for r in rows) else {}
    )
    offers = await OvertimeOffer.select(OvertimeOffer.opportunity_id, OvertimeOffer.outcome).where(
        OvertimeOffer.opportunity_id.is_in([r["id"] for r in rows])
    )
    taken: dict[int, int] = defaultdict(int)
    called: dict[int, int] = defaultdict(int)
    for o in offers:
        called[o["opportunity_id"]] += 1
        if o["outcome"] in WORKING:
            taken[o["opportunity_id"]] += 1
    for r in rows:
        site = sites.get(r["site_id"]) or {}
        station = stations.get(r["station_id"]) if r["station_id"] else None
        r["site"] = site or None
        r["site_code"] = site.get("code", "?")
        r["station_label"] = f"{station['code']} {station['name']}" if station else ""
        r["station_code"] = station["code"] if station else ""
        r["department_name"] = (
            (depts.get(r["department_id"]) or {}).get("name", "") if r["department_id"] else ""
        )
        r["crew_code"] = (crews.get(r["crew_id"]) or {}).get("code", "") if r["crew_id"] else ""
        r["unit_code"] = (
            (units.get(r["bargaining_unit_id"]) or {}).get("code", "") if r["bargaining_unit_id"] else ""
        )
        r["taken"] = taken[r["id"]]
        r["called"] = called[r["id"]]
        where = r["station_label"] or r["department_name"] or ""
        r["where"] = " · ".join(x for x in (where, r["skill"]) if x) or "—"
    return rows


async def cancel_opportunity(opportunity_id: int, version: int, reason: str) -> None:
    """Cancel: accepted and forced charges are taken back (nobody works it); refused and unanswered
    offers stay charged, since the offer was made (overtime-and-union-rules.md §6)."""
    reason = reason.strip()
    if not reason:
        raise OvertimeError({"reason": "Say why the overtime is cancelled."})
    async with transaction():
        opp = await get_opportunity(opportunity_id)
        if opp is None:
            raise OvertimeError({"": "No such opportunity."})
        if opp["status"] == "cancelled":
            raise OvertimeError({"": "Already cancelled."})
        await update_versioned(
            OvertimeOpportunity,
            opportunity_id,
            version,
            {"status": "cancelled", "cancel_reason": reason[:255]},
        )
        working = await OvertimeOffer.select().where(
            (OvertimeOffer.opportunity_id == opportunity_id) & OvertimeOffer.outcome.is_in(list(WORKING))
        )
        periods = await _offer_periods([o["id"] for o in working])
        actor = current_actor.get().name
        reversals = [
            ChargedHours(
                employee_id=o["employee_id"],
                period_start=periods.get(o["id"]) or opp["starts_at"].date(),
                hours=-o["charged_hours"],
                kind="cancellation",
                offer_id=o["id"],
                opportunity_id=opportunity_id,
                reason=f"opportunity {opportunity_id} cancelled: {reason}"[:255],
                created_by=actor,
            )
            for o in working
            if o["charged_hours"]
        ]
        if reversals:
            await ChargedHours.insert(*reversals)
        await trail.record(
            "overtime.opportunity.cancel",
            "overtime_opportunity",
            opportunity_id,
            before={"status": opp["status"]},
            after={"status": "cancelled", "reason": reason, "charges_reversed": len(reversals)},
            summary=f"Overtime opportunity {opportunity_id} cancelled: {reason}",
        )


async def _offer_periods(offer_ids: list[int]) -> dict[int, date]:
    if not offer_ids:
        return {}
    rows = await ChargedHours.select(ChargedHours.offer_id, ChargedHours.period_start).where(
        ChargedHours.offer_id.is_in(offer_ids)
    )
    return {r["offer_id"]: r["period_start"] for r in rows}


# --- the ledger ------------------------------------------------------------------------------------------


def period_of(book: RuleBook, employee: dict[str, Any], on_date: date) -> tuple[date, RuleSet]:
    _row, rules = book.for_date(employee.get("bargaining_unit_id"), on_date)
    return ledger_start(on_date, rules), rules


async def ledger_rows(employee_ids: list[int] | None, since: date) -> list[dict[str, Any]]:
    """Ledger rows of periods from `since` on: of the people given, or of everyone (None: a whole plant,
    where a list of thousands of ids costs more than the rows of the others)."""
    if employee_ids is not None and not employee_ids:
        return []
    query = ChargedHours.select().where(ChargedHours.period_start >= since)
    if employee_ids is not None:
        query = query.where(ChargedHours.employee_id.is_in(sorted(set(employee_ids))))
    return await query


async def charged_totals(
    employees: list[dict[str, Any]],
    on_date: date,
    *,
    book: RuleBook | None = None,
    exclude_opportunity: int = 0,
) -> dict[int, float]:
    """Hours charged to each employee in their ledger period containing `on_date` (one query)."""
    book = book or await RuleBook.load()
    periods = {e["id"]: period_of(book, e, on_date)[0] for e in employees}
    if not periods:
        return {}
    totals = {emp_id: 0.0 for emp_id in periods}
    for row in await ledger_rows(list(periods), min(periods.values())):
        if row["period_start"] == periods[row["employee_id"]] and (
            not exclude_opportunity or row["opportunity_id"] != exclude_opportunity
        ):
            totals[row["employee_id"]] += row["hours"]
    return {k: round(v, 2) + 0.0 for k, v in totals.items()}


async def adjust_ledger(
    employee_id: int, hours: float, reason: str, *, kind: str = "adjustment", on_date: date | None = None
) -> int:
    """A manual ledger row (HR): opening balance, new-entrant charge or correction."""
    reason = reason.strip()
    errors = {}
    if not reason:
        errors["reason"] = "Say why the ledger changes."
    if hours == 0 or abs(hours) > 500:
        errors["hours"] = "Between -500 and 500 hours, not 0."
    emp = (await directory.employees_by_ids([employee_id])).get(employee_id)
    if emp is None:
        errors["employee"] = "No such employee."
    if errors:
        raise OvertimeError(errors)
    on_date = on_date or date.today()
    book = await RuleBook.load()
    period, _rules = period_of(book, emp, on_date)
    async with transaction():
        rows = await ChargedHours.insert(
            ChargedHours(
                employee_id=employee_id,
                period_start=period,
                hours=hours,
                kind=kind,
                reason=reason[:255],
                created_by=current_actor.get().name,
            )
        ).returning(ChargedHours.id)
        await trail.record(
            f"overtime.ledger.{kind}",
            "employee",
            employee_id,
            after={"charged_hours": hours, "period_start": period, "reason": reason},
            summary=f"Overtime ledger {hours:+g} h for {emp['employee_number']}: {reason}",
        )
    return rows[0]["id"]


# --- the call list ---------------------------------------------------------------------------------------


@dataclass
class CallEntry:
    employee: dict[str, Any]
    rank: int | None
    charged_before: float
    charged_now: float
    reasons: tuple[str, ...] = ()
    offer: dict[str, Any] | None = None
    rules_label: str = ""

    @property
    def outcome(self) -> str | None:
        return self.offer["outcome"] if self.offer else None


@dataclass
class CallList:
    opportunity: dict[str, Any]
    eligible: list[CallEntry] = field(default_factory=list)
    excluded: list[CallEntry] = field(default_factory=list)
    forced: list[CallEntry] = field(default_factory=list)
    forced_excluded: list[CallEntry] = field(default_factory=list)
    offers: list[dict[str, Any]] = field(default_factory=list)
    taken: int = 0
    group_size: int = 0
    next_id: int | None = None
    forced_due: bool = False
    qualification_note: str = QUALIFICATION_NOTE
    rule_sets: list[str] = field(default_factory=list)
    #: People outside the group screened on request ("why is X not on the list?").
    checked: list[CallEntry] = field(default_factory=list)
    #: The offer and forced orders in words, and why the plant default's order is used (if it is).
    rank_text: str = ""
    forced_text: str = ""
    order_note: str = ""

    @property
    def filled(self) -> bool:
        return self.opportunity["status"] != "cancelled" and self.taken >= self.opportunity["needed"]

    @property
    def visible(self) -> int:
        """How many eligible rows the call list shows before "show more": the answered ones, the next
        to call and a few after it."""
        marks = [i + 1 for i, c in enumerate(self.eligible) if c.offer or c.employee["id"] == self.next_id]
        return max(12, (max(marks) + 5) if marks else 0)

    @property
    def short(self) -> int:
        return max(0, self.opportunity["needed"] - self.taken)


def _in_group(emp: dict[str, Any], opp: dict[str, Any]) -> bool:
    return (
        emp["site_id"] == opp["site_id"]
        and (not opp["department_id"] or emp["department_id"] == opp["department_id"])
        and (not opp["crew_id"] or emp["crew_id"] == opp["crew_id"])
        and (not opp["bargaining_unit_id"] or emp["bargaining_unit_id"] == opp["bargaining_unit_id"])
    )


def _humanize(reason: str) -> str:
    for rule, words in RULE_LABELS.items():
        prefix = f"would break {rule}: "
        if reason.startswith(prefix):
            return f"would break the {words} rule: {reason[len(prefix) :]}"
    return reason


async def _overtime_context(
    employee_ids: list[int], start: datetime, end: datetime, opportunity: dict[str, Any]
) -> tuple[dict[int, list[Shift]], dict[int, int]]:
    """Two reads for what other overtime says about the people:

    - the overtime they accepted or were forced to work (other opportunities, not cancelled) that
      overlaps [start, end), as shifts;
    - how many times each was forced in the calendar month of the opportunity (max_forced_per_month).
    """
    first = opportunity["starts_at"].date().replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    month_from, month_to = datetime.combine(first, time(0)), datetime.combine(after, time(0))
    in_window = (
        (OvertimeOpportunity.starts_at >= start - MAX_SPAN)  # implied by ends_at > start; for the index
        & (OvertimeOpportunity.starts_at < end)
        & (OvertimeOpportunity.ends_at > start)
        & (OvertimeOpportunity.status != "cancelled")
        & (OvertimeOpportunity.id != opportunity["id"])
    )
    in_month = (OvertimeOpportunity.starts_at >= month_from) & (OvertimeOpportunity.starts_at < month_to)
    opps = await OvertimeOpportunity.select(
        OvertimeOpportunity.id,
        OvertimeOpportunity.starts_at,
        OvertimeOpportunity.ends_at,
        OvertimeOpportunity.break_minutes,
        OvertimeOpportunity.status,
    ).where(in_window | in_month)
    if not opps or not employee_ids:
        return {}, {}
    by_id = {o["id"]: o for o in opps}
    offers = await OvertimeOffer.select(
        OvertimeOffer.opportunity_id, OvertimeOffer.employee_id, OvertimeOffer.outcome
    ).where(
        OvertimeOffer.opportunity_id.is_in(list(by_id))
        & OvertimeOffer.employee_id.is_in(employee_ids)
        & OvertimeOffer.outcome.is_in(list(WORKING))
    )
    planned: dict[int, list[Shift]] = defaultdict(list)
    forced: dict[int, int] = defaultdict(int)
    for o in offers:
        opp = by_id[o["opportunity_id"]]
        if (
            opp["starts_at"] < end
            and opp["ends_at"] > start
            and opp["status"] != "cancelled"
            and opp["id"] != opportunity["id"]
        ):
            planned[o["employee_id"]].append(
                Shift(str(o["employee_id"]), opp["starts_at"], opp["ends_at"], opp["break_minutes"])
            )
        if o["outcome"] == "forced" and month_from <= opp["starts_at"] < month_to:
            forced[o["employee_id"]] += 1
    return planned, forced


async def _group_codes(opp: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """Codes of the opportunity's crew, bargaining unit and station (None: none, or no longer active);
    from describe_opportunities' labels when the row has them, else read."""
    if "crew_code" in opp:
        return opp["crew_code"] or None, opp["unit_code"] or None, opp["station_code"] or None
    stations = await directory.stations_by_ids([opp["station_id"]]) if opp["station_id"] else {}
    crews = {c["id"]: c["code"] for c in await directory.crews(opp["site_id"])} if opp["crew_id"] else {}
    units = (
        {u["id"]: u["code"] for u in await directory.bargaining_units()} if opp["bargaining_unit_id"] else {}
    )
    return (
        crews.get(opp["crew_id"]) if opp["crew_id"] else None,
        units.get(opp["bargaining_unit_id"]) if opp["bargaining_unit_id"] else None,
        stations[opp["station_id"]]["code"] if opp["station_id"] in stations else None,
    )


async def call_list(
    opp: dict[str, Any], *, want_forced: bool = False, extra_ids: list[int] | None = None
) -> CallList:
    """The ranked call list of an opportunity: the group, who is eligible in what order, who is excluded
    and why, the offers recorded, and (when volunteers ran short, or asked) the forced-overtime order.

    `extra_ids`: people outside the group to screen as well ("why is X not on the list?").
    """
    opp_day = opp["starts_at"].date()
    if opp["crew_id"] or opp["bargaining_unit_id"]:  # read only the crew / unit, not the whole site
        found = await directory.search_employees(
            site_id=opp["site_id"],
            crew_id=opp["crew_id"],
            bargaining_unit_id=opp["bargaining_unit_id"],
            limit=1_000_000,
        )
    else:
        found = await directory.active_employees(opp["site_id"])
    people = sorted((e for e in found if _in_group(e, opp)), key=lambda e: e["id"])
    group_ids = {e["id"] for e in people}
    if extra_ids:
        extra = await directory.employees_by_ids([i for i in extra_ids if i not in group_ids])
        people += [e for e in extra.values() if e["status"] != "terminated"]
    ids = [e["id"] for e in people]
    book = await RuleBook.load()
    back = timedelta(days=book_context_days(book))
    window = (opp["starts_at"] - back, opp["ends_at"] + timedelta(days=14))
    worked = await worked_shifts(ids, *window)
    planned, forced_counts = await _overtime_context(ids, *window, opp)
    holidays = await holidays_for(opp["site_id"], window[0].date(), window[1].date(), site=opp.get("site"))
    offers = (
        await OvertimeOffer.select()
        .where(OvertimeOffer.opportunity_id == opp["id"])
        .order_by(OvertimeOffer.offered_at)
    )
    offer_by_emp = {o["employee_id"]: o for o in offers}
    periods = {e["id"]: period_of(book, e, opp_day)[0] for e in people}
    before: dict[int, float] = {i: 0.0 for i in ids}
    now: dict[int, float] = {i: 0.0 for i in ids}
    if periods:
        for row in await ledger_rows(ids, min(periods.values())):
            if row["period_start"] == periods[row["employee_id"]]:
                now[row["employee_id"]] += row["hours"]
                if row["opportunity_id"] != opp["id"]:
                    before[row["employee_id"]] += row["hours"]
    crew, unit, station = await _group_codes(opp)
    opportunity = Opportunity(
        start=opp["starts_at"],
        end=opp["ends_at"],
        hours=opp["hours"],
        crew=crew,
        bargaining_unit=unit,
        station=station,
        break_minutes=opp["break_minutes"],
    )

    # Each person is judged by their own unit's rule set: group them by version, rank each group, merge.
    groups: dict[Any, tuple[RuleSet, list[Candidate]]] = {}
    group_rules: dict[Any, RuleSet] = {}  # the versions judging the group's own people
    labels: dict[Any, str] = {}
    by_id = {e["id"]: e for e in people}
    for e in people:
        row, rules = book.for_date(e["bargaining_unit_id"], opp_day)
        key = row["id"] if row else None
        labels[key] = label(row)
        own = [*worked.get(e["id"], [])]
        own += [
            s for s in planned.get(e["id"], []) if not any(s.start < w.end and w.start < s.end for w in own)
        ]
        candidate = Candidate(
            employee_id=str(e["id"]),
            name=e["name"],
            crew=e["crew_code"],
            bargaining_unit=e["bargaining_unit_code"],
            seniority_date=e["seniority_date"],
            on_leave=e["status"] == "on_leave",
            charged_hours=round(before[e["id"]], 2),
            qualified=None,  # no training module yet: QUALIFICATION_NOTE
            shifts=tuple(own),
            forced_this_month=forced_counts.get(e["id"], 0),
            employee_number=e["employee_number"],
        )
        groups.setdefault(key, (rules, []))[1].append(candidate)
        if e["id"] in group_ids:
            group_rules[key] = rules

    # One list, one order: the group's rule sets' order when they agree, else the plant default's
    # (overtime-and-union-rules.md §6: the order is the agreement's; an equalization group normally
    # sits in one bargaining unit, so they agree unless the overtime is open to several units).
    default_row, default_rules = book.for_date(None, opp_day)
    rank_by, rank_mixed = shared_order(
        (r.equalization.rank_by for r in group_rules.values()), default_rules.equalization.rank_by
    )
    forced_by, forced_mixed = shared_order(
        (r.equalization.forced_order for r in group_rules.values()), default_rules.equalization.forced_order
    )

    def merge(rank_fn: Any, order: tuple[SortKey, ...]) -> Ranking:
        eligible: list[Ranked] = []
        excluded: list[Ranked] = []
        for rules, candidates in groups.values():
            ranking = rank_fn(candidates, opportunity, rules, holidays, order)
            eligible += ranking.eligible
            excluded += ranking.excluded
        return Ranking(_in_order(eligible, order), tuple(excluded))

    def entry(ranked: Any, rank: int | None, humanize: bool = True) -> CallEntry:
        emp_id = int(ranked.candidate.employee_id)
        row, _ = book.for_date(by_id[emp_id]["bargaining_unit_id"], opp_day)
        return CallEntry(
            employee=by_id[emp_id],
            rank=rank,
            charged_before=round(before[emp_id], 2) + 0.0,
            charged_now=round(now[emp_id], 2) + 0.0,
            reasons=tuple(_humanize(r) for r in ranked.reasons) if humanize else ranked.reasons,
            offer=offer_by_emp.get(emp_id),
            rules_label=label(row),
        )

    voluntary = merge(rank_candidates, rank_by)
    outside = {e["id"] for e in people} - group_ids
    checked = [
        entry(r, None)
        for r in (*voluntary.eligible, *voluntary.excluded)
        if int(r.candidate.employee_id) in outside
    ]
    for c in checked:
        extra_reasons = []
        if opp["department_id"] and c.employee["department_id"] != opp["department_id"]:
            extra_reasons.append(
                f"department {c.employee['department_name'] or 'none'}, the work is for another department"
            )
        c.reasons = (*extra_reasons, *c.reasons) or ("outside the group for this overtime",)
    voluntary = Ranking(
        tuple(r for r in voluntary.eligible if int(r.candidate.employee_id) not in outside),
        tuple(r for r in voluntary.excluded if int(r.candidate.employee_id) not in outside),
    )
    result = CallList(
        opportunity=opp,
        offers=offers,
        group_size=len(group_ids),
        rule_sets=sorted(set(labels.values())),
        rank_text=describe_order(rank_by),
        forced_text=describe_order(forced_by),
    )
    if rank_mixed or forced_mixed:
        result.order_note = (
            "The people in this group are judged by rule sets that order the call list differently: "
            f"the order of {label(default_row)} (the plant default) is used."
        )
    result.checked = checked
    result.eligible = [entry(r, i + 1) for i, r in enumerate(voluntary.eligible)]
    result.excluded = sorted(
        (entry(r, None) for r in voluntary.excluded),
        key=lambda c: (c.employee["last_name"], c.employee["first_name"]),
    )
    # People who answered are shown where they rank, whether or not they are still eligible now.
    result.taken = sum(1 for o in offers if o["outcome"] in WORKING)
    waiting = [c for c in result.eligible if c.offer is None]
    result.next_id = waiting[0].employee["id"] if waiting and opp["status"] == "open" else None
    result.forced_due = opp["status"] == "open" and result.short > 0 and not waiting
    if result.forced_due or want_forced:
        forced = merge(forced_order, forced_by)
        forced_sorted = [
            r
            for r in forced.eligible
            if int(r.candidate.employee_id) not in outside
            and (offer_by_emp.get(int(r.candidate.employee_id)) or {}).get("outcome") not in WORKING
        ]
        result.forced = [entry(r, i + 1) for i, r in enumerate(forced_sorted)]
        result.forced_excluded = [
            entry(r, None) for r in forced.excluded if int(r.candidate.employee_id) not in outside
        ]
    return result


def _in_order(ranked: list[Ranked], order: tuple[SortKey, ...]) -> tuple[Ranked, ...]:
    """Rankings of several rule-set groups merged into the one order."""
    by_id = {r.candidate.employee_id: r for r in ranked}
    return tuple(by_id[c.employee_id] for c in order_candidates((r.candidate for r in ranked), order))


# --- recording offers ------------------------------------------------------------------------------------


@dataclass
class Recorded:
    offer: dict[str, Any]
    changed: bool
    charged: float
    previous: str | None
    employee: dict[str, Any]

    @property
    def message(self) -> str:
        name, outcome = self.employee["name"], OUTCOMES[self.offer["outcome"]].lower()
        if not self.changed:
            return f"{name}: {outcome} was already recorded; nothing charged again."
        charged = (
            f"{self.offer['charged_hours']:g} h charged" if self.offer["charged_hours"] else "nothing charged"
        )
        if self.previous:
            return f"{name}: changed from {OUTCOMES[self.previous].lower()} to {outcome}; {charged}."
        return f"{name}: {outcome}; {charged}."


async def record_outcome(
    opportunity_id: int,
    employee_id: int,
    outcome: str,
    *,
    user_id: int | None = None,
    version: int | None = None,
) -> Recorded:
    """Record (or correct) one person's answer. Idempotent: the same outcome again charges nothing.

    Accepted and forced are charged the hours worked; refused and no answer as the person's rule set
    says (`equalization.charge_refused`, `charge_no_answer`). A correction books the difference.

    `version` is the person's offer version the page showed (0: no answer yet); None skips the check
    (internal callers). A different answer recorded since raises AnswerChanged. Accepting (or forcing)
    once `needed` people work it raises OpportunityFilled; refusals and unanswered calls are still
    recorded then, since a documented call is charged whatever happened next (the notes §6).
    """
    if outcome not in OUTCOMES:
        raise OvertimeError({"outcome": f"Choose one of {', '.join(OUTCOMES)}."})
    opp = await get_opportunity(opportunity_id)
    if opp is None:
        raise OvertimeError({"": "No such opportunity."})
    if opp["status"] == "cancelled":
        raise OvertimeError({"": CANCELLED})
    emp = (await directory.employees_by_ids([employee_id])).get(employee_id)
    if emp is None:
        raise OvertimeError({"employee_id": "No such employee."})
    outside = await outside_group(emp, opp)
    if outside:
        raise OvertimeError({"employee_id": outside})
    book = await RuleBook.load()
    opp_day = opp["starts_at"].date()
    period, rules = period_of(book, emp, opp_day)
    if outcome in WORKING:
        charge = float(opp["hours"])
    else:
        charge = float(charge_for_outcome(outcome, opp["hours"], rules))
    for attempt in range(2):
        try:
            return await _record(opp, emp, outcome, charge, period, user_id, version)
        except _Full as full:
            working = await directory.employees_by_ids(full.employee_ids)
            names = ", ".join(working[i]["name"] for i in full.employee_ids if i in working)
            raise OpportunityFilled(
                {
                    "": f"This overtime is already filled: {len(full.employee_ids)} of {full.needed} "
                    f"{'person works' if full.needed == 1 else 'people work'} it ({names}). "
                    f"Nothing was recorded for {emp['name']}. To give them the place, first change "
                    "the answer of someone who works it."
                }
            ) from None
        except Exception as exc:  # a second tablet inserted the same offer first: read it back
            if attempt or not is_unique_violation(exc):
                raise
    raise AssertionError("unreachable")


CANCELLED = "This overtime was cancelled; nothing can be recorded."


class _Full(Exception):
    def __init__(self, employee_ids: list[int], needed: int):
        super().__init__("opportunity filled")
        self.employee_ids, self.needed = employee_ids, needed


async def _lock_opportunity(opportunity_id: int) -> dict[str, Any] | None:
    """Read the opportunity inside the current transaction, locking its row until the transaction ends,
    so answers to one opportunity are recorded one after another. PostgreSQL: SELECT … FOR UPDATE.
    SQLite has no row locks: db.transaction() already holds the database's write lock (IMMEDIATE)."""
    query = OvertimeOpportunity.select().where(OvertimeOpportunity.id == opportunity_id)
    if engine().engine_type != "sqlite":
        query = query.lock_rows("UPDATE")
    return await query.first()


async def outside_group(emp: dict[str, Any], opp: dict[str, Any]) -> str:
    """Why an answer to this overtime cannot be recorded for the person ("" when it can): only the
    opportunity's group (its site, and its department, crew and bargaining unit when it names them),
    and only people still employed, are offered it (overtime-and-union-rules.md §6)."""
    name = emp["name"]
    if emp["status"] == "terminated":
        return f"{name} no longer works here: answers are recorded only for current employees."
    if _in_group(emp, opp):
        return ""
    if emp["site_id"] != opp["site_id"]:
        reasons = [f"works at {emp['site_code']}, the work is at another site"]
    else:
        crew, unit, _station = await _group_codes(opp)
        reasons = []
        if opp["department_id"] and emp["department_id"] != opp["department_id"]:
            depts = {d["id"]: d["name"] for d in await directory.departments(opp["site_id"])}
            wanted = depts.get(opp["department_id"], "another department")
            reasons.append(f"department {emp['department_name'] or 'none'}, the work is for {wanted}")
        if opp["crew_id"] and emp["crew_id"] != opp["crew_id"]:
            theirs, wanted = emp["crew_code"] or "none", crew or "another crew"
            reasons.append(f"crew {theirs}, the work is for crew {wanted}")
        if opp["bargaining_unit_id"] and emp["bargaining_unit_id"] != opp["bargaining_unit_id"]:
            theirs, wanted = emp["bargaining_unit_code"] or "none", unit or "another unit"
            reasons.append(f"bargaining unit {theirs}, the work is for {wanted}")
    return (
        f"{name} is not in the group for this overtime ({'; '.join(reasons)}): "
        "answers are recorded only for the people it is offered to."
    )


async def _record(
    opp: dict[str, Any],
    emp: dict[str, Any],
    outcome: str,
    charge: float,
    period: date,
    user_id: int | None,
    version: int | None,
) -> Recorded:
    actor = current_actor.get()
    key = f"{opp['id']}:{emp['id']}"
    async with transaction():
        # Everything below is decided on what is saved now, under the opportunity's row lock.
        opp = await _lock_opportunity(opp["id"]) or opp
        if opp["status"] == "cancelled":
            raise OvertimeError({"": CANCELLED})
        existing = await OvertimeOffer.select().where(OvertimeOffer.offer_key == key).first()
        if existing and existing["outcome"] == outcome:
            return Recorded(existing, False, 0.0, None, emp)
        if version is not None and version != (existing["version"] if existing else 0):
            # Optimistic locking: the page showed another answer (or none) for this person.
            raise AnswerChanged({**(existing or {}), "employee_name": emp["name"]})
        if outcome in WORKING and not (existing and existing["outcome"] in WORKING):
            working = await OvertimeOffer.select(OvertimeOffer.employee_id).where(
                (OvertimeOffer.opportunity_id == opp["id"]) & OvertimeOffer.outcome.is_in(list(WORKING))
            )
            if len(working) >= opp["needed"]:  # no over-filling: everyone needed already works it
                raise _Full([w["employee_id"] for w in working], opp["needed"])
        now = datetime.now().astimezone()
        if existing:
            delta = charge - existing["charged_hours"]
            await OvertimeOffer.update(
                {
                    OvertimeOffer.outcome: outcome,
                    OvertimeOffer.charged_hours: charge,
                    OvertimeOffer.offered_by: actor.name,
                    OvertimeOffer.offered_by_id: user_id if user_id is not None else actor.id,
                    OvertimeOffer.offered_at: now,
                    OvertimeOffer.version: existing["version"] + 1,
                }
            ).where(OvertimeOffer.id == existing["id"])
            offer_id = existing["id"]
            if delta:
                await ChargedHours.insert(
                    ChargedHours(
                        employee_id=emp["id"],
                        period_start=period,
                        hours=delta,
                        kind="correction",
                        offer_id=offer_id,
                        opportunity_id=opp["id"],
                        reason=f"opportunity {opp['id']}: {existing['outcome']} corrected to {outcome}",
                        created_by=actor.name,
                    )
                )
        else:
            delta = charge
            rows = await OvertimeOffer.insert(
                OvertimeOffer(
                    offer_key=key,
                    opportunity_id=opp["id"],
                    employee_id=emp["id"],
                    outcome=outcome,
                    charged_hours=charge,
                    offered_by=actor.name,
                    offered_by_id=user_id if user_id is not None else actor.id,
                    offered_at=now,
                )
            ).returning(OvertimeOffer.id)
            offer_id = rows[0]["id"]
            if charge:
                await ChargedHours.insert(
                    ChargedHours(
                        employee_id=emp["id"],
                        period_start=period,
                        hours=charge,
                        kind="offer",
                        offer_id=offer_id,
                        opportunity_id=opp["id"],
                        reason=f"opportunity {opp['id']}: {outcome}",
                        created_by=actor.name,
                    )
                )
        taken = await OvertimeOffer.count().where(
            (OvertimeOffer.opportunity_id == opp["id"]) & OvertimeOffer.outcome.is_in(list(WORKING))
        )
        status = "filled" if taken >= opp["needed"] else "open"
        if status != opp["status"]:
            await OvertimeOpportunity.update(
                {
                    OvertimeOpportunity.status: status,
                    OvertimeOpportunity.version: OvertimeOpportunity.version + 1,
                }
            ).where(OvertimeOpportunity.id == opp["id"])
        previous = existing["outcome"] if existing else None
        await trail.record(
            "overtime.offer.correct" if existing else "overtime.offer.record",
            "overtime_opportunity",
            opp["id"],
            before={"employee": emp["employee_number"], "outcome": previous} if existing else None,
            after={"employee": emp["employee_number"], "outcome": outcome, "charged_hours": charge},
            summary=f"{emp['employee_number']} {emp['name']}: {OUTCOMES[outcome].lower()}"
            + (f" (was {OUTCOMES[previous].lower()})" if previous else "")
            + f", {delta:+g} h charged",
        )
        offer = await OvertimeOffer.select().where(OvertimeOffer.id == offer_id).first()
    return Recorded(offer, True, delta, previous, emp)


# --- fairness --------------------------------------------------------------------------------------------


@dataclass
class CrewFairness:
    crew: dict[str, Any]
    members: list[dict[str, Any]]
    spread: float
    lowest: float
    highest: float
    average: float
    #: The order `members` are in (their call-list order), in words.
    order_text: str = ""


async def fairness(
    site_id: int | None, on_date: date, *, site_ids: Iterable[int] | None = None
) -> list[CrewFairness]:
    """Per crew: each member's hours charged in their current period, and the spread (§6).

    One site (`site_id`), every site (None), or several at once (`site_ids`). Four queries whatever
    the number of sites, crews or people; members are in call order: their rule sets' `rank_by` when
    they agree, else the plant default's (by default least charged, then most senior).
    """
    wanted = set(site_ids) if site_ids is not None else None
    one = None if wanted is not None else site_id
    people = await directory.active_employees(one)
    crews = await directory.crews(one)
    if wanted is not None:
        people = [e for e in people if e["site_id"] in wanted]
        crews = [c for c in crews if c["site_id"] in wanted]
    book = await RuleBook.load()
    periods: dict[int, tuple[date, RuleSet]] = {e["id"]: period_of(book, e, on_date) for e in people}
    sums = {emp_id: 0.0 for emp_id in periods}
    seen: set[int] = set()
    if periods:
        for row in await ledger_rows(None, min(p for p, _r in periods.values())):
            mine = periods.get(row["employee_id"])
            if mine is not None and row["period_start"] == mine[0]:
                sums[row["employee_id"]] += row["hours"]
                seen.add(row["employee_id"])
    by_crew: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in people:
        if e["crew_id"]:
            period, rules = periods[e["id"]]
            row = {**e, "charged": round(sums[e["id"]], 2) + 0.0, "has_ledger": e["id"] in seen}
            row["period_start"] = period
            row["new_entrant_rule"] = rules.equalization.new_entrant_charge
            by_crew[e["crew_id"]].append(row)
    fallback = book.for_date(None, on_date)[1].equalization.rank_by
    out = []
    for crew in crews:
        members, order = _call_order(by_crew.get(crew["id"], []), periods, fallback)
        charges = {str(m["id"]): m["charged"] for m in members}
        values = list(charges.values())
        out.append(
            CrewFairness(
                crew=crew,
                members=members,
                spread=round(fairness_spread(charges), 2) + 0.0,
                lowest=min(values, default=0.0),
                highest=max(values, default=0.0),
                average=round(sum(values) / len(values), 2) if values else 0.0,
                order_text=describe_order(order),
            )
        )
    return out


def _call_order(
    members: list[dict[str, Any]], periods: dict[int, tuple[date, RuleSet]], fallback: tuple[SortKey, ...]
) -> tuple[list[dict[str, Any]], tuple[SortKey, ...]]:
    """A crew's members in the order its call lists use (`shared_order` of their rule sets)."""
    order, _mixed = shared_order((periods[m["id"]][1].equalization.rank_by for m in members), fallback)
    by_id = {str(m["id"]): m for m in members}
    candidates = [
        Candidate(
            employee_id=str(m["id"]),
            name=m["name"],
            crew=None,
            bargaining_unit=None,
            seniority_date=m["seniority_date"],
            charged_hours=m["charged"],
            employee_number=m["employee_number"],
        )
        for m in members
    ]
    return [by_id[c.employee_id] for c in order_candidates(candidates, order)], order


async def apply_entry_charge(employee_id: int, crew: CrewFairness, on_date: date) -> float:
    """Start a new entrant or transferee at the crew's charge per their rule set (§6: average or highest)."""
    member = next((m for m in crew.members if m["id"] == employee_id), None)
    if member is None:
        raise OvertimeError({"employee": "Not a member of this crew."})
    if member["has_ledger"]:
        raise OvertimeError({"employee": f"{member['name']} already has ledger entries this period."})
    book = await RuleBook.load()
    _period, rules = period_of(book, member, on_date)
    others = [m["charged"] for m in crew.members if m["id"] != employee_id and m["has_ledger"]]
    hours = round(entry_charge(others, rules), 2)
    if hours:
        await adjust_ledger(
            employee_id,
            hours,
            f"new entrant: crew {crew.crew['code']} {rules.equalization.new_entrant_charge} charge",
            kind="entry",
            on_date=on_date,
        )
    return hours


async def employee_overtime(employee: dict[str, Any], on_date: date) -> dict[str, Any]:
    """For the employee tab: charged hours this period, the ledger rows and recent offers."""
    book = await RuleBook.load()
    period, rules = period_of(book, employee, on_date)
    rows = (
        await ChargedHours.select()
        .where((ChargedHours.employee_id == employee["id"]) & (ChargedHours.period_start == period))
        .order_by(ChargedHours.id, ascending=False)
    )
    offers = (
        await OvertimeOffer.select()
        .where(OvertimeOffer.employee_id == employee["id"])
        .order_by(OvertimeOffer.offered_at, ascending=False)
        .limit(10)
    )
    opps = {
        o["id"]: o
        for o in await OvertimeOpportunity.select().where(
            OvertimeOpportunity.id.is_in([o["opportunity_id"] for o in offers] or [0])
        )
    }
    for o in offers:
        o["opportunity"] = opps.get(o["opportunity_id"])
    return {
        "period_start": period,
        "charged": round(sum(r["hours"] for r in rows), 2) + 0.0,
        "ledger": rows[:20],
        "offers": offers,
        "rules": rules,
    }


__all__ = [
    "OUTCOMES",
    "QUALIFICATION_NOTE",
    "CallEntry",
    "CallList",
    "OpportunityInput",
    "OvertimeError",
    "Recorded",
    "StaleVersion",
    "adjust_ledger",
    "apply_entry_charge",
    "call_list",
    "cancel_opportunity",
    "charged_totals",
    "create_opportunity",
    "describe_opportunities",
    "employee_overtime",
    "fairness",
    "get_opportunity",
    "record_outcome",
]
