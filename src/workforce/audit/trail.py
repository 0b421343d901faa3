"""The one function every write calls. Append-only: there is no update or delete path."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from workforce.audit.context import current_actor, current_request_id
from workforce.audit.tables import AuditEntry


def _plain(value: Any) -> Any:
    """JSON-safe copy: dates as ISO text, decimals as strings, nested containers walked."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


#: Never copied into the trail, whatever table they come from.
SECRET_FIELDS = frozenset({"password_hash", "token_hash"})


def _clean(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: _plain(v) for k, v in values.items() if k not in SECRET_FIELDS}


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    before, after = before or {}, after or {}
    keys = sorted(set(before) | set(after))
    return [k for k in keys if _plain(before.get(k)) != _plain(after.get(k)) and k != "version"]


async def record(
    action: str,
    entity_type: str,
    entity_id: Any,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: str = "",
) -> None:
    """Append one audit entry. Call it inside the same transaction as the write it describes."""
    actor = current_actor.get()
    await AuditEntry.insert(
        AuditEntry(
            actor_id=actor.id,
            actor_name=actor.name,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            summary=summary[:255],
            before=json.dumps(_clean(before)) if before is not None else None,
            after=json.dumps(_clean(after)) if after is not None else None,
            request_id=current_request_id.get(),
        )
    )


async def history(entity_type: str, entity_id: Any, limit: int = 100) -> list[dict[str, Any]]:
    """Entries for one record, newest first, with before/after decoded and the changed fields."""
    rows = (
        await AuditEntry.select()
        .where((AuditEntry.entity_type == entity_type) & (AuditEntry.entity_id == str(entity_id)))
        .order_by(AuditEntry.id, ascending=False)
        .limit(limit)
        .output(load_json=True)
    )
    for row in rows:
        row["changed"] = changed_fields(row["before"], row["after"])
    return rows
