"""What other modules tell an investigation, through two small registries. Later modules plug in from
their own `module.py` (import time) without any change to the incident code:

    from workforce.incidents.context import register_context_provider, register_hours_provider

    async def training_at(employee_id, station_id, at):      # training module
        ...
        return {"title": "Training for the station", "tone": "ok",
                "items": [("Forklift (FLT-2)", "valid until 2027-03-01")]}

    register_context_provider("training", training_at)

    async def site_hours(site_id, start, end):                 # roster module
        return {"2026-01": 61_250.0, "2026-02": 58_900.5, ...}  # actual hours worked per month

    register_hours_provider(site_hours)

A context provider answers None when it has nothing recorded for that person, place and time; the page
then says so honestly instead of guessing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

log = logging.getLogger("workforce")

ContextProvider = Callable[[int | None, int | None, datetime], Awaitable[dict[str, Any] | None]]
HoursProvider = Callable[[int, date, date], Awaitable[dict[str, float] | None]]


@dataclass(frozen=True)
class _Expected:
    name: str
    title: str
    question: str


#: The sections an investigation asks for, in page order, whether or not a module answers yet.
EXPECTED: tuple[_Expected, ...] = (
    _Expected(
        "training",
        "Training and qualification",
        "Was the person trained and qualified for this station at the time?",
    ),
    _Expected(
        "hours",
        "Hours worked in the 7 days before",
        "How long had the person worked in the week before (fatigue)?",
    ),
    _Expected(
        "permits",
        "Permits active at the location",
        "Was a permit to work (hot work, confined space, lockout…) active at the station?",
    ),
)

_PROVIDERS: dict[str, ContextProvider] = {}
_TITLES: dict[str, str] = {}
_HOURS: list[HoursProvider] = []

NOT_RECORDED = "Not recorded in Workforce yet."


def register_context_provider(name: str, provider: ContextProvider, title: str | None = None) -> None:
    """Register `async provider(employee_id, station_id, at) -> dict | None` under `name` ("training",
    "hours", "permits" or a new section). The dict may hold `title`, `tone` (ok/warn/danger), `items`
    [(label, value)], `text` and `href`. Registering a name again replaces the earlier provider."""
    _PROVIDERS[name] = provider
    if title:
        _TITLES[name] = title


def unregister_context_provider(name: str) -> None:
    _PROVIDERS.pop(name, None)
    _TITLES.pop(name, None)


def _section(
    name: str,
    title: str,
    question: str,
    answer: dict[str, Any] | None,
    *,
    registered: bool,
    failed: bool = False,
) -> dict[str, Any]:
    if failed:
        return {
            "name": name,
            "title": title,
            "question": question,
            "recorded": False,
            "tone": "warn",
            "items": [],
            "text": "The module that records this did not answer; try again later.",
            "href": "",
        }
    if answer is None:
        text = NOT_RECORDED if not registered else "Nothing recorded for this person, place and time."
        return {
            "name": name,
            "title": title,
            "question": question,
            "recorded": False,
            "tone": "muted",
            "items": [],
            "text": text,
            "href": "",
        }
    return {
        "name": name,
        "title": answer.get("title") or title,
        "question": question,
        "recorded": True,
        "tone": answer.get("tone", "plain"),
        "items": [tuple(i) for i in answer.get("items", [])],
        "text": answer.get("text", ""),
        "href": answer.get("href", ""),
    }


async def context_for(employee_id: int | None, station_id: int | None, at: datetime) -> list[dict[str, Any]]:
    """Sections for the investigation page: the expected ones first (answered or "not recorded in
    Workforce yet"), then any extra sections later modules registered. A failing provider never breaks
    the page."""
    names = [e.name for e in EXPECTED] + sorted(n for n in _PROVIDERS if n not in {e.name for e in EXPECTED})
    expected = {e.name: e for e in EXPECTED}
    sections = []
    for name in names:
        spec = expected.get(name)
        title = _TITLES.get(name) or (spec.title if spec else name.replace("_", " ").capitalize())
        question = spec.question if spec else ""
        provider = _PROVIDERS.get(name)
        if provider is None:
            sections.append(_section(name, title, question, None, registered=False))
            continue
        try:
            answer = await provider(employee_id, station_id, at)
        except Exception:  # a later module's bug must not hide the investigation
            log.exception("context provider %r failed", name)
            sections.append(_section(name, title, question, None, registered=True, failed=True))
            continue
        sections.append(_section(name, title, question, answer, registered=True))
    return sections


def register_hours_provider(provider: HoursProvider) -> None:
    """Register `async provider(site_id, start, end) -> {"YYYY-MM": hours}` giving actual hours worked
    per month (the roster module). Used for rates instead of entered hours when it answers."""
    _HOURS.clear()
    _HOURS.append(provider)


def unregister_hours_provider() -> None:
    _HOURS.clear()


async def provided_hours(site_id: int, start: date, end: date) -> dict[str, float] | None:
    """Monthly hours from the registered provider, or None when there is none or it has no data."""
    if not _HOURS:
        return None
    try:
        hours = await _HOURS[0](site_id, start, end)
    except Exception:
        log.exception("hours provider failed")
        return None
    return dict(hours) if hours else None
