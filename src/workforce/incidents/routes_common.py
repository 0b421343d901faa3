"""What every incident screen shares: the role guards, loading a record the user may see, history
redaction and the station picker's data."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException

from workforce.audit import trail
from workforce.incidents import queries
from workforce.people import directory
from workforce.web.guards import roles

# Role matrix (admin always passes):
#   report a near miss / any incident ........ every signed-in user (the default login guard)
#   read the list and records ................ safety, supervisor, hr, compliance, viewer (own sites only
#                                               when the account is limited to sites)
#   injured person details ................... safety, hr, compliance (others see "Restricted")
#   edit, investigate, classify, CAPA, void .. safety
#   OSHA forms 300/300A/301, CSV, year data .. safety, compliance
#   rates page and API, classify API ........ safety, compliance, hr
READERS = [roles("safety", "supervisor", "hr", "compliance", "viewer")]
EDITORS = [roles("safety")]
OSHA_FORMS = [roles("safety", "compliance")]
RATES = [roles("safety", "compliance", "hr")]

#: Audit actions whose before/after may hold injured-person facts: shown without values to other roles.
SENSITIVE_ACTIONS = frozenset({"incident.person_update", "incident.osha_classify", "incident.person_add"})


async def load_incident(
    request: Request, incident_id: int
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """The incident and the site map, or 404 when it does not exist or lies outside the user's sites."""
    row = await queries.incident(incident_id)
    sites = await queries.sites_by_id()
    allowed = await queries.user_site_ids(request.scope["user"], sites)
    if row is None or (allowed is not None and row["site_id"] not in allowed):
        raise NotFoundException(f"No incident {incident_id}.")
    return row, sites


async def history_for(incident_id: int, user: Any) -> list[dict[str, Any]]:
    rows = await trail.history("incident", incident_id)
    if queries.can_see_injuries(user):
        return rows
    for row in rows:
        if row["action"] in SENSITIVE_ACTIONS:
            row["before"], row["after"], row["changed"] = None, None, []
            row["summary"] = "Injured person or OSHA case details changed (restricted)"
    return rows


async def station_groups(site_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Stations grouped by site and line for the picker: [{site_id, label, stations: [...]}]."""
    groups: dict[tuple[int, int], dict[str, Any]] = {}
    for station in await directory.stations():
        if site_ids is not None and station["site_id"] not in site_ids:
            continue
        key = (station["site_id"], station["line_id"])
        group = groups.setdefault(
            key,
            {
                "site_id": station["site_id"],
                "label": f"{station['site_code']} › {station['line_name']}",
                "stations": [],
            },
        )
        group["stations"].append(station)
    return list(groups.values())
