from piccolo.conf.apps import AppConfig

from workforce.actions.tables import Action
from workforce.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="actions",
    migrations_folder_path=str(ROOT / "migrations" / "actions"),
    table_classes=[Action],
    migration_dependencies=[],
    commands=[],
)
