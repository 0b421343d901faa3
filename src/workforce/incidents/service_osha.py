"""OSHA case classifications (29 CFR 1904.4-1904.11 decisions kept with their history) and the yearly
establishment figures for Form 300A (1904.32). The papers are in `osha_log`, rates in `service_rates`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from workforce.audit import trail
from workforce.db import StaleVersion, transaction, update_versioned, utcnow
from workforce.incidents import osha_log, queries
from workforce.incidents.osha import FactsError, classify, parse_facts
from workforce.incidents.tables import IncidentPerson, OshaClassification, OshaYearData
from workforce.people import directory
from workforce.web import pdf_cache


class ClassificationError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# ---------------------------------------------------------------- classifications


async def current_by_person(incident_id: int) -> dict[int, dict[str, Any]]:
    rows = (
        await OshaClassification.select()
        .where((OshaClassification.incident == incident_id) & (OshaClassification.current.eq(True)))
        .output(load_json=True)
    )
    return {r["person"]: r for r in rows}


async def history(incident_id: int) -> list[dict[str, Any]]:
    """Every classification of the incident's cases, newest first (changes are never overwritten)."""
    return (
        await OshaClassification.select()
        .where(OshaClassification.incident == incident_id)
        .order_by(OshaClassification.id, ascending=False)
        .output(load_json=True)
    )


async def first_recorded_at(incident_id: int) -> datetime | None:
    """When a case of this incident was first classified recordable (the 1904.29(b)(3) 'entered' time)."""
    row = (
        await OshaClassification.select(OshaClassification.classified_at)
        .where((OshaClassification.incident == incident_id) & (OshaClassification.recordable.eq(True)))
        .order_by(OshaClassification.id)
        .first()
    )
    return row["classified_at"] if row else None


async def next_case_number(site_id: int, year: int) -> str:
    """Form 300 column A: 'YYYY-NNN', numbered per establishment and year, never reused."""
    rows = await IncidentPerson.select(IncidentPerson.case_number).where(
        (IncidentPerson.incident.site_id == site_id) & IncidentPerson.case_number.like(f"{year}-%")
    )
    numbers = [int(r["case_number"].split("-")[1]) for r in rows if r["case_number"].split("-")[1].isdigit()]
    return f"{year}-{max(numbers, default=0) + 1:03d}"


async def classify_case(
    incident_id: int, person_id: int, facts: dict[str, Any], reason: str, user: Any, *, cap_days: bool = True
) -> dict[str, Any]:
    """Classify one case with the pure engine and store facts, result and basis. The first classification
    needs no reason; any later change does (the result is kept as history, not overwritten)."""
    try:
        parsed = parse_facts(facts)
        result = classify(parsed, cap_days=cap_days)
    except FactsError as exc:
        raise ClassificationError(exc.field, exc.message) from exc
    incident = await queries.incident(incident_id)
    person = await IncidentPerson.select().where(IncidentPerson.id == person_id).first()
    if incident is None or person is None or person["incident"] != incident_id:
        raise ClassificationError("person", "no such case on this incident")
    if person["role"] != "injured":
        raise ClassificationError("person", "only an injured or ill person is an OSHA case")
    if incident["voided_at"] is not None:
        raise ClassificationError("incident", "a voided incident is not classified")
    site = await directory.site(incident["site_id"])
    log_year = queries.local(incident["occurred_at"], site).year  # 1904.7(b)(3)(ix): the year of the injury
    async with transaction():
        current = (
            await OshaClassification.select()
            .where((OshaClassification.person == person_id) & (OshaClassification.current.eq(True)))
            .first()
            .output(load_json=True)
        )
        reason = reason.strip()
        if current is not None and not reason:
            raise ClassificationError("reason", "say why the classification changes; the earlier one is kept")
        case_number = person["case_number"]
        if result["recordable"] and not case_number:
            case_number = await next_case_number(incident["site_id"], log_year)
            await IncidentPerson.update({IncidentPerson.case_number: case_number}).where(
                IncidentPerson.id == person_id
            )
        if current is not None:
            await OshaClassification.update({OshaClassification.current: False}).where(
                OshaClassification.id == current["id"]
            )
        row = OshaClassification(
            incident=incident_id,
            person=person_id,
            current=True,
            site_id=incident["site_id"],
            log_year=log_year,
            facts=dict(facts),
            result=result,
            recordable=result["recordable"],
            outcome_column=result["column"] or "",
            days_away=result["days_away"],
            restricted_days=result["restricted_or_transfer_days"],
            type_column=result["type_column"] or "",
            privacy_case=result["privacy_case"],
            reason=reason[:255],
            classified_by=user.id,
            classified_by_name=user.display_name,
            classified_at=utcnow(),
        )
        new_id = (await OshaClassification.insert(row).returning(OshaClassification.id))[0]["id"]
        # The trail keeps the decision and its basis, not the health facts behind it.
        await trail.record(
            "incident.osha_classify",
            "incident",
            incident_id,
            before=_decision(current["result"]) if current else None,
            after=_decision(result),
            summary=(
                f"OSHA case {case_number or '(not recordable)'}: "
                f"{'recordable ' + str(result['column']) if result['recordable'] else 'not recordable'}"
                + (f" — reason: {reason}" if reason else "")
            ),
        )
    if result["privacy_case"]:
        # The printed log kept from before may show the name: drop it now, not at the next print.
        await pdf_cache.forget(osha_log.log_document(incident["site_id"], log_year))
    return {"id": new_id, "case_number": case_number, "result": result}


def _decision(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "recordable": result.get("recordable"),
        "column": result.get("column"),
        "days_away": result.get("days_away"),
        "restricted_days": result.get("restricted_or_transfer_days"),
        "type_column": result.get("type_column"),
        "privacy_case": result.get("privacy_case"),
        "basis": ", ".join(result.get("basis") or []),
    }


# ---------------------------------------------------------------- yearly establishment figures


YEAR_FIELDS = (
    "average_employees",
    "total_hours",
    "hours_note",
    "establishment_name",
    "street",
    "city",
    "state",
    "zip_code",
    "industry_description",
    "naics",
    "certified_name",
    "certified_title",
    "certified_phone",
    "certified_on",
)


def _split_address(address: str) -> dict[str, str]:
    """'1200 River Rd, Joliet, IL' → street, city, state (the demo sites' format)."""
    parts = [p.strip() for p in address.split(",")]
    if len(parts) >= 3:
        state, _, zip_code = parts[-1].partition(" ")
        return {
            "street": ", ".join(parts[:-2]),
            "city": parts[-2],
            "state": state,
            "zip_code": zip_code.strip(),
        }
    return {"street": address, "city": "", "state": "", "zip_code": ""}


async def year_data(site_id: int, year: int) -> dict[str, Any]:
    """The saved 300A figures for a site and year, or defaults from the site (version 0, unsaved)."""
    row = (
        await OshaYearData.select()
        .where((OshaYearData.site_id == site_id) & (OshaYearData.year == year))
        .first()
    )
    if row:
        return row
    site = await directory.site(site_id) or {}
    return {
        "id": None,
        "site_id": site_id,
        "year": year,
        "average_employees": None,
        "total_hours": None,
        "hours_note": "",
        "establishment_name": site.get("name", ""),
        **_split_address(site.get("address", "")),
        "industry_description": "",
        "naics": "",
        "certified_name": "",
        "certified_title": "",
        "certified_phone": "",
        "certified_on": None,
        "version": 0,
    }


async def save_year_data(site_id: int, year: int, version: int, values: dict[str, Any]) -> int:
    """Save the 300A figures. Total hours worked may only change with a note saying why and how they were
    counted (300A worksheet: actual hours, estimates documented)."""
    async with transaction():
        current = (
            await OshaYearData.select()
            .where((OshaYearData.site_id == site_id) & (OshaYearData.year == year))
            .first()
        )
        if current is None:
            if version != 0:
                raise StaleVersion(None)
            if values.get("total_hours") is not None and not values.get("hours_note"):
                raise ClassificationError("hours_note", "say where the hours come from")
            await OshaYearData.insert(OshaYearData(site_id=site_id, year=year, **values, updated_at=utcnow()))
            new_version, before = 1, {}
        else:
            if values.get("total_hours") != current["total_hours"] and (
                not values.get("hours_note") or values.get("hours_note") == current["hours_note"]
            ):
                raise ClassificationError("hours_note", "give the reason for changing the hours worked")
            new_version = await update_versioned(
                OshaYearData, current["id"], version, {**values, "updated_at": utcnow()}
            )
            before = {k: current.get(k) for k in YEAR_FIELDS}
        await trail.record(
            "osha_year.update",
            "osha_year",
            f"{site_id}-{year}",
            before=before,
            after=values,
            summary=f"OSHA {year} figures for site {site_id} saved"
            + (f": {values.get('hours_note')}" if values.get("hours_note") else ""),
        )
    return new_version
