"""One Jinja environment for screens and PDFs: the shell's templates/ plus each domain's
templates folder, the same filters and globals everywhere."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from workforce.settings import PACKAGE, ROOT, get_settings


def template_dirs() -> list[str]:
    dirs = [str(ROOT / "templates")]
    dirs += sorted(str(p) for p in PACKAGE.glob("*/templates") if p.is_dir())
    return dirs


def fmt_dt(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone()  # server local time; sites render their own zone where it matters
    return value.strftime(fmt)


def fmt_date(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def fmt_hours(value: Any) -> str:
    if value is None:
        return ""
    return f"{float(value):.2f}".rstrip("0").rstrip(".") if value else "0"


def query_with(args: dict[str, Any], **changes: Any) -> str:
    """The current query string with some keys replaced (None removes a key)."""
    merged = {k: v for k, v in args.items() if v not in (None, "")}
    for k, v in changes.items():
        if v in (None, ""):
            merged.pop(k, None)
        else:
            merged[k] = v
    return "?" + urlencode(merged, doseq=True) if merged else "?"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(d) for d in template_dirs()]),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=StrictUndefined if get_settings().debug else _Lenient,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
    )
    env.filters.update(dt=fmt_dt, date=fmt_date, hours=fmt_hours)
    env.globals.update(query_with=query_with, settings=get_settings())
    return env


class _Lenient(StrictUndefined):
    """Missing values render empty (never a 500 on a page for an optional field), but calling or
    iterating an undefined still fails loudly in tests."""

    def __str__(self) -> str:  # noqa: D105
        return ""

    def __bool__(self) -> bool:
        return False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Lenient) or other is None

    def __hash__(self) -> int:
        return 0


def render_string(name: str, context: dict[str, Any]) -> str:
    return environment().get_template(name).render(**context)
