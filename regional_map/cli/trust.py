"""Commands of contributions and trust: accounts, backup and restore."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import click

from regional_map.cli.context import open_store as _open_store
from regional_map.cli.context import settings as _settings
from regional_map.db import migrations as schema
from regional_map.db.connection import connect, transaction
from regional_map.places.indexfile import forget as forget_point_index
from regional_map.places.rankfile import forget as forget_rankings
from regional_map.trust.auth import AuthError, create_user


def _open():
    return _open_store()


def _password(password: str | None) -> str:
    if password:
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("create-admin")
@click.argument("username")
@click.option("--password", envvar="REGIONAL_MAP_ADMIN_PASSWORD",
              help="Password (default: asked for; or REGIONAL_MAP_ADMIN_PASSWORD).")
def create_admin_command(username: str, password: str | None) -> None:
    """Create the first administrator account (argon2-hashed password)."""
    _create(username, password, "admin", None)


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "moderator", "network_editor"]),
              required=True)
@click.option("--network", "network_id", help="Network id (for a network editor).")
@click.option("--password", envvar="REGIONAL_MAP_USER_PASSWORD",
              help="Password (default: asked for).")
def create_user_command(username: str, role: str, network_id: str | None,
                        password: str | None) -> None:
    """Create a moderator or network editor account."""
    _create(username, password, role, network_id)


def _create(username: str, password: str | None, role: str, network_id: str | None) -> None:

    conn = _open_store(upgrade=True)
    try:
        with transaction(conn):
            create_user(conn, username, _password(password), role, network_id)
    except AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        conn.close()
    click.echo(f"Created {role} {username}.")


def backup_database(source: str | Path, target: str | Path) -> None:
    """Copy a live database with SQLite's online backup API (safe while the server runs)."""
    target = Path(target)
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    src = connect(source, readonly=True)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst, pages=1024)
        dst.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
    finally:
        dst.close()
        src.close()
    tmp.replace(target)


def check_database(path: str | Path) -> str:
    """``PRAGMA integrity_check`` of a file that must be a Regional Map database."""
    path = Path(path)
    if not path.is_file():
        raise click.ClickException(f"no such file: {path}")
    with open(path, "rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise click.ClickException(f"{path} is not an SQLite database")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        has_places = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'places'").fetchone()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{path} is damaged: {exc}") from exc
    finally:
        conn.close()
    if result != "ok":
        raise click.ClickException(f"{path} failed the integrity check: {result}")
    if not has_places:
        raise click.ClickException(f"{path} is not a Regional Map database (no places table)")
    if version > schema.LATEST_VERSION:
        raise click.ClickException(f"{path} is from a newer program (schema {version})")
    return result


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Copy the database to FILE with SQLite's online backup (the server may keep running)."""
    backup_database(_settings()["DB"], file)
    check_database(file)
    click.echo(f"Backed up {_settings()['DB']} to {file} (integrity ok).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace the database with FILE, after checking FILE's integrity.

    The current database is first kept as DB.before-restore. Stop the server first.
    """
    check_database(file)
    db = Path(_settings()["DB"])
    if not yes:
        click.confirm(f"Replace {db} with {file}?", abort=True)
    if db.exists():
        backup_database(db, db.with_name(db.name + ".before-restore"))
    tmp = db.with_name(db.name + ".restoring")
    shutil.copyfile(file, tmp)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    forget_point_index(db)  # it described the store being replaced
    forget_rankings(db)
    tmp.replace(db)
    conn = connect(db)
    try:
        schema.migrate(conn)
    finally:
        conn.close()
    click.echo(f"Restored {db} from {file}; the previous one is {db.name}.before-restore.")


COMMANDS = (create_admin_command, create_user_command, backup_command, restore_command)
