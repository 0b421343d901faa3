"""Rule sets as TOML: parse and validate into `RuleSet`, ship presets, dump, and diff two versions.

Validation, defaults, dumping and diffing all walk the one schema in schema.py.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w

from .model import RuleSet
from .schema import REQUIRED, SCHEMA, Invalid, Table

PRESETS: tuple[str, ...] = ("flsa", "california", "eu-wtd", "example-cba")


class RuleSetError(ValueError):
    """A rule set that cannot be used; `key` is the dotted TOML key at fault ("" for the whole file)."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"{key}: {problem}" if key else problem)


def _dotted(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _parse_table(spec: Table, raw: dict[str, Any], path: str) -> Any:
    known = {k.name for k in spec.keys} | {c.name for c in spec.children}
    for name in raw:
        if name not in known:
            raise RuleSetError(_dotted(path, name), "unknown key")
    values: dict[str, Any] = {}
    for key in spec.keys:
        dotted = _dotted(path, key.name)
        if key.name not in raw:
            if key.default is REQUIRED:
                raise RuleSetError(dotted, "required")
            values[key.name] = key.default
            continue
        try:
            values[key.name] = key.kind.parse(raw[key.name])
        except Invalid as bad:
            raise RuleSetError(dotted, f"{bad}, got {raw[key.name]!r}") from None
    for child in spec.children:
        dotted = _dotted(path, child.name)
        if child.name not in raw:
            values[child.name] = None if child.optional else _parse_table(child, {}, dotted)
        elif not isinstance(raw[child.name], dict):
            raise RuleSetError(dotted, f"must be a table [{dotted}], got {raw[child.name]!r}")
        else:
            values[child.name] = _parse_table(child, raw[child.name], dotted)
    return spec.build(**values)


def _check_consistency(rules: RuleSet) -> None:
    daily = rules.daily_overtime
    if (
        daily
        and daily.double_time_after_hours is not None
        and daily.double_time_after_hours < daily.after_hours
    ):
        limit, got = daily.after_hours, daily.double_time_after_hours
        raise RuleSetError(
            "daily_overtime.double_time_after_hours",
            f"must be >= daily_overtime.after_hours ({limit:g}), got {got:g}",
        )
    night = rules.night_differential
    if night and night.start == night.end:
        raise RuleSetError("night_differential.end", "must differ from night_differential.start")


def parse_ruleset(text: str) -> RuleSet:
    """Parse and validate rule-set TOML; raises RuleSetError naming the key and what is wrong."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError("", f"not valid TOML: {exc}") from None
    rules = _parse_table(SCHEMA, raw, "")
    _check_consistency(rules)
    return rules


def ruleset_to_dict(rules: RuleSet) -> dict[str, Any]:
    """The rule set as TOML-ready data with every default filled in; switched-off rules are left out."""

    def encode(spec: Table, obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in spec.keys:
            value = getattr(obj, key.name)
            if value is not None:
                out[key.name] = key.kind.encode(value)
        for child in spec.children:
            value = getattr(obj, child.name)
            if value is not None:
                out[child.name] = encode(child, value)
        return out

    return encode(SCHEMA, rules)


def dump_ruleset(rules: RuleSet) -> str:
    return tomli_w.dumps(ruleset_to_dict(rules))


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, _dotted(prefix, name)))
        else:
            flat[_dotted(prefix, name)] = value
    return flat


def diff_rulesets(old_text: str, new_text: str) -> list[tuple[str, Any, Any]]:
    """(dotted key, old, new) for every effective setting that differs, defaults filled in, sorted by key.

    None stands for "rule switched off / key absent". Both texts must be valid rule sets.
    """
    old = _flatten(ruleset_to_dict(parse_ruleset(old_text)))
    new = _flatten(ruleset_to_dict(parse_ruleset(new_text)))
    return [
        (key, old.get(key), new.get(key))
        for key in sorted(old.keys() | new.keys())
        if old.get(key) != new.get(key)
    ]


def preset_text(name: str) -> str:
    """The shipped TOML of a preset, e.g. as a starting point in the rule-set editor."""
    if name not in PRESETS:
        raise RuleSetError("", f"unknown preset {name!r} (presets: {', '.join(PRESETS)})")
    return (
        resources.files(__package__).joinpath("presets").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    )


@cache
def load_preset(name: str) -> RuleSet:
    return parse_ruleset(preset_text(name))


def load_rules(preset_name_or_path: str | Path) -> RuleSet:
    """A preset by name, else a TOML file by path."""
    if str(preset_name_or_path) in PRESETS:
        return load_preset(str(preset_name_or_path))
    path = Path(preset_name_or_path)
    if not path.is_file():
        raise RuleSetError(
            "", f"{str(path)!r} is neither a preset ({', '.join(PRESETS)}) nor a readable file"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleSetError("", f"cannot read {str(path)!r}: {exc}") from None
    return parse_ruleset(text)
