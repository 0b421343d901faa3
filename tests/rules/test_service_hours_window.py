"""Worked shifts overlapping a window: the query is bounded on starts_at from both sides (a row is at
most service_hours.MAX_SHIFT long), reads what a scan of all history would, and uses the index."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import pytest

from tests.conftest import run
from tests.rules.test_web_overtime import small_plant
from workforce.audit.tables import AuditEntry
from workforce.db import engine
from workforce.rules import service_hours as hs
from workforce.rules.model import Shift
from workforce.rules.tables import TimesheetEntry

ORIGIN = datetime(2026, 3, 1)


def _history(people: list[int], rng: random.Random) -> list[Shift]:
    """120 days of rows from a minute to exactly MAX_SHIFT long, plus rows on the edges of the windows
    the test asks for."""
    shifts = []
    for _ in range(400):
        start = ORIGIN + timedelta(minutes=rng.randrange(120 * 24 * 60))
        length = rng.choice([1, 8 * 60, 12 * 60, 16 * 60, 23 * 60 + 59, 24 * 60, rng.randrange(1, 24 * 60)])
        shifts.append(Shift(str(rng.choice(people)), start, start + timedelta(minutes=length)))
    edge = ORIGIN + timedelta(days=60)  # a window [edge, edge + 1 day) is asked for below
    who = str(people[0])
    shifts += [
        Shift(who, edge - hs.MAX_SHIFT + timedelta(minutes=1), edge + timedelta(minutes=1)),  # 24 h, in
        Shift(who, edge - hs.MAX_SHIFT, edge),  # 24 h, ends as the window starts: out
        Shift(who, edge + timedelta(days=1), edge + timedelta(days=1, hours=8)),  # starts at its end: out
        Shift(who, edge - timedelta(hours=1), edge + timedelta(hours=8)),  # covers [edge, edge + 1 min)
    ]
    return shifts


def _brute(rows: list[dict], ids: set[int] | None, start: datetime, end: datetime) -> dict[int, list]:
    out: dict[int, list] = {}
    for r in rows:
        if (ids is None or r["employee_id"] in ids) and r["starts_at"] < end and r["ends_at"] > start:
            out.setdefault(r["employee_id"], []).append((r["starts_at"], r["ends_at"]))
    return {k: sorted(v) for k, v in out.items()}


def _found(result: dict[int, list[Shift]]) -> dict[int, list]:
    return {k: sorted((s.start, s.end) for s in v) for k, v in result.items() if v}


def test_overlap_queries_read_the_same_rows_as_a_scan_of_all_history(db):
    plant = small_plant(with_opportunity=False)
    people = sorted(plant.people.values())
    rng = random.Random(20260301)
    run(hs.record_shifts(_history(people, rng), source="test"))
    rows = run(TimesheetEntry.select())
    some = set(rng.sample(people, 4))
    edge = ORIGIN + timedelta(days=60)
    windows = [(edge, edge + timedelta(days=1)), (edge, edge + timedelta(minutes=1))]
    for _ in range(60):
        start = ORIGIN - timedelta(days=2) + timedelta(minutes=rng.randrange(125 * 24 * 60))
        windows.append(
            (start, start + timedelta(minutes=rng.choice([1, 60, 24 * 60, 7 * 24 * 60, 40 * 24 * 60])))
        )
    for start, end in windows:
        assert _found(run(hs._timesheet_shifts(None, start, end))) == _brute(rows, None, start, end)
        assert _found(run(hs.worked_shifts(some, start, end))) == _brute(rows, some, start, end)
        first, last = start.date(), (end - timedelta(microseconds=1)).date()
        whole_days = _brute(
            rows, None, datetime.combine(first, time(0)), datetime.combine(last, time(0)) + timedelta(days=1)
        )
        with_hours = run(hs.employees_with_hours(first, last))
        assert {p["id"] for p in with_hours} == set(whole_days)
    # The edge window: the 24-hour row that ends a minute into it and the covering row, nothing else.
    edge_rows = run(hs.worked_shifts([people[0]], edge, edge + timedelta(days=1)))[people[0]]
    assert (edge - hs.MAX_SHIFT + timedelta(minutes=1), edge + timedelta(minutes=1)) in [
        (s.start, s.end) for s in edge_rows
    ]


def test_a_row_longer_than_the_maximum_shift_is_refused_and_nothing_is_written(db):
    plant = small_plant(with_opportunity=False)
    eli = str(plant.people["Eli"])
    rows, audit = run(TimesheetEntry.count()), run(AuditEntry.count())
    start = datetime(2026, 4, 1, 6)
    with pytest.raises(ValueError, match="longer than 24 h: record it as two rows"):
        run(
            hs.record_shifts(
                [
                    Shift(eli, start, start + timedelta(hours=8)),
                    Shift(eli, start, start + hs.MAX_SHIFT + timedelta(minutes=1)),
                ]
            )
        )
    assert (run(TimesheetEntry.count()), run(AuditEntry.count())) == (rows, audit)
    assert run(hs.record_shifts([Shift(eli, start, start + hs.MAX_SHIFT)])) == 1  # exactly 24 h is fine


def _plan(sql: str) -> str:
    """The query plan as text, with sequential scans discouraged on PostgreSQL (a test table is tiny)."""

    async def explain() -> str:
        if engine().engine_type == "sqlite":
            rows = await TimesheetEntry.raw("EXPLAIN QUERY PLAN " + sql)
            return "\n".join(r["detail"] for r in rows)
        async with engine().transaction():
            await TimesheetEntry.raw("SET LOCAL enable_seqscan = off")
            rows = await TimesheetEntry.raw("EXPLAIN " + sql)
        return "\n".join(next(iter(r.values())) for r in rows)

    return run(explain())


def test_the_overlap_query_is_an_index_range_on_starts_at(db, count_queries):
    plant = small_plant(with_opportunity=False)
    start, end = datetime(2026, 6, 1), datetime(2026, 6, 8)
    with count_queries() as whole_plant:
        run(hs._timesheet_shifts(None, start, end))
    with count_queries() as some_people:
        run(hs.worked_shifts([plant.people["Eli"], plant.people["Ben"]], start, end))
    for statements in (whole_plant.statements, some_people.statements):
        (sql,) = [s for s in statements if "wf_timesheet_entry" in s]
        plan = _plan(sql)
        if engine().engine_type == "sqlite":
            # "SEARCH wf_timesheet_entry USING INDEX … (starts_at>? AND starts_at<?)"
            assert "starts_at>? AND starts_at<?" in plan, plan
        else:
            conds = [line for line in plan.splitlines() if "Index Cond" in line]
            assert any("starts_at >=" in c and "starts_at <" in c for c in conds), plan
