"""Form helpers: read a posted form into a plain dict, collect field errors, re-render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from litestar import Request


@dataclass
class FormErrors:
    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, message)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


async def form_data(request: Request) -> dict[str, Any]:
    """Posted fields as a dict; a field posted several times (checkboxes) becomes a list."""
    form = await request.form()
    data: dict[str, Any] = {}
    for key in form:
        if key == "_csrf_token":
            continue
        values = form.getall(key)
        texts = [v for v in values if isinstance(v, str)]
        files = [v for v in values if not isinstance(v, str)]
        if files:
            data[key] = files if len(files) > 1 else files[0]
        else:
            data[key] = texts if len(texts) > 1 else (texts[0].strip() if texts else "")
    return data


def as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def parse_date(value: str, name: str, errors: FormErrors, required: bool = False) -> date | None:
    if not value:
        if required:
            errors.add(name, "Enter a date.")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(name, f"{value!r} is not a date (use YYYY-MM-DD).")
        return None


def parse_datetime(value: str, name: str, errors: FormErrors, required: bool = False) -> datetime | None:
    if not value:
        if required:
            errors.add(name, "Enter a date and time.")
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        errors.add(name, f"{value!r} is not a date and time (use YYYY-MM-DD HH:MM).")
        return None


def parse_int(
    value: str,
    name: str,
    errors: FormErrors,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = False,
) -> int | None:
    if value in ("", None):
        if required:
            errors.add(name, "Enter a number.")
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(name, f"{value!r} is not a whole number.")
        return None
    if minimum is not None and number < minimum:
        errors.add(name, f"Must be at least {minimum}.")
    if maximum is not None and number > maximum:
        errors.add(name, f"Must be at most {maximum}.")
    return number


def parse_float(
    value: str, name: str, errors: FormErrors, *, minimum: float | None = None, required: bool = False
) -> float | None:
    if value in ("", None):
        if required:
            errors.add(name, "Enter a number.")
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors.add(name, f"{value!r} is not a number.")
        return None
    if minimum is not None and number < minimum:
        errors.add(name, f"Must be at least {minimum}.")
    return number
