"""Investigation writes, one section at a time: timeline, immediate causes, 5 Whys, fishbone (6M), 8D,
summary. The checks are the pure ones in `rootcause`; each save is versioned and audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from workforce.audit import trail
from workforce.db import StaleVersion, transaction, update_versioned, utcnow
from workforce.incidents.rootcause import (
    EIGHT_D_STEPS,
    FISHBONE_CATEGORIES,
    InvestigationError,
    eight_d_progress,
    five_whys_root_cause,
    validate_fishbone,
)
from workforce.incidents.tables import Investigation

SECTIONS = ("timeline", "causes", "whys", "fishbone", "eight_d", "summary")
EMPTY: dict[str, Any] = {
    "id": None,
    "timeline": [],
    "immediate_causes": [],
    "whys": [],
    "root_cause": "",
    "fishbone": {c: [] for c in FISHBONE_CATEGORIES},
    "eight_d": {},
    "use_eight_d": False,
    "summary": "",
    "lead_name": "",
    "version": 0,
}


async def get(incident_id: int) -> dict[str, Any]:
    """The investigation of an incident, or an empty one (version 0) when none is saved yet."""
    row = (
        await Investigation.select()
        .where(Investigation.incident == incident_id)
        .first()
        .output(load_json=True)
    )
    if row is None:
        return {**EMPTY, "fishbone": {c: [] for c in FISHBONE_CATEGORIES}}
    row["fishbone"] = {c: list((row["fishbone"] or {}).get(c, [])) for c in FISHBONE_CATEGORIES}
    row["progress"] = eight_d_progress([c for c, s in (row["eight_d"] or {}).items() if s.get("done")])
    return row


def _lines(text: str) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def parse_section(section: str, data: dict[str, Any]) -> dict[str, Any]:
    """Form data of one section → column values; raises InvestigationError naming the field."""
    if section == "timeline":
        entries = []
        ats, texts = data.get("entry_at") or [], data.get("entry_text") or []
        ats, texts = (
            (ats if isinstance(ats, list) else [ats]),
            (texts if isinstance(texts, list) else [texts]),
        )
        for i, (at, text) in enumerate(zip(ats, texts, strict=False)):
            at, text = str(at).strip(), str(text).strip()
            if not at and not text:
                continue
            if not text:
                raise InvestigationError(f"entry_text[{i}]", "say what happened at that time")
            if at:
                try:
                    datetime.fromisoformat(at)
                except ValueError as exc:
                    raise InvestigationError(f"entry_at[{i}]", f"{at!r} is not a date and time") from exc
            entries.append({"at": at, "text": text})
        return {"timeline": sorted(entries, key=lambda e: e["at"] or "9999")}
    if section == "causes":
        return {"immediate_causes": _lines(data.get("immediate_causes", ""))}
    if section == "whys":
        whys = data.get("why") or []
        becauses = data.get("because") or []
        whys, becauses = (
            (whys if isinstance(whys, list) else [whys]),
            (becauses if isinstance(becauses, list) else [becauses]),
        )
        chain = [
            {"why": str(w).strip(), "because": str(b).strip()}
            for w, b in zip(whys, becauses, strict=False)
            if str(w).strip() or str(b).strip()
        ]
        if not chain:
            return {"whys": [], "root_cause": ""}
        root = five_whys_root_cause(chain)
        return {"whys": chain, "root_cause": root}
    if section == "fishbone":
        causes = {c: _lines(data.get(f"bone_{c}", "")) for c in FISHBONE_CATEGORIES}
        return {"fishbone": validate_fishbone(causes)}
    if section == "eight_d":
        steps = {}
        done = data.get("done") or []
        done = done if isinstance(done, list) else [done]
        for code, _label in EIGHT_D_STEPS:
            note = str(data.get(f"note_{code}", "")).strip()
            if code in done or note:
                steps[code] = {"done": code in done, "note": note}
        eight_d_progress([c for c, s in steps.items() if s["done"]])  # validates the codes
        return {"eight_d": steps, "use_eight_d": data.get("use_eight_d") in ("on", "1", "yes") or bool(steps)}
    if section == "summary":
        return {
            "summary": str(data.get("summary", "")).strip(),
            "lead_name": str(data.get("lead_name", "")).strip(),
        }
    raise InvestigationError("section", f"unknown section {section!r}")


async def save_section(incident_id: int, version: int, section: str, values: dict[str, Any]) -> int:
    """Save one section's values (from parse_section); version 0 creates the investigation."""
    async with transaction():
        current = (
            await Investigation.select()
            .where(Investigation.incident == incident_id)
            .first()
            .output(load_json=True)
        )
        if current is None:
            if version != 0:
                raise StaleVersion(None)
            await Investigation.insert(Investigation(incident=incident_id, **values, updated_at=utcnow()))
            new_version = 1
            before = {}
        else:
            new_version = await update_versioned(
                Investigation, current["id"], version, {**values, "updated_at": utcnow()}
            )
            before = {k: current.get(k) for k in values}
        await trail.record(
            f"incident.investigation_{section}",
            "incident",
            incident_id,
            before=before,
            after=values,
            summary=f"Investigation: {section.replace('_', ' ')} saved",
        )
    return new_version
