from piccolo.conf.apps import AppConfig

from workforce.settings import ROOT
from workforce.web.tables import FormDraft, IdempotencyKey

APP_CONFIG = AppConfig(
    app_name="web",
    migrations_folder_path=str(ROOT / "migrations" / "web"),
    table_classes=[IdempotencyKey, FormDraft],
    migration_dependencies=[],
    commands=[],
)
