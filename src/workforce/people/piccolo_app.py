from piccolo.conf.apps import AppConfig

from workforce.people.tables import (
    BargainingUnit,
    Crew,
    Department,
    Employee,
    EmployeeImport,
    Line,
    Site,
    Station,
)
from workforce.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="people",
    migrations_folder_path=str(ROOT / "migrations" / "people"),
    table_classes=[Site, Department, Line, Station, Crew, BargainingUnit, Employee, EmployeeImport],
    migration_dependencies=[],
    commands=[],
)
