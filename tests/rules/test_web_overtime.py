"""Overtime board over HTTP: ranked call list (overtime-and-union-rules.md §6 worked example), exclusion
reasons, offers charged per rule set, idempotent recording, forced order, cancel, roles, query counts.

`small_plant()` here is also used by the other web tests and the Playwright flow.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytest

from tests.conftest import login, post, run
from workforce.audit.context import Actor, current_actor
from workforce.audit.tables import AuditEntry
from workforce.people.tables import BargainingUnit, Crew, Department, Employee, Line, Site, Station
from workforce.rules import service
from workforce.rules import service_overtime as ot
from workforce.rules.equalization import ledger_start
from workforce.rules.model import Shift
from workforce.rules.ruleset import load_preset, preset_text
from workforce.rules.service_hours import record_shifts
from workforce.rules.tables import ChargedHours, OvertimeOffer, OvertimeOpportunity

SATURDAY = date(2026, 6, 6)
#: The notes' §6 example: name, seniority date, hours charged before the offer.
CREW_A = [
    ("Eli", "2022-03-01", 20),
    ("Ben", "2012-05-14", 36),
    ("Cho", "2015-09-08", 36),
    ("Ana", "2008-01-07", 42),
    ("Dev", "2019-11-18", 50),
]


@dataclass
class Plant:
    site: int
    other_site: int
    dept: int
    station: int
    other_station: int
    crew_a: int
    crew_b: int
    other_crew: int
    uaw: int
    usw: int
    people: dict[str, int] = field(default_factory=dict)
    opportunity: int = 0


def _employee(number: int, first: str, seniority: str, **kw) -> Employee:
    return Employee(
        employee_number=f"T{number:03d}",
        first_name=first,
        last_name="Test",
        search_text=f"test {first} t{number:03d}".lower(),
        hire_date=date.fromisoformat(seniority),
        seniority_date=date.fromisoformat(seniority),
        **kw,
    )


def small_plant(opp_day: date = SATURDAY, crew_b_size: int = 1, with_opportunity: bool = True) -> Plant:
    """RIV (US-IL) with crews A and B in Final Assembly, LKS (US-MI); UAW on example-cba since 2020.

    Crew A: the §6 example (Eli, Ben, Cho, Ana, Dev with their charged hours), Fay on leave, Hal who
    worked until 02:00 before the 06:00 start (breaks the 8 h minimum rest), Ivy in USW. Crew B: Gus and
    `crew_b_size - 1` more. Opportunity: opp_day 06:00, 8 h, 2 needed, crew A, station ASM1-01.
    """

    async def build() -> Plant:
        async def one(table, row):
            return (await table.insert(row).returning(table._meta.primary_key))[0]["id"]

        site = await one(Site, Site(code="RIV", name="Riverside", country="US", subdivision="IL"))
        other_site = await one(Site, Site(code="LKS", name="Lakeshore", country="US", subdivision="MI"))
        dept = await one(Department, Department(site=site, code="ASM", name="Final Assembly"))
        other_dept = await one(Department, Department(site=other_site, code="MCH", name="Machining"))
        line = await one(Line, Line(department=dept, code="ASM1", name="Assembly line 1"))
        other_line = await one(Line, Line(department=other_dept, code="MCH1", name="Machining line 1"))
        station = await one(Station, Station(line=line, code="ASM1-01", name="Load"))
        other_station = await one(Station, Station(line=other_line, code="MCH1-01", name="Lathe"))
        crew_a = await one(Crew, Crew(site=site, code="A", name="Crew A"))
        crew_b = await one(Crew, Crew(site=site, code="B", name="Crew B"))
        other_crew = await one(Crew, Crew(site=other_site, code="A", name="Crew A"))
        uaw = await one(BargainingUnit, BargainingUnit(code="UAW", name="UAW Local"))
        usw = await one(BargainingUnit, BargainingUnit(code="USW", name="USW Local"))
        plant = Plant(site, other_site, dept, station, other_station, crew_a, crew_b, other_crew, uaw, usw)
        common = {
            "site": site,
            "department": dept,
            "home_station": station,
            "crew": crew_a,
            "bargaining_unit": uaw,
        }
        rows = [(name, _employee(i + 1, name, sen, **common)) for i, (name, sen, _c) in enumerate(CREW_A)]
        rows.append(("Fay", _employee(6, "Fay", "2010-01-01", status="on_leave", **common)))
        rows.append(("Hal", _employee(7, "Hal", "2005-01-01", **common)))
        rows.append(("Ivy", _employee(8, "Ivy", "2018-01-01", **{**common, "bargaining_unit": usw})))
        for k in range(crew_b_size):
            name = "Gus" if k == 0 else f"B{k:02d}"
            rows.append((name, _employee(20 + k, name, "2011-01-01", **{**common, "crew": crew_b})))
        rows.append(
            ("Lou", _employee(90, "Lou", "2001-01-01", site=other_site, crew=other_crew, bargaining_unit=uaw))
        )
        for name, emp in rows:
            plant.people[name] = await one(Employee, emp)
        token = current_actor.set(Actor(None, "test-setup"))
        try:
            await service.create_version(
                uaw, preset_text("example-cba"), date(2020, 1, 1), "UAW agreement", check_based_on=False
            )
            period = ledger_start(opp_day, load_preset("example-cba"))
            charges = [(name, hours) for name, _s, hours in CREW_A] + [("Hal", 10)]
            await ChargedHours.insert(
                *[
                    ChargedHours(
                        employee_id=plant.people[name], period_start=period, hours=float(h), kind="opening"
                    )
                    for name, h in charges
                ]
            )
            # Hal worked 18:00-02:00 the night before: 4 h rest before a 06:00 start (minimum 8 h).
            night = datetime.combine(opp_day - timedelta(days=1), time(18))
            await record_shifts([Shift(str(plant.people["Hal"]), night, night + timedelta(hours=8))])
            if with_opportunity:
                plant.opportunity = await ot.create_opportunity(
                    ot.OpportunityInput(
                        site_id=site,
                        starts_at=datetime.combine(opp_day, time(6)),
                        hours=8,
                        needed=2,
                        crew_id=crew_a,
                        station_id=station,
                    )
                )
        finally:
            current_actor.reset(token)
        return plant

    return run(build())


def charged(plant: Plant, name: str) -> float:
    rows = run(ChargedHours.select(ChargedHours.hours).where(ChargedHours.employee_id == plant.people[name]))
    return sum(r["hours"] for r in rows)


def call_order(html: str) -> list[str]:
    """Names in the ranked call list, in order."""
    block = html.split('data-uitest="call-list"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<span class="call-name">(\w+) Test</span>', block)


def offer_version(plant: Plant, name: str, opportunity: int = 0) -> int:
    """The version of the person's answer a freshly loaded call list carries (0: no answer yet)."""
    row = run(
        OvertimeOffer.select(OvertimeOffer.version)
        .where(OvertimeOffer.offer_key == f"{opportunity or plant.opportunity}:{plant.people[name]}")
        .first()
    )
    return row["version"] if row else 0


def record(client, plant: Plant, name: str, outcome: str, version: int | None = None, **kw):
    """Tap an answer button on a call list loaded just now (or, given `version`, loaded back then)."""
    version = offer_version(plant, name) if version is None else version
    return post(
        client,
        f"/overtime/{plant.opportunity}/offers",
        {"employee_id": str(plant.people[name]), "outcome": outcome, "version": str(version)},
        token_from="/",
        **kw,
    )


# --- the ranked call list ---------------------------------------------------------------------------------


def test_call_list_ranks_by_charged_hours_then_seniority_and_says_why_people_are_excluded(client):
    plant = small_plant()
    login(client, "sam", ["supervisor"])
    html = client.get(f"/overtime/{plant.opportunity}").text
    # §6: Eli 20 h; Ben and Cho 36 h, Ben the more senior; Ana 42; Dev 50. Ivy (USW) has no charge.
    assert call_order(html) == ["Ivy", "Eli", "Ben", "Cho", "Ana", "Dev"]
    excluded = html.split('data-uitest="excluded"', 1)[1]
    fay = excluded.split(f'data-uitest="excluded-{plant.people["Fay"]}"', 1)[1].split("</li></ul>", 1)[0]
    assert "on leave" in fay
    hal = excluded.split(f'data-uitest="excluded-{plant.people["Hal"]}"', 1)[1].split("</ul>", 1)[0]
    assert "would break the minimum rest rule: only 4 h since shift ending" in hal
    assert "Gus" not in html  # crew B is not in the group
    assert "Training is not recorded in Workforce yet" in html
    # The next person to call is marked and has the big buttons.
    assert re.search(rf'class="call call-next" data-uitest="call-{plant.people["Ivy"]}"', html)


def test_check_a_person_outside_the_group_gives_the_reason(client):
    plant = small_plant()
    login(client, "sam", ["supervisor"])
    html = client.get(f"/overtime/{plant.opportunity}?check=gus").text
    checked = html.split('data-uitest="checked"', 1)[1].split("</ul>", 1)[0]
    assert "Gus Test" in checked and "crew B, the work is for crew A" in checked
    assert "Gus" not in html.split('data-uitest="call-list"', 1)[1].split("</ol>", 1)[0]


def test_recording_offers_charges_the_ledger_as_in_the_notes_example(client):
    plant = small_plant()
    login(client, "sam", ["supervisor"])
    run(OvertimeOffer.delete(force=True))
    # Ivy (USW, no rule set of her own: the FLSA fallback) refuses first; the FLSA preset has the
    # default equalization table, so the refusal is charged.
    assert record(client, plant, "Ivy", "refused").status_code == 303
    assert charged(plant, "Ivy") == 8
    assert record(client, plant, "Eli", "accepted").status_code == 303
    assert record(client, plant, "Ben", "refused").status_code == 303
    assert record(client, plant, "Cho", "accepted").status_code == 303
    # The notes' table: Eli 28, Ben 44 (refusal charged as worked), Cho 44, Ana 42, Dev 50.
    assert [charged(plant, n) for n in ("Eli", "Ben", "Cho", "Ana", "Dev")] == [28, 44, 44, 42, 50]
    opp = run(ot.get_opportunity(plant.opportunity))
    assert opp["status"] == "filled"
    html = client.get(f"/overtime/{plant.opportunity}").text
    assert "2 of 2 filled" in html
    # The call order stays the order the calls were made in (charges before this overtime).
    assert call_order(html)[:4] == ["Ivy", "Eli", "Ben", "Cho"]
    assert f'data-uitest="charged-{plant.people["Ben"]}">44 h</strong> <span class="muted">(was 36 h)' in html
    entries = run(
        AuditEntry.select(AuditEntry.action, AuditEntry.actor_name).where(
            AuditEntry.entity_type == "overtime_opportunity"
        )
    )
    assert sum(1 for e in entries if e["action"] == "overtime.offer.record" and e["actor_name"] == "sam") == 4


def test_recording_the_same_outcome_twice_charges_once(client):
    plant = small_plant()
    login(client, "sam", ["supervisor"])
    first = record(client, plant, "Eli", "refused")
    again = record(client, plant, "Eli", "refused")
    assert first.status_code == again.status_code == 303
    assert charged(plant, "Eli") == 28
    assert run(OvertimeOffer.count().where(OvertimeOffer.employee_id == plant.people["Eli"])) == 1
    # The second tap says so instead of charging again.
    assert "already recorded" in client.get(f"/overtime/{plant.opportunity}").text
    # Service level: concurrent-looking repeats are no-ops too.
    outcome = run(ot.record_outcome(plant.opportunity, plant.people["Eli"], "refused"))
    assert not outcome.changed and charged(plant, "Eli") == 28


def test_correction_books_the_difference_and_refusal_follows_the_rule_set(client):
    plant = small_plant()
    # USW's agreement does not charge refusals or unanswered calls.
    usw_text = preset_text("example-cba").replace("charge_refused = true", "charge_refused = false")
    usw_text = usw_text.replace("charge_no_answer = true", "charge_no_answer = false")
    run(service.create_version(plant.usw, usw_text, date(2020, 1, 1), "USW", check_based_on=False))
    login(client, "sam", ["supervisor"])
    record(client, plant, "Ivy", "refused")
    assert charged(plant, "Ivy") == 0
    record(client, plant, "Ivy", "no_answer")
    assert charged(plant, "Ivy") == 0
    record(client, plant, "Ivy", "accepted")  # she called back and took it
    assert charged(plant, "Ivy") == 8
    kinds = run(ChargedHours.select(ChargedHours.kind).where(ChargedHours.employee_id == plant.people["Ivy"]))
    assert [k["kind"] for k in kinds] == ["correction"]
    offer = run(OvertimeOffer.select().where(OvertimeOffer.employee_id == plant.people["Ivy"]).first())
    assert offer["outcome"] == "accepted" and offer["charged_hours"] == 8 and offer["version"] == 3


def test_htmx_record_returns_the_call_list_fragment_with_the_message(client):
    plant = small_plant()
    login(client, "sam", ["supervisor"])
    r = record(client, plant, "Eli", "refused", headers={"hx-request": "true"})
    assert r.status_code == 200
    assert "<html" not in r.text and 'id="call-list"' in r.text
    assert "Eli Test: refused; 8 h charged." in r.text
    assert f'data-uitest="charged-{plant.people["Eli"]}">28 h</strong>' in r.text


def test_answers_are_recorded_only_for_the_opportunitys_group(client):
    """Crew A overtime: crew B, the other site and people who left are refused, with the reason; nothing
    is written or charged. (The buttons are only on the group's rows; this is the server's check.)"""
    plant = small_plant()
    login(client, "sam", ["supervisor"])
    gus = record(client, plant, "Gus", "accepted")
    assert gus.status_code == 400
    assert (
        "Gus Test is not in the group for this overtime (crew B, the work is for crew A): answers are "
        "recorded only for the people it is offered to." in gus.text
    )
    assert 'id="call-list"' in gus.text  # the page again, buttons and all
    lou = record(client, plant, "Lou", "refused")
    assert lou.status_code == 400 and "works at LKS, the work is at another site" in lou.text
    run(Employee.update({Employee.status: "terminated"}).where(Employee.id == plant.people["Ana"]))
    ana = record(client, plant, "Ana", "accepted")
    assert ana.status_code == 400 and "Ana Test no longer works here" in ana.text
    # htmx: the call list fragment comes back with the refusal as its message.
    r = record(client, plant, "Gus", "accepted", headers={"hx-request": "true"})
    assert r.status_code == 200 and "<html" not in r.text
    message = r.text.split('data-uitest="call-message"', 1)[1].split("</div>", 1)[0]
    assert "flash-error" in r.text.split('data-uitest="call-message"', 1)[0].rsplit("<div", 1)[1]
    assert "Gus Test is not in the group for this overtime" in message
    assert run(OvertimeOffer.count()) == 0
    assert (charged(plant, "Gus"), charged(plant, "Lou"), charged(plant, "Ana")) == (0, 0, 42)
    # People in the group are recorded as before, on leave or not.
    assert record(client, plant, "Fay", "refused").status_code == 303


def test_a_bargaining_unit_opportunity_refuses_other_units(client):
    plant = small_plant(with_opportunity=False)
    opp = run(
        ot.create_opportunity(
            ot.OpportunityInput(
                site_id=plant.site,
                starts_at=datetime.combine(SATURDAY, time(6)),
                hours=8,
                bargaining_unit_id=plant.uaw,
                department_id=plant.dept,
            )
        )
    )
    with pytest.raises(ot.OvertimeError) as refused:
        run(ot.record_outcome(opp, plant.people["Ivy"], "accepted"))
    assert "bargaining unit USW, the work is for UAW" in refused.value.errors["employee_id"]
    assert run(ot.record_outcome(opp, plant.people["Gus"], "accepted")).changed  # crew B, but UAW


def test_forced_order_when_everyone_eligible_has_answered(client):
    plant = small_plant()
    login(client, "sam", ["supervisor"])
    html = client.get(f"/overtime/{plant.opportunity}").text
    assert 'data-uitest="forced-order"' not in html and 'data-uitest="show-forced"' in html
    for name in ("Ivy", "Eli", "Ben", "Cho", "Ana"):
        record(client, plant, name, "refused")
    record(client, plant, "Dev", "no_answer")
    html = client.get(f"/overtime/{plant.opportunity}").text
    forced = html.split('data-uitest="forced-order"', 1)[1].split("</section>", 1)[0]
    assert "Everyone eligible has answered and 2 more people are needed." in forced
    # Reverse seniority: least senior first (Eli 2022, Dev 2019, Ivy 2018, Cho 2015, Ben 2012, Ana 2008).
    assert re.findall(r'<span class="call-name">(\w+) Test</span>', forced) == [
        "Eli",
        "Dev",
        "Ivy",
        "Cho",
        "Ben",
        "Ana",
    ]
    assert (
        "Fay Test</strong>: on leave" in forced
        and "Hal Test</strong>: would break the minimum rest" in forced
    )
    assert record(client, plant, "Eli", "forced").status_code == 303
    assert charged(plant, "Eli") == 20 + 8  # the refusal's charge corrected to the worked hours
    assert (
        run(OvertimeOffer.select().where(OvertimeOffer.employee_id == plant.people["Eli"]).first())["outcome"]
        == "forced"
    )


def test_cancel_takes_back_accepted_hours_and_keeps_refusals(client):
    plant = small_plant()
    login(client, "sam", ["supervisor"])
    record(client, plant, "Eli", "accepted")
    record(client, plant, "Ben", "refused")
    record(client, plant, "Cho", "accepted")  # filled: the opportunity's version moves on
    opp = run(ot.get_opportunity(plant.opportunity))
    assert opp["status"] == "filled" and opp["version"] == 2
    stale = post(
        client, f"/overtime/{plant.opportunity}/cancel", {"version": "1", "reason": "x"}, token_from="/"
    )
    assert stale.status_code == 409 and "since you opened it" in stale.text
    missing = post(
        client, f"/overtime/{plant.opportunity}/cancel", {"version": str(opp["version"])}, token_from="/"
    )
    assert missing.status_code == 400 and "Say why the overtime is cancelled." in missing.text
    ok = post(
        client,
        f"/overtime/{plant.opportunity}/cancel",
        {"version": str(opp["version"]), "reason": "Customer moved the order"},
        token_from="/",
    )
    assert ok.status_code == 303
    assert (charged(plant, "Eli"), charged(plant, "Cho"), charged(plant, "Ben")) == (20, 36, 44)
    assert run(ot.get_opportunity(plant.opportunity))["status"] == "cancelled"
    r = record(client, plant, "Ana", "accepted", follow_redirects=True)
    assert "cancelled; nothing can be recorded" in r.text and charged(plant, "Ana") == 42


def test_create_opportunity_validates_and_is_idempotent(client):
    plant = small_plant(with_opportunity=False)
    login(client, "sam", ["supervisor"])
    form = client.get("/overtime/new").text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form).group(1)
    data = {
        "site_id": str(plant.site),
        "day": "2026-06-13",
        "start": "06:00",
        "hours": "8",
        "break_minutes": "30",
        "needed": "1",
        "station_id": str(plant.other_station),
        "idempotency_key": key,
    }
    bad = post(client, "/overtime", {**data, "start": "25:99"}, token_from="/")
    assert bad.status_code == 400 and "is not a time (use HH:MM)" in bad.text
    wrong_site = post(client, "/overtime", data, token_from="/")
    assert wrong_site.status_code == 400 and "Choose a station at RIV." in wrong_site.text
    assert run(OvertimeOpportunity.count()) == 0
    good = {**data, "station_id": str(plant.station)}
    first = post(client, "/overtime", good, token_from="/")
    second = post(client, "/overtime", good, token_from="/")
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    row = run(OvertimeOpportunity.select().first())
    assert run(OvertimeOpportunity.count()) == 1
    assert row["department_id"] == plant.dept  # from the station
    assert row["ends_at"] == datetime(2026, 6, 13, 14, 30) and row["hours"] == 8


def test_board_lists_opportunities_and_dashboard_card(client):
    plant = small_plant(opp_day=date.today() + timedelta(days=3))
    login(client, "sam", ["supervisor"])
    html = client.get("/overtime").text
    assert f'data-uitest="opportunity-{plant.opportunity}"' in html and "0 of 2" in html
    assert "ASM1-01 Load" in html
    assert "No overtime here" in client.get("/overtime?status=filled").text
    fragment = client.get("/overtime?status=open", headers={"hx-request": "true"}).text
    assert "<html" not in fragment and f"/overtime/{plant.opportunity}" in fragment
    dash = client.get("/").text
    assert "open overtime to fill" in dash


# --- roles ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hr", "supervisor", "compliance", "viewer", "admin"])
def test_readers_see_board_call_list_fairness_and_report(client, role):
    plant = small_plant()
    login(client, "u", [role])
    for url in (
        "/overtime?when=all",
        f"/overtime/{plant.opportunity}",
        "/overtime/fairness",
        "/overtime/report",
        f"/overtime/employee/{plant.people['Eli']}",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["hr", "compliance", "viewer", "safety"])
def test_only_supervisors_run_the_board(client, role):
    plant = small_plant()
    login(client, "u", [role])
    assert client.get("/overtime/new").status_code == 403
    assert record(client, plant, "Eli", "accepted").status_code == 403
    assert post(client, "/overtime", {"site_id": str(plant.site)}, token_from="/").status_code == 403
    assert (
        post(
            client, f"/overtime/{plant.opportunity}/cancel", {"version": "1", "reason": "x"}, token_from="/"
        ).status_code
        == 403
    )
    assert charged(plant, "Eli") == 20
    html = client.get(f"/overtime/{plant.opportunity}").text if role != "safety" else ""
    assert 'data-uitest="accepted-' not in html


def test_safety_cannot_read_overtime(client):
    plant = small_plant()
    login(client, "u", ["safety"])
    assert client.get("/overtime").status_code == 403
    assert client.get(f"/overtime/{plant.opportunity}").status_code == 403
    assert client.get("/overtime/fairness").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    plant = small_plant()
    for url in ("/overtime", f"/overtime/{plant.opportunity}", "/rules", "/overtime/payroll.csv"):
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), url


def test_supervisor_limited_to_own_site(client):
    from workforce.accounts.tables import User

    plant = small_plant()
    other = run(
        ot.create_opportunity(
            ot.OpportunityInput(
                site_id=plant.other_site, starts_at=datetime(2026, 6, 6, 6), hours=8, skill="Lathe"
            )
        )
    )
    uid = login(client, "sam", ["supervisor"])
    run(User.update({User.sites: ["RIV"]}).where(User.id == uid))
    assert client.get(f"/overtime/{plant.opportunity}").status_code == 200
    assert client.get(f"/overtime/{other}").status_code == 403
    assert (
        post(
            client,
            f"/overtime/{other}/offers",
            {"employee_id": str(plant.people["Lou"]), "outcome": "accepted"},
            token_from="/",
        ).status_code
        == 403
    )
    assert f"/overtime/{other}" not in client.get("/overtime?when=all&status=all").text


# --- fairness, the ledger, the employee tab -------------------------------------------------------------


def test_fairness_spread_per_crew_and_new_entrant_charge(client):
    plant = small_plant()
    login(client, "hana", ["hr"])
    html = client.get("/overtime/fairness").text
    # Crew A: Hal 10 (least) … Dev 50 (most); Fay, Ivy without charges count as 0.
    assert f'data-uitest="spread-{plant.crew_a}">50 h</strong>' in html
    detail = client.get(f"/overtime/fairness?crew={plant.crew_a}").text
    assert "New entrant: start at average" in detail
    r = post(
        client,
        "/overtime/fairness/entry",
        {"employee_id": str(plant.people["Fay"]), "crew_id": str(plant.crew_a)},
        token_from="/",
    )
    assert r.status_code == 303
    # example-cba: new entrants start at the average of the crew's charged members.
    expected = round((20 + 36 + 36 + 42 + 50 + 10) / 6, 2)
    assert charged(plant, "Fay") == expected
    again = post(
        client,
        "/overtime/fairness/entry",
        {"employee_id": str(plant.people["Fay"]), "crew_id": str(plant.crew_a)},
        token_from="/",
        follow_redirects=True,
    )
    assert "already has ledger entries" in again.text and charged(plant, "Fay") == expected


def test_crew_members_are_paged_in_call_order(client, count_queries):
    plant = small_plant(crew_b_size=60)
    login(client, "hana", ["hr"])
    summary = client.get("/overtime/fairness").text
    crew_b = summary.split(f"crew={plant.crew_b}", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">60</td>' in crew_b  # the per-crew summary counts everyone
    url = f"/overtime/fairness?site={plant.site}&crew={plant.crew_b}"
    with count_queries() as first_queries:
        first = client.get(url).text
    members = first.split('data-uitest="crew-members"', 1)[1]
    assert members.count('data-uitest="member-') == 50
    assert "1–50 of 60" in members and "Page 1 of 2" in members
    assert f'href="?site={plant.site}&amp;crew={plant.crew_b}&amp;page=2"' in members
    assert 'hx-target="#crew-members"' in members
    # Call order: nobody in crew B is charged and all share a seniority date, so by id; Gus first.
    assert members.index(f'data-uitest="member-{plant.people["Gus"]}"') < members.index(
        f'data-uitest="member-{plant.people["B01"]}"'
    )
    second = client.get(url + "&page=2", headers={"hx-request": "true"}).text
    assert "<html" not in second
    assert second.count('data-uitest="member-') == 10 and "51–60 of 60" in second
    assert re.search(r"<td>51</td>\s*<td>B50 Test", second)  # ranks run on across pages
    assert 'id="crew-members"' in second and 'data-uitest="fairness-table"' not in second
    # Junk and out-of-range pages fall back to the first and the last page.
    assert "1–50 of 60" in client.get(url + "&page=abc").text
    assert "51–60 of 60" in client.get(url + "&page=99").text
    # The page's queries do not grow with the crew.
    with count_queries() as small_crew:
        client.get(f"/overtime/fairness?site={plant.site}&crew={plant.crew_a}")
    assert len(small_crew) == len(first_queries) <= 8  # the session, sites, people, crews, rules, ledger


def test_ledger_adjustment_is_hr_only_and_audited(client):
    plant = small_plant()
    login(client, "sam", ["supervisor"])
    data = {"employee_id": str(plant.people["Ana"]), "hours": "-2", "reason": "paper ledger error"}
    assert post(client, "/overtime/ledger", data, token_from="/").status_code == 403
    client.cookies.clear()
    login(client, "hana", ["hr"])
    assert post(client, "/overtime/ledger", data, token_from="/").status_code == 303
    assert charged(plant, "Ana") == 40
    entry = run(AuditEntry.select().where(AuditEntry.action == "overtime.ledger.adjustment").first())
    assert entry["actor_name"] == "hana" and entry["entity_id"] == str(plant.people["Ana"])
    bad = post(client, "/overtime/ledger", {**data, "reason": ""}, token_from="/", follow_redirects=True)
    assert "Say why the ledger changes." in bad.text and charged(plant, "Ana") == 40


def test_employee_tab_shows_hours_and_charged_overtime(client):
    plant = small_plant(opp_day=date.today())
    login(client, "hana", ["hr"])
    page = client.get(f"/people/{plant.people['Hal']}").text
    assert f'hx-get="/overtime/employee/{plant.people["Hal"]}"' in page
    tab = client.get(f"/overtime/employee/{plant.people['Hal']}", headers={"hx-request": "true"}).text
    assert "<html" not in tab
    assert 'data-uitest="tab-charged">10 h</span>' in tab
    assert ">8</td>" in tab  # the 8-hour night shift in this week's row


# --- query counts ---------------------------------------------------------------------------------------


def test_call_list_query_count_does_not_grow_with_the_group(client, count_queries):
    plant = small_plant(crew_b_size=40)
    big = run(
        ot.create_opportunity(
            ot.OpportunityInput(
                site_id=plant.site,
                starts_at=datetime(2026, 6, 6, 14),
                hours=8,
                crew_id=plant.crew_b,
                station_id=plant.station,
            )
        )
    )
    login(client, "sam", ["supervisor"])
    client.get(f"/overtime/{plant.opportunity}")
    with count_queries() as small_group:
        small_html = client.get(f"/overtime/{plant.opportunity}").text
    with count_queries() as big_group:
        big_html = client.get(f"/overtime/{big}").text
    assert len(call_order(small_html)) == 6 and big_html.count('class="call-name"') == 40
    assert len(small_group) == len(big_group) and len(big_group) <= 18


def test_a_registered_shift_source_feeds_the_eligibility_checks(client):
    """A roster module registers its planned shifts; the call list then sees Eli already working."""
    from workforce.rules.service_hours import register_shift_source, unregister_shift_source, worked_shifts

    plant = small_plant()
    eli = plant.people["Eli"]

    async def roster(employee_ids, start, end):
        shift = Shift(str(eli), datetime.combine(SATURDAY, time(5)), datetime.combine(SATURDAY, time(13)))
        return {eli: [shift]} if eli in employee_ids else {}

    register_shift_source(roster)
    try:
        found = run(worked_shifts([eli, plant.people["Ben"]], datetime(2026, 6, 6), datetime(2026, 6, 7)))
        assert [s.start for s in found[eli]] == [datetime(2026, 6, 6, 5)] and found[plant.people["Ben"]] == []
        login(client, "sam", ["supervisor"])
        html = client.get(f"/overtime/{plant.opportunity}").text
        assert "Eli" not in call_order(html)
        reasons = html.split(f'data-uitest="excluded-{eli}"', 1)[1].split("</ul>", 1)[0]
        assert "already working: overlaps shift 2026-06-06T05:00 to 2026-06-06T13:00" in reasons
    finally:
        unregister_shift_source(roster)
    assert "Eli" in call_order(client.get(f"/overtime/{plant.opportunity}").text)


def test_payroll_csv_cells_cannot_start_a_formula():
    from workforce.rules.service_hours import payroll_csv

    row = {
        "employee_number": "E1",
        "employee_name": "=HYPERLINK(1)",
        "site": "RIV",
        "period_start": "2026-04-06",
        "period_end": "2026-04-12",
        "pay_code": "REG",
        "hours": "-1.50",
        "rule_set": "flsa preset",
    }
    line = payroll_csv([row]).splitlines()[1]
    assert line == "E1,'=HYPERLINK(1),RIV,2026-04-06,2026-04-12,REG,-1.50,flsa preset"


# --- the order is the rule set's (equalization.rank_by / forced_order) ----------------------------------


def _uaw_version(plant: Plant, rank_by: str, forced: str = "") -> None:
    text = preset_text("example-cba").replace(
        'rank_by = ["charged_hours", "seniority_date"]', f"rank_by = {rank_by}"
    )
    if forced:
        text = text.replace(
            'forced_order = ["-seniority_date", "employee_number"]', f"forced_order = {forced}"
        )
    run(service.create_version(plant.uaw, text, date(2021, 1, 1), "UAW 2021", check_based_on=False))


def forced_names(html: str) -> list[str]:
    block = html.split('data-uitest="forced-order"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<span class="call-name">(\w+) Test</span>', block)


def test_call_list_and_forced_order_come_from_the_units_rule_set(client):
    plant = small_plant()
    # UAW's agreement: most senior first; forced: least charged first, then least senior.
    _uaw_version(plant, '["seniority_date"]', '["charged_hours", "-seniority_date"]')
    uaw_only = run(
        ot.create_opportunity(
            ot.OpportunityInput(
                site_id=plant.site,
                starts_at=datetime.combine(SATURDAY, time(6)),
                hours=8,
                needed=2,
                crew_id=plant.crew_a,
                bargaining_unit_id=plant.uaw,
                station_id=plant.station,
            )
        )
    )
    login(client, "sam", ["supervisor"])
    html = client.get(f"/overtime/{uaw_only}?forced=1").text
    # Ana 2008, Ben 2012, Cho 2015, Dev 2019, Eli 2022 (Hal 2005 breaks the rest rule, Fay on leave).
    assert call_order(html) == ["Ana", "Ben", "Cho", "Dev", "Eli"]
    assert "Earliest seniority date (most senior) first." in html
    assert 'data-uitest="order-note"' not in html
    # Forced: Eli 20 h, then Ben and Cho on 36 h (Cho less senior first), Ana 42, Dev 50.
    assert forced_names(html) == ["Eli", "Cho", "Ben", "Ana", "Dev"]
    assert "Lowest hours charged this period first, ties to the latest seniority date (least senior)." in html


def test_a_group_under_rule_sets_that_order_differently_uses_the_plant_defaults_order(client):
    plant = small_plant()
    _uaw_version(plant, '["seniority_date"]')  # crew A's UAW people
    # The plant default (Ivy's, USW having no rule set of its own): most charged first.
    plant_default = preset_text("flsa") + '\n[equalization]\nrank_by = ["-charged_hours"]\n'
    run(service.create_version(None, plant_default, date(2021, 1, 1), "Plant", check_based_on=False))
    login(client, "sam", ["supervisor"])
    html = client.get(f"/overtime/{plant.opportunity}").text
    # Dev 50, Ana 42, Ben and Cho 36 (equal: by record id), Eli 20, Ivy 0.
    assert call_order(html) == ["Dev", "Ana", "Ben", "Cho", "Eli", "Ivy"]
    note = html.split('data-uitest="order-note">', 1)[1].split("</div>", 1)[0]
    assert "rule sets that order the call list differently" in note and "(the plant default)" in note
    assert "Highest hours charged this period first." in html
    # Once the plant default agrees with UAW, everyone agrees: seniority order, no note.
    agreed = preset_text("flsa") + '\n[equalization]\nrank_by = ["seniority_date"]\n'
    run(service.create_version(None, agreed, date(2022, 1, 1), "Plant 2022", check_based_on=False))
    html = client.get(f"/overtime/{plant.opportunity}").text
    assert call_order(html) == ["Ana", "Ben", "Cho", "Ivy", "Dev", "Eli"]
    assert 'data-uitest="order-note"' not in html
    # The fairness page lists the crew in the same order (Hal and Fay, not on this call list, too).
    client.cookies.clear()
    login(client, "hana", ["hr"])
    members = client.get(f"/overtime/fairness?site={plant.site}&crew={plant.crew_a}").text
    ids = [int(i) for i in re.findall(r'data-uitest="member-(\d+)"', members)]
    assert ids == [plant.people[n] for n in ("Hal", "Ana", "Fay", "Ben", "Cho", "Ivy", "Dev", "Eli")]
    assert 'data-uitest="crew-order">Earliest seniority date (most senior) first.</p>' in members


# --- no over-filling ---------------------------------------------------------------------------------------


def test_an_acceptance_past_the_number_needed_is_refused_and_nothing_is_written(client):
    plant = small_plant()
    login(client, "sam", ["supervisor"])
    assert record(client, plant, "Eli", "accepted").status_code == 303
    html = client.get(f"/overtime/{plant.opportunity}").text
    assert 'data-uitest="filled"' not in html
    assert record(client, plant, "Ben", "refused").status_code == 303
    assert record(client, plant, "Cho", "accepted").status_code == 303
    html = client.get(f"/overtime/{plant.opportunity}").text
    banner = html.split('data-uitest="filled">', 1)[1].split("</div>", 1)[0]
    assert "Filled:" in banner and "2 of 2 people work this overtime" in banner
    # Answers can still change, but Ben's Accept is disabled until a place is free; nobody else
    # unanswered gets buttons any more.
    ben, eli = plant.people["Ben"], plant.people["Eli"]
    assert re.search(rf'disabled title="Filled[^"]*" data-uitest="accepted-{ben}"', html)
    assert (
        f'data-uitest="refused-{eli}"' in html and f'data-uitest="accepted-{plant.people["Ana"]}"' not in html
    )
    audit_before = run(AuditEntry.count())

    # A page loaded before the list filled: its tap is refused, with who works it.
    ana = record(client, plant, "Ana", "accepted")
    assert ana.status_code == 409
    assert "This overtime is already filled: 2 of 2 people work it (Eli Test, Cho Test)." in ana.text
    assert "Nothing was recorded for Ana Test." in ana.text and 'id="call-list"' in ana.text
    dev = record(client, plant, "Dev", "forced")
    assert dev.status_code == 409 and "already filled" in dev.text
    htmx = record(client, plant, "Ana", "accepted", headers={"hx-request": "true"})
    assert htmx.status_code == 200 and "<html" not in htmx.text
    message = htmx.text.split('data-uitest="call-message">', 1)[1].split("</div>", 1)[0]
    assert "already filled" in message and 'class="flash flash-error"' in htmx.text
    assert run(OvertimeOffer.count().where(OvertimeOffer.employee_id == plant.people["Ana"])) == 0
    assert (charged(plant, "Ana"), charged(plant, "Dev")) == (42, 50)
    assert run(AuditEntry.count()) == audit_before
    assert run(ot.get_opportunity(plant.opportunity))["status"] == "filled"

    # A documented call that was refused is still recorded and charged (the notes §6).
    assert record(client, plant, "Ana", "refused").status_code == 303 and charged(plant, "Ana") == 50
    # Changing a working answer frees the place, and then it can be taken.
    assert record(client, plant, "Cho", "refused").status_code == 303
    assert run(ot.get_opportunity(plant.opportunity))["status"] == "open"
    assert record(client, plant, "Dev", "accepted").status_code == 303
    opp = run(ot.get_opportunity(plant.opportunity))
    assert opp["status"] == "filled"
    working = run(
        OvertimeOffer.select(OvertimeOffer.employee_id).where(
            (OvertimeOffer.opportunity_id == plant.opportunity) & OvertimeOffer.outcome.is_in(["accepted"])
        )
    )
    assert sorted(w["employee_id"] for w in working) == sorted([plant.people["Eli"], plant.people["Dev"]])
    board = client.get("/overtime?status=filled&when=all").text
    assert f'data-uitest="opportunity-{plant.opportunity}"' in board and "2 of 2" in board


def _one_place(plant: Plant) -> int:
    return run(
        ot.create_opportunity(
            ot.OpportunityInput(
                site_id=plant.site,
                starts_at=datetime.combine(SATURDAY, time(6)),
                hours=8,
                needed=1,
                crew_id=plant.crew_a,
                station_id=plant.station,
            )
        )
    )


def _meet_after_reading(monkeypatch) -> None:
    """Make two answers race: each waits (up to 1 s) after reading the opportunity until the other has
    read it too, so two transactions that were not serialized would both count the same free place.
    With the row lock the second cannot read until the first commits, and the first goes on alone."""
    original = ot._lock_opportunity
    arrived: list[int] = []
    both_read = asyncio.Event()

    async def meet(opportunity_id: int):
        row = await original(opportunity_id)
        arrived.append(opportunity_id)
        if len(arrived) >= 2:
            both_read.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(both_read.wait(), 1.0)
        return row

    monkeypatch.setattr(ot, "_lock_opportunity", meet)


def test_two_tablets_accepting_the_last_place_at_once_cannot_both_win(db, monkeypatch):
    plant = small_plant(with_opportunity=False)
    opp = _one_place(plant)
    _meet_after_reading(monkeypatch)

    async def both():
        return await asyncio.gather(
            ot.record_outcome(opp, plant.people["Eli"], "accepted", version=0),
            ot.record_outcome(opp, plant.people["Ben"], "accepted", version=0),
            return_exceptions=True,
        )

    results = run(both())
    won = [r for r in results if isinstance(r, ot.Recorded)]
    lost = [r for r in results if isinstance(r, ot.OpportunityFilled)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "already filled: 1 of 1 person works it" in str(lost[0])
    rows = run(OvertimeOffer.select().where(OvertimeOffer.opportunity_id == opp))
    assert [r["outcome"] for r in rows] == ["accepted"]
    ledger = run(ChargedHours.select().where(ChargedHours.opportunity_id == opp))
    assert len(ledger) == 1 and ledger[0]["employee_id"] == rows[0]["employee_id"]
    assert run(ot.get_opportunity(opp))["status"] == "filled"


def test_two_tablets_answering_for_one_person_at_once_cannot_both_win(db, monkeypatch):
    plant = small_plant(with_opportunity=False)
    opp = _one_place(plant)
    _meet_after_reading(monkeypatch)

    async def both():
        return await asyncio.gather(
            ot.record_outcome(opp, plant.people["Eli"], "accepted", version=0),
            ot.record_outcome(opp, plant.people["Eli"], "refused", version=0),
            return_exceptions=True,
        )

    results = run(both())
    assert sum(isinstance(r, ot.Recorded) for r in results) == 1, results
    assert sum(isinstance(r, ot.AnswerChanged) for r in results) == 1, results
    rows = run(OvertimeOffer.select().where(OvertimeOffer.opportunity_id == opp))
    assert len(rows) == 1 and rows[0]["version"] == 1
    assert charged(plant, "Eli") == 20 + 8  # one answer charged, once (both outcomes charge 8 h)


# --- answers from a stale page ------------------------------------------------------------------------------


def _answer_elsewhere(plant: Plant, name: str, outcome: str, who: str = "Kim Lee") -> None:
    """Another supervisor records an answer from their own tablet."""
    token = current_actor.set(Actor(None, who))
    try:
        run(ot.record_outcome(plant.opportunity, plant.people[name], outcome))
    finally:
        current_actor.reset(token)


def test_an_answer_from_a_stale_page_is_refused_with_who_changed_it(client):
    plant = small_plant()
    login(client, "sam", ["supervisor"])
    page = client.get(f"/overtime/{plant.opportunity}").text
    eli = plant.people["Eli"]
    # The page carries the version of each person's answer it shows: none yet.
    form = page.split(f'name="employee_id" value="{eli}"', 1)[1].split("</form>", 1)[0]
    assert 'name="version" value="0"' in form
    _answer_elsewhere(plant, "Eli", "refused")  # Kim records Eli's refusal meanwhile
    audit_before = run(AuditEntry.count())

    stale = record(client, plant, "Eli", "accepted", version=0)
    assert stale.status_code == 409
    assert "Changed by Kim Lee at " in stale.text and "since you opened it" in stale.text
    assert "Eli Test&#39;s answer is now refused. Nothing was recorded." in stale.text
    offer = run(OvertimeOffer.select().where(OvertimeOffer.employee_id == eli).first())
    assert (offer["outcome"], offer["version"], offer["offered_by"]) == ("refused", 1, "Kim Lee")
    assert charged(plant, "Eli") == 28 and run(AuditEntry.count()) == audit_before
    # The page shown again carries the saved answer and its version.
    form = stale.text.split(f'name="employee_id" value="{eli}"', 1)[1].split("</form>", 1)[0]
    assert 'name="version" value="1"' in form

    # htmx (the tablet's normal path): the current list comes back with the message.
    htmx = record(client, plant, "Eli", "accepted", version=0, headers={"hx-request": "true"})
    assert htmx.status_code == 200 and "<html" not in htmx.text
    assert "Changed by Kim Lee" in htmx.text.split('data-uitest="call-message">', 1)[1]
    assert f'data-uitest="outcome-{eli}">Refused' in htmx.text

    # Tapping the answer already saved is no conflict and charges nothing again.
    same = record(client, plant, "Eli", "refused", version=0, follow_redirects=True)
    assert same.status_code == 200 and "refused was already recorded" in same.text
    # Changing an answer someone else recorded in a later version is a conflict as well.
    _answer_elsewhere(plant, "Eli", "no_answer")
    assert record(client, plant, "Eli", "accepted", version=1).status_code == 409

    # From a fresh page (the version it shows), the change goes through and books the difference.
    fresh = record(client, plant, "Eli", "accepted", version=2)
    assert fresh.status_code == 303
    offer = run(OvertimeOffer.select().where(OvertimeOffer.employee_id == eli).first())
    assert (offer["outcome"], offer["version"], offer["offered_by"]) == ("accepted", 3, "sam")
    assert charged(plant, "Eli") == 28


def test_an_answer_without_the_pages_version_is_refused(client):
    plant = small_plant()
    login(client, "sam", ["supervisor"])
    r = post(
        client,
        f"/overtime/{plant.opportunity}/offers",
        {"employee_id": str(plant.people["Eli"]), "outcome": "accepted"},
        token_from="/",
    )
    assert r.status_code == 400 and "This page is out of date: reload the call list" in r.text
    assert run(OvertimeOffer.count()) == 0 and charged(plant, "Eli") == 20
