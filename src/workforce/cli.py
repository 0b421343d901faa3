"""The `workforce` command line. Domain groups (overtime, osha, …) live in their packages."""

from __future__ import annotations

import asyncio
import secrets
import sys

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Workforce: records system for manufacturing plants.

    The database is chosen by DATABASE_URL (unset: SQLite file workforce.sqlite3 here).
    """


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=int, help="Server processes.")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web app and the API."""
    import os

    import uvicorn

    # A served app starts its PDF workers with it: the first long print need not wait for them.
    os.environ.setdefault("WORKFORCE_PRINT_WORKERS_AT_START", "1")

    uvicorn.run(
        "workforce.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,
        server_header=False,
    )


@main.command()
def migrate() -> None:
    """Run all migrations forwards (running it twice is a no-op)."""
    from workforce.migrate import migrate as run

    asyncio.run(run())
    click.echo("Database is up to date.")


def print_logins() -> None:
    from workforce.accounts.demo import demo_logins

    click.echo("Demo logins (user / password / role):")
    for username, password, role in demo_logins():
        click.echo(f"  {username:<12} {password:<24} {role}")


@main.command("demo-data")
@click.option(
    "--employees",
    default=150,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="How many employees to create.",
)
@click.option(
    "--years", default=1, show_default=True, type=click.IntRange(1, 20), help="How many years of history."
)
@click.option("--seed", default=7, show_default=True, type=int, help="Random seed (same seed, same plant).")
@click.option("--force", is_flag=True, help="Wipe a non-empty database first.")
@click.option("--if-empty", is_flag=True, help="Do nothing (exit 0) when the database already has data.")
def demo_data(employees: int, years: int, seed: int, force: bool, if_empty: bool) -> None:
    """Load a realistic demo plant into an empty database."""
    from workforce.demo import DemoContext, database_is_empty, load_demo
    from workforce.migrate import migrate as run_migrations
    from workforce.migrate import wipe

    async def run() -> bool:
        await run_migrations()
        if not await database_is_empty():
            if if_empty:
                return False
            if not force:
                raise click.ClickException(
                    "the database is not empty; use --force to wipe it and load demo data"
                )
            await wipe()
        click.echo(f"Loading demo data: {employees} employees, {years} year(s), seed {seed}")
        await load_demo(DemoContext(employees=employees, years=years, seed=seed), echo=click.echo)
        return True

    loaded = asyncio.run(run())
    if not loaded:
        click.echo("The database already has data; keeping it.")
    print_logins()


@main.group()
def user() -> None:
    """Manage user accounts."""


@user.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help="Role to grant (repeat for several).")
@click.option("--name", "full_name", default="", help="Full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--token", is_flag=True, help="Also create an API token and print it (one line).")
def user_create(
    username: str, roles: tuple[str, ...], full_name: str, password_stdin: bool, token: bool
) -> None:
    """Create a user; with --token print a new API token for them."""
    from workforce.accounts import service
    from workforce.audit.context import Actor, current_actor
    from workforce.migrate import migrate as run_migrations

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif token:
        password = secrets.token_urlsafe(24)  # a service account: it signs in with its token only
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)

    async def run() -> str | None:
        await run_migrations()
        current_actor.set(Actor(None, "cli"))
        user_id = await service.create_user(username, password, list(roles), full_name)
        return await service.create_token(user_id, "created with the CLI") if token else None

    try:
        new_token = asyncio.run(run())
    except service.UserError as exc:
        raise click.ClickException(f"{exc.field}: {exc.message}") from exc
    if new_token:
        click.echo(new_token)
    else:
        click.echo(f"User {username} created.")


def _register_domain_commands() -> None:
    from workforce.incidents.osha_cli import osha
    from workforce.rules.cli import overtime

    main.add_command(overtime)
    main.add_command(osha)


_register_domain_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
