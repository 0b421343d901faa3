"""What a user sees when someone saved the record after they opened it: who and when, and the form merged:
the other person's changes taken in, the user's own kept, and where both changed a field, the saved value
shown beside the user's. Saving again (the form carries the new version) then keeps what the form shows."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from workforce.audit import trail
from workforce.web.forms import FormErrors
from workforce.web.templating import fmt_dt


async def changed_by(entity_type: str, entity_id: Any) -> str:
    """Who saved the record last and when, from its history."""
    last = (await trail.history(entity_type, entity_id, limit=1) or [{}])[0]
    who = last.get("actor_name", "someone")
    when = fmt_dt(last.get("at")) or "an unknown time"
    return f"Changed by {who} at {when} since you opened it."


async def stale_message(entity_type: str, entity_id: Any, *, kept: bool = False) -> str:
    changed = await changed_by(entity_type, entity_id)
    if kept:
        return (
            f"{changed} Their changes are now in the form and yours are kept; where you both changed "
            "a field, theirs is shown next to it. Check, then save again."
        )
    return f"{changed} The form now shows the saved record; make your change again."


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


ORIGINAL_FIELD = "_original"


def original_json(values: Mapping[str, Any]) -> str:
    """The values the form was opened with, for a hidden field: after a clash they tell which fields this
    user changed and which the other person did."""
    return json.dumps({k: _text(v) for k, v in values.items() if k != "version"})


def original_from(data: Mapping[str, Any]) -> dict[str, str] | None:
    try:
        original = json.loads(str(data.get(ORIGINAL_FIELD) or ""))
    except ValueError:
        return None
    return {str(k): _text(v) for k, v in original.items()} if isinstance(original, dict) else None


def already_saved(mine: Mapping[str, Any], saved: Mapping[str, Any]) -> bool:
    """Every field the user posted is what is saved now: their save went through already (a double tap,
    or a retry after the answer was lost on flaky Wi-Fi), so it is answered as saved, not as a clash."""
    return all(_text(value) == _text(saved[name]) for name, value in mine.items() if name in saved)


def merge_stale(
    errors: FormErrors,
    mine: Mapping[str, Any],
    original: Mapping[str, str] | None,
    saved: Mapping[str, Any],
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> set[str]:
    """Someone saved first. A three-way merge over the fields the user posted: a field only they changed
    takes the saved value; one only this user changed keeps the user's; where both changed it differently
    the user's is kept and the saved value is noted beside it (`labels` turns codes of select fields into
    what the user reads). Without the original (a page from before this existed) every differing field
    is noted. Returns the fields to take from the saved record."""
    take = set()
    for name, value in saved.items():
        if name == "version" or name not in mine:
            continue
        m, s = _text(mine[name]), _text(value)
        base = original.get(name) if original is not None else None
        if m == s or (base is not None and s == base):
            continue  # the same, or only this user changed it
        if base is not None and m == base:
            take.add(name)  # only they changed it
            continue
        shown = (labels or {}).get(name, {}).get(s, s)
        errors.add(name, f"Saved meanwhile as: {shown or '(empty)'}")
    return take
