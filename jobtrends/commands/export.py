"""`jobtrends export`: the warehouse as files for tools beyond DuckDB."""

from __future__ import annotations

import time
from pathlib import Path

import click

from jobtrends.cli import AppContext
from warehouse.db import connect
from warehouse.export import ExportError, write_parquet_export
from warehouse.snapshot import snapshot_path_for


@click.command()
@click.option(
    "--parquet",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write (replaced as a whole; a non-export folder is refused).",
)
@click.option("--live", is_flag=True, help="Read the live file even when a snapshot exists.")
@click.pass_obj
def export(app: AppContext, target: Path, live: bool) -> None:
    """Write the warehouse as Parquet: postings and raw_entries partitioned by source and
    month (hive folders), every other table as one file, plus _manifest.json.

    Reads the snapshot when there is one (it never holds up the collector), else the live
    file read-only.
    """
    snapshot = snapshot_path_for(app.core.db)
    path = app.core.db if live or not snapshot.exists() else snapshot
    started = time.monotonic()
    try:
        conn = connect(path, read_only=True)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        tables = write_parquet_export(conn, target)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        conn.close()
    for t in tables:
        layout = "by source/month" if t.partitioned else "one file"
        click.echo(f"{t.name}: {t.rows} rows in {t.files} file(s), {layout}")
    click.echo(f"exported {path} to {target} in {time.monotonic() - started:.1f}s")


COMMANDS = [export]
