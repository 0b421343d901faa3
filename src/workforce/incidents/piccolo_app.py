from piccolo.conf.apps import AppConfig

from workforce.incidents.tables import (
    Incident,
    IncidentPerson,
    Investigation,
    OshaClassification,
    OshaYearData,
    Photo,
)
from workforce.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="incidents",
    migrations_folder_path=str(ROOT / "migrations" / "incidents"),
    table_classes=[Incident, IncidentPerson, Photo, Investigation, OshaClassification, OshaYearData],
    migration_dependencies=[],
    commands=[],
)
