"""One record per submit: a form carries a random key; the first request with it claims the key
inside the write's transaction, a repeat finds the record the first one made."""

from __future__ import annotations

import secrets

from workforce.db import is_unique_violation
from workforce.web.tables import IdempotencyKey


def new_key() -> str:
    return secrets.token_hex(16)


def valid_key(key: str | None) -> bool:
    return bool(key) and 16 <= len(key) <= 64 and all(c.isalnum() or c in "-_" for c in key)  # type: ignore[union-attr]


async def existing(key: str, scope: str) -> str | None:
    """The entity id a previous submit with this key created, if any."""
    row = (
        await IdempotencyKey.select(IdempotencyKey.entity_id)
        .where((IdempotencyKey.key == key) & (IdempotencyKey.scope == scope))
        .first()
    )
    return row["entity_id"] if row else None


async def claim(key: str, scope: str, entity_id: str, user_id: int | None) -> bool:
    """Record the key for `entity_id`. Call inside the write's transaction; False means another
    request claimed it first (the caller should roll back and show that request's record)."""
    try:
        await IdempotencyKey.insert(
            IdempotencyKey(key=key, scope=scope, entity_id=entity_id, user_id=user_id)
        )
    except Exception as exc:  # the driver's own IntegrityError type differs per engine
        if is_unique_violation(exc):
            return False
        raise
    return True
