"""Rule-set versions in the database: effective-dated per bargaining unit, immutable, audited.

Public functions other modules call:

- `ruleset_for(bargaining_unit_id, on_date)` → `(version row or None, RuleSet)`: the version in force
  on that date. Lookup order: the unit's latest version with `effective_from <= on_date` (ties: the
  later-created row); else the plant default's (`bargaining_unit_id` None) the same way; else the
  built-in `flsa` preset (the federal floor: a unit with no rule set of its own is owed at least that,
  29 U.S.C. 207), with None as the row.
- `RuleBook.load()` → every version in one query, for code that judges many people or dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from workforce.audit import trail
from workforce.audit.context import current_actor
from workforce.db import transaction
from workforce.rules.equalization import describe_order
from workforce.rules.model import RuleSet
from workforce.rules.ruleset import RuleSetError, diff_rulesets, load_preset, parse_ruleset
from workforce.rules.schema import WEEKDAYS
from workforce.rules.tables import RuleSetVersion
from workforce.web import idempotency

#: Used when neither the unit nor the plant has a version in force (documented in docs/rulesets.md).
FALLBACK_PRESET = "flsa"
DEFAULT_KEY = "default"


@lru_cache(maxsize=256)
def parse_cached(text: str) -> RuleSet:
    """Stored versions were validated when saved; parsing each text once per process is enough."""
    return parse_ruleset(text)


def unit_key(bargaining_unit_id: int | None) -> str:
    """The audit-trail and URL key of a unit's rule set: its id, or "default" for the plant default."""
    return DEFAULT_KEY if bargaining_unit_id is None else str(bargaining_unit_id)


def unit_from_key(key: str) -> int | None:
    """Inverse of unit_key; raises ValueError for junk."""
    if key == DEFAULT_KEY:
        return None
    value = int(key)
    if value <= 0:
        raise ValueError(key)
    return value


@dataclass
class RuleBook:
    """All versions, grouped by unit and sorted by (effective_from, id): date lookups without queries."""

    by_unit: dict[int | None, list[dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    async def load(cls) -> RuleBook:
        rows = (
            await RuleSetVersion.select().order_by(RuleSetVersion.effective_from).order_by(RuleSetVersion.id)
        )
        book = cls()
        for row in rows:
            book.by_unit.setdefault(row["bargaining_unit_id"], []).append(row)
        return book

    def latest_own(self, unit: int | None, on_date: date) -> dict[str, Any] | None:
        """The unit's own version in force on the date (no fallback to the plant default)."""
        found = None
        for row in self.by_unit.get(unit, ()):
            if row["effective_from"] > on_date:
                break
            found = row
        return found

    def scheduled(self, unit: int | None, after: date) -> dict[str, Any] | None:
        """The unit's next version that takes effect after the date, if one is saved."""
        later = [r for r in self.by_unit.get(unit, ()) if r["effective_from"] > after]
        if not later:
            return None
        first = later[0]["effective_from"]
        return [r for r in later if r["effective_from"] == first][-1]

    def version_for(self, bargaining_unit_id: int | None, on_date: date) -> dict[str, Any] | None:
        row = self.latest_own(bargaining_unit_id, on_date) if bargaining_unit_id is not None else None
        return row or self.latest_own(None, on_date)

    def for_date(
        self, bargaining_unit_id: int | None, on_date: date
    ) -> tuple[dict[str, Any] | None, RuleSet]:
        row = self.version_for(bargaining_unit_id, on_date)
        return (row, parse_cached(row["toml"])) if row else (None, load_preset(FALLBACK_PRESET))

    def changes_between(self, bargaining_unit_id: int | None, start: date, end: date) -> list[date]:
        """Dates in (start, end] on which the version in force for the unit changes."""
        dates = {
            row["effective_from"]
            for unit in {bargaining_unit_id, None}
            for row in self.by_unit.get(unit, ())
            if start < row["effective_from"] <= end
        }
        before = self.version_for(bargaining_unit_id, start)
        out = []
        for day in sorted(dates):
            now = self.version_for(bargaining_unit_id, day)
            if (now or {}).get("id") != (before or {}).get("id"):
                out.append(day)
            before = now
        return out

    def segments(
        self, bargaining_unit_id: int | None, start: date, end: date
    ) -> list[tuple[date, date, dict[str, Any] | None, RuleSet]]:
        """[(first day, last day, version row, rules)] covering start..end, one per version in force."""
        bounds = [start, *self.changes_between(bargaining_unit_id, start, end)]
        out = []
        for i, first in enumerate(bounds):
            last = end if i + 1 == len(bounds) else date.fromordinal(bounds[i + 1].toordinal() - 1)
            row, rules = self.for_date(bargaining_unit_id, first)
            out.append((first, last, row, rules))
        return out


async def ruleset_for(bargaining_unit_id: int | None, on_date: date) -> tuple[dict[str, Any] | None, RuleSet]:
    """The version in force for the unit on `on_date` and its parsed rules (see the module docstring)."""
    query = RuleSetVersion.select().where(RuleSetVersion.effective_from <= on_date)
    if bargaining_unit_id is None:
        query = query.where(RuleSetVersion.bargaining_unit_id.is_null())
    else:
        query = query.where(
            (RuleSetVersion.bargaining_unit_id == bargaining_unit_id)
            | RuleSetVersion.bargaining_unit_id.is_null()
        )
    rows = await query.order_by(RuleSetVersion.effective_from).order_by(RuleSetVersion.id)
    book = RuleBook()
    for row in rows:
        book.by_unit.setdefault(row["bargaining_unit_id"], []).append(row)
    return book.for_date(bargaining_unit_id, on_date)


def label(row: dict[str, Any] | None) -> str:
    if row is None:
        return f"{FALLBACK_PRESET} preset (built-in fallback)"
    return f"{row['name']} (v{row['id']}, from {row['effective_from'].isoformat()})"


def short_label(row: dict[str, Any] | None) -> str:
    """Without commas, for CSV cells: "Example CBA v3" or "flsa preset"."""
    return f"{FALLBACK_PRESET} preset" if row is None else f"{row['name']} v{row['id']}".replace(",", "")


async def get_version(version_id: int) -> dict[str, Any] | None:
    return await RuleSetVersion.select().where(RuleSetVersion.id == version_id).first()


async def versions_for(bargaining_unit_id: int | None) -> list[dict[str, Any]]:
    """Every version of one unit, newest effective date first."""
    query = RuleSetVersion.select()
    if bargaining_unit_id is None:
        query = query.where(RuleSetVersion.bargaining_unit_id.is_null())
    else:
        query = query.where(RuleSetVersion.bargaining_unit_id == bargaining_unit_id)
    return await query.order_by(RuleSetVersion.effective_from, ascending=False).order_by(
        RuleSetVersion.id, ascending=False
    )


async def latest_created(bargaining_unit_id: int | None) -> dict[str, Any] | None:
    """The most recently saved version (what an edit form is based on), whatever its effective date."""
    query = RuleSetVersion.select()
    if bargaining_unit_id is None:
        query = query.where(RuleSetVersion.bargaining_unit_id.is_null())
    else:
        query = query.where(RuleSetVersion.bargaining_unit_id == bargaining_unit_id)
    return await query.order_by(RuleSetVersion.id, ascending=False).first()


class StaleBase(Exception):
    """Another version was saved after the form was opened."""

    def __init__(self, latest: dict[str, Any] | None):
        super().__init__("a newer version was saved since the form was opened")
        self.latest = latest


class Duplicate(Exception):
    """The idempotency key was used already: `version_id` is what the first submit created."""

    def __init__(self, version_id: int):
        super().__init__("already saved")
        self.version_id = version_id


async def create_version(
    bargaining_unit_id: int | None,
    text: str,
    effective_from: date,
    note: str,
    *,
    preset: str = "",
    based_on: int | None = None,
    check_based_on: bool = True,
    idempotency_key: str = "",
    user_id: int | None = None,
) -> int:
    """Validate and save a new version; raises RuleSetError (with the key), StaleBase or Duplicate.

    `based_on` is the id of the latest version when the form was opened (None when there was none);
    if another version was saved since, StaleBase. Writes the version and its audit entry together.
    """
    rules = parse_ruleset(text)
    actor = current_actor.get()
    async with transaction():
        latest = await latest_created(bargaining_unit_id)
        if check_based_on and (latest or {}).get("id") != based_on:
            raise StaleBase(latest)
        rows = await RuleSetVersion.insert(
            RuleSetVersion(
                bargaining_unit_id=bargaining_unit_id,
                name=rules.name,
                preset=preset,
                toml=text,
                effective_from=effective_from,
                note=note,
                created_by=actor.name,
                created_by_id=user_id if user_id is not None else actor.id,
            )
        ).returning(RuleSetVersion.id)
        version_id = rows[0]["id"]
        if idempotency_key and not await idempotency.claim(
            idempotency_key, "ruleset_version", str(version_id), user_id
        ):
            raise _Rollback()
        changes = diff_rulesets(latest["toml"], text) if latest else []
        await trail.record(
            "ruleset.version.create",
            "ruleset",
            unit_key(bargaining_unit_id),
            before={"version": latest["id"], "effective_from": latest["effective_from"]} if latest else None,
            after={
                "version": version_id,
                "name": rules.name,
                "effective_from": effective_from,
                "note": note,
                "changes": [f"{k}: {_show(a)} → {_show(b)}" for k, a, b in changes],
            },
            summary=f"Rule set version {version_id} ({rules.name}) effective {effective_from.isoformat()}"
            + (f": {len(changes)} setting(s) changed" if latest else ""),
        )
    return version_id


class _Rollback(Exception):
    pass


async def create_version_once(*args: Any, idempotency_key: str, **kwargs: Any) -> int:
    """create_version, but a repeated submit of the same form returns the first submit's version."""
    if idempotency_key:
        done = await idempotency.existing(idempotency_key, "ruleset_version")
        if done:
            raise Duplicate(int(done))
    try:
        return await create_version(*args, idempotency_key=idempotency_key, **kwargs)
    except _Rollback:
        done = await idempotency.existing(idempotency_key, "ruleset_version")
        raise Duplicate(int(done or 0)) from None


def _show(value: Any) -> str:
    if value is None:
        return "off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):  # a call-list order: rank_by, forced_order
        return ", ".join(_show(v) for v in value)
    return str(value)


def show_value(value: Any) -> str:
    return _show(value)


_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_\-\"]+)\s*=")
_TABLE_LINE = re.compile(r"^\s*\[([^\]]+)\]\s*(#.*)?$")


def line_of_key(text: str, dotted: str) -> int | None:
    """The 1-based line where a dotted key (or its table) is written, to point the editor at it."""
    if not dotted:
        return None
    table, _, key = dotted.rpartition(".")
    current = ""
    table_line = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE_LINE.match(line)
        if header:
            current = header.group(1).strip()
            if current == dotted:
                return number
            if current == table:
                table_line = number
            continue
        found = _KEY_LINE.match(line)
        if found and current == table and found.group(1).strip('"') == key:
            return number
    return table_line


def _h(value: float) -> str:
    return f"{value:g} h"


def describe(rules: RuleSet) -> list[tuple[str, str]]:
    """The key settings in plain words, for the version page (docs/rulesets.md explains each)."""
    cal, pay = rules.calendar, rules.pay
    out = [
        (
            "Workweek",
            f"{WEEKDAYS[cal.workweek_start_day].title()} {cal.workweek_start_time:%H:%M}; "
            f"workday starts {cal.workday_start:%H:%M}",
        )
    ]
    ot, dt = f"{pay.overtime_multiplier:g}×", f"{pay.double_time_multiplier:g}×"
    if rules.daily_overtime:
        text = f"after {_h(rules.daily_overtime.after_hours)} in a workday at {ot}"
        if rules.daily_overtime.double_time_after_hours is not None:
            text += f"; after {_h(rules.daily_overtime.double_time_after_hours)} at {dt}"
        out.append(("Daily overtime", text))
    else:
        out.append(("Daily overtime", "none"))
    out.append(
        (
            "Weekly overtime",
            f"after {_h(rules.weekly_overtime.after_hours)} regular hours at {ot}"
            if rules.weekly_overtime
            else "none",
        )
    )
    if rules.seventh_day:
        first = _h(rules.seventh_day.double_time_after_hours)
        out.append(("Seventh day", f"first {first} at {ot}, then {dt}"))
    tiers = {1: ot, 2: dt}
    if rules.premiums.sunday:
        out.append(("Sundays", f"every hour at {tiers[int(rules.premiums.sunday)]}"))
    if rules.premiums.holiday:
        out.append(("Public holidays", f"every hour at {tiers[int(rules.premiums.holiday)]}"))
    if rules.night_differential:
        night = rules.night_differential
        out.append(("Night differential", f"{night.start:%H:%M}–{night.end:%H:%M} (stacks on the tier)"))
    if rules.call_in:
        out.append(("Call-in minimum", f"{_h(rules.call_in.minimum_hours)} paid"))
    lim = rules.limits
    if lim.daily_rest:
        out.append(("Daily rest", f"at least {_h(lim.daily_rest.hours)} ({lim.daily_rest.clause})"))
    if lim.min_rest:
        out.append(
            ("Minimum rest", f"at least {_h(lim.min_rest.hours)} between shifts ({lim.min_rest.clause})")
        )
    if lim.weekly_rest:
        wr = lim.weekly_rest
        out.append(("Weekly rest", f"{_h(wr.hours)} in every {wr.window_days} days ({wr.clause})"))
    if lim.max_weekly_average:
        avg = lim.max_weekly_average
        out.append(
            ("Weekly average", f"at most {_h(avg.hours)} over {avg.reference_weeks} weeks ({avg.clause})")
        )
    if lim.rest_break:
        rb = lim.rest_break
        out.append(
            (
                "Rest break",
                f"{rb.min_minutes:g} min when working more than {_h(rb.after_hours)} ({rb.clause})",
            )
        )
    if lim.max_hours_24h:
        out.append(("Hours in 24 h", f"at most {_h(lim.max_hours_24h.hours)} ({lim.max_hours_24h.clause})"))
    if lim.max_consecutive_days:
        mcd = lim.max_consecutive_days
        out.append(("Consecutive days", f"at most {mcd.days} ({mcd.clause})"))
    if lim.workday_split:
        out.append(("Workday split", f"warn for work periods over {_h(lim.workday_split.after_hours)}"))
    eq = rules.equalization
    charged = [w for w, on in (("refused", eq.charge_refused), ("unanswered", eq.charge_no_answer)) if on]
    out.append(
        (
            "Overtime equalization",
            describe_order(eq.rank_by).rstrip(".")
            + "; "
            + (
                f"{' and '.join(charged)} offers charged as worked"
                if charged
                else "only worked hours charged"
            )
            + f"; ledger resets on {eq.reset_on[0]:02d}-{eq.reset_on[1]:02d}"
            + f"; new entrants start at the group's {eq.new_entrant_charge}",
        )
    )
    cap = eq.max_forced_per_month
    out.append(
        (
            "Forced overtime",
            describe_order(eq.forced_order).rstrip(".")
            + (f"; at most {cap} times per person per month" if cap is not None else ""),
        )
    )
    return out


__all__ = [
    "DEFAULT_KEY",
    "FALLBACK_PRESET",
    "Duplicate",
    "RuleBook",
    "RuleSetError",
    "StaleBase",
    "create_version",
    "create_version_once",
    "describe",
    "get_version",
    "label",
    "latest_created",
    "line_of_key",
    "ruleset_for",
    "unit_from_key",
    "unit_key",
    "versions_for",
]
