"""Overtime report and the payroll CSV (one row per employee per pay code) for a worked example, holidays
from the `holidays` library and the plant's own, and their screens."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.conftest import login, post, run
from tests.rules.test_web_overtime import small_plant
from workforce.audit.context import Actor, current_actor
from workforce.audit.tables import AuditEntry
from workforce.rules import holidays_service, service
from workforce.rules.model import Shift
from workforce.rules.service_hours import record_shifts
from workforce.rules.tables import PlantHoliday


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def worked_example():
    """Week of Monday 2026-04-06 at RIV (US-IL), UAW on example-cba; Saturday 04-11 a plant holiday.

    Eli: Mon-Fri 06:00-16:30 with a 30 min meal (10 h a day: 8 regular + 2 daily overtime), called back
    Friday 20:00-21:30 (1.5 h, all overtime: the day is past 8 h; the 4 h call-in minimum tops up 2.5 h),
    Sunday 06:00-14:30 with a 30 min meal (8 h at double time, Sunday premium).
    Ben: Tuesday 18:00 to Wednesday 02:00, no meal: 8 regular hours, 4 of them in the 22:00-06:00 window.
    Cho: the Saturday plant holiday 06:00-14:00: 8 h at double time, holiday premium.
    """
    plant = small_plant(with_opportunity=False)
    eli, ben, cho = (str(plant.people[n]) for n in ("Eli", "Ben", "Cho"))
    shifts = [
        Shift(eli, at(f"2026-04-{d:02d}T06:00"), at(f"2026-04-{d:02d}T16:30"), 30) for d in range(6, 11)
    ]
    shifts += [
        Shift(eli, at("2026-04-10T20:00"), at("2026-04-10T21:30"), call_in=True),
        Shift(eli, at("2026-04-12T06:00"), at("2026-04-12T14:30"), 30),
        Shift(ben, at("2026-04-07T18:00"), at("2026-04-08T02:00")),
        Shift(cho, at("2026-04-11T06:00"), at("2026-04-11T14:00")),
        # Outside the pay period: must not appear.
        Shift(cho, at("2026-04-13T06:00"), at("2026-04-13T14:00")),
    ]

    async def setup():
        token = current_actor.set(Actor(None, "setup"))
        try:
            await record_shifts(shifts, source="test")
            await holidays_service.add_plant_holiday(plant.site, date(2026, 4, 11), "Plant anniversary")
        finally:
            current_actor.reset(token)

    run(setup())
    return plant


def test_payroll_csv_for_the_worked_example(client):
    plant = worked_example()
    version = run(service.ruleset_for(plant.uaw, date(2026, 4, 6)))[0]
    label = f"Example CBA v{version['id']}"
    login(client, "hana", ["hr"])
    r = client.get(f"/overtime/payroll.csv?start=2026-04-06&end=2026-04-12&site={plant.site}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="payroll-2026-04-06-2026-04-12.csv"' in r.headers["content-disposition"]
    period = "2026-04-06,2026-04-12"
    expected = [
        "employee_number,employee_name,site,period_start,period_end,pay_code,hours,rule_set",
        f"T001,Eli Test,RIV,{period},REG,40.00,{label}",
        f"T001,Eli Test,RIV,{period},OT15,11.50,{label}",
        f"T001,Eli Test,RIV,{period},DT20,8.00,{label}",
        f"T001,Eli Test,RIV,{period},SUN,8.00,{label}",
        f"T001,Eli Test,RIV,{period},CALLIN,2.50,{label}",
        f"T002,Ben Test,RIV,{period},REG,8.00,{label}",
        f"T002,Ben Test,RIV,{period},NIGHT,4.00,{label}",
        f"T003,Cho Test,RIV,{period},DT20,8.00,{label}",
        f"T003,Cho Test,RIV,{period},HOL,8.00,{label}",
    ]
    assert r.text.splitlines() == expected
    entry = run(AuditEntry.select().where(AuditEntry.action == "payroll.export").first())
    assert entry["actor_name"] == "hana" and entry["entity_id"] == "2026-04-06..2026-04-12"


def test_report_by_department_crew_and_employee(client):
    plant = worked_example()
    login(client, "sam", ["supervisor"])
    base = f"/overtime/report?start=2026-04-06&end=2026-04-12&site={plant.site}"
    by_dept = client.get(base).text
    row = by_dept.split("RIV › Final Assembly", 1)[1].split("</tr>", 1)[0]
    # 3 people; worked 59.5 + 8 + 8 = 75.5 h; regular 48; overtime 11.5; double 16.
    cells = [c for c in row.split('<td class="num">')[1:6]]
    assert [c.split("<", 1)[0] for c in cells] == ["3", "75.5", "48", "11.5", "16"]
    by_crew = client.get(base + "&group=crew").text
    assert "RIV › Crew A" in by_crew
    by_emp = client.get(base + "&group=employee").text
    eli = by_emp.split("Eli Test</a>", 1)[1].split("</tr>", 1)[0]
    # Highest week 59.5 h against the 40 h weekly threshold; the call-back broke the 8 h minimum rest.
    assert '59.5<span class="muted small"> / 40</span>' in eli and "min rest × 1" in eli
    assert "Payroll CSV for this period" not in by_emp  # supervisors do not export payroll


def test_report_period_validation(client):
    small_plant(with_opportunity=False)
    login(client, "hana", ["hr"])
    html = client.get("/overtime/report?start=2026-04-20&end=2026-04-01").text
    assert "The period ends before it starts" in html
    html = client.get("/overtime/report?start=2026-01-01&end=2026-12-31").text
    assert "At most 93 days at a time" in html
    assert client.get("/overtime/payroll.csv").status_code == 400
    assert client.get("/overtime/payroll.csv?start=2026-01-01&end=2026-12-31").status_code == 400
    assert client.get("/overtime/payroll.csv?start=x&end=2026-01-02").status_code == 400


@pytest.mark.parametrize(
    "role,status",
    [("hr", 200), ("compliance", 200), ("admin", 200), ("supervisor", 403), ("viewer", 403), ("safety", 403)],
)
def test_payroll_export_roles(client, role, status):
    small_plant(with_opportunity=False)
    login(client, "u", [role])
    assert client.get("/overtime/payroll.csv?start=2026-04-06&end=2026-04-12").status_code == status


def test_report_query_count_does_not_grow_with_people(client, count_queries):
    plant = small_plant(crew_b_size=30, with_opportunity=False)
    monday = datetime(2026, 4, 6, 6)
    riv = [p for n, p in plant.people.items() if n != "Lou"]  # 38 people at RIV, one (Lou) at LKS
    shifts = [
        Shift(str(p), monday + timedelta(days=d), monday + timedelta(days=d, hours=10))
        for p in [*riv, plant.people["Lou"]]
        for d in range(5)
    ]
    run(record_shifts(shifts))
    login(client, "hana", ["hr"])
    url = "/overtime/report?start=2026-04-06&end=2026-04-12&group=employee&per_page=100&site={}"
    client.get(url.format(plant.other_site))
    with count_queries() as one:
        one_html = client.get(url.format(plant.other_site)).text
    with count_queries() as many:
        many_html = client.get(url.format(plant.site)).text
    assert one_html.count('href="/people/') == 1 and many_html.count('href="/people/') == len(riv)
    assert len(one) == len(many) and len(many) <= 20


# --- holidays ---------------------------------------------------------------------------------------------


def test_holidays_for_combines_the_library_and_plant_holidays(db):
    plant = small_plant(with_opportunity=False)
    run(holidays_service.add_plant_holiday(plant.site, date(2026, 12, 24), "Christmas Eve (plant)"))
    found = run(holidays_service.holidays_for(plant.site, date(2026, 1, 1), date(2026, 12, 31)))
    assert date(2026, 1, 19) in found  # Martin Luther King Jr. Day (US)
    assert date(2026, 3, 2) in found  # Casimir Pulaski Day: Illinois only
    assert date(2026, 12, 24) in found  # the plant's own
    assert date(2026, 12, 23) not in found
    lks = run(holidays_service.holidays_for(plant.other_site, date(2026, 1, 1), date(2026, 12, 31)))
    assert date(2026, 3, 2) not in lks and date(2026, 12, 24) in lks  # Michigan lists Christmas Eve itself
    by_site = run(
        holidays_service.holidays_by_site(
            [plant.site, plant.other_site], date(2026, 12, 1), date(2026, 12, 31)
        )
    )
    assert by_site[plant.site] == {date(2026, 12, 24), date(2026, 12, 25)}


def test_library_holiday_earns_the_holiday_premium_in_payroll(client):
    plant = small_plant(with_opportunity=False)
    eli = str(plant.people["Eli"])
    run(record_shifts([Shift(eli, at("2026-05-25T06:00"), at("2026-05-25T14:00"))]))  # Memorial Day
    login(client, "hana", ["hr"])
    rows = client.get("/overtime/payroll.csv?start=2026-05-25&end=2026-05-31").text.splitlines()[1:]
    assert [r.split(",")[5:7] for r in rows] == [["DT20", "8.00"], ["HOL", "8.00"]]


def test_holiday_page_lists_library_and_plant_holidays_and_hr_edits(client):
    plant = small_plant(with_opportunity=False)
    login(client, "hana", ["hr"])
    html = client.get(f"/rules/holidays?site={plant.site}&year=2026").text
    assert "Casimir Pulaski Day" in html and "public (library)" in html
    r = post(
        client,
        "/rules/holidays",
        {"site": str(plant.site), "day": "2026-08-14", "name": "Summer shutdown"},
        token_from="/",
    )
    assert r.status_code == 303
    html = client.get(f"/rules/holidays?site={plant.site}&year=2026").text
    row = html.split("Summer shutdown", 1)[1].split("</tr>", 1)[0]
    assert 'badge-ok">plant' in row and "data-confirm=" in html.split("Summer shutdown", 1)[1]
    dup = post(
        client,
        "/rules/holidays",
        {"site": str(plant.site), "day": "2026-08-14", "name": "Again"},
        token_from="/",
    )
    assert dup.status_code == 400 and "already has a plant holiday on 2026-08-14" in dup.text
    lib = post(
        client, "/rules/holidays", {"site": str(plant.site), "day": "2026-07-04", "name": "x"}, token_from="/"
    )
    assert lib.status_code == 400 and "already a public holiday: Independence Day" in lib.text
    empty = post(client, "/rules/holidays", {"site": str(plant.site), "day": "", "name": ""}, token_from="/")
    assert empty.status_code == 400 and "Enter a date." in empty.text
    holiday = run(PlantHoliday.select().first())
    r = post(client, f"/rules/holidays/{holiday['id']}/delete", {}, token_from="/")
    assert r.status_code == 303 and run(PlantHoliday.count()) == 0
    actions = [
        e["action"]
        for e in run(AuditEntry.select(AuditEntry.action).where(AuditEntry.entity_type == "plant_holiday"))
    ]
    assert actions == ["holiday.create", "holiday.delete"]


@pytest.mark.parametrize("role", ["supervisor", "viewer", "compliance", "safety"])
def test_only_hr_changes_plant_holidays(client, role):
    plant = small_plant(with_opportunity=False)
    run(holidays_service.add_plant_holiday(plant.site, date(2026, 8, 14), "Summer shutdown"))
    holiday = run(PlantHoliday.select().first())
    login(client, "u", [role])
    html = client.get(f"/rules/holidays?site={plant.site}&year=2026").text
    assert "Summer shutdown" in html and "Add a plant holiday" not in html
    assert (
        post(
            client,
            "/rules/holidays",
            {"site": str(plant.site), "day": "2026-09-01", "name": "x"},
            token_from="/",
        ).status_code
        == 403
    )
    assert post(client, f"/rules/holidays/{holiday['id']}/delete", {}, token_from="/").status_code == 403
    assert run(PlantHoliday.count()) == 1
