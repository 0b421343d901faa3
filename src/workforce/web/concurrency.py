"""What a user sees when someone saved the record after they opened it: who and when, their own entries
kept, and next to each field where the saved record now differs, the saved value. Saving again (the form
carries the new version) then keeps theirs, knowingly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workforce.audit import trail
from workforce.web.forms import FormErrors
from workforce.web.templating import fmt_dt


async def stale_message(entity_type: str, entity_id: Any, *, kept: bool = False) -> str:
    last = (await trail.history(entity_type, entity_id, limit=1) or [{}])[0]
    who = last.get("actor_name", "someone")
    when = fmt_dt(last.get("at")) or "an unknown time"
    if kept:
        return (
            f"Changed by {who} at {when} since you opened it. Your entries are kept: where the saved record "
            "now differs, its value is shown next to the field. Save again to keep yours."
        )
    return (
        f"Changed by {who} at {when} since you opened it. The form now shows the saved record; "
        "make your change again."
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def mark_changed_fields(
    errors: FormErrors,
    mine: Mapping[str, Any],
    saved: Mapping[str, Any],
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> list[str]:
    """Note the saved value next to every field the user posted that now differs from the saved record;
    `labels` turns codes of select fields into what the user reads. Returns the fields noted."""
    changed = []
    for name, value in saved.items():
        if name == "version" or name not in mine or _text(mine[name]) == _text(value):
            continue
        shown = (labels or {}).get(name, {}).get(_text(value), _text(value))
        errors.add(name, f"Saved meanwhile as: {shown or '(empty)'}")
        changed.append(name)
    return changed
