"""`workforce osha ...`: the 29 CFR 1904 recordability engine on the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn

import click

from workforce.incidents.osha import FactsError, classify

EXIT_BAD_INPUT = 2  # same code click uses for usage errors


def _fail(message: str) -> NoReturn:
    # One line on stderr, nothing on stdout: scripts parse stdout and show stderr to people.
    click.echo(message.replace("\n", "\\n"), err=True)
    raise click.exceptions.Exit(EXIT_BAD_INPUT)


@click.group(name="osha")
def osha() -> None:
    """OSHA injury and illness recordkeeping (29 CFR 1904)."""


@osha.command("classify")
@click.argument("facts_path", metavar="FACTS.json")
@click.option(
    "--cap/--no-cap",
    default=True,
    show_default=True,
    help="Cap days away plus restricted days at 180 (optional under 1904.7(b)(3)(vii)).",
)
def classify_command(facts_path: str, cap: bool) -> None:
    """Classify one case from FACTS.json ('-' reads stdin) and print the 300 Log entry as JSON.

    Bad input exits with status 2 and one line on stderr naming the field.
    """
    source = "<stdin>" if facts_path == "-" else facts_path
    try:
        if facts_path == "-":
            text = click.get_text_stream("stdin").read()
        else:
            text = Path(facts_path).read_text(encoding="utf-8")
    except OSError as exc:
        _fail(f"{source}: cannot read: {exc.strerror or exc}")
    except UnicodeDecodeError:
        _fail(f"{source}: not UTF-8 text")
    try:
        facts = json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{source}: invalid JSON: {exc}")
    try:
        result = classify(facts, cap_days=cap)
    except FactsError as exc:
        _fail(str(exc))
    click.echo(json.dumps(result, indent=2))
