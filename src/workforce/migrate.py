"""Run Piccolo migrations forwards for every installed app (idempotent)."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards


async def migrate(quiet: bool = True) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out) if quiet else contextlib.nullcontext():
        response = await run_forwards(app_name="all", fake=False)
    if not response.success:
        raise SystemExit(f"migration failed: {response.message}\n{out.getvalue()}")


async def all_tables() -> list:
    """Every table of every installed app, dependents before what they depend on."""
    from piccolo.conf.apps import Finder
    from piccolo.table import sort_table_classes

    tables = Finder().get_table_classes()
    return list(reversed(sort_table_classes(tables)))


async def wipe() -> None:
    """Delete every row of every table (keeps the schema). Used by `demo-data --force` and tests."""
    for table in await all_tables():
        await table.delete(force=True)
