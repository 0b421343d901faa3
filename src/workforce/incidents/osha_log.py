"""The OSHA papers' data: 300 Log lines (privacy cases masked, 1904.29(b)(6)-(7)), column totals, printed
pages with page totals, Form 301 case data and the electronic-submission CSV (1904.41)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from workforce.incidents import queries
from workforce.incidents.osha import CASE_TYPES, TYPE_COLUMNS
from workforce.incidents.tables import Incident, IncidentPerson, OshaClassification
from workforce.people import directory

COLUMNS_G_TO_J = ("G", "H", "I", "J")
TYPE_COLS = tuple(TYPE_COLUMNS[t] for t in CASE_TYPES)  # M1..M6
PRIVACY_NAME = "Privacy case"  # 1904.29(b)(6)

# ---------------------------------------------------------------- the 300 Log


def describe(person: dict[str, Any]) -> str:
    """Column F: injury or illness, parts of body, object or substance (1904.29(b), Form 300)."""
    if person.get("log_description"):
        return person["log_description"]
    parts = [
        person.get("injury_description") or "",
        person.get("body_part") or "",
        person.get("object_substance") or "",
    ]
    return ", ".join(p for p in parts if p)


async def log_rows(site_id: int, year: int, *, site: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One line per recordable case of the establishment and year, in case-number order (four queries)."""
    c = OshaClassification
    rows = (
        await c.select(
            c.id,
            c.days_away,
            c.restricted_days,
            c.outcome_column,
            c.type_column,
            c.privacy_case,
            c.incident.id,
            c.person.id,
            c.person.case_number,
            c.person.employee_id,
            c.person.injury_description,
            c.person.body_part,
            c.person.object_substance,
            c.person.log_description,
            c.incident.occurred_at,
            c.incident.station_id,
            c.incident.location_detail,
            c.incident.title,
            c.incident.death_at,
        )
        .where(
            (c.site_id == site_id)
            & (c.log_year == year)
            & c.current.eq(True)
            & c.recordable.eq(True)
            & c.incident.voided_at.is_null()
            & (c.person.role == "injured")
        )
        .output(nested=True)
    )
    site = site or await directory.site(site_id)
    employees = await directory.employees_by_ids({r["person"]["employee_id"] for r in rows})
    stations = await directory.stations_by_ids(
        {r["incident"]["station_id"] for r in rows if r["incident"]["station_id"]}
    )
    lines = []
    for r in rows:
        person, inc = r["person"], r["incident"]
        employee = employees.get(person["employee_id"]) or {
            "name": f"Employee {person['employee_id']}",
            "job_class": "",
        }
        where = queries.where_text(
            {
                "station": stations.get(inc["station_id"]),
                "site": site,
                "location_detail": inc["location_detail"],
            }
        )
        lines.append(
            {
                "case_number": person["case_number"],
                "incident_id": inc["id"],
                "person_id": person["id"],
                "privacy": r["privacy_case"],
                # 1904.29(b)(6): the name is replaced on the log; the confidential list keeps it.
                "name": PRIVACY_NAME if r["privacy_case"] else employee["name"],
                "real_name": employee["name"],
                "job_title": employee.get("job_class") or "",
                "date": queries.local(inc["occurred_at"], site).date(),
                "where": where,
                "description": describe(person) or inc["title"],
                "column": r["outcome_column"],
                "days_away": r["days_away"],
                "restricted_days": r["restricted_days"],
                "type_column": r["type_column"],
            }
        )
    return sorted(lines, key=lambda line: case_order(line["case_number"]))


def log_document(site_id: int, year: int) -> str:
    """The name the printed 300 log's kept parts go by (web/pdf_cache.py)."""
    return f"osha300:{site_id}:{year}"


def case_order(case_number: str | None) -> tuple:
    """Sort key of case numbers "YYYY-N": by year, then by number (2025-999 before 2025-1000); numbers
    in another form after them, as text; none last."""
    year, _, number = (case_number or "").partition("-")
    if year.isdigit() and number.isdigit():
        return (0, int(year), int(number), "")
    return (1 if case_number else 2, 0, 0, case_number or "")


def totals(lines: list[dict[str, Any]]) -> dict[str, int]:
    """Column totals G-J (cases), K and L (days), M1-M6 (cases); zeros when empty (1904.32(a)(2))."""
    out = {col: 0 for col in COLUMNS_G_TO_J + TYPE_COLS}
    out.update(K=0, L=0, cases=len(lines))
    for line in lines:
        out[line["column"]] += 1
        out[line["type_column"]] += 1
        out["K"] += line["days_away"]
        out["L"] += line["restricted_days"]
    return out


def log_pages(lines: list[dict[str, Any]], per_page: int | None) -> list[dict[str, Any]]:
    """Split the log into pages, each with its page totals (the printed form totals every page).
    Each page knows its number, the page count (`of`) and whether it is the `last`, so any run of
    pages prints the same as the whole log (the PDF is printed in parts)."""
    if not per_page or not lines:
        chunks = [lines]
    else:
        chunks = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    return [
        {
            "lines": chunk,
            "totals": totals(chunk),
            "number": n + 1,
            "of": len(chunks),
            "last": n == len(chunks) - 1,
        }
        for n, chunk in enumerate(chunks)
    ]


def csv_export(
    lines: list[dict[str, Any]], cases: dict[int, dict[str, Any]], year_row: dict[str, Any]
) -> str:
    """The 300/301 case data as CSV in the column layout of OSHA's Injury Tracking Application upload
    (1904.41). Names are never submitted. Check the current ITA template before uploading."""
    outcome = {"G": 1, "H": 2, "I": 3, "J": 4}
    kind = {col: n for n, col in enumerate(TYPE_COLS, start=1)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "establishment_name",
            "year_of_filing",
            "case_number",
            "job_title",
            "date_of_incident",
            "incident_location",
            "incident_description",
            "incident_outcome",
            "dafw_num_away",
            "djtr_num_tr",
            "type_of_incident",
            "date_of_birth",
            "date_of_hire",
            "sex",
            "treatment_facility_type",
            "treatment_in_patient",
            "time_started_work",
            "time_of_incident",
            "time_unknown",
            "nar_before_incident",
            "nar_what_happened",
            "nar_injury_illness",
            "nar_object_substance",
            "date_of_death",
        ]
    )
    for line in lines:
        case = cases.get(line["person_id"], {})
        writer.writerow(
            [
                year_row.get("establishment_name", ""),
                year_row.get("year", ""),
                line["case_number"],
                line["job_title"],
                line["date"].strftime("%m/%d/%Y"),
                line["where"],
                line["description"],
                outcome[line["column"]],
                line["days_away"],
                line["restricted_days"],
                kind[line["type_column"]],
                _us(case.get("birth_date")),
                _us(case.get("hire_date")),
                {"male": "M", "female": "F"}.get(case.get("sex", ""), ""),
                "",
                "1" if case.get("hospitalized") else "0",
                case.get("time_began_work", ""),
                case.get("time_of_event", ""),
                "" if case.get("time_of_event") else "1",
                case.get("activity_before", ""),
                case.get("what_happened", ""),
                case.get("injury", ""),
                case.get("object_substance", ""),
                _us(case.get("death_date")),
            ]
        )
    return out.getvalue()


def _us(value: Any) -> str:
    return value.strftime("%m/%d/%Y") if isinstance(value, date) else ""


# ---------------------------------------------------------------- Form 301


async def cases_301(
    incident_ids_persons: list[tuple[int, int]] | None = None,
    *,
    site_id: int | None = None,
    year: int | None = None,
) -> list[dict[str, Any]]:
    """Form 301 data for given (incident, person) pairs, or for every recordable case of a site-year."""
    if incident_ids_persons is None:
        assert site_id is not None and year is not None
        lines = await log_rows(site_id, year)
        incident_ids_persons = [(line["incident_id"], line["person_id"]) for line in lines]
    if not incident_ids_persons:
        return []
    person_ids = [p for _i, p in incident_ids_persons]
    persons = await IncidentPerson.select().where(IncidentPerson.id.is_in(person_ids))
    incidents = {
        r["id"]: r
        for r in await Incident.select().where(
            Incident.id.is_in(sorted({i for i, _p in incident_ids_persons}))
        )
    }
    current = {
        r["person"]: r
        for r in await OshaClassification.select()
        .where(OshaClassification.person.is_in(person_ids) & OshaClassification.current.eq(True))
        .output(load_json=True)
    }
    employees = await directory.employees_by_ids({p["employee_id"] for p in persons})
    stations = await directory.stations_by_ids(
        {i["station_id"] for i in incidents.values() if i["station_id"]}
    )
    sites = await queries.sites_by_id()
    out = []
    for person in sorted(persons, key=lambda p: (case_order(p["case_number"]), p["id"])):
        inc = incidents[person["incident"]]
        site = sites.get(inc["site_id"])
        employee = employees.get(person["employee_id"]) or {"name": f"Employee {person['employee_id']}"}
        occurred = queries.local(inc["occurred_at"], site)
        death = queries.local(inc["death_at"], site)
        out.append(
            {
                **person,
                "incident": inc,
                "employee": employee,
                "site": site,
                "occurred_local": occurred,
                "time_of_event": occurred.strftime("%H:%M") if occurred else "",
                "hire_date": employee.get("hire_date"),
                "what_happened": inc["description"] or inc["title"],
                "injury": ", ".join(x for x in (person["injury_description"], person["body_part"]) if x),
                "hospitalized": person["hospitalized_overnight"],
                "death_date": death.date() if death else None,
                "where": queries.where_text(
                    {
                        "station": stations.get(inc["station_id"]),
                        "site": site,
                        "location_detail": inc["location_detail"],
                    }
                ),
                "classification": current.get(person["id"]),
            }
        )
    return out
