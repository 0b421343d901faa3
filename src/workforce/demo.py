"""`workforce demo-data`: a living plant, built by each installed domain's hook in load order."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workforce.audit.context import Actor, current_actor
from workforce.web.registry import load_modules


@dataclass
class DemoContext:
    """Shared by the hooks: a seeded random source and what earlier hooks made."""

    employees: int
    years: int
    seed: int
    today: date = field(default_factory=date.today)
    rng: random.Random = field(init=False)
    users: dict[str, int] = field(default_factory=dict)
    #: Free-form results earlier hooks leave for later ones (e.g. "sites", "employee_ids").
    made: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @property
    def start(self) -> date:
        return date(self.today.year - self.years, self.today.month, min(self.today.day, 28))


async def database_is_empty() -> bool:
    from workforce.accounts.tables import User

    return await User.count() == 0


async def load_demo(ctx: DemoContext, echo=print) -> None:
    token = current_actor.set(Actor(None, "demo-data"))
    try:
        for module in load_modules():
            if module.demo is not None:
                echo(f"  {module.name} …")
                await module.demo(ctx)
    finally:
        current_actor.reset(token)
