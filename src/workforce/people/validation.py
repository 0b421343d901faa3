"""Employee validation, shared by the form, the CSV/XLSX import and the API (pure: no database).

Input is a dict of strings keyed like the import columns (references by code, supervisor by
employee number); `Refs` holds the organisation looked up once by the caller. The result is the
clean values (references resolved to ids) and a message per field that is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from workforce.people.tables import EMPLOYMENT_TYPES, STATUSES

#: Import/export columns, in file order. The same names are the form's and the API's fields.
COLUMNS = (
    "employee_number",
    "first_name",
    "last_name",
    "preferred_name",
    "job_class",
    "site",
    "department",
    "home_station",
    "crew",
    "bargaining_unit",
    "employment_type",
    "hire_date",
    "seniority_date",
    "supervisor",
    "status",
    "termination_date",
    "phone",
)
REQUIRED_COLUMNS = ("employee_number", "first_name", "last_name", "site", "hire_date")
NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")
MAX_FUTURE_HIRE = timedelta(days=365)


@dataclass
class Refs:
    """The organisation by code, as loaded by `service.load_refs()`."""

    sites: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → row
    departments: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)  # (site id, code) → row
    stations: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)  # (site id, code) → row
    crews: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)  # (site id, code) → row
    units: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → row
    employees: dict[str, int] = field(default_factory=dict)  # employee number → id


def _date(raw: str, name: str, errors: dict[str, str]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"{raw!r} is not a date (use YYYY-MM-DD)"
        return None


def validate_employee(
    raw: dict[str, Any], refs: Refs, *, today: date, self_id: int | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    v = {k: str(raw.get(k) or "").strip() for k in COLUMNS}
    clean: dict[str, Any] = {}

    number = v["employee_number"]
    if not number:
        errors["employee_number"] = "required"
    elif not NUMBER_RE.match(number):
        errors["employee_number"] = "use 1–20 letters, digits or dashes"
    clean["employee_number"] = number.upper()

    for name, limit in (
        ("first_name", 80),
        ("last_name", 80),
        ("preferred_name", 80),
        ("job_class", 80),
        ("phone", 40),
    ):
        if len(v[name]) > limit:
            errors[name] = f"at most {limit} characters"
        clean[name] = v[name]
    for name in ("first_name", "last_name"):
        if not v[name]:
            errors[name] = "required"

    site = refs.sites.get(v["site"].upper()) if v["site"] else None
    if not v["site"]:
        errors["site"] = "required"
    elif site is None:
        errors["site"] = f"unknown site {v['site']!r}"
    elif not site.get("active", True):
        errors["site"] = f"site {v['site']!r} is deactivated"
    clean["site"] = site["id"] if site else None

    def ref(name: str, table: dict[tuple[int, str], dict[str, Any]], what: str) -> None:
        clean[name] = None
        if not v[name] or site is None:
            return
        row = table.get((site["id"], v[name].upper()))
        if row is None:
            errors[name] = f"unknown {what} {v[name]!r} at site {site['code']}"
        elif not row.get("active", True):
            errors[name] = f"{what} {v[name]!r} is deactivated"
        else:
            clean[name] = row["id"]

    ref("department", refs.departments, "department")
    ref("home_station", refs.stations, "station")
    ref("crew", refs.crews, "crew")

    clean["bargaining_unit"] = None
    if v["bargaining_unit"]:
        unit = refs.units.get(v["bargaining_unit"].upper())
        if unit is None:
            errors["bargaining_unit"] = f"unknown bargaining unit {v['bargaining_unit']!r}"
        else:
            clean["bargaining_unit"] = unit["id"]

    employment = v["employment_type"] or "full_time"
    if employment not in EMPLOYMENT_TYPES:
        errors["employment_type"] = f"must be one of {', '.join(EMPLOYMENT_TYPES)}"
    clean["employment_type"] = employment

    hire = _date(v["hire_date"], "hire_date", errors)
    if not v["hire_date"]:
        errors["hire_date"] = "required"
    elif hire and hire > today + MAX_FUTURE_HIRE:
        errors["hire_date"] = "more than a year in the future"
    seniority = _date(v["seniority_date"], "seniority_date", errors) or hire
    clean["hire_date"], clean["seniority_date"] = hire, seniority

    status = v["status"] or "active"
    if status not in STATUSES:
        errors["status"] = f"must be one of {', '.join(STATUSES)}"
    clean["status"] = status
    term = _date(v["termination_date"], "termination_date", errors)
    if status == "terminated" and not term and "termination_date" not in errors:
        errors["termination_date"] = "required when the status is terminated"
    if status != "terminated" and term:
        errors["termination_date"] = "only for terminated employees"
    if term and hire and term < hire:
        errors["termination_date"] = "before the hire date"
    clean["termination_date"] = term if status == "terminated" else None

    clean["supervisor"] = None
    if v["supervisor"]:
        sup = refs.employees.get(v["supervisor"].upper())
        if sup is None:
            errors["supervisor"] = f"unknown employee number {v['supervisor']!r}"
        elif sup == self_id or v["supervisor"].upper() == clean["employee_number"]:
            errors["supervisor"] = "an employee cannot supervise themself"
        else:
            clean["supervisor"] = sup
    return clean, errors


def search_text(clean: dict[str, Any]) -> str:
    parts = [
        clean.get("last_name"),
        clean.get("first_name"),
        clean.get("preferred_name"),
        clean.get("employee_number"),
    ]
    return " ".join(p for p in parts if p).lower()


def raw_from_row(row: dict[str, Any]) -> dict[str, str]:
    """A stored employee (references by code) as the strings a form or a file holds."""
    return {
        k: "" if row.get(k) is None else (row[k].isoformat() if isinstance(row[k], date) else str(row[k]))
        for k in COLUMNS
    }


def values_for_write(clean: dict[str, Any]) -> dict[str, Any]:
    """Clean values → the Employee columns to write, search text included."""
    values = {k: clean[k] for k in COLUMNS if k in clean}
    values["search_text"] = search_text(clean)
    return values
