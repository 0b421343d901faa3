"""The people module's public functions: what other modules may ask about people and places.

Other modules call these instead of reading the people tables, so the tables can change without
touching rosters, incidents or permits. Every function runs a fixed number of queries, whatever
the number of ids asked for.
"""

from __future__ import annotations

from typing import Any

from workforce.people.tables import BargainingUnit, Crew, Department, Employee, Line, Site, Station


def display_name(row: dict[str, Any]) -> str:
    first = row.get("preferred_name") or row.get("first_name") or ""
    return f"{first} {row.get('last_name', '')}".strip()


_SUMMARY_COLUMNS = (
    Employee.id,
    Employee.employee_number,
    Employee.first_name,
    Employee.last_name,
    Employee.preferred_name,
    Employee.job_class,
    Employee.status,
    Employee.employment_type,
    Employee.hire_date,
    Employee.seniority_date,
    Employee.site.id.as_alias("site_id"),
    Employee.site.code.as_alias("site_code"),
    Employee.site.name.as_alias("site_name"),
    Employee.department.id.as_alias("department_id"),
    Employee.department.name.as_alias("department_name"),
    Employee.home_station.id.as_alias("station_id"),
    Employee.home_station.code.as_alias("station_code"),
    Employee.home_station.name.as_alias("station_name"),
    Employee.crew.id.as_alias("crew_id"),
    Employee.crew.code.as_alias("crew_code"),
    Employee.bargaining_unit.id.as_alias("bargaining_unit_id"),
    Employee.bargaining_unit.code.as_alias("bargaining_unit_code"),
)


def _with_name(row: dict[str, Any]) -> dict[str, Any]:
    row["name"] = display_name(row)
    row["label"] = f"{row['name']} ({row['employee_number']})"
    return row


async def employees_by_ids(ids: list[int] | set[int]) -> dict[int, dict[str, Any]]:
    """Summaries keyed by id: one query for any number of ids."""
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    rows = await Employee.select(*_SUMMARY_COLUMNS).where(Employee.id.is_in(ids))
    return {r["id"]: _with_name(r) for r in rows}


async def employee(employee_id: int) -> dict[str, Any] | None:
    return (await employees_by_ids([employee_id])).get(employee_id)


async def employee_by_number(number: str) -> dict[str, Any] | None:
    row = await Employee.select(*_SUMMARY_COLUMNS).where(Employee.employee_number == number).first()
    return _with_name(row) if row else None


async def search_employees(
    q: str = "",
    *,
    site_id: int | None = None,
    crew_id: int | None = None,
    bargaining_unit_id: int | None = None,
    include_inactive: bool = False,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """For pickers: matching employees, active ones only unless asked."""
    query = Employee.select(*_SUMMARY_COLUMNS).order_by(Employee.last_name).order_by(Employee.first_name)
    if q:
        query = query.where(Employee.search_text.like(f"%{q.strip().lower()}%"))
    if site_id:
        query = query.where(Employee.site == site_id)
    if crew_id:
        query = query.where(Employee.crew == crew_id)
    if bargaining_unit_id:
        query = query.where(Employee.bargaining_unit == bargaining_unit_id)
    if not include_inactive:
        query = query.where(Employee.status != "terminated")
    return [_with_name(r) for r in await query.limit(limit)]


async def active_employees(site_id: int | None = None) -> list[dict[str, Any]]:
    """All employees not terminated (on leave included: callers decide what leave means)."""
    query = Employee.select(*_SUMMARY_COLUMNS).where(Employee.status != "terminated").order_by(Employee.id)
    if site_id:
        query = query.where(Employee.site == site_id)
    return [_with_name(r) for r in await query]


async def sites(active_only: bool = True) -> list[dict[str, Any]]:
    query = Site.select().order_by(Site.code)
    return await (query.where(Site.active.eq(True)) if active_only else query)


async def site(site_id: int) -> dict[str, Any] | None:
    return await Site.select().where(Site.id == site_id).first()


async def crews(site_id: int | None = None) -> list[dict[str, Any]]:
    query = Crew.select(
        Crew.id, Crew.code, Crew.name, Crew.site.id.as_alias("site_id"), Crew.site.code.as_alias("site_code")
    ).where(Crew.active.eq(True))
    if site_id:
        query = query.where(Crew.site == site_id)
    return await query.order_by(Crew.site.code).order_by(Crew.code)


async def bargaining_units() -> list[dict[str, Any]]:
    return await BargainingUnit.select().where(BargainingUnit.active.eq(True)).order_by(BargainingUnit.code)


async def departments(site_id: int | None = None) -> list[dict[str, Any]]:
    query = Department.select(
        Department.id,
        Department.code,
        Department.name,
        Department.site.id.as_alias("site_id"),
        Department.site.code.as_alias("site_code"),
    )
    query = query.where(Department.active.eq(True))
    if site_id:
        query = query.where(Department.site == site_id)
    return await query.order_by(Department.site.code).order_by(Department.code)


_STATION_COLUMNS = (
    Station.id,
    Station.code,
    Station.name,
    Station.min_qualified,
    Station.line.id.as_alias("line_id"),
    Station.line.code.as_alias("line_code"),
    Station.line.name.as_alias("line_name"),
    Station.line.department.id.as_alias("department_id"),
    Station.line.department.name.as_alias("department_name"),
    Station.line.department.site.id.as_alias("site_id"),
    Station.line.department.site.code.as_alias("site_code"),
    Station.line.department.site.name.as_alias("site_name"),
)


def _station_label(row: dict[str, Any]) -> dict[str, Any]:
    row["label"] = f"{row['site_code']} › {row['line_name']} › {row['code']} {row['name']}"
    return row


async def stations(site_id: int | None = None, line_id: int | None = None) -> list[dict[str, Any]]:
    """Active stations with their line, department and site (one query)."""
    query = Station.select(*_STATION_COLUMNS).where(Station.active.eq(True))
    if site_id:
        query = query.where(Station.line.department.site == site_id)
    if line_id:
        query = query.where(Station.line == line_id)
    rows = (
        await query.order_by(Station.line.department.site.code)
        .order_by(Station.line.code)
        .order_by(Station.code)
    )
    return [_station_label(r) for r in rows]


async def stations_by_ids(ids: list[int] | set[int]) -> dict[int, dict[str, Any]]:
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    rows = await Station.select(*_STATION_COLUMNS).where(Station.id.is_in(ids))
    return {r["id"]: _station_label(r) for r in rows}


async def lines(site_id: int | None = None) -> list[dict[str, Any]]:
    query = Line.select(
        Line.id,
        Line.code,
        Line.name,
        Line.department.id.as_alias("department_id"),
        Line.department.name.as_alias("department_name"),
        Line.department.site.id.as_alias("site_id"),
        Line.department.site.code.as_alias("site_code"),
    ).where(Line.active.eq(True))
    if site_id:
        query = query.where(Line.department.site == site_id)
    return await query.order_by(Line.department.site.code).order_by(Line.code)


async def headcount(site_id: int | None = None) -> int:
    query = Employee.count().where(Employee.status != "terminated")
    return await (query.where(Employee.site == site_id) if site_id else query)
