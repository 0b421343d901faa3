"""Demo incidents over the demo years: mostly near misses, unsafe conditions and first-aid cases, a few
recordables of every outcome (at least one H, I and J per site and year, one death and one privacy case over
the whole period), with investigations, CAPA actions and the yearly 300A figures. Bulk inserts only, so
`--employees 2000 --years 5` stays in seconds."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from workforce.actions.tables import Action
from workforce.audit.context import current_actor, current_request_id
from workforce.audit.tables import AuditEntry
from workforce.incidents.osha import classify
from workforce.incidents.tables import (
    Incident,
    IncidentPerson,
    Investigation,
    OshaClassification,
    OshaYearData,
)
from workforce.people import directory

# Incidents per 100 employees per year, by type (a plant with an active near-miss culture).
RATES = {
    "near_miss": 30,
    "unsafe_condition": 10,
    "first_aid": 12,
    "property_damage": 4,
    "environmental": 1,
    "injury_illness": 4,
}
NEAR_MISS = [
    (
        "Pallet slipped off forks at aisle {n}",
        "Forklift lifting a double-stacked pallet; the top pallet slid off "
        "and landed a metre from a pedestrian walkway. Nobody in the walkway at the time.",
    ),
    (
        "Pedestrian stepped into forklift lane",
        "Operator walked across the marked lane reading a work order; the driver braked in time.",
    ),
    (
        "Dropped wrench from mezzanine",
        "A 12-inch wrench fell from the mezzanine edge onto the line below; toe "
        "board missing on that section.",
    ),
    (
        "Robot cell door opened while running",
        "Interlock did not stop the cell immediately; operator stepped back.",
    ),
    ("Unsecured load on cart", "Parts bin on a push cart tipped on the ramp."),
    ("Hose across walkway", "Air hose laid across the main walkway; a colleague tripped but did not fall."),
]
UNSAFE = [
    ("Guard missing on conveyor drive", "Chain guard removed for maintenance and not refitted."),
    ("Oil leak at press {n}", "Hydraulic oil pooling beside the press, no absorbent in place."),
    ("Blocked fire exit", "Empty totes stacked in front of the east fire exit."),
    ("Frayed sling in use", "Lifting sling with visible damage still in the rack."),
    ("Operator without safety glasses", "Grinding without eye protection at the deburr bench."),
]
FIRST_AID = [
    (
        "Small cut on hand from sheet-metal edge",
        "laceration",
        "left hand",
        "sheet-metal edge",
        ["wound_cleaning", "wound_covering"],
    ),
    (
        "Dust in eye at grinding bench",
        "foreign body in eye",
        "right eye",
        "grinding dust",
        ["eye_irrigation_swab"],
    ),
    ("Bruised knuckle on fixture", "contusion", "right hand", "fixture clamp", ["hot_cold_therapy"]),
    ("Splinter from pallet", "splinter", "left thumb", "wooden pallet", ["splinter_removal"]),
    (
        "Mild heat stress on paint line",
        "heat stress",
        "whole body",
        "hot environment",
        ["fluids_heat_stress"],
    ),
]
PROPERTY = [
    ("Forklift struck racking upright", "Racking upright bent; bay unloaded and tagged out."),
    ("Door damaged by tow tractor", "Roller door hit by a tow train, bottom panel bent."),
]
ENVIRONMENTAL = [
    (
        "Coolant spill to floor drain",
        "About 20 litres of coolant reached the floor drain before the drain cover was placed.",
    )
]
# (title, injury, body part, object, activity, facts) per outcome.
RECORDABLE = {
    "J": [
        (
            "Laceration needing sutures",
            "laceration",
            "left forearm",
            "sharp edge of a stamped part",
            "Unloading parts from the press",
            {"treatments": ["wound_cleaning", "wound_closure"]},
        ),
        (
            "Wrist strain, prescription anti-inflammatory",
            "strain",
            "right wrist",
            "repetitive torque gun use",
            "Fastening at the assembly line",
            {"treatments": ["prescription_medication"]},
        ),
        (
            "Fractured toe from dropped part",
            "fracture",
            "left big toe",
            "dropped casting",
            "Carrying a casting to the fixture",
            {"significant_diagnosis": True, "treatments": ["diagnostic_test"]},
        ),
    ],
    "I": [
        (
            "Back strain lifting a tote",
            "lumbar strain",
            "lower back",
            "overweight tote",
            "Lifting a full tote from floor level",
            {"restricted_days": 12, "treatments": ["physical_therapy"]},
        ),
        (
            "Shoulder strain at overhead station",
            "strain",
            "right shoulder",
            "overhead work",
            "Working above shoulder height",
            {"job_transfer_days": 9},
        ),
    ],
    "H": [
        (
            "Crushed finger in press tooling",
            "crush injury",
            "right index finger",
            "press tooling",
            "Clearing a jammed part",
            {"days_away": 14, "restricted_days": 10, "treatments": ["wound_closure"]},
        ),
        (
            "Fall from step ladder",
            "fractured wrist",
            "left wrist",
            "step ladder",
            "Changing a light at the packing line",
            {"days_away": 35, "significant_diagnosis": True},
        ),
    ],
    "G": [
        (
            "Fatal crush between trailer and dock",
            "fatal crush injuries",
            "chest",
            "trailer pulling away",
            "Loading a trailer at dock 4",
            {"death": True},
        )
    ],
}
PRIVACY = (
    "Needlestick from discarded syringe in restroom waste",
    "puncture wound",
    "right hand",
    "contaminated needle",
    "Emptying waste bins",
    {"needlestick_contaminated": True, "treatments": ["other_immunization"]},
)
WHYS = [
    [
        ("Why did the load fall?", "The top pallet was not secured."),
        ("Why was it not secured?", "Double stacking is done to save trips."),
        ("Why is double stacking allowed?", "The work instruction has no stacking limit."),
        ("Why is there no limit?", "The instruction was written for the old truck and never reviewed."),
    ],
    [
        ("Why was the guard off?", "Maintenance removed it to change the chain."),
        ("Why was it not refitted?", "The job was handed over at shift change."),
        ("Why did the handover miss it?", "The handover sheet has no guard check."),
    ],
    [
        ("Why was the employee cut?", "Gloves were not worn while handling parts."),
        ("Why no gloves?", "Cut-resistant gloves in stock were the wrong size."),
        ("Why the wrong size?", "Stores orders one size for the whole line."),
    ],
]
ACTIONS = [
    ("Add load-height limit to the forklift work instruction", "administrative"),
    ("Fit interlocked guard on the conveyor drive", "engineering"),
    ("Stock cut-resistant gloves in all sizes", "ppe"),
    ("Add guard check to the maintenance handover sheet", "administrative"),
    ("Install toe boards along the mezzanine edge", "engineering"),
    ("Mark and barrier the pedestrian crossing at aisle 3", "engineering"),
    ("Replace manual lifting of totes with a lift table", "substitution"),
]
BATCH = 500


def _when(rng: Any, day: date, tz: ZoneInfo) -> datetime:
    hour = rng.choices(
        range(24), weights=[1, 1, 1, 1, 1, 2, 6, 8, 8, 8, 8, 6, 7, 8, 8, 8, 7, 5, 4, 4, 3, 2, 2, 1]
    )[0]
    local = datetime.combine(day, time(hour, rng.randint(0, 59)), tz)
    return local.astimezone(UTC)


async def _insert(table: Any, rows: list[Any]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        ids.extend(r["id"] for r in await table.insert(*rows[start : start + BATCH]).returning(table.id))
    return ids


async def demo(ctx: Any) -> None:
    from workforce.accounts.demo import DEMO_USERS

    rng = ctx.rng
    names = {u: n for u, n, _r in DEMO_USERS}
    reporters = [(ctx.users.get(u), names[u]) for u in ("safety", "supervisor", "hr") if ctx.users.get(u)]
    safety_id = ctx.users.get("safety")
    sites = {s["id"]: s for s in await directory.sites(active_only=False)}
    now = datetime.now(UTC)
    start_day, today = ctx.start, ctx.today
    span_days = max(1, (today - start_day).days)
    incidents: list[dict[str, Any]] = []
    guaranteed_death = False
    guaranteed_privacy = False
    for site_id in ctx.made.get("site_ids", []):
        site = sites[site_id]
        tz = ZoneInfo(site["timezone"])
        staff = await directory.active_employees(site_id)
        stations = ctx.made.get("station_ids", {}).get(site_id) or [None]
        if not staff:
            continue
        years = span_days / 365
        plan: list[tuple[str, str | None]] = []
        for kind, per_100 in RATES.items():
            count = round(len(staff) / 100 * per_100 * years)
            if kind == "injury_illness":
                # At least one of each of H, I, J in every calendar year the demo covers.
                for _year in range(start_day.year, today.year + 1):
                    plan += [("injury_illness", "H"), ("injury_illness", "I"), ("injury_illness", "J")]
                extra = max(0, count - 3 * (today.year - start_day.year + 1))
                plan += [("injury_illness", rng.choice("JJJJIIHN")) for _ in range(extra)]
            else:
                plan += [(kind, None) for _ in range(count)]
        if not guaranteed_death:
            plan.append(("injury_illness", "G"))
            guaranteed_death = True
        if not guaranteed_privacy:
            plan.append(("injury_illness", "P"))
            guaranteed_privacy = True
        year_slots: dict[tuple[int, str], int] = {}
        for kind, outcome in plan:
            if outcome in ("H", "I", "J") and kind == "injury_illness":
                # Spread the guaranteed ones over the years: take the next year without that outcome.
                year = min(
                    range(start_day.year, today.year + 1),
                    key=lambda y, o=outcome: (year_slots.get((y, o), 0), rng.random()),
                )
                year_slots[(year, outcome)] = year_slots.get((year, outcome), 0) + 1
                first = max(start_day, date(year, 1, 1))
                last = min(today - timedelta(days=1), date(year, 12, 31))
                day = first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
            else:
                day = start_day + timedelta(days=rng.randint(0, span_days - 1))
            occurred = min(_when(rng, day, tz), now - timedelta(hours=1))
            incidents.append(
                {
                    "site_id": site_id,
                    "kind": kind,
                    "outcome": outcome,
                    "occurred": occurred,
                    "station": rng.choice(stations),
                    "staff": staff,
                    "tz": tz,
                }
            )
    incidents.sort(key=lambda i: i["occurred"])

    rows, people_plan = [], []
    for inc in incidents:
        kind, outcome = inc["kind"], inc["outcome"]
        employee = rng.choice(inc["staff"])
        detail: dict[str, Any] = {}
        if kind == "near_miss":
            title, desc = rng.choice(NEAR_MISS)
        elif kind == "unsafe_condition":
            title, desc = rng.choice(UNSAFE)
        elif kind == "first_aid":
            title, injury, part, obj, treatments = rng.choice(FIRST_AID)
            desc = (
                f"{injury.capitalize()} to the {part}; first aid given at the line ({', '.join(treatments)})."
            )
            detail = {
                "injury": injury,
                "part": part,
                "object": obj,
                "activity": "Routine work at the station",
                "facts": {"treatments": treatments},
            }
        elif kind == "property_damage":
            title, desc = rng.choice(PROPERTY)
        elif kind == "environmental":
            title, desc = rng.choice(ENVIRONMENTAL)
        else:
            if outcome == "P":
                title, injury, part, obj, activity, facts = PRIVACY
            elif outcome == "N":  # an injury that turns out to be first aid only
                title, injury, part, obj, treatments = rng.choice(FIRST_AID)
                activity, facts = "Routine work at the station", {"treatments": treatments}
            else:
                title, injury, part, obj, activity, facts = rng.choice(RECORDABLE[outcome])
            desc = f"{title}. {activity}; {injury} to the {part} ({obj})."
            detail = {
                "injury": injury,
                "part": part,
                "object": obj,
                "activity": activity,
                "facts": facts,
                "privacy_text": "Puncture wound, hand, from a discarded sharp" if outcome == "P" else "",
            }
        title = title.format(n=rng.randint(1, 12))
        reporter_id, reporter_name = rng.choice(reporters) if reporters else (None, "demo")
        age = (now - inc["occurred"]).days
        status = (
            "closed"
            if age > 60
            else ("investigating" if kind == "injury_illness" or rng.random() < 0.3 else "reported")
        )
        reported = inc["occurred"] + timedelta(minutes=rng.randint(5, 240))
        rows.append(
            Incident(
                kind=kind,
                title=title,
                description=desc,
                occurred_at=inc["occurred"],
                reported_at=min(reported, now),
                site_id=inc["site_id"],
                station_id=inc["station"],
                reporter_user_id=reporter_id,
                reporter_name=reporter_name,
                status=status,
                search_text=f"{title} {desc[:200]}".lower()[:400],
                death_at=inc["occurred"] + timedelta(hours=2) if outcome == "G" else None,
                hospitalized_at=inc["occurred"] + timedelta(hours=1)
                if outcome == "H" and rng.random() < 0.3
                else None,
                osha_reported_at=inc["occurred"] + timedelta(hours=3) if outcome == "G" else None,
                created_at=min(reported, now),
                updated_at=min(reported, now),
            )
        )
        people_plan.append((employee, detail, kind, outcome))
    incident_ids = await _insert(Incident, rows)

    person_rows, person_meta = [], []
    case_counters: dict[tuple[int, int], int] = {}
    for incident_id, inc, (employee, detail, kind, outcome) in zip(
        incident_ids, incidents, people_plan, strict=True
    ):
        if kind in ("injury_illness", "first_aid"):
            facts = {"work_related": True, "new_case": True, "case_type": "injury", **detail["facts"]}
            result = classify(facts) if kind == "injury_illness" else None
            case_number = ""
            if result and result["recordable"]:
                year = inc["occurred"].astimezone(inc["tz"]).year
                key = (inc["site_id"], year)
                case_counters[key] = case_counters.get(key, 0) + 1
                case_number = f"{year}-{case_counters[key]:03d}"
            person_rows.append(
                IncidentPerson(
                    incident=incident_id,
                    employee_id=employee["id"],
                    role="injured",
                    injury_description=detail["injury"],
                    body_part=detail["part"],
                    object_substance=detail["object"],
                    activity_before=detail["activity"],
                    log_description=detail.get("privacy_text", ""),
                    time_began_work="06:00",
                    case_number=case_number,
                    emergency_room=bool(result and result["column"] in ("G", "H")),
                    hospitalized_overnight=outcome == "G",
                    city=(sites[inc["site_id"]]["address"].split(",") + [""])[1].strip(),
                )
            )
            person_meta.append((incident_id, inc, facts, result))
        elif kind == "near_miss" and rng.random() < 0.5:
            person_rows.append(
                IncidentPerson(incident=incident_id, employee_id=employee["id"], role="involved")
            )
            person_meta.append((incident_id, inc, None, None))
    person_ids = await _insert(IncidentPerson, person_rows)

    classifications = []
    for person_id, (incident_id, inc, facts, result) in zip(person_ids, person_meta, strict=True):
        if result is None:
            continue
        classifications.append(
            OshaClassification(
                incident=incident_id,
                person=person_id,
                current=True,
                site_id=inc["site_id"],
                log_year=inc["occurred"].astimezone(inc["tz"]).year,
                facts=facts,
                result=result,
                recordable=result["recordable"],
                outcome_column=result["column"] or "",
                days_away=result["days_away"],
                restricted_days=result["restricted_or_transfer_days"],
                type_column=result["type_column"] or "",
                privacy_case=result["privacy_case"],
                classified_by=safety_id,
                classified_by_name=names.get("safety", ""),
                classified_at=min(inc["occurred"] + timedelta(days=2), now),
            )
        )
    await _insert(OshaClassification, classifications)

    investigations, actions = [], []
    owners = [(ctx.users.get(u), names[u]) for u in ("safety", "supervisor") if ctx.users.get(u)] or [
        (None, "Safety")
    ]
    for incident_id, inc, (_e, _d, kind, outcome) in zip(incident_ids, incidents, people_plan, strict=True):
        serious = kind == "injury_illness" and outcome in ("G", "H")
        if not (
            kind == "injury_illness"
            or (kind == "first_aid" and rng.random() < 0.3)
            or (kind in ("near_miss", "unsafe_condition") and rng.random() < 0.1)
        ):
            continue
        chain = rng.choice(WHYS)
        start = inc["occurred"].astimezone(inc["tz"])
        investigations.append(
            Investigation(
                incident=incident_id,
                timeline=[
                    {"at": start.strftime("%Y-%m-%dT%H:%M"), "text": "Event"},
                    {
                        "at": (start + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"),
                        "text": "Area made safe, supervisor informed",
                    },
                ],
                immediate_causes=["Unsafe condition at the station", "Procedure not followed"][
                    : rng.randint(1, 2)
                ],
                whys=[{"why": w, "because": b} for w, b in chain],
                root_cause=chain[-1][1],
                fishbone={
                    "man": ["Task not trained recently"],
                    "machine": [],
                    "method": ["Instruction out of date"],
                    "material": [],
                    "measurement": [],
                    "environment": ["Poor lighting at night"],
                },
                eight_d={code: {"done": True, "note": ""} for code in ("D0", "D1", "D2", "D3", "D4")}
                if serious
                else {},
                use_eight_d=serious,
                summary="Investigated with the crew; see the 5 Whys and actions.",
                lead_name=names.get("safety", ""),
            )
        )
        for title, level in rng.sample(ACTIONS, rng.randint(1, 2)):
            due = (inc["occurred"] + timedelta(days=rng.randint(14, 60))).date()
            if due < today - timedelta(days=60):
                status = rng.choice(["verified_effective", "verified_effective", "done", "cancelled"])
            elif due < today:
                status = rng.choice(["done", "in_progress", "open"])  # some become overdue
            else:
                status = rng.choice(["open", "in_progress"])
            owner_id, owner_name = rng.choice(owners)
            checked = status == "verified_effective"
            actions.append(
                Action(
                    source_type="incident",
                    source_id=incident_id,
                    site_id=inc["site_id"],
                    title=title,
                    kind="corrective",
                    control_level=level,
                    owner_user_id=owner_id,
                    owner_name=owner_name,
                    priority=rng.choice(["high", "medium", "medium", "low"]),
                    due_date=due,
                    status=status,
                    status_reason="Superseded by a site-wide fix" if status == "cancelled" else "",
                    completed_on=due if status in ("done", "verified_effective") else None,
                    effectiveness_due=due + timedelta(days=60),
                    effectiveness_criterion="No repeat event in 60 days",
                    effectiveness_checked_on=due + timedelta(days=60) if checked else None,
                    effectiveness_result="No repeat; 10/10 observations compliant" if checked else "",
                    effective=True if checked else None,
                    created_by=safety_id,
                )
            )
    await _insert(Investigation, investigations)
    await _insert(Action, actions)

    year_rows = []
    for site_id in ctx.made.get("site_ids", []):
        site = sites[site_id]
        heads = await directory.headcount(site_id)
        parts = [p.strip() for p in site["address"].split(",")]
        for year in range(start_day.year, today.year + 1):
            fraction = 1.0 if year < today.year else (today.timetuple().tm_yday / 365)
            hours = round(heads * 1_980 * fraction * rng.uniform(0.97, 1.03))
            done = year < today.year
            year_rows.append(
                OshaYearData(
                    site_id=site_id,
                    year=year,
                    average_employees=heads,
                    total_hours=float(hours),
                    hours_note="Payroll hours worked (demo data)"
                    if done
                    else "Year to date from payroll (demo data)",
                    establishment_name=site["name"],
                    street=parts[0] if parts else "",
                    city=parts[1] if len(parts) > 1 else "",
                    state=parts[2] if len(parts) > 2 else "",
                    industry_description="Motor vehicle parts manufacturing",
                    naics="336390",
                    certified_name="Dana Whitfield" if done else "",
                    certified_title="Plant Manager" if done else "",
                    certified_phone="555-201-0400" if done else "",
                    certified_on=date(year + 1, 1, 28) if done else None,
                )
            )
    await _insert(OshaYearData, year_rows)

    actor = current_actor.get()
    await _insert(
        AuditEntry,
        [
            AuditEntry(
                actor_id=actor.id,
                actor_name=actor.name,
                action="incident.report",
                entity_type="incident",
                entity_id=str(i),
                summary=f"{r.kind.replace('_', ' ').capitalize()} reported (demo data)",
                after=json.dumps({"title": r.title}),
                request_id=current_request_id.get(),
            )
            for i, r in zip(incident_ids, rows, strict=True)
        ],
    )
    ctx.made.update(incident_ids=incident_ids)
