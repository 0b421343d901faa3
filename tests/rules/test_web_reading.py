"""What the report, the payroll export and the call list read and evaluate: only the part of each record
that can change the result (context.py), with results equal to reading everything."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, time, timedelta

import pytest

from tests.conftest import login, run
from tests.rules.test_web_overtime import SATURDAY, small_plant
from workforce.audit.context import Actor, current_actor
from workforce.rules import engine, service
from workforce.rules import service_hours as hs
from workforce.rules import service_overtime as ot
from workforce.rules.model import Shift
from workforce.rules.ruleset import preset_text
from workforce.rules.service_hours import record_shifts
from workforce.rules.tables import TimesheetEntry

PERIOD = (date(2026, 4, 6), date(2026, 4, 19))  # two Monday-Sunday weeks


def _as(name: str):
    class _Actor:
        def __enter__(self):
            self.token = current_actor.set(Actor(None, name))

        def __exit__(self, *exc):
            current_actor.reset(self.token)

    return _Actor()


def weekday_shifts(emp: int, first: date, last: date, weekdays=range(5)) -> list[Shift]:
    out = []
    day = first
    while day <= last:
        if day.weekday() in weekdays:
            start = datetime.combine(day, time(6))
            out.append(Shift(str(emp), start, start + timedelta(hours=8, minutes=30), 30))
        day += timedelta(days=1)
    return out


def record(shifts: list[Shift]) -> None:
    async def go():
        with _as("setup"):
            await record_shifts(shifts, source="test")

    run(go())


@pytest.fixture
def evaluated(monkeypatch):
    """The shifts the engine is given, one list per evaluation of one record."""
    calls: list[list[Shift]] = []
    original = engine.rows_of
    hs._evaluations.clear()
    engine._extra_checks.clear()

    def counting(shifts):
        calls.append(list(shifts))
        return original(shifts)

    monkeypatch.setattr(engine, "rows_of", counting)
    return calls


def figures(results: dict) -> dict:
    return {
        emp_id: (
            [asdict(d) for d in r.days],
            [asdict(w) for w in r.weeks],
            sorted(r.mixed_weeks),
            [(v.rule, v.shift_start, v.detail) for v in r.violations],
            [(v or {}).get("id") for v in r.versions],
            asdict(r.totals),
        )
        for emp_id, r in results.items()
    }


def test_a_pay_period_evaluates_only_the_record_since_the_weekend_before_it(db, evaluated):
    plant = small_plant(with_opportunity=False)
    eli = plant.people["Eli"]
    # Five weeks of Monday-Friday days; the period is the last two full weeks.
    record(weekday_shifts(eli, date(2026, 3, 16), date(2026, 4, 24)))
    results = run(hs.evaluate_with_hours(*PERIOD))
    assert results[eli].totals.hours_worked == 80
    mine = [c for c in evaluated if c and c[0].employee == str(eli)]
    assert len(mine) == 1, "one evaluation: one rule-set version is in force"
    # The weekend of 4-5 April ends every look-back: nothing before it is evaluated, nor read again
    # beyond the end of the period's last workweek (and one day).
    assert min(s.start for s in mine[0]) == datetime(2026, 4, 6, 6)
    assert max(s.start for s in mine[0]) < datetime(2026, 4, 21)


def test_a_period_read_again_is_not_evaluated_again_unless_a_shift_changed(db, evaluated):
    plant = small_plant(with_opportunity=False)
    eli, ben = plant.people["Eli"], plant.people["Ben"]
    record(weekday_shifts(eli, date(2026, 3, 30), date(2026, 4, 17)))
    record(weekday_shifts(ben, date(2026, 3, 30), date(2026, 4, 17)))
    first = run(hs.evaluate_with_hours(*PERIOD))
    assert len(evaluated) == 2
    again = run(hs.evaluate_with_hours(*PERIOD))  # the report regrouped, a page turned, the CSV
    assert len(evaluated) == 2 and figures(again) == figures(first)
    # Ben's Friday was longer than recorded: only his record is evaluated again, and it shows.
    run(
        TimesheetEntry.update({TimesheetEntry.ends_at: datetime(2026, 4, 17, 18)}).where(
            (TimesheetEntry.employee_id == ben) & (TimesheetEntry.starts_at == datetime(2026, 4, 17, 6))
        )
    )
    changed = run(hs.evaluate_with_hours(*PERIOD))
    assert [c[0].employee for c in evaluated[2:]] == [str(ben)]
    assert changed[ben].totals.hours_worked == first[ben].totals.hours_worked + 3.5
    assert figures({eli: changed[eli]}) == figures({eli: first[eli]})


def test_a_version_in_force_only_before_the_period_is_not_evaluated(db, evaluated):
    plant = small_plant(with_opportunity=False)
    eli = plant.people["Eli"]
    record(weekday_shifts(eli, date(2026, 3, 16), date(2026, 4, 17)))
    # A new UAW version from Wednesday 25 March: the period (from 6 April) is judged by it alone.
    text = preset_text("example-cba").replace(
        "[limits.min_rest]\nhours = 8\n", "[limits.min_rest]\nhours = 9\n"
    )
    run(service.create_version(plant.uaw, text, date(2026, 3, 25), "MOA", check_based_on=False))
    results = run(hs.evaluate_with_hours(*PERIOD))
    assert [v["effective_from"] for v in results[eli].versions] == [date(2026, 3, 25)]
    assert len([c for c in evaluated if c and c[0].employee == str(eli)]) == 1


def test_another_units_weekly_average_does_not_lengthen_everyones_look_back(db, evaluated):
    plant = small_plant(with_opportunity=False)
    eli, ivy = plant.people["Eli"], plant.people["Ivy"]
    # Ivy's unit (USW) keeps the EU 48-hour average over 17 weeks: her whole reference period counts.
    run(
        service.create_version(
            plant.usw, preset_text("eu-wtd"), date(2020, 1, 1), "WTD", check_based_on=False
        )
    )
    record(weekday_shifts(eli, date(2026, 1, 5), date(2026, 4, 17)))
    record(weekday_shifts(ivy, date(2026, 1, 5), date(2026, 4, 17)))
    run(hs.evaluate_with_hours(*PERIOD))
    eli_read = [s for c in evaluated for s in c if s.employee == str(eli)]
    ivy_read = [s for c in evaluated for s in c if s.employee == str(ivy)]
    assert min(s.start for s in eli_read) == datetime(2026, 4, 6, 6)
    assert min(s.start for s in ivy_read) < datetime(2026, 1, 6)  # 17 weeks and more before the period


def test_evaluate_with_hours_equals_evaluate_period_of_employees_with_hours(db):
    """Same people, order and figures; including people the first, recent read is not enough for."""
    plant = small_plant(crew_b_size=3, with_opportunity=False)
    p = plant.people
    shifts = weekday_shifts(p["Eli"], date(2026, 3, 16), date(2026, 4, 21))
    # Ben works every day for three weeks: no break to cut at, read whole, 7th-day and rest rules apply.
    shifts += weekday_shifts(p["Ben"], date(2026, 3, 23), date(2026, 4, 12), weekdays=range(7))
    # Cho worked a Saturday before the period: the weekend is too short, the week before is read too.
    shifts += weekday_shifts(p["Cho"], date(2026, 3, 23), date(2026, 4, 17))
    shifts += [Shift(str(p["Cho"]), datetime(2026, 4, 4, 6), datetime(2026, 4, 4, 14))]
    # Ana only before the period, Lou at the other site, Gus a night worker over the period's edges.
    shifts += weekday_shifts(p["Ana"], date(2026, 3, 23), date(2026, 4, 3))
    shifts += weekday_shifts(p["Lou"], date(2026, 4, 6), date(2026, 4, 10))
    shifts += [
        Shift(str(p["Gus"]), datetime(2026, 4, d, 22), datetime(2026, 4, d + 1, 6, 30), 30)
        for d in (5, 8, 12, 19)
    ]
    record(shifts)
    run(
        service.create_version(
            plant.usw, preset_text("california"), date(2026, 4, 8), "x", check_based_on=False
        )
    )
    for start, end in (PERIOD, (date(2026, 4, 8), date(2026, 4, 15)), (date(2026, 4, 19), date(2026, 4, 19))):
        for sites in (None, {plant.site}, {plant.other_site}):
            people = run(hs.employees_with_hours(start, end, sites))
            expected = run(hs.evaluate_period(people, start, end))
            found = run(hs.evaluate_with_hours(start, end, sites))
            assert list(found) == list(expected)
            assert figures(found) == figures(expected)
    assert p["Ana"] not in run(hs.evaluate_with_hours(*PERIOD))


def test_the_call_list_checks_only_the_stretch_of_each_record_around_the_overtime(client, evaluated):
    plant = small_plant()  # Saturday 06:00-14:00 overtime for crew A
    eli = plant.people["Eli"]
    record(weekday_shifts(eli, SATURDAY - timedelta(days=26), SATURDAY - timedelta(days=1)))
    login(client, "sam", ["supervisor"])
    evaluated.clear()
    html = client.get(f"/overtime/{plant.opportunity}").text
    assert f'data-uitest="call-{eli}"' in html
    eli_read = [s for c in evaluated for s in c if s.employee == str(eli)]
    monday = SATURDAY - timedelta(days=5)
    assert eli_read and min(s.start for s in eli_read) == datetime.combine(monday, time(6))


def test_other_overtime_and_forced_counts_still_shape_the_call_list(client):
    """The overtime people took elsewhere and this month's forced count (read together now)."""
    plant = small_plant()
    text = preset_text("example-cba").replace(
        "[equalization]\n", "[equalization]\nmax_forced_per_month = 1\n"
    )
    run(service.create_version(plant.uaw, text, date(2020, 1, 2), "cap", check_based_on=False))

    async def setup():
        with _as("sam"):
            other = await ot.create_opportunity(
                ot.OpportunityInput(
                    site_id=plant.site,
                    starts_at=datetime.combine(SATURDAY, time(4)),
                    hours=4,
                    crew_id=plant.crew_a,
                    station_id=plant.station,
                )
            )
            earlier = await ot.create_opportunity(
                ot.OpportunityInput(
                    site_id=plant.site,
                    starts_at=datetime.combine(SATURDAY.replace(day=1), time(6)),
                    hours=4,
                    crew_id=plant.crew_a,
                    station_id=plant.station,
                )
            )
            await ot.record_outcome(other, plant.people["Ben"], "accepted")
            await ot.record_outcome(earlier, plant.people["Eli"], "forced")

    run(setup())
    login(client, "sam", ["supervisor"])
    html = client.get(f"/overtime/{plant.opportunity}?forced=1").text
    ben = html.split(f'data-uitest="excluded-{plant.people["Ben"]}"', 1)[1].split("</ul>", 1)[0]
    assert "already working: overlaps shift" in ben
    forced = html.split('data-uitest="forced-order"', 1)[1].split("</section>", 1)[0]
    assert "Eli Test</strong>: already forced 1 times this month (maximum 1)" in forced


def _reference(emp, shifts, holidays, book, start, end):
    """The evaluation before any cut: every version in force from the book's look-back before the period
    to a week after it, each evaluated on all those shifts (the first implementation, kept as the oracle;
    `shifts` and `holidays` are read over that same window)."""
    from workforce.rules.engine import evaluate
    from workforce.rules.model import WeekHours

    window = (start - timedelta(days=hs.book_context_days(book)), end + timedelta(days=7))
    segments = book.segments(emp["bargaining_unit_id"], *window)
    days, weeks, covered, violations, calendars = {}, [], set(), [], []
    for index, (first, last, _row, rules) in enumerate(segments):
        outcome = evaluate(rules, shifts, holidays).employees.get(str(emp["id"]))
        if outcome is None:
            continue
        lo = date.min if index == 0 else first
        hi = date.max if index == len(segments) - 1 else last
        calendars.append((lo, hi, rules))
        days.update({d.day: d for d in outcome.days if lo <= d.day <= hi})
        violations += [
            v
            for v in outcome.violations
            if lo <= v.shift_start.date() <= hi and start <= v.shift_start.date() <= end
        ]
        for w in outcome.weeks:
            w_end = w.week_start + timedelta(days=6)
            if w.week_start >= lo and w_end <= hi and w.week_start <= end and w_end >= start:
                weeks.append(w)
                covered.update(w.week_start + timedelta(days=i) for i in range(7))
    mixed = {}
    for day, hours in days.items():
        if day in covered:
            continue
        rules = next(r for lo, hi, r in calendars if lo <= day <= hi)
        ws = day - timedelta(days=(day.weekday() - rules.calendar.workweek_start_day) % 7)
        if ws <= end and ws + timedelta(days=6) >= start:
            hs.add_hours(mixed.setdefault(ws, WeekHours(week_start=ws)), hours)
    weeks = sorted([*weeks, *mixed.values()], key=lambda w: w.week_start)
    return (
        [asdict(d) for day, d in sorted(days.items()) if start <= day <= end],
        [asdict(w) for w in weeks if w.hours_worked > 0],
        sorted(v for v in (ws for ws, w in mixed.items() if w.hours_worked > 0)),
        sorted((v.rule, v.shift_start, v.detail) for v in violations),
    )


def test_results_equal_evaluating_every_version_on_the_whole_record(db):
    """Cut records, skipped versions and the partial first read change nothing: the oracle above."""
    plant = small_plant(crew_b_size=2, with_opportunity=False)
    p = plant.people
    shifts = weekday_shifts(p["Eli"], date(2026, 3, 2), date(2026, 4, 28))
    shifts += weekday_shifts(p["Ben"], date(2026, 3, 16), date(2026, 4, 26), weekdays=range(7))
    shifts += weekday_shifts(p["Cho"], date(2026, 3, 16), date(2026, 4, 24), weekdays=(0, 1, 2, 3, 5))
    shifts += [  # Ivy (USW): nights with short rests, over the version changes
        Shift(str(p["Ivy"]), datetime(2026, 4, d, 22), datetime(2026, 4, d + 1, 8), 30)
        for d in range(1, 27, 2)
    ]
    shifts += [
        Shift(str(p["Gus"]), datetime(2026, 4, d, 6), datetime(2026, 4, d, 20), 30) for d in range(3, 20, 3)
    ]
    record(shifts)
    for unit, preset, day in (
        (plant.usw, "california", date(2026, 4, 8)),  # a Wednesday, inside the periods below
        (plant.uaw, "flsa", date(2026, 4, 16)),  # a Thursday
        (None, "example-cba", date(2026, 3, 1)),  # plant default
    ):
        run(service.create_version(unit, preset_text(preset), day, "test", check_based_on=False))
    book = run(service.RuleBook.load())
    people = run(hs.employees_with_hours(date(2026, 3, 1), date(2026, 4, 30)))
    for start, end in (PERIOD, (date(2026, 4, 8), date(2026, 4, 15)), (date(2026, 4, 14), date(2026, 4, 30))):
        window = (start - timedelta(days=hs.book_context_days(book)), end + timedelta(days=7))
        every = run(
            hs.worked_shifts([e["id"] for e in people], *(datetime.combine(d, time(0)) for d in window))
        )
        holidays = run(hs.holidays_by_site({plant.site}, *window))[plant.site]
        found = run(hs.evaluate_with_hours(start, end))
        for e in people:
            expected = _reference(e, every[e["id"]], holidays, book, start, end)
            if not expected[0] and not expected[3] and e["id"] not in found:
                continue  # no hours in the period: not in the report
            r = found[e["id"]]
            got = (
                [asdict(d) for d in r.days],
                [asdict(w) for w in r.weeks],
                sorted(r.mixed_weeks),
                sorted((v.rule, v.shift_start, v.detail) for v in r.violations),
            )
            assert got == expected, (e["name"], start, end)
