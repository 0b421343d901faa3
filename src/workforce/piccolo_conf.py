"""Piccolo configuration: one engine chosen by DATABASE_URL, one Piccolo app per domain.

DATABASE_URL unset → SQLite file ``workforce.sqlite3`` in the working directory;
``sqlite:///path/to/file`` → that SQLite file; ``postgresql://user@host:port/db`` → PostgreSQL.
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlparse

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine


def engine_from_url(url: str):
    if not url:
        return SQLiteEngine(path="workforce.sqlite3", timeout=30)
    if url.startswith("sqlite:///"):
        return SQLiteEngine(path=url.removeprefix("sqlite:///") or "workforce.sqlite3", timeout=30)
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlparse(url)
        config = {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            "user": unquote(parts.username or "postgres"),
            "database": (parts.path or "/workforce").lstrip("/"),
        }
        if parts.password:
            config["password"] = unquote(parts.password)
        # No extensions: production roles are rarely allowed CREATE EXTENSION.
        return PostgresEngine(config=config, extensions=())
    raise SystemExit(f"DATABASE_URL must start with sqlite:/// or postgresql://, got {url!r}")


DB = engine_from_url(os.environ.get("DATABASE_URL", ""))

APP_REGISTRY = AppRegistry(
    apps=[
        "workforce.web.piccolo_app",
        "workforce.accounts.piccolo_app",
        "workforce.audit.piccolo_app",
        "workforce.people.piccolo_app",
        "workforce.rules.piccolo_app",
        "workforce.actions.piccolo_app",
        "workforce.incidents.piccolo_app",
    ]
)
