"""worked_shifts() reads one person's shifts in a date range: index (employee_id, starts_at).

Piccolo tables declare single-column indexes only, so the composite one is raw SQL that SQLite and
PostgreSQL both accept."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-26T07:41:41:322087"
VERSION = "1.38.0"
DESCRIPTION = "timesheet_index"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="rules", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl(
            "CREATE INDEX IF NOT EXISTS wf_timesheet_entry_employee_start "
            "ON wf_timesheet_entry (employee_id, starts_at)"
        )

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS wf_timesheet_entry_employee_start")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
