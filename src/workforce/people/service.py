"""Employee records over the database: look-ups, create, update, status changes, list queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from workforce.audit import trail
from workforce.db import transaction, update_versioned, utcnow
from workforce.people.tables import BargainingUnit, Crew, Department, Employee, Site, Station
from workforce.people.validation import Refs, raw_from_row, validate_employee, values_for_write


class EmployeeInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


async def load_refs(with_employees: bool = True) -> Refs:
    """The organisation by code in five queries (plus one for employee numbers)."""
    refs = Refs()
    for s in await Site.select():
        refs.sites[s["code"].upper()] = s
    for d in await Department.select(Department.id, Department.code, Department.active, Department.site):
        refs.departments[(d["site"], d["code"].upper())] = d
    for st in await Station.select(
        Station.id, Station.code, Station.active, Station.line.department.site.as_alias("site")
    ):
        refs.stations[(st["site"], st["code"].upper())] = st
    for c in await Crew.select(Crew.id, Crew.code, Crew.active, Crew.site):
        refs.crews[(c["site"], c["code"].upper())] = c
    for u in await BargainingUnit.select():
        refs.units[u["code"].upper()] = u
    if with_employees:
        refs.employees = {
            r["employee_number"].upper(): r["id"]
            for r in await Employee.select(Employee.id, Employee.employee_number)
        }
    return refs


#: The employee as the form, the export and the API show it: references by code.
RAW_COLUMNS = (
    Employee.id,
    Employee.version,
    Employee.employee_number,
    Employee.first_name,
    Employee.last_name,
    Employee.preferred_name,
    Employee.job_class,
    Employee.site.code.as_alias("site"),
    Employee.site.id.as_alias("site_id"),
    Employee.department.code.as_alias("department"),
    Employee.home_station.code.as_alias("home_station"),
    Employee.crew.code.as_alias("crew"),
    Employee.bargaining_unit.code.as_alias("bargaining_unit"),
    Employee.employment_type,
    Employee.hire_date,
    Employee.seniority_date,
    Employee.supervisor.employee_number.as_alias("supervisor"),
    Employee.status,
    Employee.termination_date,
    Employee.phone,
    Employee.status_reason,
    Employee.updated_at,
)


def as_raw(row: dict[str, Any]) -> dict[str, str]:
    """Row → the string dict `validate_employee` takes (dates ISO, None → '')."""
    return raw_from_row(row)


async def get_raw(employee_id: int) -> dict[str, Any] | None:
    return await Employee.select(*RAW_COLUMNS).where(Employee.id == employee_id).first()


async def create_employee(raw: dict[str, Any], *, today: date | None = None, refs: Refs | None = None) -> int:
    refs = refs or await load_refs()
    clean, errors = validate_employee(raw, refs, today=today or date.today())
    if clean["employee_number"] in refs.employees and "employee_number" not in errors:
        errors["employee_number"] = f"employee number {clean['employee_number']} already exists"
    if errors:
        raise EmployeeInvalid(errors)
    async with transaction():
        if await Employee.exists().where(Employee.employee_number == clean["employee_number"]):
            raise EmployeeInvalid(
                {"employee_number": f"employee number {clean['employee_number']} already exists"}
            )
        row = await Employee.insert(Employee(**values_for_write(clean))).returning(Employee.id)
        employee_id = row[0]["id"]
        await trail.record(
            "employee.create",
            "employee",
            employee_id,
            after=as_raw(await get_raw(employee_id)),
            summary=f"Employee {clean['employee_number']} created",
        )
    return employee_id


async def update_employee(
    employee_id: int,
    version: int,
    raw: dict[str, Any],
    *,
    today: date | None = None,
    refs: Refs | None = None,
    action: str = "employee.update",
    reason: str = "",
) -> int:
    """Validate and save; raises EmployeeInvalid or db.StaleVersion. Returns the new version."""
    refs = refs or await load_refs()
    clean, errors = validate_employee(raw, refs, today=today or date.today(), self_id=employee_id)
    other = refs.employees.get(clean["employee_number"])
    if other is not None and other != employee_id:
        errors["employee_number"] = f"employee number {clean['employee_number']} belongs to someone else"
    if errors:
        raise EmployeeInvalid(errors)
    async with transaction():
        before = await get_raw(employee_id)
        if before is None:
            raise EmployeeInvalid({"id": "no such employee"})
        values = values_for_write(clean)
        values["updated_at"] = utcnow()
        if reason:
            values["status_reason"] = reason[:255]
        new_version = await update_versioned(Employee, employee_id, version, values)
        after = await get_raw(employee_id)
        await trail.record(
            action,
            "employee",
            employee_id,
            before=as_raw(before),
            after=as_raw(after),
            summary=f"Employee {clean['employee_number']} updated" + (f": {reason}" if reason else ""),
        )
    return new_version


async def change_status(
    employee_id: int, version: int, status: str, reason: str, termination_date: date | None = None
) -> None:
    """Leave, return or terminate, with a reason. Terminated employees stay in the records."""
    raw = await get_raw(employee_id)
    if raw is None:
        raise EmployeeInvalid({"id": "no such employee"})
    errors = {}
    if not reason.strip():
        errors["reason"] = "give a reason"
    if errors:
        raise EmployeeInvalid(errors)
    data = as_raw(raw)
    data["status"] = status
    data["termination_date"] = termination_date.isoformat() if termination_date else ""
    await update_employee(employee_id, version, data, action=f"employee.{status}", reason=reason.strip())


# --------------------------------------------------------------------------- list


SORTS = {
    "name": (Employee.last_name, Employee.first_name),
    "number": (Employee.employee_number,),
    "hire": (Employee.hire_date,),
    "seniority": (Employee.seniority_date,),
    "department": (Employee.department.name, Employee.last_name),
}

LIST_COLUMNS = (
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
    Employee.site.code.as_alias("site_code"),
    Employee.department.name.as_alias("department_name"),
    Employee.crew.code.as_alias("crew_code"),
    Employee.bargaining_unit.code.as_alias("bargaining_unit_code"),
    Employee.home_station.code.as_alias("station_code"),
)


@dataclass(frozen=True)
class EmployeeFilters:
    q: str = ""
    site: int | None = None
    department: int | None = None
    crew: int | None = None
    bargaining_unit: int | None = None
    status: str = ""
    sort: str = "name"
    descending: bool = False
    #: Sites the user may see (None: all); set from the user's site limits, never from the URL.
    allowed_sites: tuple[int, ...] | None = None

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> EmployeeFilters:
        def as_id(key: str) -> int | None:
            try:
                return int(params[key]) if params.get(key) else None
            except (TypeError, ValueError):
                return None

        sort = params.get("sort") or "name"
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        return cls(
            q=(params.get("q") or "").strip(),
            site=as_id("site"),
            department=as_id("department"),
            crew=as_id("crew"),
            bargaining_unit=as_id("bargaining_unit"),
            status=params.get("status")
            if params.get("status") in ("active", "on_leave", "terminated", "current")
            else "",
            sort=sort if sort in SORTS else "name",
            descending=descending,
        )

    def conditions(self) -> list[Any]:
        conds = []
        if self.allowed_sites is not None:
            conds.append(Employee.site.is_in(list(self.allowed_sites) or [-1]))
        if self.q:
            conds.append(Employee.search_text.like(f"%{self.q.lower()}%"))
        for name in ("site", "department", "crew", "bargaining_unit"):
            value = getattr(self, name)
            if value:
                conds.append(getattr(Employee, name) == value)
        if self.status == "current":
            conds.append(Employee.status != "terminated")
        elif self.status:
            conds.append(Employee.status == self.status)
        return conds


def list_queries(filters: EmployeeFilters, columns: tuple = LIST_COLUMNS) -> tuple[Any, Any]:
    """The page query and the count query for the filters: two queries whatever the page size."""
    query = Employee.select(*columns)
    count = Employee.count()
    for cond in filters.conditions():
        query, count = query.where(cond), count.where(cond)
    for column in SORTS[filters.sort]:
        query = query.order_by(column, ascending=not filters.descending)
    return query.order_by(Employee.id), count


async def allowed_sites(user: Any) -> tuple[int, ...] | None:
    """Site ids a user is limited to (their account's site codes), or None for all sites.
    Administrators are never limited."""
    if not user.sites or user.has("admin"):
        return None
    rows = await Site.select(Site.id).where(Site.code.is_in(list(user.sites)))
    return tuple(r["id"] for r in rows)


async def supervisor_choices(site_id: int | None) -> list[tuple[str, str]]:
    query = Employee.select(Employee.employee_number, Employee.first_name, Employee.last_name).where(
        (Employee.status != "terminated") & (Employee.job_class == "Team Lead")
    )
    if site_id:
        query = query.where(Employee.site == site_id)
    rows = await query.order_by(Employee.last_name)
    return [
        (r["employee_number"], f"{r['last_name']}, {r['first_name']} ({r['employee_number']})") for r in rows
    ]


async def org_choices() -> dict[str, list[tuple[str, str]]]:
    """Select options for the employee form (codes as values), five small queries."""
    return {
        "site": [
            (s["code"], f"{s['code']} · {s['name']}")
            for s in await Site.select().where(Site.active.eq(True)).order_by(Site.code)
        ],
        "department": [
            (d["code"], f"{d['site_code']} · {d['code']} {d['name']}")
            for d in await Department.select(
                Department.code, Department.name, Department.site.code.as_alias("site_code")
            )
            .where(Department.active.eq(True))
            .order_by(Department.site.code)
            .order_by(Department.code)
        ],
        "home_station": [
            (s["code"], f"{s['code']} {s['name']}")
            for s in await Station.select(Station.code, Station.name)
            .where(Station.active.eq(True))
            .order_by(Station.code)
        ],
        "crew": sorted(
            {
                (c["code"], f"Crew {c['code']}")
                for c in await Crew.select(Crew.code).where(Crew.active.eq(True))
            }
        ),
        "bargaining_unit": [
            (u["code"], u["name"])
            for u in await BargainingUnit.select()
            .where(BargainingUnit.active.eq(True))
            .order_by(BargainingUnit.code)
        ],
    }


async def filter_choices() -> dict[str, list[tuple[int, str]]]:
    """Filter options for the list (ids as values)."""
    return {
        "site": [(s["id"], s["code"]) for s in await Site.select(Site.id, Site.code).order_by(Site.code)],
        "department": [
            (d["id"], f"{d['site_code']} · {d['name']}")
            for d in await Department.select(
                Department.id, Department.name, Department.site.code.as_alias("site_code")
            )
            .order_by(Department.site.code)
            .order_by(Department.name)
        ],
        "crew": [
            (c["id"], f"{c['site_code']} · {c['code']}")
            for c in await Crew.select(Crew.id, Crew.code, Crew.site.code.as_alias("site_code"))
            .order_by(Crew.site.code)
            .order_by(Crew.code)
        ],
        "bargaining_unit": [
            (u["id"], u["code"])
            for u in await BargainingUnit.select(BargainingUnit.id, BargainingUnit.code).order_by(
                BargainingUnit.code
            )
        ],
    }
