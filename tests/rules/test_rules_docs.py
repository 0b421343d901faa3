"""docs/rulesets.md says how versions are looked up, what the payroll codes mean and what the
`[equalization]` table holds, and its example parses."""

from __future__ import annotations

import re
from pathlib import Path

from workforce.rules.ruleset import parse_ruleset, preset_text
from workforce.rules.schema import SCHEMA
from workforce.rules.service import FALLBACK_PRESET
from workforce.rules.service_hours import PAY_CODES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "rulesets.md").read_text()


def section(title: str) -> str:
    body = DOC.split(title, 1)[1]
    return re.split(r"\n#{2,3} ", body, maxsplit=1)[0]


def test_version_lookup_and_workday_rule_are_documented():
    text = section("## Rule-set versions in the database")
    assert "effective-dated per bargaining unit" in text
    assert "the latest version of *U* with `effective_from` <= *D*" in text
    assert "else the latest plant-default version" in text
    assert f"else the built-in `{FALLBACK_PRESET}` preset" in text
    assert "Each workday is judged by its own date's version" in text
    assert "mid-week" in text and "**flagged**" in text


def test_every_payroll_code_is_documented_with_its_figure():
    text = section("### Payroll export")
    for code, attr, _label in PAY_CODES:
        assert re.search(rf"^\| `{code}` \| `{attr}` \| \S", text, re.M), code
    assert [c for c, _a, _l in PAY_CODES] == ["REG", "OT15", "DT20", "NIGHT", "SUN", "HOL", "CALLIN"]


def test_the_equalization_example_parses_and_names_every_key():
    text = section("### Overtime equalization data")
    example = re.search(r"```toml\n(.*?)```", text, re.S).group(1)
    base = preset_text("example-cba").split("[equalization]", 1)[0]
    rules = parse_ruleset(base + example)
    assert rules.equalization.reset_on == (7, 1) and rules.equalization.max_forced_per_month == 2
    table = next(t for t in SCHEMA.children if t.name == "equalization")
    keys = {key.name for key in table.keys}
    assert keys == set(re.findall(r"^(\w+) = ", example, re.M))
