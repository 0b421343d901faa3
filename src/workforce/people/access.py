"""Who may see what of a person beyond the basics."""

from __future__ import annotations

from typing import Any

#: Roles that see phone numbers and may take bulk exports: contact data leaving the system is
#: limited to the people who run shifts, HR and compliance. Safety and viewers see the rest.
CONTACT_ROLES = frozenset({"hr", "supervisor", "compliance", "admin"})


def can_see_contact(user: Any) -> bool:
    return user is not None and user.has(*CONTACT_ROLES)
