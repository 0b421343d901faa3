"""How a domain plugs into the app: its routes, navigation entries, demo-data hook, tabs it adds to
other records' pages, and context it offers to investigations. Each domain declares one `MODULE`
in its `module.py`; `workforce.modules.INSTALLED` lists them in load order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    roles: frozenset[str]
    #: Lower sorts first in the navigation bar.
    order: int = 50
    #: Menu the link sits in ("People", "Time", "Safety", "Admin"); empty: a top-level link.
    group: str = ""


@dataclass(frozen=True)
class Tab:
    """A tab another module adds to a record page (e.g. training on the employee page).

    `render(request, record_id)` returns HTML for the tab body (an htmx-loaded fragment URL is
    also fine: `href` is used when set)."""

    key: str
    label: str
    href: Callable[[int], str]
    roles: frozenset[str]
    order: int = 50


@dataclass
class Module:
    name: str
    routes: list[Any] = field(default_factory=list)
    nav: list[NavItem] = field(default_factory=list)
    #: async (DemoContext) -> None, run by `workforce demo-data` in INSTALLED order.
    demo: Callable[[Any], Awaitable[None]] | None = None
    #: Tabs offered to other records' pages, keyed by the page ("employee", "incident", …).
    tabs: dict[str, list[Tab]] = field(default_factory=dict)
    #: Dashboard cards: async (user) -> dict | None (title, value, href, tone).
    dashboard: list[Callable[[Any], Awaitable[dict[str, Any] | None]]] = field(default_factory=list)


def load_modules() -> list[Module]:
    from importlib import import_module

    from workforce.modules import INSTALLED

    return [import_module(f"workforce.{name}.module").MODULE for name in INSTALLED]


def tabs_for(page: str, roles: frozenset[str]) -> list[Tab]:
    tabs = [t for m in load_modules() for t in m.tabs.get(page, []) if roles & (t.roles | {"admin"})]
    return sorted(tabs, key=lambda t: (t.order, t.label))
