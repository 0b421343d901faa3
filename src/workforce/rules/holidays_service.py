"""Public holidays per site: the `holidays` library for the site's country and subdivision, plus the
plant's own holidays added in the app (a shutdown day, Christmas Eve …).

Public functions other modules call:

- `holidays_for(site_id, start, end)` → set of dates (both kinds, start and end inclusive)
- `holidays_by_site(site_ids, start, end)` → {site_id: set of dates}, two queries whatever the sites
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

import holidays as holiday_library

from workforce.audit import trail
from workforce.audit.context import current_actor
from workforce.db import transaction
from workforce.people import directory
from workforce.rules.tables import PlantHoliday


class HolidayError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@lru_cache(maxsize=128)
def _library_year(country: str, subdivision: str, year: int) -> tuple[tuple[date, str], ...]:
    try:
        found = holiday_library.country_holidays(country, subdiv=subdivision or None, years=year)
    except NotImplementedError:  # a country or subdivision the library does not know
        return ()
    return tuple(sorted(found.items()))


def library_holidays(country: str, subdivision: str, start: date, end: date) -> dict[date, str]:
    """Public holidays from the library for a country/subdivision between start and end (inclusive)."""
    out: dict[date, str] = {}
    if not country:
        return out
    for year in range(start.year, end.year + 1):
        for day, name in _library_year(country.upper(), subdivision.upper(), year):
            if start <= day <= end:
                out[day] = name
    return out


def library_supports(country: str, subdivision: str) -> bool:
    try:
        holiday_library.country_holidays(country, subdiv=subdivision or None, years=2000)
    except NotImplementedError:
        return False
    return True


async def holidays_by_site(
    site_ids: list[int] | set[int],
    start: date,
    end: date,
    *,
    sites: Mapping[int, dict[str, Any]] | None = None,
) -> dict[int, set[date]]:
    """Library and plant holidays for each site between start and end inclusive (two queries; one when
    the caller has the sites' rows already: `sites`, by id)."""
    wanted = {s for s in site_ids if s is not None}
    if not wanted:
        return {}
    if sites is None or not wanted <= set(sites):
        sites = {s["id"]: s for s in await directory.sites(active_only=False)}
    sites = {site_id: s for site_id, s in sites.items() if site_id in wanted}
    out: dict[int, set[date]] = {
        site_id: set(library_holidays(s["country"], s["subdivision"], start, end))
        for site_id, s in sites.items()
    }
    rows = await PlantHoliday.select(PlantHoliday.site_id, PlantHoliday.day).where(
        PlantHoliday.site_id.is_in(sorted(wanted)) & (PlantHoliday.day >= start) & (PlantHoliday.day <= end)
    )
    for row in rows:
        out.setdefault(row["site_id"], set()).add(row["day"])
    return out


async def holidays_for(
    site_id: int, start: date, end: date, *, site: dict[str, Any] | None = None
) -> set[date]:
    """The site's public holidays (library) and plant holidays between start and end, inclusive
    (`site`: its row, if the caller has it, saves reading it again)."""
    known = {site_id: site} if site is not None and site.get("id") == site_id else None
    return (await holidays_by_site([site_id], start, end, sites=known)).get(site_id, set())


async def calendar(site: dict[str, Any], year: int) -> list[dict[str, Any]]:
    """One year's holidays of a site, in date order: library ones (read-only) and the plant's own."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    rows = [
        {"day": day, "name": name, "source": "library", "id": None}
        for day, name in library_holidays(site["country"], site["subdivision"], start, end).items()
    ]
    plant = (
        await PlantHoliday.select()
        .where((PlantHoliday.site_id == site["id"]) & (PlantHoliday.day >= start) & (PlantHoliday.day <= end))
        .order_by(PlantHoliday.day)
    )
    rows += [{**p, "source": "plant"} for p in plant]
    return sorted(rows, key=lambda r: (r["day"], r["source"] != "library", r["name"]))


async def add_plant_holiday(site_id: int, day: date, name: str) -> int:
    name = name.strip()
    if not name:
        raise HolidayError("name", "Name the holiday (e.g. Plant shutdown).")
    if len(name) > 120:
        raise HolidayError("name", "Keep the name under 120 characters.")
    site = await directory.site(site_id)
    if site is None:
        raise HolidayError("site", "Choose a site.")
    async with transaction():
        exists = await PlantHoliday.exists().where(
            (PlantHoliday.site_id == site_id) & (PlantHoliday.day == day)
        )
        if exists:
            raise HolidayError("day", f"{site['code']} already has a plant holiday on {day.isoformat()}.")
        library = library_holidays(site["country"], site["subdivision"], day, day)
        if day in library:
            raise HolidayError("day", f"{day.isoformat()} is already a public holiday: {library[day]}.")
        rows = await PlantHoliday.insert(
            PlantHoliday(site_id=site_id, day=day, name=name, created_by=current_actor.get().name)
        ).returning(PlantHoliday.id)
        holiday_id = rows[0]["id"]
        after = {"site": site["code"], "day": day, "name": name}
        await trail.record(
            "holiday.create",
            "plant_holiday",
            holiday_id,
            after=after,
            summary=f"Plant holiday {day.isoformat()} {name} added at {site['code']}",
        )
    return holiday_id


async def remove_plant_holiday(holiday_id: int) -> dict[str, Any] | None:
    """Delete a plant holiday (the audit entry keeps what it was); None if it was already gone."""
    async with transaction():
        row = await PlantHoliday.select().where(PlantHoliday.id == holiday_id).first()
        if row is None:
            return None
        await PlantHoliday.delete().where(PlantHoliday.id == holiday_id)
        await trail.record(
            "holiday.delete",
            "plant_holiday",
            holiday_id,
            before={"site_id": row["site_id"], "day": row["day"], "name": row["name"]},
            summary=f"Plant holiday {row['day'].isoformat()} {row['name']} removed",
        )
    return row
