"""Numbered SQL migrations, applied in order, each in one transaction, recorded in a table.

Files are `warehouse/migrations/NNN_name.sql`. A migration, once released, is never edited:
its checksum is stored, and a changed file is an error, not a silent no-op. The analyst views
in `warehouse/views.sql` are dropped and re-created after every migrate, so they always match
the schema.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources

import duckdb

MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")  # "001_core.sql" -> (1, "core")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()[:16]


class MigrationError(RuntimeError):
    """A migration file is malformed, changed after it was applied, or failed to run."""


def read_migrations() -> list[Migration]:
    """The bundled migrations, ordered by version."""
    found: list[Migration] = []
    for item in resources.files("warehouse.migrations").iterdir():
        match = MIGRATION_NAME.match(item.name)
        if match:
            found.append(Migration(int(match[1]), match[2], item.read_text(encoding="utf-8")))
        elif item.name.endswith(".sql"):
            raise MigrationError(f"migration file {item.name!r} is not named NNN_name.sql")
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migrations share a version number: {versions}")
    return found


def read_views_sql() -> str:
    return resources.files("warehouse").joinpath("views.sql").read_text(encoding="utf-8")


def apply_migrations(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every migration not yet recorded, then re-create the views.

    Returns the names of the migrations applied now (empty when the schema was current).
    """
    conn.execute(
        """CREATE TABLE IF NOT EXISTS schema_migrations (
               version INTEGER PRIMARY KEY,
               name VARCHAR NOT NULL,
               checksum VARCHAR NOT NULL,
               applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"""
    )
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_views (checksum VARCHAR NOT NULL, "
        "created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    applied = {
        int(v): (str(n), str(c))
        for v, n, c in conn.execute(
            "SELECT version, name, checksum FROM schema_migrations"
        ).fetchall()
    }
    done_now: list[str] = []
    for migration in read_migrations():
        if migration.version in applied:
            name, checksum = applied[migration.version]
            if checksum != migration.checksum:
                raise MigrationError(
                    f"migration {migration.version:03d}_{name}.sql changed after it was applied "
                    f"(stored checksum {checksum}, file {migration.checksum}); add a new migration"
                )
            continue
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(migration.sql)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)",
                [migration.version, migration.name, migration.checksum],
            )
        except duckdb.Error as exc:
            conn.execute("ROLLBACK")
            raise MigrationError(
                f"migration {migration.version:03d}_{migration.name}.sql failed: {exc}"
            ) from exc
        conn.execute("COMMIT")
        done_now.append(f"{migration.version:03d}_{migration.name}")
    if done_now or not _views_current(conn):
        recreate_views(conn)
    return done_now


def _views_current(conn: duckdb.DuckDBPyConnection) -> bool:
    """True when the stored views were made from the current views.sql."""
    row = conn.execute("SELECT checksum FROM schema_views").fetchone()
    return row is not None and row[0] == _views_checksum()


def _views_checksum() -> str:
    return hashlib.sha256(read_views_sql().encode()).hexdigest()[:16]


def recreate_views(conn: duckdb.DuckDBPyConnection) -> None:
    """Drop and re-create every view in views.sql, in one transaction."""
    conn.execute("BEGIN TRANSACTION")
    try:
        for (name,) in conn.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'"
        ).fetchall():
            conn.execute(f'DROP VIEW IF EXISTS "{name}" CASCADE')
        conn.execute(read_views_sql())
        conn.execute("DELETE FROM schema_views")
        conn.execute("INSERT INTO schema_views (checksum) VALUES (?)", [_views_checksum()])
    except duckdb.Error as exc:
        conn.execute("ROLLBACK")
        raise MigrationError(f"views.sql failed: {exc}") from exc
    conn.execute("COMMIT")
