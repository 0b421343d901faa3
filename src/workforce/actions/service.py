"""CAPA actions over the database. This is the public API other modules call:

- `create_action(source_type, source_id, title=..., due_date=..., ...)` → new action id
- `actions_for(source_type, source_id)` / `actions_for_many(source_type, ids)` → rows with `overdue`
- `register_source(source_type, resolver)` → how the overdue list links back to the source record

Status changes follow `incidents.rootcause.transition` (ISO 45001:2018 10.2): a failed effectiveness
check reopens the action (10.2(f)); nothing is deleted, a cancelled action keeps its reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from workforce.actions.tables import Action
from workforce.audit import trail
from workforce.db import StaleVersion, transaction, update_versioned, utcnow
from workforce.incidents.rootcause import (
    CAPA_STATUSES,
    CAPA_TRANSITIONS,
    ActionStateError,
    EffectivenessCheck,
    apply_effectiveness_check,
    is_overdue,
    transition,
)
from workforce.web import idempotency

STATUS_LABELS: dict[str, str] = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "verified_effective": "Verified effective",
    "cancelled": "Cancelled",
}
assert tuple(STATUS_LABELS) == CAPA_STATUSES
#: Statuses with no way out (verified effective, cancelled): the record is kept as it was.
FINAL = tuple(status for status, onward in CAPA_TRANSITIONS.items() if not onward)
PRIORITIES: dict[str, str] = {"high": "High", "medium": "Medium", "low": "Low"}
# ISO 45001 10.2 vocabulary (see domain notes §16).
KINDS: dict[str, str] = {
    "correction": "Correction (immediate fix)",
    "corrective": "Corrective action",
    "preventive": "Preventive action",
}
# ISO 45001 8.1.2 hierarchy of controls, most effective first.
CONTROL_LEVELS: dict[str, str] = {
    "elimination": "Elimination",
    "substitution": "Substitution",
    "engineering": "Engineering control",
    "administrative": "Administrative control",
    "ppe": "Personal protective equipment",
}
ACTIVE = ("open", "in_progress")

#: async (ids) -> {id: {"label": str, "href": str}}, registered per source type.
SourceResolver = Callable[[list[int]], Awaitable[dict[int, dict[str, str]]]]
_SOURCES: dict[str, SourceResolver] = {}


def register_source(source_type: str, resolver: SourceResolver) -> None:
    """Let the action lists show and link the record an action came from (e.g. "Incident 42")."""
    _SOURCES[source_type] = resolver


async def source_labels(rows: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, str]]:
    """One resolver call per source type, whatever the number of rows."""
    by_type: dict[str, set[int]] = {}
    for row in rows:
        by_type.setdefault(row["source_type"], set()).add(row["source_id"])
    found: dict[tuple[str, int], dict[str, str]] = {}
    for source_type, ids in by_type.items():
        resolver = _SOURCES.get(source_type)
        labels = await resolver(sorted(ids)) if resolver else {}
        for source_id in ids:
            found[(source_type, source_id)] = labels.get(
                source_id, {"label": f"{source_type.replace('_', ' ').title()} {source_id}", "href": ""}
            )
    return found


class ActionInvalid(ValueError):
    """Field errors, keyed by form field name."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _date(value: Any, name: str, errors: dict[str, str], required: bool = False) -> date | None:
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            errors[name] = "Enter a date."
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = f"{text!r} is not a date (use YYYY-MM-DD)."
        return None


def validate(values: dict[str, Any]) -> dict[str, Any]:
    """Clean the editable fields of an action or raise ActionInvalid naming each bad field."""
    errors: dict[str, str] = {}
    title = str(values.get("title") or "").strip()
    if not title:
        errors["title"] = "Say what will be done."
    elif len(title) > 200:
        errors["title"] = "Keep the title under 200 characters; put details in the description."
    priority = str(values.get("priority") or "medium")
    if priority not in PRIORITIES:
        errors["priority"] = f"Choose one of {', '.join(PRIORITIES)}."
    kind = str(values.get("kind") or "corrective")
    if kind not in KINDS:
        errors["kind"] = f"Choose one of {', '.join(KINDS)}."
    level = str(values.get("control_level") or "")
    if level and level not in CONTROL_LEVELS:
        errors["control_level"] = f"Choose one of {', '.join(CONTROL_LEVELS)}."
    due = _date(values.get("due_date"), "due_date", errors, required=True)
    check_due = _date(values.get("effectiveness_due"), "effectiveness_due", errors)
    if due and check_due and check_due < due:
        errors["effectiveness_due"] = "Plan the effectiveness check after the due date."
    owner_id = values.get("owner_user_id")
    try:
        owner_id = int(owner_id) if owner_id not in (None, "") else None
    except (TypeError, ValueError):
        errors["owner_user_id"] = "Choose an owner from the list."
        owner_id = None
    owner_name = str(values.get("owner_name") or "").strip()
    if owner_id is None and not owner_name:
        errors["owner_user_id"] = "Every action needs an owner."
    if errors:
        raise ActionInvalid(errors)
    return {
        "title": title,
        "description": str(values.get("description") or "").strip(),
        "priority": priority,
        "kind": kind,
        "control_level": level,
        "due_date": due,
        "effectiveness_due": check_due,
        "effectiveness_criterion": str(values.get("effectiveness_criterion") or "").strip()[:255],
        "owner_user_id": owner_id,
        "owner_name": owner_name[:160],
    }


SNAPSHOT = (
    "title",
    "description",
    "kind",
    "control_level",
    "owner_user_id",
    "owner_name",
    "priority",
    "due_date",
    "status",
    "status_reason",
    "completed_on",
    "effectiveness_due",
    "effectiveness_criterion",
    "effectiveness_checked_on",
    "effectiveness_result",
    "effective",
)


def _snapshot(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in SNAPSHOT}


async def create_action(
    source_type: str,
    source_id: int,
    *,
    title: str,
    due_date: date | str,
    owner_user_id: int | None = None,
    owner_name: str = "",
    priority: str = "medium",
    kind: str = "corrective",
    control_level: str = "",
    description: str = "",
    site_id: int | None = None,
    effectiveness_due: date | str | None = None,
    effectiveness_criterion: str = "",
    created_by: int | None = None,
    idempotency_key: str | None = None,
) -> int:
    """Create an open action linked to a source record; raises ActionInvalid. With an idempotency key a
    repeated submit returns the first action's id instead of creating another."""
    clean = validate(
        {
            "title": title,
            "due_date": due_date,
            "owner_user_id": owner_user_id,
            "owner_name": owner_name,
            "priority": priority,
            "kind": kind,
            "control_level": control_level,
            "description": description,
            "effectiveness_due": effectiveness_due,
            "effectiveness_criterion": effectiveness_criterion,
        }
    )
    async with transaction():
        row = (
            await Action.insert(
                Action(
                    source_type=source_type,
                    source_id=source_id,
                    site_id=site_id,
                    created_by=created_by,
                    **clean,
                )
            ).returning(Action.id)
        )[0]
        action_id = row["id"]
        if idempotency_key and not await idempotency.claim(
            idempotency_key, "action", str(action_id), created_by
        ):
            raise _Duplicate()
        await trail.record(
            "action.create",
            "action",
            action_id,
            after={**clean, "status": "open"},
            summary=f"Action created for {source_type} {source_id}: {clean['title']}",
        )
    return action_id


class _Duplicate(Exception):
    """Raised inside the transaction to roll it back when the idempotency key was already used."""


async def create_action_once(
    source_type: str, source_id: int, idempotency_key: str, **fields: Any
) -> tuple[int, bool]:
    """`create_action` for forms: (id, created). A double submit returns the first action's id."""
    if idempotency_key:
        found = await idempotency.existing(idempotency_key, "action")
        if found:
            return int(found), False
    try:
        return await create_action(source_type, source_id, idempotency_key=idempotency_key, **fields), True
    except _Duplicate:
        found = await idempotency.existing(idempotency_key, "action")
        return int(found or 0), False


def decorate(row: dict[str, Any], today: date) -> dict[str, Any]:
    row["overdue"] = is_overdue(row["status"], row["due_date"], today)
    row["check_due"] = (
        row["status"] == "done" and row["effectiveness_due"] is not None and row["effectiveness_due"] <= today
    )
    return row


async def actions_for(source_type: str, source_id: int, today: date | None = None) -> list[dict[str, Any]]:
    """Every action of one source record, oldest first, with `overdue` and `check_due` flags."""
    rows = (
        await Action.select()
        .where((Action.source_type == source_type) & (Action.source_id == source_id))
        .order_by(Action.id)
    )
    today = today or date.today()
    return [decorate(r, today) for r in rows]


async def actions_for_many(
    source_type: str, ids: list[int] | set[int], today: date | None = None
) -> dict[int, list[dict[str, Any]]]:
    """Actions of many source records in one query, keyed by source id."""
    ids = sorted(set(ids))
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return found
    today = today or date.today()
    rows = (
        await Action.select()
        .where((Action.source_type == source_type) & Action.source_id.is_in(ids))
        .order_by(Action.id)
    )
    for row in rows:
        found[row["source_id"]].append(decorate(row, today))
    return found


async def get_action(action_id: int, today: date | None = None) -> dict[str, Any] | None:
    row = await Action.select().where(Action.id == action_id).first()
    return decorate(row, today or date.today()) if row else None


async def update_action(action_id: int, version: int, values: dict[str, Any]) -> int:
    """Edit title, owner, dates… (not the status); raises ActionInvalid or StaleVersion."""
    clean = validate(values)
    async with transaction():
        before = await Action.select().where(Action.id == action_id).first()
        if before is not None and before["version"] != version:  # a stale form merges first (routes)
            raise StaleVersion(before)
        if before is not None and before["status"] in FINAL:
            label = STATUS_LABELS[before["status"]].lower()
            raise ActionInvalid({"": f"This action is {label}; it is kept as it was, not edited."})
        new_version = await update_versioned(Action, action_id, version, {**clean, "updated_at": utcnow()})
        await trail.record(
            "action.update",
            "action",
            action_id,
            before=_snapshot(before),
            after={**_snapshot(before), **clean},
            summary=f"Action {action_id} edited",
        )
    return new_version


async def change_status(
    action_id: int, version: int, target: str, reason: str = "", today: date | None = None
) -> int:
    """Move an action along the CAPA status machine; cancelling needs a reason. Raises ActionStateError."""
    today = today or date.today()
    async with transaction():
        before = await Action.select().where(Action.id == action_id).first()
        if before is None:
            raise ActionStateError(f"no action {action_id}")
        transition(before["status"], target)
        if target == "cancelled" and not reason.strip():
            raise ActionStateError("give a reason for cancelling; it stays in the record")
        values: dict[str, Any] = {
            "status": target,
            "status_reason": reason.strip()[:255],
            "updated_at": utcnow(),
        }
        if target == "done":
            values["completed_on"] = today
        new_version = await update_versioned(Action, action_id, version, values)
        await trail.record(
            "action.status",
            "action",
            action_id,
            before=_snapshot(before),
            after={**_snapshot(before), **values},
            summary=f"Action {action_id}: {STATUS_LABELS[before['status']]} → "
            f"{STATUS_LABELS[target]}" + (f" ({reason.strip()})" if reason.strip() else ""),
        )
    return new_version


async def record_effectiveness(
    action_id: int, version: int, checked_on: date, criterion: str, result: str, effective: bool
) -> str:
    """Record the effectiveness check of a done action (ISO 45001 10.2(f)): verified if it worked, else
    reopened. Returns the new status; raises ActionStateError."""
    async with transaction():
        before = await Action.select().where(Action.id == action_id).first()
        if before is None:
            raise ActionStateError(f"no action {action_id}")
        check = EffectivenessCheck(checked_on, criterion.strip(), result.strip(), effective)
        target = apply_effectiveness_check(before["status"], check)
        values = {
            "status": target,
            "effectiveness_checked_on": checked_on,
            "effectiveness_criterion": check.criterion[:255],
            "effectiveness_result": check.result,
            "effective": effective,
            "updated_at": utcnow(),
        }
        await update_versioned(Action, action_id, version, values)
        await trail.record(
            "action.effectiveness",
            "action",
            action_id,
            before=_snapshot(before),
            after={**_snapshot(before), **values},
            summary=f"Effectiveness check of action {action_id}: "
            + ("effective" if effective else "not effective, reopened"),
        )
    return target


def list_queries(
    *,
    status: str = "",
    overdue_on: date | None = None,
    site_ids: list[int] | None = None,
    owner_user_id: int | None = None,
    source_type: str = "",
):
    """(rows query, count query) for the action list; `overdue_on` keeps open actions due before it."""
    conditions = []
    if status == "active":
        conditions.append(Action.status.is_in(list(ACTIVE)))
    elif status in STATUS_LABELS:
        conditions.append(Action.status == status)
    if overdue_on is not None:
        conditions.append(Action.status.is_in(list(ACTIVE)))
        conditions.append(Action.due_date < overdue_on)
    if site_ids is not None:
        conditions.append(Action.site_id.is_in(site_ids or [-1]))
    if owner_user_id is not None:
        conditions.append(Action.owner_user_id == owner_user_id)
    if source_type:
        conditions.append(Action.source_type == source_type)
    query = Action.select().order_by(Action.due_date).order_by(Action.id)
    count = Action.count()
    for condition in conditions:
        query, count = query.where(condition), count.where(condition)
    return query, count


async def overdue_count(today: date | None = None, site_ids: list[int] | None = None) -> int:
    _query, count = list_queries(overdue_on=today or date.today(), site_ids=site_ids)
    return await count


async def open_count_for_owner(user_id: int) -> int:
    _query, count = list_queries(status="active", owner_user_id=user_id)
    return await count
