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
        for name, path, target in (
            ("overtime board", "/overtime", "p95 < 100 ms"),
            ("call list (ranked, with exclusions)", opportunity, "p95 < 300 ms"),
            ("overtime report, two weeks, by department", "/overtime/report", "p95 < 1000 ms"),
            ("payroll CSV, two weeks", "/overtime/payroll.csv?start={}&end={}", "p95 < 1000 ms"),
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
    return rows


if __name__ == "__main__":
    for row in bench():
        print(f"{row['name']}: {row['value']} {row['unit']} (target {row['target']})")
