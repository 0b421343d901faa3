"""Timing of the labour-rules engine on a plant-sized timesheet: 2,000 employees x 20 shifts."""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta

from workforce.rules.engine import evaluate
from workforce.rules.model import Shift
from workforce.rules.ruleset import load_preset

EMPLOYEES, SHIFTS_EACH = 2_000, 20
START = date(2026, 1, 5)
# (start hour, length h, unpaid break min): day, swing and night 8 h shifts, and 12 h day and night shifts.
SHIFT_TYPES = [(6, 8.5, 30), (14, 8.5, 30), (22, 8.5, 30), (7, 12, 30), (19, 12, 30)]
HOLIDAYS = frozenset({date(2026, 1, 19)})


def build_shifts(seed: int = 20260105) -> list[Shift]:
    """Deterministic shifts: each employee keeps one shift type, works 20 of 28 days, with some call-ins."""
    rng = random.Random(seed)
    shifts = []
    for number in range(EMPLOYEES):
        hour, length, unpaid = SHIFT_TYPES[number % len(SHIFT_TYPES)]
        for day in sorted(rng.sample(range(28), SHIFTS_EACH)):
            start = datetime.combine(START + timedelta(days=day), datetime.min.time()) + timedelta(hours=hour)
            extra = rng.choice((0, 0, 0, 1, 2))  # holdovers
            call_in = rng.random() < 0.03
            hours = 2 if call_in else length + extra
            shifts.append(
                Shift(
                    f"E{number:04d}",
                    start,
                    start + timedelta(hours=hours),
                    0 if call_in else unpaid,
                    call_in=call_in,
                )
            )
    return shifts


def _best_of(runs: int, action) -> float:
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - began)
    return best


def bench() -> list[dict]:
    shifts = build_shifts()
    rows = []
    for preset in ("california", "example-cba"):
        rules = load_preset(preset)
        seconds = _best_of(3, lambda rules=rules: evaluate(rules, shifts, HOLIDAYS))
        rows.append(
            {
                "name": f"rules: evaluate {len(shifts):,} shifts ({preset})",
                "value": round(seconds, 3),
                "unit": "s",
                "target": "< 1 s",
            }
        )
    return rows + bench_http()


# The pay period evaluated with nothing cached (service_hours.py and engine.py caches emptied before each
# run), in a process of its own on the demo database: what the first look at a period costs.
COLD = """
import asyncio, json, sys, time
from datetime import date
from workforce.rules import engine, service_hours as hs
from workforce.rules.routes_common import last_two_weeks

async def main(n):
    start, end = last_two_weeks(date.today())
    await hs.evaluate_with_hours(start, end)  # imports, the holidays library
    samples = []
    for _ in range(n):
        hs._evaluations.clear()
        engine._extra_checks.clear()
        began = time.perf_counter()
        hs.payroll_csv(hs.payroll_rows(await hs.evaluate_with_hours(start, end)))
        samples.append((time.perf_counter() - began) * 1000)
    print(json.dumps(sorted(samples)))

asyncio.run(main(int(sys.argv[1])))
"""


def bench_cold(env: dict[str, str], n: int) -> dict:
    import json
    import os
    import statistics
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", COLD, str(n)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    samples = json.loads(done.stdout.strip().splitlines()[-1])
    p50, p95 = statistics.median(samples), samples[int(len(samples) * 0.95) - 1]
    return {
        "name": "rules: pay period evaluated cold (in-process, nothing cached) p50 / p95",
        "value": f"{p50:.1f} / {p95:.1f}",
        "unit": "ms",
        "target": "p95 < 300 ms",
    }


def bench_http(n: int = 30) -> list[dict]:
    """Overtime screens on the 2,000-employee demo (six weeks of timesheets for ~600 people)."""
    import re

    from harness import demo_database, server, signed_in_client, timings

    rows = []
    with (
        demo_database(employees=2000, years=5) as env,
        server("workforce.app:create_app", env, factory=True) as url,
    ):
        client = signed_in_client(url, "admin", "admin-demo-pass")
        board = client.get("/overtime?status=open&when=all").text
        opportunity = re.search(r'href="(/overtime/\d+)"', board).group(1)
        fairness = client.get("/overtime/fairness").text
        crew = re.search(r'href="(/overtime/fairness\?crew=\d+)"', fairness).group(1)
        for name, path, target in (
            ("overtime board", "/overtime", "p95 < 100 ms"),
            ("call list (ranked, with exclusions)", opportunity, "p95 < 100 ms"),
            ("overtime report, two weeks, by department", "/overtime/report", "p95 < 300 ms"),
            ("payroll CSV, two weeks", "/overtime/payroll.csv?start={}&end={}", "p95 < 300 ms"),
            ("crew fairness, one crew's first page", crew, "p95 < 200 ms"),
        ):
            if "{}" in path:
                start, end = re.search(
                    r'name="start" value="([^"]+)".*?name="end" value="([^"]+)"',
                    client.get("/overtime/report").text,
                    re.S,
                ).groups()
                path = path.format(start, end)
            t = timings(client, path, n, warmup=3)
            rows.append(
                {
                    "name": f"rules: {name} p50 / p95",
                    "value": f"{t['p50']:.1f} / {t['p95']:.1f}",
                    "unit": "ms",
                    "target": target,
                }
            )
        rows.append(bench_cold(env, n))
    return rows


if __name__ == "__main__":
    for row in bench():
        print(f"{row['name']}: {row['value']} {row['unit']} (target {row['target']})")
