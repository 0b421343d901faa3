from piccolo.conf.apps import AppConfig

from workforce.audit.tables import AuditEntry
from workforce.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="audit",
    migrations_folder_path=str(ROOT / "migrations" / "audit"),
    table_classes=[AuditEntry],
    migration_dependencies=[],
    commands=[],
)
