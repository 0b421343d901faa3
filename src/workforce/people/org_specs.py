"""Declarative descriptions of the organisation units. One generic list/form/controller serves
them all (routes_org.py, templates people/org_*.html), so a new unit type is a spec, not a copy."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from piccolo.table import Table

from workforce.people.tables import BargainingUnit, Crew, Department, Line, Site, Station

Choices = Callable[[], Awaitable[list[tuple[Any, str]]]]


@dataclass(frozen=True)
class OrgField:
    name: str
    label: str
    kind: str = "text"  # text | int | bool | select
    required: bool = False
    max_len: int = 120
    choices: Choices | None = None
    help: str = ""
    default: Any = ""


@dataclass(frozen=True)
class OrgSpec:
    key: str  # URL segment and audit entity type prefix
    table: type[Table]
    title: str
    singular: str
    fields: tuple[OrgField, ...]
    #: The FK field the code must be unique within (None: unique across the table).
    parent: str | None = None
    #: Extra columns shown in the list: (alias, label, column).
    list_extra: tuple[tuple[str, str, Any], ...] = ()
    extra_checks: Callable[[dict[str, Any]], dict[str, str]] | None = field(default=None)


async def _sites() -> list[tuple[Any, str]]:
    return [
        (r["id"], f"{r['code']} · {r['name']}")
        for r in await Site.select(Site.id, Site.code, Site.name)
        .where(Site.active.eq(True))
        .order_by(Site.code)
    ]


async def _departments() -> list[tuple[Any, str]]:
    rows = (
        await Department.select(
            Department.id, Department.code, Department.name, Department.site.code.as_alias("site")
        )
        .where(Department.active.eq(True))
        .order_by(Department.site.code)
        .order_by(Department.code)
    )
    return [(r["id"], f"{r['site']} · {r['code']} {r['name']}") for r in rows]


async def _lines() -> list[tuple[Any, str]]:
    rows = (
        await Line.select(Line.id, Line.code, Line.name, Line.department.site.code.as_alias("site"))
        .where(Line.active.eq(True))
        .order_by(Line.department.site.code)
        .order_by(Line.code)
    )
    return [(r["id"], f"{r['site']} · {r['code']} {r['name']}") for r in rows]


def _site_checks(values: dict[str, Any]) -> dict[str, str]:
    """Time zone must exist; country/subdivision must be known to the `holidays` library."""
    errors = {}
    try:
        ZoneInfo(values.get("timezone") or "")
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = f"unknown time zone {values.get('timezone')!r} (e.g. America/Chicago)"
    country = (values.get("country") or "").upper()
    try:
        holidays.country_holidays(country, subdiv=values.get("subdivision") or None)
    except NotImplementedError:
        errors["country"] = f"unknown country or subdivision {country}/{values.get('subdivision')}"
    if values.get("paper_size") not in ("A4", "Letter"):
        errors["paper_size"] = "A4 or Letter"
    return errors


async def _paper() -> list[tuple[Any, str]]:
    return [("Letter", "Letter"), ("A4", "A4")]


CODE = OrgField(
    "code", "Code", required=True, max_len=20, help="Short and stable: used in imports and reports."
)
NAME = OrgField("name", "Name", required=True)

SPECS: dict[str, OrgSpec] = {
    s.key: s
    for s in (
        OrgSpec(
            "sites",
            Site,
            "Sites",
            "site",
            (
                CODE,
                NAME,
                OrgField("timezone", "Time zone", required=True, max_len=60, default="America/Chicago"),
                OrgField("country", "Country (ISO code)", required=True, max_len=2, default="US"),
                OrgField(
                    "subdivision", "State / subdivision", max_len=10, help="For public holidays, e.g. IL."
                ),
                OrgField(
                    "paper_size",
                    "Paper size for PDFs",
                    kind="select",
                    required=True,
                    choices=_paper,
                    default="Letter",
                ),
                OrgField("address", "Address", max_len=255),
            ),
            extra_checks=_site_checks,
        ),
        OrgSpec(
            "departments",
            Department,
            "Departments",
            "department",
            (OrgField("site", "Site", kind="select", required=True, choices=_sites), CODE, NAME),
            parent="site",
            list_extra=(("site_code", "Site", Department.site.code),),
        ),
        OrgSpec(
            "lines",
            Line,
            "Lines and areas",
            "line",
            (
                OrgField("department", "Department", kind="select", required=True, choices=_departments),
                CODE,
                NAME,
            ),
            parent="department",
            list_extra=(
                ("site_code", "Site", Line.department.site.code),
                ("department_name", "Department", Line.department.name),
            ),
        ),
        OrgSpec(
            "stations",
            Station,
            "Work stations",
            "station",
            (
                OrgField("line", "Line", kind="select", required=True, choices=_lines),
                CODE,
                NAME,
                OrgField(
                    "min_qualified", "Minimum qualified per shift", kind="int", required=True, default=3
                ),
            ),
            parent="line",
            list_extra=(
                ("site_code", "Site", Station.line.department.site.code),
                ("line_code", "Line", Station.line.code),
            ),
        ),
        OrgSpec(
            "crews",
            Crew,
            "Crews",
            "crew",
            (OrgField("site", "Site", kind="select", required=True, choices=_sites), CODE, NAME),
            parent="site",
            list_extra=(("site_code", "Site", Crew.site.code),),
        ),
        OrgSpec(
            "bargaining-units",
            BargainingUnit,
            "Bargaining units",
            "bargaining unit",
            (
                CODE,
                NAME,
                OrgField("union_name", "Union"),
                OrgField("non_union", "Non-union group", kind="bool", default=False),
            ),
        ),
    )
}
