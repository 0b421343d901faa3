"""Test set-up shared by every domain.

The database comes from DATABASE_URL like the app's: unset → a SQLite file per test worker;
postgresql://… → a fresh database per worker on that server, dropped at the end. Each test that
touches the database starts from empty tables (fixture `db`).
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
# Remember the URL as given: xdist workers inherit the controller's environment, which this module
# has already changed for the controller itself.
BASE_URL = os.environ.setdefault("WORKFORCE_TEST_BASE_URL", os.environ.get("DATABASE_URL", ""))
IS_CI = os.environ.get("CI", "").lower() == "true"

if BASE_URL.startswith(("postgres://", "postgresql://")):
    _base, _, _name = BASE_URL.rpartition("/")
    # The process id keeps two suites on one server (two checkouts, or CI beside a developer) apart.
    TEST_DB_NAME = f"{_name or 'workforce'}_test_{WORKER}_{os.getpid()}"
    os.environ["DATABASE_URL"] = f"{_base}/{TEST_DB_NAME}"
else:
    TEST_DB_NAME = ""
    _tmp = Path(tempfile.mkdtemp(prefix=f"workforce-test-{WORKER}-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp / 'test.sqlite3'}"

os.environ.setdefault("WORKFORCE_SECRET_KEY", "test-secret-key-not-for-production")
# No connection pool: tests query the database from several event loops (the app's and their own).
os.environ["WORKFORCE_DB_POOL_SIZE"] = "0"
os.environ.setdefault("PICCOLO_CONF", "workforce.piccolo_conf")

TEST_PASSWORD = "correct-horse-battery"


def run(awaitable):
    """Run a coroutine or Piccolo query from a synchronous test (the app under TestClient has its
    own loop; each call here gets a fresh one)."""

    async def wrapper():
        return await awaitable

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(wrapper())
    # Playwright's sync API keeps a loop running in this thread: use another thread, with this thread's
    # context variables (e.g. the acting user a test has set).
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(context.run, asyncio.run, wrapper()).result()


def count_layouts(monkeypatch) -> list[str]:
    """The HTML of every long-PDF part sent to a print worker (web/pdf_workers.py) from now on."""
    from workforce.web import pdf_workers

    sent: list[str] = []
    real = pdf_workers.submit
    monkeypatch.setattr(pdf_workers, "submit", lambda html: sent.append(html) or real(html))
    return sent


async def _recreate_pg_database() -> None:
    import asyncpg

    admin_url = BASE_URL  # connect to the database CI created, then make this worker's own
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{TEST_DB_NAME}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{TEST_DB_NAME}"')
    finally:
        await conn.close()


async def _drop_pg_database() -> None:
    import asyncpg

    conn = await asyncpg.connect(BASE_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{TEST_DB_NAME}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def migrated() -> Iterator[None]:
    if TEST_DB_NAME:
        run(_recreate_pg_database())
    from workforce.migrate import migrate

    run(migrate())
    yield
    if TEST_DB_NAME:
        run(_drop_pg_database())
    else:
        shutil.rmtree(_tmp, ignore_errors=True)


@pytest.fixture
def db(migrated) -> None:
    """Empty tables for this test."""
    from workforce.migrate import wipe

    run(wipe())


@pytest.fixture(scope="session")
def app(migrated):
    from workforce.app import create_app

    return create_app()


@pytest.fixture
def client(app, db):
    from litestar.testing import TestClient

    with TestClient(app=app, base_url="http://testserver.local") as c:
        yield c


_HASH_CACHE: dict[str, str] = {}


def make_user(
    username: str, roles: list[str], password: str = TEST_PASSWORD, active: bool = True, full_name: str = ""
) -> int:
    """Insert a user directly (hashing once per password per session keeps tests quick)."""
    from workforce.accounts.passwords import hash_password
    from workforce.accounts.tables import User

    if password not in _HASH_CACHE:
        _HASH_CACHE[password] = hash_password(password)

    async def insert() -> int:
        rows = await User.insert(
            User(
                username=username,
                full_name=full_name or username.title(),
                password_hash=_HASH_CACHE[password],
                roles=roles,
                active=active,
            )
        ).returning(User.id)
        return rows[0]["id"]

    return run(insert())


CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """A CSRF token for the client's cookie, read from a page's form or body header."""
    html = client.get(path).text
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client, username: str, roles: list[str] | None = None, password: str = TEST_PASSWORD) -> int | None:
    """Create (when roles are given) and sign in a user; returns the user id."""
    user_id = make_user(username, roles) if roles is not None else None
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    return user_id


def post(client, path: str, data: dict | None = None, files=None, **kwargs):
    """POST a form with a fresh CSRF token, as the browser would."""
    payload = dict(data or {})
    payload["_csrf_token"] = csrf_token(client, kwargs.pop("token_from", "/login"))
    return client.post(
        path, data=payload, files=files, follow_redirects=kwargs.pop("follow_redirects", False), **kwargs
    )


def api_token(username: str, roles: list[str]) -> str:
    from workforce.accounts.service import create_token

    user_id = make_user(username, roles)
    return run(create_token(user_id, "tests"))


def require_service(name: str, env_var: str) -> str:
    """The address of a service a test needs, or a skip with the reason (a failure under CI=true)."""
    value = os.environ.get(env_var, "")
    if not value:
        message = f"{name} tests need {env_var}; it is unset"
        if IS_CI:
            pytest.fail(message + " (CI=true: these tests must run)")
        print(message, file=sys.stderr)
        pytest.skip(message)
    return value


class QueryCounter:
    """Counts the SQL statements the app runs (every Piccolo query goes through run_querystring)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(monkeypatch):
    """`with count_queries() as counter: client.get(...)`; then `len(counter)`."""
    from contextlib import contextmanager

    from workforce.db import engine

    engine_class = type(engine())
    original = engine_class.run_querystring

    @contextmanager
    def counting():
        counter = QueryCounter()

        async def wrapped(self, querystring, in_pool=True):
            counter.statements.append(str(querystring))
            return await original(self, querystring, in_pool=in_pool)

        monkeypatch.setattr(engine_class, "run_querystring", wrapped)
        try:
            yield counter
        finally:
            monkeypatch.setattr(engine_class, "run_querystring", original)

    return counting
