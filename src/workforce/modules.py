"""Installed domains, in load order (a later domain may use an earlier one's public functions)."""

INSTALLED = [
    "web",
    "accounts",
    "audit",
    "people",
    "rules",
    "actions",
    "incidents",
]
