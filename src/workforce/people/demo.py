"""Demo plant: 2 sites, 6 departments, ~20 lines, ~80 stations, 4 crews per site, two union locals
plus non-union, and `ctx.employees` people with plausible names and dates (same seed, same plant).

Leaves for later hooks in ctx.made: site_ids, station_ids, crew_ids (by site), employee_ids.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from workforce.audit.context import current_actor, current_request_id
from workforce.audit.tables import AuditEntry
from workforce.people.tables import BargainingUnit, Crew, Department, Employee, Line, Site, Station

FIRST = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Luis",
    "Ashley",
    "Steven",
    "Kimberly",
    "Andrew",
    "Emily",
    "Joshua",
    "Donna",
    "Kenneth",
    "Michelle",
    "Kevin",
    "Carol",
    "Brian",
    "Amanda",
    "Jose",
    "Melissa",
    "Tremaine",
    "Deborah",
    "Timothy",
    "Stephanie",
    "Ronald",
    "Rebecca",
    "Jason",
    "Sharon",
    "Jeffrey",
    "Laura",
    "Ryan",
    "Cynthia",
    "Jacob",
    "Amy",
    "Gary",
    "Angela",
    "Nicholas",
    "Shirley",
    "Eric",
    "Anna",
    "Jonathan",
    "Brenda",
    "Stephen",
    "Pamela",
    "Larry",
    "Emma",
    "Justin",
    "Nicole",
    "Scott",
    "Helen",
    "Brandon",
    "Samantha",
    "Benjamin",
    "Katherine",
    "Samuel",
    "Christine",
    "Gregory",
    "Debra",
    "Alexander",
    "Rachel",
    "Patrick",
    "Carolyn",
    "Frank",
    "Janet",
    "Raymond",
    "Maria",
    "Jack",
    "Olivia",
    "Dennis",
    "Heather",
    "Jerry",
    "Catherine",
    "Tyler",
    "Diane",
    "Aaron",
    "Julie",
    "Juan",
    "Victoria",
    "Wei",
    "Mei",
    "Raj",
    "Priya",
    "Oluwaseun",
    "Chioma",
    "Tomasz",
    "Agnieszka",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Gomez",
    "Phillips",
    "Evans",
    "Turner",
    "Diaz",
    "Parker",
    "Cruz",
    "Edwards",
    "Collins",
    "Reyes",
    "Stewart",
    "Morris",
    "Morales",
    "Murphy",
    "Cook",
    "Rogers",
    "Gutierrez",
    "Ortiz",
    "Morgan",
    "Cooper",
    "Peterson",
    "Bailey",
    "Reed",
    "Kelly",
    "Howard",
    "Ramos",
    "Kim",
    "Cox",
    "Ward",
    "Richardson",
    "Watson",
    "Brooks",
    "Chavez",
    "Wood",
    "James",
    "Bennett",
    "Gray",
    "Mendoza",
    "Ruiz",
    "Hughes",
    "Price",
    "Alvarez",
    "Castillo",
    "Sanders",
    "Patel",
    "Myers",
    "Long",
    "Ross",
    "Foster",
    "Kowalski",
    "Okafor",
    "Chen",
    "Singh",
    "Novak",
    "Lindqvist",
    "Mensah",
]

SITES = [
    ("RIV", "Riverside Assembly", "America/Chicago", "US", "IL", "Letter", "1200 River Rd, Joliet, IL"),
    ("LKS", "Lakeshore Components", "America/Detroit", "US", "MI", "Letter", "45 Harbor Ave, Muskegon, MI"),
]
DEPARTMENTS = {
    "RIV": [("ASM", "Final Assembly", 4), ("WLD", "Welding", 3), ("PNT", "Paint Shop", 3)],
    "LKS": [("MCH", "Machining", 4), ("MLD", "Injection Moulding", 3), ("WHS", "Warehouse & Shipping", 3)],
}
STATION_KINDS = ["Load", "Weld cell", "Press", "Inspect", "Pack"]
JOB_CLASSES = [
    "Operator I",
    "Operator II",
    "Operator III",
    "Maintenance Technician",
    "Material Handler",
    "Quality Inspector",
    "Team Lead",
    "Forklift Driver",
    "Electrician",
    "Setter",
]


async def demo(ctx: Any) -> None:
    rng = ctx.rng
    site_ids: list[int] = []
    station_ids: dict[int, list[int]] = {}
    dept_ids: dict[int, list[int]] = {}
    crew_ids: dict[int, list[int]] = {}
    stations_by_dept: dict[int, list[int]] = {}
    for code, name, tz, country, subdivision, paper, address in SITES:
        site_id = (
            await Site.insert(
                Site(
                    code=code,
                    name=name,
                    timezone=tz,
                    country=country,
                    subdivision=subdivision,
                    paper_size=paper,
                    address=address,
                )
            ).returning(Site.id)
        )[0]["id"]
        site_ids.append(site_id)
        station_ids[site_id], dept_ids[site_id], crew_ids[site_id] = [], [], []
        for d_code, d_name, n_lines in DEPARTMENTS[code]:
            dept_id = (
                await Department.insert(Department(site=site_id, code=d_code, name=d_name)).returning(
                    Department.id
                )
            )[0]["id"]
            dept_ids[site_id].append(dept_id)
            for n in range(1, n_lines + 1):
                line_code = f"{d_code}{n}"
                line_id = (
                    await Line.insert(
                        Line(department=dept_id, code=line_code, name=f"{d_name} line {n}")
                    ).returning(Line.id)
                )[0]["id"]
                stations = [
                    Station(
                        line=line_id,
                        code=f"{line_code}-{k + 1:02d}",
                        name=kind,
                        min_qualified=3 if k % 2 == 0 else 2,
                    )
                    for k, kind in enumerate(STATION_KINDS[:4])
                ]
                rows = await Station.insert(*stations).returning(Station.id)
                station_ids[site_id].extend(r["id"] for r in rows)
                stations_by_dept.setdefault(dept_id, []).extend(r["id"] for r in rows)
        for crew in "ABCD":
            crew_ids[site_id].append(
                (await Crew.insert(Crew(site=site_id, code=crew, name=f"Crew {crew}")).returning(Crew.id))[0][
                    "id"
                ]
            )
    units = [
        BargainingUnit(code="UAW-1701", name="UAW Local 1701", union_name="United Auto Workers"),
        BargainingUnit(code="USW-88", name="USW Local 88", union_name="United Steelworkers"),
        BargainingUnit(code="NONUNION", name="Non-union", non_union=True),
    ]
    unit_ids = [r["id"] for r in await BargainingUnit.insert(*units).returning(BargainingUnit.id)]

    employees: list[Employee] = []
    numbers: set[str] = set()
    today: date = ctx.today
    for i in range(ctx.employees):
        site_id = site_ids[0] if i % 5 < 3 else site_ids[1]  # the larger plant has 60 %
        first, last = rng.choice(FIRST), rng.choice(LAST)
        number = f"E{10000 + i:05d}"
        numbers.add(number)
        hire = today - timedelta(days=rng.randint(30, 365 * 25))
        seniority = hire if rng.random() > 0.1 else hire + timedelta(days=rng.randint(30, 400))
        seniority = min(seniority, today)
        emp_type = rng.choices(["full_time", "part_time", "temporary", "agency"], [85, 5, 6, 4])[0]
        unit = unit_ids[0] if site_id == site_ids[0] else unit_ids[1]
        if emp_type == "agency" or rng.random() < 0.08:
            unit = unit_ids[2]
        status = "on_leave" if rng.random() < 0.03 else "active"
        term = None
        if rng.random() < 0.04:
            status, term = "terminated", today - timedelta(days=rng.randint(1, 365 * ctx.years))
        dept = rng.choice(dept_ids[site_id])
        employees.append(
            Employee(
                employee_number=number,
                first_name=first,
                last_name=last,
                preferred_name=rng.choice(["", "", "", first[:3]]) if len(first) > 5 else "",
                search_text=f"{last} {first} {number}".lower(),
                job_class=rng.choice(JOB_CLASSES),
                site=site_id,
                department=dept,
                home_station=rng.choice(stations_by_dept[dept]),
                crew=crew_ids[site_id][i % 4],
                bargaining_unit=unit,
                employment_type=emp_type,
                hire_date=hire,
                seniority_date=seniority,
                status=status,
                termination_date=term,
                status_reason="Resigned" if term else "",
                phone=f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            )
        )
    ids: list[int] = []
    for start in range(0, len(employees), 500):
        rows = await Employee.insert(*employees[start : start + 500]).returning(Employee.id)
        ids.extend(r["id"] for r in rows)
    # Supervisors: the first person of each crew leads it and supervises the rest.
    by_crew: dict[Any, list[int]] = {}
    for emp_id, e in zip(ids, employees, strict=True):
        if e.status != "terminated":
            by_crew.setdefault(e.crew, []).append(emp_id)
    for members in by_crew.values():
        lead, rest = members[0], members[1:]
        await Employee.update({Employee.job_class: "Team Lead"}).where(Employee.id == lead)
        if rest:
            await Employee.update({Employee.supervisor: lead}).where(Employee.id.is_in(rest))
    actor = current_actor.get()
    await AuditEntry.insert(
        *[
            AuditEntry(
                actor_id=actor.id,
                actor_name=actor.name,
                action="employee.create",
                entity_type="employee",
                entity_id=str(emp_id),
                summary=f"Employee {e.employee_number} created (demo data)",
                after=json.dumps(
                    {
                        "employee_number": e.employee_number,
                        "first_name": e.first_name,
                        "last_name": e.last_name,
                    }
                ),
                request_id=current_request_id.get(),
            )
            for emp_id, e in zip(ids, employees, strict=True)
        ]
    )
    ctx.made.update(
        site_ids=site_ids,
        station_ids=station_ids,
        crew_ids=crew_ids,
        department_ids=dept_ids,
        bargaining_unit_ids=unit_ids,
        employee_ids=ids,
    )
