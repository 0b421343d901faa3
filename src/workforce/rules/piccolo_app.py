from piccolo.conf.apps import AppConfig

from workforce.rules.tables import (
    ChargedHours,
    OvertimeOffer,
    OvertimeOpportunity,
    PlantHoliday,
    RuleSetVersion,
    TimesheetEntry,
)
from workforce.settings import ROOT

# Plain integer ids point at people and places (read through workforce.people.directory): no
# foreign keys into the people app, so no migration dependency on it.
APP_CONFIG = AppConfig(
    app_name="rules",
    migrations_folder_path=str(ROOT / "migrations" / "rules"),
    table_classes=[
        RuleSetVersion,
        PlantHoliday,
        TimesheetEntry,
        OvertimeOpportunity,
        OvertimeOffer,
        ChargedHours,
    ],
    migration_dependencies=[],
    commands=[],
)
