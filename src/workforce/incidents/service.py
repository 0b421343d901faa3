"""Incident writes: report (idempotent), edit, status, void, people, photos, 1904.39 severe events.

Every write runs in one transaction with its audit entry (`trail.record`). Incidents are never deleted
(1904.33 keeps the records five years): voiding keeps the row with who, when and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from workforce.audit import trail
from workforce.db import StaleVersion, transaction, update_versioned, utcnow
from workforce.incidents import queries
from workforce.incidents.photos import StoredPhoto
from workforce.incidents.tables import (
    INCIDENT_TYPES,
    PERSON_ROLES,
    STATUSES,
    Incident,
    IncidentPerson,
    Photo,
)
from workforce.people import directory
from workforce.web import idempotency

IDEMPOTENCY_SCOPE = "incident"
#: A tablet clock a little ahead of the server's must not make "now" a future time.
CLOCK_SKEW = timedelta(minutes=10)


class IncidentInvalid(ValueError):
    """Field errors keyed by form field name; nothing was written."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class _Duplicate(Exception):
    """Raised inside the transaction so it rolls back when another submit claimed the key first."""


@dataclass
class Report:
    """A validated report, ready to insert."""

    kind: str
    title: str
    site_id: int
    occurred_at: datetime
    station_id: int | None = None
    description: str = ""
    immediate_action: str = ""
    location_detail: str = ""
    people: list[tuple[int, str]] = field(default_factory=list)


def search_text(title: str, description: str) -> str:
    return f"{title} {description[:200]}".lower()[:400]


def parse_local(text: str, site: dict[str, Any] | None) -> datetime:
    """A datetime-local value ("2026-03-04T07:30") on the site's wall clock, as an aware datetime."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=queries.zone(site))
    return value


async def validate_report(data: dict[str, Any], *, now: datetime | None = None) -> Report:
    """Check a report form (few required fields: what, where, when); raises IncidentInvalid."""
    now = now or datetime.now(UTC)
    errors: dict[str, str] = {}
    kind = str(data.get("kind") or "near_miss")
    if kind not in INCIDENT_TYPES:
        errors["kind"] = "Choose what kind of event it was."
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = "Say in a few words what happened."
    elif len(title) > 200:
        errors["title"] = "Keep it under 200 characters; put the rest in the description."
    site = None
    site_id: int | None = None
    try:
        site_id = int(str(data.get("site_id") or ""))
        site = await directory.site(site_id)
    except ValueError:
        site_id = None
    if site is None:
        errors["site_id"] = "Choose the site."
    station_id: int | None = None
    if data.get("station_id"):
        try:
            station_id = int(str(data["station_id"]))
        except ValueError:
            station_id = -1
        station = (await directory.stations_by_ids([station_id])).get(station_id)
        if station is None or (site is not None and station["site_id"] != site_id):
            errors["station_id"] = "Choose a station of that site (or leave it empty)."
    occurred_at = now
    raw_when = str(data.get("occurred_at") or "").strip()
    if raw_when and raw_when == str(data.get("occurred_at_default") or ""):
        # Without the script the form's "now" was the first site's clock: an unchanged default means now.
        raw_when = ""
    if raw_when:
        try:
            occurred_at = parse_local(raw_when, site)
        except ValueError:
            errors["occurred_at"] = f"{raw_when!r} is not a date and time."
        else:
            if occurred_at > now + CLOCK_SKEW:
                errors["occurred_at"] = "That time is in the future."
            elif occurred_at < now - timedelta(days=366 * 6):
                errors["occurred_at"] = (
                    "That is more than six years ago; records are kept five years (1904.33)."
                )
    people = _people(data, errors)
    if people:
        known = await directory.employees_by_ids({p for p, _r in people})
        for i, (employee_id, _role) in enumerate(people):
            if employee_id not in known:
                errors[f"person_{i}"] = f"Unknown employee {employee_id}."
    if errors:
        raise IncidentInvalid(errors)
    assert site_id is not None
    return Report(
        kind=kind,
        title=title,
        site_id=site_id,
        occurred_at=occurred_at,
        station_id=station_id,
        description=str(data.get("description") or "").strip(),
        immediate_action=str(data.get("immediate_action") or "").strip(),
        location_detail=str(data.get("location_detail") or "").strip()[:200],
        people=people,
    )


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _people(data: dict[str, Any], errors: dict[str, str]) -> list[tuple[int, str]]:
    """person_id / person_role pairs posted by the people picker; one role per person."""
    ids, person_roles = _as_list(data.get("person_id")), _as_list(data.get("person_role"))
    found: dict[int, str] = {}
    for i, raw in enumerate(ids):
        try:
            employee_id = int(raw)
        except ValueError:
            errors[f"person_{i}"] = "Choose the person from the list."
            continue
        role = person_roles[i] if i < len(person_roles) else "involved"
        found[employee_id] = role if role in PERSON_ROLES else "involved"
    return list(found.items())


def snapshot(row: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "kind",
        "title",
        "description",
        "immediate_action",
        "occurred_at",
        "site_id",
        "station_id",
        "location_detail",
        "status",
        "death_at",
        "hospitalized_at",
        "amputation",
        "loss_of_eye",
        "reporting_exempt",
        "osha_reported_at",
        "osha_report_reference",
        "voided_at",
        "void_reason",
    )
    return {k: row.get(k) for k in keys}


async def report_incident(
    report: Report,
    user: Any,
    *,
    photos: list[StoredPhoto] = (),  # type: ignore[assignment]
    idempotency_key: str = "",
) -> tuple[int, bool]:
    """Insert a report with its people and photos; (incident id, created). A repeat of the same
    idempotency key (double tap, or the offline queue resending) returns the first record instead."""
    if idempotency_key:
        found = await idempotency.existing(idempotency_key, IDEMPOTENCY_SCOPE)
        if found:
            return int(found), False
    now = utcnow()
    values = {
        "kind": report.kind,
        "title": report.title,
        "description": report.description,
        "immediate_action": report.immediate_action,
        "occurred_at": report.occurred_at,
        "reported_at": now,
        "site_id": report.site_id,
        "station_id": report.station_id,
        "location_detail": report.location_detail,
        "reporter_user_id": user.id,
        "reporter_name": user.display_name,
        "status": "reported",
        "search_text": search_text(report.title, report.description),
        "created_at": now,
        "updated_at": now,
    }
    try:
        async with transaction():
            incident_id = (await Incident.insert(Incident(**values)).returning(Incident.id))[0]["id"]
            if idempotency_key and not await idempotency.claim(
                idempotency_key, IDEMPOTENCY_SCOPE, str(incident_id), user.id
            ):
                raise _Duplicate()
            if report.people:
                await IncidentPerson.insert(
                    *[IncidentPerson(incident=incident_id, employee_id=e, role=r) for e, r in report.people]
                )
            for photo in photos:
                await Photo.insert(
                    Photo(
                        incident=incident_id,
                        data=photo.data,
                        thumbnail=photo.thumbnail,
                        width=photo.width,
                        height=photo.height,
                        size=len(photo.data),
                        content_type=photo.content_type,
                        uploaded_by=user.id,
                    )
                )
            await trail.record(
                "incident.report",
                "incident",
                incident_id,
                after={**snapshot(values), "people": len(report.people), "photos": len(photos)},
                summary=f"{INCIDENT_TYPES[report.kind]} reported: {report.title}",
            )
    except _Duplicate:
        found = await idempotency.existing(idempotency_key, IDEMPOTENCY_SCOPE)
        return int(found or 0), False
    return incident_id, True


async def update_incident(incident_id: int, version: int, report: Report) -> int:
    """Edit the report's own fields (not people or photos); raises StaleVersion, and IncidentInvalid for
    a voided incident."""
    values = {
        "kind": report.kind,
        "title": report.title,
        "description": report.description,
        "immediate_action": report.immediate_action,
        "occurred_at": report.occurred_at,
        "site_id": report.site_id,
        "station_id": report.station_id,
        "location_detail": report.location_detail,
        "search_text": search_text(report.title, report.description),
        "updated_at": utcnow(),
    }
    async with transaction():
        before = await queries.incident(incident_id)
        if before is not None and before["version"] != version:  # a stale form merges first (routes)
            raise StaleVersion(before)
        if before is not None and before["voided_at"] is not None:  # kept as it was when voided
            raise IncidentInvalid({"": "This incident was voided; it is kept as it was, not edited."})
        new_version = await update_versioned(Incident, incident_id, version, values)
        await trail.record(
            "incident.update",
            "incident",
            incident_id,
            before=snapshot(before or {}),
            after=snapshot({**(before or {}), **values}),
            summary="Incident edited",
        )
    return new_version


async def set_status(incident_id: int, version: int, status: str, note: str = "") -> int:
    """reported → investigating → closed; reopening a closed incident needs a note."""
    if status not in STATUSES:
        raise IncidentInvalid({"status": "Unknown status."})
    async with transaction():
        before = await queries.incident(incident_id)
        if before is None:
            raise IncidentInvalid({"status": "No such incident."})
        if before["voided_at"] is not None:
            raise IncidentInvalid({"status": "A voided incident cannot change status."})
        if before["status"] == "closed" and status != "closed" and not note.strip():
            raise IncidentInvalid({"note": "Say why the incident is reopened."})
        new_version = await update_versioned(
            Incident, incident_id, version, {"status": status, "updated_at": utcnow()}
        )
        await trail.record(
            "incident.status",
            "incident",
            incident_id,
            before={"status": before["status"]},
            after={"status": status},
            summary=f"Status {STATUSES[before['status']]} → {STATUSES[status]}"
            + (f": {note.strip()}" if note.strip() else ""),
        )
    return new_version


async def void_incident(incident_id: int, version: int, reason: str, user: Any) -> int:
    """Void (never delete) an incident reported in error or twice; the reason is required and kept."""
    reason = reason.strip()
    if not reason:
        raise IncidentInvalid({"void_reason": "Give the reason; it is kept with the record."})
    async with transaction():
        before = await queries.incident(incident_id)
        if before is None or before["voided_at"] is not None:
            raise IncidentInvalid({"void_reason": "This incident is already voided."})
        values = {
            "voided_at": utcnow(),
            "void_reason": reason[:255],
            "voided_by": user.id,
            "updated_at": utcnow(),
        }
        new_version = await update_versioned(Incident, incident_id, version, values)
        await trail.record(
            "incident.void",
            "incident",
            incident_id,
            before={"voided_at": None},
            after={"voided_at": values["voided_at"], "void_reason": values["void_reason"]},
            summary=f"Incident voided: {reason}",
        )
    return new_version


SEVERE_FIELDS = (
    "death_at",
    "hospitalized_at",
    "amputation",
    "loss_of_eye",
    "reporting_exempt",
    "osha_reported_at",
    "osha_report_reference",
)


async def update_severe_events(incident_id: int, version: int, values: dict[str, Any]) -> int:
    """1904.39 facts: death, in-patient hospitalization, amputation, loss of an eye, exemption, report."""
    async with transaction():
        before = await queries.incident(incident_id)
        new_version = await update_versioned(
            Incident, incident_id, version, {**values, "updated_at": utcnow()}
        )
        await trail.record(
            "incident.reporting",
            "incident",
            incident_id,
            before={k: (before or {}).get(k) for k in SEVERE_FIELDS},
            after={k: values.get(k) for k in SEVERE_FIELDS},
            summary="OSHA reporting facts (1904.39) updated",
        )
    return new_version


async def add_person(incident_id: int, employee_id: int, role: str, statement: str = "") -> int:
    if role not in PERSON_ROLES:
        raise IncidentInvalid({"role": "Choose injured, witness or involved."})
    if not await directory.employee(employee_id):
        raise IncidentInvalid({"employee_id": "Choose the person from the list."})
    async with transaction():
        exists = await IncidentPerson.exists().where(
            (IncidentPerson.incident == incident_id) & (IncidentPerson.employee_id == employee_id)
        )
        if exists:
            raise IncidentInvalid({"employee_id": "That person is already on this incident."})
        person_id = (
            await IncidentPerson.insert(
                IncidentPerson(
                    incident=incident_id, employee_id=employee_id, role=role, statement=statement.strip()
                )
            ).returning(IncidentPerson.id)
        )[0]["id"]
        # Names are personal data: the trail keeps the employee id, not the name or any health detail.
        await trail.record(
            "incident.person_add",
            "incident",
            incident_id,
            after={"person_id": person_id, "employee_id": employee_id, "role": role},
            summary=f"{PERSON_ROLES[role]} added (employee {employee_id})",
        )
    return person_id


#: The 301 and log fields of an injured person; changes are audited without their values.
DETAIL_FIELDS = (
    "statement",
    "injury_description",
    "body_part",
    "object_substance",
    "activity_before",
    "log_description",
    "time_began_work",
    "physician",
    "facility",
    "emergency_room",
    "hospitalized_overnight",
    "street",
    "city",
    "state",
    "zip_code",
    "birth_date",
    "sex",
    "role",
)


async def update_person(person_id: int, version: int, values: dict[str, Any]) -> int:
    """Save a person's role, statement and (for the injured) the Form 301 details."""
    async with transaction():
        before = await IncidentPerson.select().where(IncidentPerson.id == person_id).first()
        if before is None:
            raise IncidentInvalid({"role": "No such person on this incident."})
        new_version = await update_versioned(IncidentPerson, person_id, version, values)
        changed = sorted(k for k in values if before.get(k) != values[k])
        # Health details stay out of the trail's before/after: it records which fields changed.
        await trail.record(
            "incident.person_update",
            "incident",
            before["incident"],
            before={"person_id": person_id, "role": before["role"]},
            after={
                "person_id": person_id,
                "role": values.get("role", before["role"]),
                "fields_changed": changed,
            },
            summary=f"Person details updated (employee {before['employee_id']}): "
            f"{', '.join(changed) or 'no change'}",
        )
    return new_version


async def add_photo(incident_id: int, photo: StoredPhoto, caption: str, user: Any) -> int:
    async with transaction():
        photo_id = (
            await Photo.insert(
                Photo(
                    incident=incident_id,
                    data=photo.data,
                    thumbnail=photo.thumbnail,
                    width=photo.width,
                    height=photo.height,
                    size=len(photo.data),
                    content_type=photo.content_type,
                    caption=caption.strip()[:200],
                    uploaded_by=user.id,
                )
            ).returning(Photo.id)
        )[0]["id"]
        await trail.record(
            "incident.photo_add",
            "incident",
            incident_id,
            after={"photo_id": photo_id, "width": photo.width, "height": photo.height},
            summary=f"Photo added ({photo.width}×{photo.height})",
        )
    return photo_id


def parse_detail_values(data: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The person form's fields, cleaned; birth date parsed, booleans from checkboxes."""
    values: dict[str, Any] = {}
    for key in DETAIL_FIELDS:
        if key in ("emergency_room", "hospitalized_overnight"):
            values[key] = data.get(key) in ("on", "yes", "true", "1")
        elif key == "birth_date":
            raw = str(data.get(key) or "").strip()
            try:
                values[key] = date.fromisoformat(raw) if raw else None
            except ValueError:
                errors[key] = f"{raw!r} is not a date (use YYYY-MM-DD)."
        elif key == "role":
            role = str(data.get("role") or "involved")
            if role not in PERSON_ROLES:
                errors["role"] = "Choose injured, witness or involved."
            values[key] = role
        else:
            values[key] = str(data.get(key) or "").strip()
    if values.get("sex") not in ("", "male", "female"):
        errors["sex"] = "Choose male, female or leave empty."
    return values
