"""The ASGI application: every installed domain's routes behind one set of middleware and guards."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from workforce import __version__
from workforce.settings import ROOT, get_settings
from workforce.web.errors import EXCEPTION_HANDLERS
from workforce.web.guards import require_login
from workforce.web.middleware import AuthMiddleware, RequestContextMiddleware, add_response_headers
from workforce.web.registry import load_modules
from workforce.web.templating import environment


def secret_key() -> str:
    """WORKFORCE_SECRET_KEY, or one generated once and kept beside the database so that several
    processes (and restarts) agree on it."""
    configured = get_settings().secret_key
    if configured:
        return configured
    path = Path("workforce-secret.key")
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


async def _open_pool() -> None:
    """A PostgreSQL pool per process: without one every query would open a new connection."""
    from piccolo.engine.postgres import PostgresEngine

    from workforce.db import engine

    size = get_settings().db_pool_size
    eng = engine()
    if isinstance(eng, PostgresEngine) and size > 0:
        await eng.start_connection_pool(min_size=1, max_size=size)


async def _start_printing() -> None:
    if get_settings().print_workers_at_start:
        from workforce.web import pdf, pdf_workers

        pdf_workers.start()
        pdf.warm_in_background()


async def _stop_printing() -> None:
    """Cancel PDF warm-ups (they use the database, closed next) and stop the print workers."""
    from workforce.web import pdf_cache

    await pdf_cache.shutdown()


async def _close_pool() -> None:
    from piccolo.engine.postgres import PostgresEngine

    from workforce.db import engine

    eng = engine()
    if isinstance(eng, PostgresEngine) and eng.pool is not None:
        await eng.close_connection_pool()


def create_app(extra_routes: list | None = None) -> Litestar:
    """Build the app; `extra_routes` lets tests mount a handler (e.g. one that fails)."""
    settings = get_settings()
    routes: list = [
        create_static_files_router(
            path="/static", directories=[ROOT / "static"], opt={"public": True}, include_in_schema=False
        )
    ]
    for module in load_modules():
        routes.extend(module.routes)
    routes.extend(extra_routes or [])
    for handler in routes:
        # The OpenAPI document describes the JSON API; screens answer HTML and redirects.
        paths = getattr(handler, "paths", set())
        if paths and not any(p.startswith("/api/") for p in paths):
            handler.include_in_schema = False
    return Litestar(
        route_handlers=routes,
        guards=[require_login],
        middleware=[RequestContextMiddleware(), AuthMiddleware()],
        before_send=[add_response_headers],
        csrf_config=CSRFConfig(
            secret=secret_key(),
            cookie_name="wf_csrf",
            cookie_samesite="strict",
            cookie_httponly=True,  # pages carry the token; no script needs the cookie
            cookie_secure=settings.secure_cookies,
            header_name="x-csrftoken",
            # The API authenticates with bearer tokens only (no cookies), so CSRF cannot apply.
            exclude=["^/api/"],
        ),
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment())),
        plugins=[HTMXPlugin()],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        openapi_config=OpenAPIConfig(
            title="Workforce API",
            version=__version__,
            path="/schema",
            # JSON and YAML only: the HTML viewers load scripts from CDNs, and plant networks are closed.
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"]), YamlRenderPlugin()],
        ),
        request_max_body_size=settings.max_body_bytes,
        on_startup=[_open_pool, _start_printing],
        on_shutdown=[_stop_printing, _close_pool],
        logging_config=LoggingConfig(
            log_exceptions="debug" if settings.debug else "never",
            loggers={"workforce": {"level": "INFO", "handlers": ["queue_listener"], "propagate": False}},
        ),
        debug=False,
    )


logging.getLogger("workforce").setLevel(logging.INFO)
