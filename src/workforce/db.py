"""Database helpers shared by every domain: the engine, transactions, optimistic locking."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table


def engine():
    found = engine_finder()
    if found is None:  # pragma: no cover - PICCOLO_CONF is set in workforce/__init__
        raise RuntimeError("Piccolo engine not configured")
    return found


def utcnow() -> datetime:
    return datetime.now(UTC)


@asynccontextmanager
async def transaction():
    """One write, one transaction. SQLite takes the write lock up front (IMMEDIATE) so two
    writers queue instead of failing half-way with 'database is locked'."""
    eng = engine()
    if isinstance(eng, SQLiteEngine):
        async with eng.transaction(transaction_type=TransactionType.immediate) as txn:
            yield txn
    else:
        async with eng.transaction() as txn:
            yield txn


class StaleVersion(Exception):
    """Raised when a row changed since the form was opened (optimistic locking)."""

    def __init__(self, current: dict[str, Any] | None):
        super().__init__("record changed since it was opened")
        self.current = current


async def update_versioned(table: type[Table], row_id: int, version: int, values: dict[str, Any]) -> int:
    """Update a row only if its version is still `version`; return the new version.

    The check and the write are one statement, so two tablets saving at once cannot both win.
    """
    new_version = version + 1
    payload = {getattr(table, k): v for k, v in values.items()}
    payload[table.version] = new_version  # type: ignore[attr-defined]
    rows = (
        await table.update(payload)
        .where((table._meta.primary_key == row_id) & (table.version == version))  # type: ignore[attr-defined]
        .returning(table._meta.primary_key)
    )
    if not rows:
        current = await table.select().where(table._meta.primary_key == row_id).first()
        raise StaleVersion(current)
    return new_version


def is_unique_violation(exc: BaseException) -> bool:
    """True for a unique-constraint failure on either engine (sqlite3 or asyncpg)."""
    name = type(exc).__name__
    text = str(exc).lower()
    return name == "UniqueViolationError" or (name == "IntegrityError" and "unique" in text)
