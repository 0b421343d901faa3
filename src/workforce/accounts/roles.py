"""Roles a user can hold (several at once). Names are stable: they are stored and used in guards."""

ADMIN = "admin"
HR = "hr"
SUPERVISOR = "supervisor"
SAFETY = "safety"
COMPLIANCE = "compliance"
VIEWER = "viewer"

ROLES: dict[str, str] = {
    ADMIN: "Administrator: accounts, settings, audit trail",
    HR: "HR: people, organisation, rosters, rule sets",
    SUPERVISOR: "Shift supervisor: rosters, overtime, permits on own site",
    SAFETY: "Safety lead: incidents, investigations, OSHA records, permits, audits",
    COMPLIANCE: "Compliance: reports, training records, OSHA forms, audits",
    VIEWER: "Read-only",
}

#: Every role that may read plant records (pages that are not restricted further).
ANY_ROLE = frozenset(ROLES)


def validate_roles(roles: list[str]) -> list[str]:
    """Return the roles in canonical order, or raise ValueError naming the unknown one."""
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown role {unknown[0]!r}; choose from {', '.join(ROLES)}")
    if not roles:
        raise ValueError("choose at least one role")
    return [r for r in ROLES if r in set(roles)]
