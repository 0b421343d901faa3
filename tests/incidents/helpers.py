"""Builders for the incident tests: a small plant (two sites in different time zones), incidents written
straight to the tables with keyword defaults, users with site limits, and a query counter."""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.conftest import make_user, run
from workforce.incidents.tables import Incident, IncidentPerson
from workforce.people.tables import Department, Employee, Line, Site, Station


def make_plant(employees: int = 4) -> dict[str, Any]:
    """Sites RIV (Chicago) and LKS (Detroit), one line with three stations each, `employees` people per
    site. Returns ids: sites {code: id}, stations {code: [ids]}, employees {code: [ids]}."""

    async def build() -> dict[str, Any]:
        out: dict[str, Any] = {"sites": {}, "stations": {}, "employees": {}}
        for code, name, tz, address in (
            ("RIV", "Riverside Assembly", "America/Chicago", "1200 River Rd, Joliet, IL"),
            ("LKS", "Lakeshore Components", "America/Detroit", "45 Harbor Ave, Muskegon, MI"),
        ):
            site = (
                await Site.insert(Site(code=code, name=name, timezone=tz, address=address)).returning(Site.id)
            )[0]["id"]
            dept = (
                await Department.insert(Department(site=site, code="D1", name="Assembly")).returning(
                    Department.id
                )
            )[0]["id"]
            line = (
                await Line.insert(Line(department=dept, code=f"{code}L1", name=f"{code} line 1")).returning(
                    Line.id
                )
            )[0]["id"]
            stations = [
                r["id"]
                for r in await Station.insert(
                    *[Station(line=line, code=f"{code}-0{n}", name=f"Station {n}") for n in range(1, 4)]
                ).returning(Station.id)
            ]
            people = [
                r["id"]
                for r in await Employee.insert(
                    *[
                        Employee(
                            employee_number=f"{code}{n:03d}",
                            first_name=f"First{n}",
                            last_name=f"{code}Last{n}",
                            search_text=f"{code.lower()}last{n} first{n} {code.lower()}{n:03d}",
                            job_class="Operator II",
                            site=site,
                            department=dept,
                            home_station=stations[0],
                            hire_date=date(2015, 3, 1),
                            seniority_date=date(2015, 3, 1),
                        )
                        for n in range(1, employees + 1)
                    ]
                ).returning(Employee.id)
            ]
            out["sites"][code] = site
            out["stations"][code] = stations
            out["employees"][code] = people
        return out

    return run(build())


def make_incident(
    site_id: int,
    *,
    kind: str = "near_miss",
    title: str = "Pallet slipped",
    station_id=None,
    occurred_at: datetime | None = None,
    people: list[tuple[int, str]] = (),
    **values: Any,
) -> int:
    """Insert an incident directly (no service, no audit) with keyword defaults."""
    when = occurred_at or datetime.now(UTC) - timedelta(days=1)

    async def insert() -> int:
        row = Incident(
            kind=kind,
            title=title,
            description=values.pop("description", ""),
            occurred_at=when,
            reported_at=values.pop("reported_at", when + timedelta(minutes=30)),
            site_id=site_id,
            station_id=station_id,
            reporter_name="Tester",
            search_text=title.lower(),
            **values,
        )
        incident_id = (await Incident.insert(row).returning(Incident.id))[0]["id"]
        for employee_id, role in people:
            await IncidentPerson.insert(
                IncidentPerson(incident=incident_id, employee_id=employee_id, role=role)
            )
        return incident_id

    return run(insert())


def person_ids(incident_id: int) -> list[int]:
    rows = run(
        IncidentPerson.select(IncidentPerson.id)
        .where(IncidentPerson.incident == incident_id)
        .order_by(IncidentPerson.id)
    )
    return [r["id"] for r in rows]


def limit_sites(username: str, codes: list[str]) -> None:
    from workforce.accounts.tables import User

    run(User.update({User.sites: codes}).where(User.username == username))


def user_with_sites(username: str, roles: list[str], codes: list[str]) -> int:
    user_id = make_user(username, roles)
    limit_sites(username, codes)
    return user_id


def jpeg_with_gps(width: int = 2400, height: int = 1800) -> bytes:
    """A JPEG with EXIF GPS coordinates, an orientation tag and a camera serial, like a phone photo."""
    from PIL import Image

    image = Image.new("RGB", (width, height), (200, 80, 40))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (41.0, 31.0, 30.0)
    gps[3], gps[4] = "W", (88.0, 5.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@contextmanager
def count_queries():
    """Count the SQL statements the app runs inside the block.

    Every Piccolo query goes through `engine.run_querystring` (one call per statement), so wrapping that
    method on the engine's class counts them whatever thread the TestClient's app runs in. Yields a list
    whose length is the count; the statements' text is kept for failure messages.
    """
    from workforce.db import engine

    cls = type(engine())
    original = cls.run_querystring
    seen: list[str] = []

    async def counting(self, querystring, *args, **kwargs):
        seen.append(str(querystring)[:200])
        return await original(self, querystring, *args, **kwargs)

    cls.run_querystring = counting
    try:
        yield seen
    finally:
        cls.run_querystring = original
