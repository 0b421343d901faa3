"""Reads for the incident screens: the filtered list, one record with its people and photos, site look-ups
and time zones, and who may see what. Every function runs a fixed number of queries."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from workforce.incidents.tables import INCIDENT_TYPES, STATUSES, Incident, IncidentPerson, Photo
from workforce.people import directory

#: Roles that may see who was hurt and how (the 301 details); everyone else sees "restricted".
INJURY_READERS = frozenset({"safety", "hr", "compliance", "admin"})
#: Roles that may change incidents, investigations and OSHA classifications.
EDITORS = frozenset({"safety", "admin"})
#: Roles that may open the OSHA forms (300, 300A, 301, CSV) and edit the yearly figures.
OSHA_FORMS = frozenset({"safety", "compliance", "admin"})
#: Roles that may see rates (screen and API) and call the classify API.
RATES = frozenset({"safety", "compliance", "hr", "admin"})

LIST_COLUMNS = (
    Incident.id,
    Incident.kind,
    Incident.title,
    Incident.occurred_at,
    Incident.site_id,
    Incident.station_id,
    Incident.status,
    Incident.reporter_name,
    Incident.voided_at,
    Incident.location_detail,
)


def can_see_injuries(user: Any) -> bool:
    return bool(user.roles & INJURY_READERS)


def can_edit(user: Any) -> bool:
    return bool(user.roles & EDITORS)


async def sites_by_id() -> dict[int, dict[str, Any]]:
    return {s["id"]: s for s in await directory.sites(active_only=False)}


async def user_site_ids(user: Any, sites: dict[int, dict[str, Any]] | None = None) -> list[int] | None:
    """Site ids a user is limited to (User.sites lists site codes), None for all sites."""
    if not user.sites:
        return None
    sites = sites if sites is not None else await sites_by_id()
    codes = {c.upper() for c in user.sites}
    return [i for i, s in sites.items() if s["code"].upper() in codes]


def zone(site: dict[str, Any] | None) -> ZoneInfo:
    try:
        return ZoneInfo((site or {}).get("timezone") or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def local(value: datetime | None, site: dict[str, Any] | None) -> datetime | None:
    """A stored UTC time as the site's wall-clock time. Naive on purpose: the shared `dt` filter turns
    aware times into the server's zone, and a plant's records read in the plant's own time."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone(site)).replace(tzinfo=None)


@dataclass
class IncidentFilters:
    kind: str = ""
    site_id: int | None = None
    status: str = ""
    since: date | None = None
    until: date | None = None
    q: str = ""
    errors: dict[str, str] | None = None

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> IncidentFilters:
        errors: dict[str, str] = {}
        kind = params.get("type") or ""
        status = params.get("status") or ""
        site_id = None
        if params.get("site"):
            try:
                site_id = int(params["site"])
            except ValueError:
                errors["site"] = "Unknown site."
        dates = {}
        for name in ("since", "until"):
            raw = params.get(name) or ""
            try:
                dates[name] = date.fromisoformat(raw) if raw else None
            except ValueError:
                errors[name] = f"{raw!r} is not a date (use YYYY-MM-DD)."
                dates[name] = None
        return cls(
            kind=kind if kind in INCIDENT_TYPES else "",
            site_id=site_id,
            status=status if status in STATUSES or status in ("voided", "all") else "",
            since=dates["since"],
            until=dates["until"],
            q=(params.get("q") or "").strip()[:100],
            errors=errors,
        )


def list_queries(filters: IncidentFilters, site_ids: list[int] | None, tz: ZoneInfo | None = None):
    """(rows query, count query) for the incident list: newest first, voided hidden unless asked."""
    tz = tz or ZoneInfo("UTC")
    conditions = []
    if filters.kind:
        conditions.append(Incident.kind == filters.kind)
    if filters.site_id:
        conditions.append(Incident.site_id == filters.site_id)
    if site_ids is not None:
        conditions.append(Incident.site_id.is_in(site_ids or [-1]))
    if filters.status == "voided":
        conditions.append(Incident.voided_at.is_not_null())
    elif filters.status != "all":
        conditions.append(Incident.voided_at.is_null())
        if filters.status:
            conditions.append(Incident.status == filters.status)
    if filters.since:
        conditions.append(Incident.occurred_at >= datetime.combine(filters.since, time.min, tz))
    if filters.until:
        conditions.append(
            Incident.occurred_at < datetime.combine(filters.until + timedelta(days=1), time.min, tz)
        )
    if filters.q:
        if filters.q.isdigit():
            conditions.append(Incident.id == int(filters.q))
        else:
            conditions.append(Incident.search_text.like(f"%{filters.q.lower()}%"))
    query = (
        Incident.select(*LIST_COLUMNS)
        .order_by(Incident.occurred_at, ascending=False)
        .order_by(Incident.id, ascending=False)
    )
    count = Incident.count()
    for condition in conditions:
        query, count = query.where(condition), count.where(condition)
    return query, count


async def label_rows(rows: list[dict[str, Any]], sites: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Add site and station labels and local times to list rows (one station query for the page)."""
    stations = await directory.stations_by_ids({r["station_id"] for r in rows if r["station_id"]})
    for row in rows:
        site = sites.get(row["site_id"])
        row["site"] = site
        row["station"] = stations.get(row["station_id"]) if row["station_id"] else None
        row["occurred_local"] = local(row["occurred_at"], site)
        row["kind_label"] = INCIDENT_TYPES.get(row["kind"], row["kind"])
    return rows


def where_text(row: dict[str, Any]) -> str:
    """Form 300 column E: where the event occurred (station, or the free-text place)."""
    parts = []
    station = row.get("station")
    if station:
        parts.append(f"{station['line_name']}, {station['code']} {station['name']}")
    if row.get("location_detail"):
        parts.append(row["location_detail"])
    return "; ".join(parts) or ((row.get("site") or {}).get("name") or "")


async def incident(incident_id: int) -> dict[str, Any] | None:
    return await Incident.select().where(Incident.id == incident_id).first()


async def people(incident_id: int) -> list[dict[str, Any]]:
    """People of an incident with their directory summary under `employee` (two queries)."""
    rows = (
        await IncidentPerson.select()
        .where(IncidentPerson.incident == incident_id)
        .order_by(IncidentPerson.id)
    )
    found = await directory.employees_by_ids({r["employee_id"] for r in rows})
    for row in rows:
        row["employee"] = found.get(row["employee_id"]) or {
            "name": f"Employee {row['employee_id']}",
            "label": f"Employee {row['employee_id']}",
            "job_class": "",
        }
    return rows


async def photos(incident_id: int) -> list[dict[str, Any]]:
    return (
        await Photo.select(Photo.id, Photo.caption, Photo.width, Photo.height, Photo.size, Photo.created_at)
        .where(Photo.incident == incident_id)
        .order_by(Photo.id)
    )


async def photos_for_print(incident_id: int) -> list[dict[str, Any]]:
    """The photos with their stored JPEG as a `data:` URL: the PDF fetcher loads nothing else. The stored
    image (at most 1600 px, EXIF removed on upload) prints sharp at the report's photo size."""
    rows = (
        await Photo.select(Photo.id, Photo.caption, Photo.content_type, Photo.data)
        .where(Photo.incident == incident_id)
        .order_by(Photo.id)
    )
    for row in rows:
        data = base64.b64encode(bytes(row.pop("data"))).decode("ascii")
        row["src"] = f"data:{row['content_type'] or 'image/jpeg'};base64,{data}"
    return rows


def mask_people(rows: list[dict[str, Any]], allowed: bool) -> list[dict[str, Any]]:
    """Replace the injured people's identity and health details with "restricted" for readers who may not
    see them; witnesses and others involved stay visible."""
    if allowed:
        return rows
    masked = []
    for row in rows:
        if row["role"] != "injured":
            masked.append(row)
            continue
        masked.append(
            {
                "id": row["id"],
                "role": "injured",
                "restricted": True,
                "statement": "",
                "employee": {"name": "Restricted", "label": "Restricted", "job_class": ""},
                "case_number": row.get("case_number", ""),
            }
        )
    return masked
