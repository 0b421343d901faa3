from piccolo.conf.apps import AppConfig

from workforce.settings import ROOT
from workforce.web.tables import FormDraft, IdempotencyKey, PrintedPart

APP_CONFIG = AppConfig(
    app_name="web",
    migrations_folder_path=str(ROOT / "migrations" / "web"),
    table_classes=[IdempotencyKey, FormDraft, PrintedPart],
    migration_dependencies=[],
    commands=[],
)
