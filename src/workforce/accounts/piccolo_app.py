from piccolo.conf.apps import AppConfig

from workforce.accounts.tables import ApiToken, LoginFailure, User, UserSession
from workforce.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=str(ROOT / "migrations" / "accounts"),
    table_classes=[User, UserSession, ApiToken, LoginFailure],
    migration_dependencies=[],
    commands=[],
)
