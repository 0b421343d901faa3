"""Settings read from the environment once, with the defaults a plant install needs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _root() -> Path:
    """Where templates/, static/ and migrations/ are: beside src/ in a checkout (editable install),
    or inside the package under _data/ in a wheel (see pyproject's force-include)."""
    checkout = PACKAGE.parents[1]
    return checkout if (checkout / "templates" / "base.html").exists() else PACKAGE / "_data"


ROOT = _root()


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from exc


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    secret_key: str = ""
    organisation: str = "Workforce demo plant"
    paper_size: str = "A4"
    session_idle_minutes: int = 15
    session_absolute_hours: int = 12
    secure_cookies: bool = False
    throttle_failures: int = 5
    throttle_window_minutes: int = 15
    max_body_bytes: int = 20 * 1024 * 1024
    debug: bool = False
    #: PostgreSQL connection pool size per process (0: a connection per query, as tests use).
    db_pool_size: int = 10
    #: Start the PDF worker processes with the app, not on the first long print (`workforce serve` does).
    print_workers_at_start: bool = False
    templates_dirs: tuple[Path, ...] = field(default_factory=tuple)

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    paper = os.environ.get("WORKFORCE_PAPER_SIZE", "A4")
    if paper not in {"A4", "Letter"}:
        raise SystemExit(f"WORKFORCE_PAPER_SIZE must be A4 or Letter, got {paper!r}")
    return Settings(
        database_url=os.environ.get("DATABASE_URL", ""),
        secret_key=os.environ.get("WORKFORCE_SECRET_KEY", ""),
        organisation=os.environ.get("WORKFORCE_ORGANISATION", "Workforce demo plant"),
        paper_size=paper,
        session_idle_minutes=_int("WORKFORCE_SESSION_IDLE_MINUTES", 15),
        session_absolute_hours=_int("WORKFORCE_SESSION_ABSOLUTE_HOURS", 12),
        secure_cookies=_bool("WORKFORCE_SECURE_COOKIES", False),
        throttle_failures=_int("WORKFORCE_LOGIN_MAX_FAILURES", 5),
        throttle_window_minutes=_int("WORKFORCE_LOGIN_WINDOW_MINUTES", 15),
        max_body_bytes=_int("WORKFORCE_MAX_BODY_BYTES", 20 * 1024 * 1024),
        debug=_bool("WORKFORCE_DEBUG", False),
        db_pool_size=_int("WORKFORCE_DB_POOL_SIZE", 10),
        print_workers_at_start=_bool("WORKFORCE_PRINT_WORKERS_AT_START", False),
    )
