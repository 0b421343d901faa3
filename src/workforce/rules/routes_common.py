"""Roles and small helpers shared by the rule-set, overtime and report screens."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar.exceptions import PermissionDeniedException

from workforce.people import directory
from workforce.web.guards import roles

#: Rule sets and holidays: everyone who reads plant records.
READ = [roles("hr", "supervisor", "safety", "compliance", "viewer")]
#: Rule-set versions and plant holidays are written by HR (and admin).
HR = [roles("hr")]
#: The "test this rule set" page.
TESTERS = [roles("hr", "supervisor", "compliance")]
#: The overtime board, call lists, fairness and the report: read.
OT_READ = [roles("hr", "supervisor", "compliance", "viewer")]
#: Supervisors run the board: create opportunities, record offers, cancel.
OT_RUN = [roles("supervisor")]
#: Payroll export.
PAYROLL = [roles("hr", "compliance")]
#: Manual ledger rows (opening balances, new entrants, corrections).
LEDGER = [roles("hr")]

TAB_ROLES = frozenset({"hr", "supervisor", "compliance", "viewer"})


async def allowed_site_ids(user: Any) -> set[int] | None:
    """Sites the user's account is limited to (by site code), or None for every site."""
    if not getattr(user, "sites", None) or user.has("admin"):
        return None
    codes = set(user.sites)
    return {s["id"] for s in await directory.sites(active_only=False) if s["code"] in codes}


async def site_choices(user: Any) -> list[dict[str, Any]]:
    allowed = await allowed_site_ids(user)
    return [s for s in await directory.sites() if allowed is None or s["id"] in allowed]


async def check_site(user: Any, site_id: int) -> None:
    allowed = await allowed_site_ids(user)
    if allowed is not None and site_id not in allowed:
        raise PermissionDeniedException("This record belongs to a site outside your account's sites.")


def parse_day(text: str | None, default: date) -> tuple[date, str]:
    """A date from a query parameter; junk gives the default and a message for the page."""
    if not text:
        return default, ""
    try:
        return date.fromisoformat(text), ""
    except ValueError:
        return default, f"{text!r} is not a date (use YYYY-MM-DD); showing {default.isoformat()}."


def last_two_weeks(today: date) -> tuple[date, date]:
    """The two full Monday-Sunday weeks before this one: the default report and pay period."""
    this_monday = today - timedelta(days=today.weekday())
    return this_monday - timedelta(days=14), this_monday - timedelta(days=1)


def parse_id(text: str | None) -> int | None:
    try:
        value = int(text or "")
    except ValueError:
        return None
    return value if value > 0 else None
