"""Migrations on a fresh database (whichever engine DATABASE_URL names) and the CLI contract."""

from concurrent.futures import ThreadPoolExecutor

from click.testing import CliRunner

from tests.conftest import run
from workforce.cli import main


class Runner(CliRunner):
    """Invokes in a fresh thread: the CLI calls asyncio.run, which fails in a thread where a browser
    test's Playwright loop is still running."""

    def invoke(self, *args, **kwargs):
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(super().invoke, *args, **kwargs).result()


def test_migrate_twice_is_a_noop_and_tables_exist(migrated):
    from workforce.migrate import all_tables, migrate

    run(migrate())
    run(migrate())
    names = {t._meta.tablename for t in run(all_tables())}
    assert {"wf_user", "wf_session", "wf_audit", "wf_api_token", "wf_idempotency"} <= names

    async def counts():
        return [await t.count() for t in await all_tables()]

    assert all(isinstance(c, int) for c in run(counts()))


def test_every_command_has_help():
    runner = Runner()
    for args in (
        ["--help"],
        ["serve", "--help"],
        ["migrate", "--help"],
        ["demo-data", "--help"],
        ["user", "create", "--help"],
        ["overtime", "evaluate", "--help"],
        ["osha", "classify", "--help"],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
        assert "Usage:" in result.output


def test_user_create_with_token_prints_one_line(db):
    result = Runner().invoke(main, ["user", "create", "robot", "--role", "viewer", "--token"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wf_")


def test_user_create_password_stdin_and_bad_role(db):
    runner = Runner()
    ok = runner.invoke(
        main,
        ["user", "create", "reader", "--role", "viewer", "--role", "hr", "--password-stdin"],
        input="a-long-password\n",
    )
    assert ok.exit_code == 0 and "User reader created." in ok.output
    bad = runner.invoke(
        main, ["user", "create", "x2", "--role", "boss", "--password-stdin"], input="a-long-password\n"
    )
    assert bad.exit_code != 0 and "unknown role" in bad.output


def test_demo_data_refuses_non_empty_database(db):
    runner = Runner()
    runner.invoke(main, ["user", "create", "someone", "--role", "viewer", "--token"])
    result = runner.invoke(main, ["demo-data", "--employees", "5"])
    assert result.exit_code != 0 and "not empty" in result.output
    kept = runner.invoke(main, ["demo-data", "--if-empty"])
    assert kept.exit_code == 0 and "keeping it" in kept.output
