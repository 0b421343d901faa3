"""HTTP latency against real server processes: login page, authenticated pages, employee list with
2,000 employees, beside a bare Litestar hello-world served the same way in the same run."""

from __future__ import annotations

import httpx
from harness import demo_database, server, signed_in_client, timings

N = 300


def bench() -> list[dict]:
    rows: list[dict] = []
    with server("hello_app:app", {}) as url:
        hello = timings(httpx.Client(base_url=url), "/", N)
    rows.append(
        {
            "name": "hello-world (bare Litestar) p50 / p95",
            "value": f"{hello['p50']:.2f} / {hello['p95']:.2f}",
            "unit": "ms",
            "target": "baseline",
        }
    )
    with (
        demo_database(employees=2000, years=5) as env,
        server("workforce.app:create_app", env, factory=True) as url,
    ):
        login = timings(httpx.Client(base_url=url), "/login", N)
        hr = signed_in_client(url, "hr", "hr-demo-pass")
        dash = timings(hr, "/", N)
        people = timings(hr, "/people", N)
        search = timings(hr, "/people?q=smi&status=current&sort=-seniority", N)
        page40 = timings(hr, "/people?page=40&per_page=25", N)
    for name, t, target in (
        ("login page", login, ""),
        ("dashboard (signed in)", dash, ""),
        ("employee list, 2,000 employees, page 1", people, "p95 < 100 ms"),
        ("employee list, search + filter + sort", search, "p95 < 100 ms"),
        ("employee list, page 40", page40, "p95 < 100 ms"),
    ):
        rows.append(
            {
                "name": f"{name} p50 / p95",
                "value": f"{t['p50']:.2f} / {t['p95']:.2f}",
                "unit": "ms",
                "target": target or f"ratio to hello p50: {t['p50'] / hello['p50']:.1f}x",
            }
        )
    return rows


if __name__ == "__main__":
    for row in bench():
        print(row)
