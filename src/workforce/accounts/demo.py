"""Demo accounts: one per role, with passwords printed by `workforce demo-data` and `make run`."""

from __future__ import annotations

from typing import Any

from workforce.accounts import service
from workforce.accounts.roles import ROLES
from workforce.accounts.tables import User

DEMO_USERS = [
    ("admin", "Ada Admin", ["admin"]),
    ("hr", "Hana Reyes", ["hr"]),
    ("supervisor", "Sam Okafor", ["supervisor"]),
    ("safety", "Sofia Lindqvist", ["safety"]),
    ("compliance", "Carl Mendes", ["compliance"]),
    ("viewer", "Vic Tran", ["viewer"]),
]


def demo_password(username: str) -> str:
    return f"{username}-demo-pass"


def demo_logins() -> list[tuple[str, str, str]]:
    return [(u, demo_password(u), ", ".join(r)) for u, _n, r in DEMO_USERS]


async def demo(ctx: Any) -> None:
    for username, name, roles in DEMO_USERS:
        assert all(r in ROLES for r in roles)
        user_id = await service.create_user(
            username, demo_password(username), roles, name, f"{username}@plant.example"
        )
        ctx.users[username] = user_id
    # The demo shift supervisor runs the Riverside floor only: their people pages show that site.
    await User.update({User.sites: ["RIV"]}).where(User.id == ctx.users["supervisor"])
