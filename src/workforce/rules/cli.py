"""`workforce overtime …` commands. The lead registers the `overtime` group on the main CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from .engine import evaluate as evaluate_shifts
from .report import format_table, summary
from .ruleset import PRESETS, RuleSetError, load_rules
from .timesheet import TimesheetError, parse_timesheet


@click.group(name="overtime", context_settings={"help_option_names": ["-h", "--help"]})
def overtime() -> None:
    """Overtime and working-time rules: evaluate timesheets against a rule set."""


def _fail(message: str) -> NoReturn:
    """Bad input: exactly one line on stderr, nothing on stdout, exit status 2."""
    click.echo(" ".join(message.split()), err=True)
    sys.exit(2)


@overtime.command()
@click.option(
    "--rules",
    "rules_ref",
    required=True,
    metavar="PRESET_OR_FILE",
    help=f"A preset ({', '.join(PRESETS)}) or the path of a rule-set TOML file.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "table"]),
    default="json",
    show_default=True,
    help="JSON for tools, table for people.",
)
@click.argument("timesheet", metavar="TIMESHEET.csv", type=click.Path(dir_okay=False, path_type=Path))
def evaluate(rules_ref: str, output_format: str, timesheet: Path) -> None:
    """Hours per employee and workweek, and the limits broken, for TIMESHEET.csv.

    The CSV header is employee,start,end,break_minutes; start and end are local date-times such as
    2026-01-05T06:00 and break_minutes is unpaid time inside the shift.
    """
    try:
        rules = load_rules(rules_ref)
    except RuleSetError as error:
        _fail(f"rules: {error}")
    try:
        text = timesheet.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"timesheet: cannot read {str(timesheet)!r}: {error}")
    try:
        shifts = parse_timesheet(text)
    except TimesheetError as error:
        _fail(str(error))
    result = evaluate_shifts(rules, shifts)
    if output_format == "json":
        click.echo(json.dumps(summary(result, rules_ref), indent=2))
    else:
        click.echo(format_table(result, rules_ref))
