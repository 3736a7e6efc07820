"""`jobtrends query "SQL"`: run an analyst's SQL against the warehouse, read-only.

The SQL is untrusted: it runs on a read-only connection with DuckDB's file system access
switched off and the configuration locked, so it can read the warehouse's tables and views
and nothing else (no COPY TO, ATTACH, read_csv of a local file, INSTALL, or SET back).
"""

from __future__ import annotations

import click
import duckdb

from jobtrends.app import AppContext, db_option
from jobtrends.commands.tables import echo_table, table_format_options


def open_sandboxed(path: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to `path` on which SQL can touch no file but the warehouse."""
    from warehouse.db import connect

    conn = connect(path, read_only=True)
    conn.execute("SET enable_external_access = false")
    conn.execute("SET lock_configuration = true")
    return conn


@click.command("query")
@click.argument("sql")
@table_format_options
@db_option
@click.pass_obj
def query(app: AppContext, sql: str, fmt: str) -> None:
    """Run SQL against the warehouse (the snapshot when it is current) and print the result.

    Read-only: statements that write, and any access to other files, are refused. Example:
    jobtrends query "SELECT subject, estimate_pct FROM event_deltas WHERE method = 'did'" --csv
    """
    from warehouse.snapshot import choose_read_file

    source = choose_read_file(app.core.db)
    try:
        conn = open_sandboxed(str(source.path))
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        result = conn.execute(sql)
        frame = result.df() if result.description else None
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise click.ClickException(f"query failed on {source.path.name}: {first}") from exc
    finally:
        conn.close()
    if frame is None:
        raise click.ClickException("the statement returned no rows to print")
    echo_table(frame, fmt)


COMMANDS = [query]
