"""Small organisation fixtures made directly in the tables (no demo plant): one site with a
department, line, station and crew, plus a bargaining unit. Call `make_org()` again with other codes
for a second site."""

from __future__ import annotations

from typing import Any

from tests.conftest import run
from workforce.people.tables import BargainingUnit, Crew, Department, Employee, Line, Site, Station
from workforce.people.validation import search_text


async def _make_org(site: str, department: str, line: str, station: str, crew: str, unit: str | None) -> dict:
    site_id = (
        await Site.insert(
            Site(code=site, name=f"{site} plant", timezone="America/Chicago", country="US", subdivision="IL")
        ).returning(Site.id)
    )[0]["id"]
    dept_id = (
        await Department.insert(
            Department(site=site_id, code=department, name=f"{department} dept")
        ).returning(Department.id)
    )[0]["id"]
    line_id = (
        await Line.insert(Line(department=dept_id, code=line, name=f"{line} line")).returning(Line.id)
    )[0]["id"]
    station_id = (
        await Station.insert(Station(line=line_id, code=station, name=f"{station} station")).returning(
            Station.id
        )
    )[0]["id"]
    crew_id = (await Crew.insert(Crew(site=site_id, code=crew, name=f"Crew {crew}")).returning(Crew.id))[0][
        "id"
    ]
    unit_id = None
    if unit:
        unit_id = (
            await BargainingUnit.insert(BargainingUnit(code=unit, name=f"{unit} local")).returning(
                BargainingUnit.id
            )
        )[0]["id"]
    return {
        "site": site,
        "site_id": site_id,
        "department": department,
        "department_id": dept_id,
        "line": line,
        "line_id": line_id,
        "station": station,
        "station_id": station_id,
        "crew": crew,
        "crew_id": crew_id,
        "unit": unit,
        "unit_id": unit_id,
    }


def make_org(
    site: str = "RIV",
    department: str = "ASM",
    line: str = "ASM1",
    station: str = "ASM1-01",
    crew: str = "A",
    unit: str | None = "UAW-1701",
) -> dict[str, Any]:
    """Ids and codes: site, department, line, station, crew, unit (+ `_id` keys)."""
    return run(_make_org(site, department, line, station, crew, unit))


def make_employee(org: dict[str, Any], number: str = "E10001", **values: Any) -> int:
    """An employee at `org`'s site, department, station and crew (override any column with values)."""
    from datetime import date

    row = {
        "employee_number": number,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "site": org["site_id"],
        "department": org["department_id"],
        "home_station": org["station_id"],
        "crew": org["crew_id"],
        "bargaining_unit": org["unit_id"],
        "hire_date": date(2020, 1, 6),
        "seniority_date": date(2020, 1, 6),
    }
    row.update(values)
    row.setdefault("search_text", search_text(row))

    async def insert() -> int:
        return (await Employee.insert(Employee(**row)).returning(Employee.id))[0]["id"]

    return run(insert())
