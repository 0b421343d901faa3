"""`make bench`: run every benchmarks/bench_*.py and print one table of figures."""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main(selected: list[str]) -> int:
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if selected:
        modules = [m for m in modules if any(s in m for s in selected)]
    rows: list[dict] = []
    failed = 0
    for name in modules:
        started = time.perf_counter()
        print(f"running {name} …", file=sys.stderr, flush=True)
        try:
            rows.extend(importlib.import_module(name).bench())
        except Exception:
            failed += 1
            traceback.print_exc()
            rows.append({"name": f"{name}: FAILED", "value": "", "unit": "", "target": ""})
        print(f"  {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr)
    width = max((len(str(r["name"])) for r in rows), default=10)
    print(f"\n{'benchmark':<{width}}  {'value':>18}  {'unit':<5} target")
    print("-" * (width + 45))
    for r in rows:
        value = r["value"] if isinstance(r["value"], str) else f"{r['value']:.3f}"
        print(f"{r['name']:<{width}}  {value:>18}  {r.get('unit', ''):<5} {r.get('target', '')}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
