"""Rule-set TOML: presets, validation messages that name the key, dump round trip and version diff."""

from importlib import resources

import pytest

from workforce.rules.model import SortKey, Tier
from workforce.rules.ruleset import (
    PRESETS,
    RuleSetError,
    diff_rulesets,
    dump_ruleset,
    load_preset,
    load_rules,
    parse_ruleset,
    preset_text,
)

MINIMAL = 'name = "Site"\n'


def test_every_preset_file_is_listed_and_loads():
    shipped = {
        p.name.removesuffix(".toml")
        for p in resources.files("workforce.rules").joinpath("presets").iterdir()
        if p.name.endswith(".toml")
    }
    assert shipped == set(PRESETS)
    for name in PRESETS:
        assert load_preset(name).name


def test_presets_carry_the_thresholds_from_the_notes():
    flsa, california, eu, cba = (load_preset(n) for n in ("flsa", "california", "eu-wtd", "example-cba"))
    assert flsa.weekly_overtime.after_hours == 40 and flsa.daily_overtime is None
    assert (california.daily_overtime.after_hours, california.daily_overtime.double_time_after_hours) == (
        8,
        12,
    )
    assert california.seventh_day.double_time_after_hours == 8
    assert eu.daily_overtime is eu.weekly_overtime is None
    assert (eu.limits.daily_rest.hours, eu.limits.weekly_rest.hours, eu.limits.rest_break.after_hours) == (
        11,
        24,
        6,
    )
    assert (eu.limits.max_weekly_average.hours, eu.limits.max_weekly_average.reference_weeks) == (48, 17)
    assert (cba.premiums.sunday, cba.premiums.holiday) == (Tier.DOUBLE_TIME, Tier.DOUBLE_TIME)
    assert (
        cba.limits.min_rest.hours,
        cba.limits.max_hours_24h.hours,
        cba.limits.max_consecutive_days.days,
    ) == (8, 16, 6)
    assert cba.call_in.minimum_hours == 4


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[daily_overtime]\nafter_hours = "x"', "daily_overtime.after_hours: must be a number >= 0, got 'x'"),
        ("[daily_overtime]\nafter_hours = -1", "daily_overtime.after_hours: must be a number >= 0, got -1"),
        (
            "[weekly_overtime]\nafter_hours = true",
            "weekly_overtime.after_hours: must be a number >= 0, got True",
        ),
        ("[weekly_overtime]", "weekly_overtime.after_hours: required"),
        ("[daily_overtime]\naftr_hours = 8", "daily_overtime.aftr_hours: unknown key"),
        ("[overtime]\nafter = 1", "overtime: unknown key"),
        (
            '[calendar]\nworkday_start = "25:00"',
            'calendar.workday_start: must be a time "HH:MM" between "00:00" and "23:59", got \'25:00\'',
        ),
        (
            '[calendar]\nworkweek_start_day = "funday"',
            "calendar.workweek_start_day: must be one of monday, tuesday, "
            "wednesday, thursday, friday, saturday, sunday, got 'funday'",
        ),
        (
            '[premiums]\nsunday = "triple"',
            'premiums.sunday: must be "overtime" or "double_time", got \'triple\'',
        ),
        ("[limits.min_rest]\nhours = 0", "limits.min_rest.hours: must be a number > 0, got 0"),
        (
            "[limits.max_consecutive_days]\ndays = 2.5",
            "limits.max_consecutive_days.days: must be a whole number >= 1, got 2.5",
        ),
        ("limits = 5", "limits: must be a table [limits], got 5"),
        (
            "[daily_overtime]\nafter_hours = 8\ndouble_time_after_hours = 6",
            "daily_overtime.double_time_after_hours: must be >= daily_overtime.after_hours (8), got 6",
        ),
        (
            '[night_differential]\nstart = "22:00"\nend = "22:00"',
            "night_differential.end: must differ from night_differential.start",
        ),
        (
            '[equalization]\nreset_on = "13-01"',
            "equalization.reset_on: must be a month and day \"MM-DD\", got '13-01'",
        ),
        (
            '[equalization]\nrank_by = "charged_hours"',
            "equalization.rank_by: must be a non-empty list of sort keys from charged_hours, seniority_date, "
            "employee_number (\"-\" first for descending), got 'charged_hours'",
        ),
        (
            "[equalization]\nforced_order = []",
            "equalization.forced_order: must be a non-empty list of sort keys from charged_hours, "
            'seniority_date, employee_number ("-" first for descending), got []',
        ),
        (
            '[equalization]\nrank_by = ["charged_hours", "hours_worked"]',
            "equalization.rank_by: has unknown sort key 'hours_worked' (sort keys: charged_hours, "
            'seniority_date, employee_number; "-" first for descending), '
            "got ['charged_hours', 'hours_worked']",
        ),
        (
            '[equalization]\nforced_order = ["+seniority_date"]',
            "equalization.forced_order: has unknown sort key '+seniority_date' (sort keys: charged_hours, "
            "seniority_date, employee_number; \"-\" first for descending), got ['+seniority_date']",
        ),
        (
            "[equalization]\nrank_by = [3]",
            "equalization.rank_by: has unknown sort key 3 (sort keys: charged_hours, "
            'seniority_date, employee_number; "-" first for descending), got [3]',
        ),
        (
            '[equalization]\nforced_order = ["-seniority_date", "seniority_date"]',
            "equalization.forced_order: names seniority_date twice, "
            "got ['-seniority_date', 'seniority_date']",
        ),
    ],
    ids=[
        "text-number",
        "negative",
        "bool-number",
        "required",
        "typo-key",
        "unknown-table",
        "bad-time",
        "bad-weekday",
        "bad-tier",
        "zero-rest",
        "fractional-days",
        "scalar-table",
        "dt-below-ot",
        "empty-night",
        "bad-reset-date",
        "order-not-a-list",
        "order-empty",
        "order-unknown-key",
        "order-plus-prefix",
        "order-not-text",
        "order-key-twice",
    ],
)
def test_invalid_setting_is_reported_with_its_key(toml, message):
    with pytest.raises(RuleSetError) as caught:
        parse_ruleset(MINIMAL + toml)
    assert str(caught.value) == message


def test_missing_name_and_broken_toml_are_reported():
    with pytest.raises(RuleSetError, match="^name: required$"):
        parse_ruleset("[weekly_overtime]\nafter_hours = 40")
    with pytest.raises(RuleSetError, match="^not valid TOML: "):
        parse_ruleset('name = "x"\n[daily_overtime\n')


def test_call_list_orders_default_to_the_notes_and_round_trip():
    default = parse_ruleset(MINIMAL).equalization
    # overtime-and-union-rules.md §6: lowest charged, ties to the most senior; forced: least senior first.
    assert default.rank_by == (SortKey("charged_hours"), SortKey("seniority_date"))
    assert default.forced_order == (SortKey("seniority_date", True), SortKey("employee_number"))
    assert load_preset("example-cba").equalization == default  # the preset spells the defaults out
    text = (
        MINIMAL
        + '[equalization]\nrank_by = ["-charged_hours", "employee_number"]\n'
        + 'forced_order = ["charged_hours"]\n'
    )
    rules = parse_ruleset(text)
    assert rules.equalization.rank_by == (SortKey("charged_hours", True), SortKey("employee_number"))
    assert rules.equalization.forced_order == (SortKey("charged_hours"),)
    assert parse_ruleset(dump_ruleset(rules)) == rules
    assert 'rank_by = [\n    "-charged_hours",\n    "employee_number",\n]' in dump_ruleset(rules)
    assert diff_rulesets(MINIMAL, text) == [
        ("equalization.forced_order", ["-seniority_date", "employee_number"], ["charged_hours"]),
        ("equalization.rank_by", ["charged_hours", "seniority_date"], ["-charged_hours", "employee_number"]),
    ]


def test_minimal_rule_set_switches_every_rule_off():
    rules = parse_ruleset(MINIMAL)
    assert rules.daily_overtime is rules.weekly_overtime is rules.call_in is rules.limits.daily_rest is None
    assert rules.calendar.workweek_start_day == 0 and rules.equalization.charge_refused is True


@pytest.mark.parametrize("name", PRESETS)
def test_dump_round_trips(name):
    rules = load_preset(name)
    assert parse_ruleset(dump_ruleset(rules)) == rules


def test_load_rules_takes_a_preset_name_or_a_file(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text(MINIMAL + "[weekly_overtime]\nafter_hours = 38\n", encoding="utf-8")
    assert load_rules(str(path)).weekly_overtime.after_hours == 38
    assert load_rules("flsa") is load_preset("flsa")
    with pytest.raises(RuleSetError, match="neither a preset"):
        load_rules(str(tmp_path / "missing.toml"))


def test_diff_lists_effective_changes_only():
    old = preset_text("flsa")
    new = old.replace("after_hours = 40", "after_hours = 38").replace('"monday"', '"sunday"')
    new += "\n[limits.min_rest]\nhours = 10\n"
    assert diff_rulesets(old, new) == [
        ("calendar.workweek_start_day", "monday", "sunday"),
        ("limits.min_rest.clause", None, "CBA: minimum rest between shifts"),
        ("limits.min_rest.hours", None, 10.0),
        ("weekly_overtime.after_hours", 40.0, 38.0),
    ]
    spelled_out = old + "\n[pay]\novertime_multiplier = 1.5\n"  # the default, written explicitly
    assert diff_rulesets(old, spelled_out) == []
    assert diff_rulesets(old, old.replace("[weekly_overtime]\nafter_hours = 40\n", "")) == [
        ("weekly_overtime.after_hours", 40.0, None)
    ]
