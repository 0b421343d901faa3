"""The message a user sees when someone saved the record after they opened it."""

from __future__ import annotations

from typing import Any

from workforce.audit import trail
from workforce.web.templating import fmt_dt


async def stale_message(entity_type: str, entity_id: Any) -> str:
    last = (await trail.history(entity_type, entity_id, limit=1) or [{}])[0]
    who = last.get("actor_name", "someone")
    when = fmt_dt(last.get("at")) or "an unknown time"
    return (
        f"Changed by {who} at {when} since you opened it. The form now shows the saved record; "
        "make your change again."
    )
