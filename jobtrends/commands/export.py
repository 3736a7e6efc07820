"""`jobtrends export`: the warehouse as files for tools beyond DuckDB."""

from __future__ import annotations

import time
from pathlib import Path

import click

from jobtrends.app import AppContext, db_option
from jobtrends.commands.progress import make_step_callback, progress_bar
from warehouse.db import connect
from warehouse.export import ExportError, write_parquet_export
from warehouse.series_export import SeriesExportError, write_series_export
from warehouse.snapshot import choose_read_file


@click.command()
@click.option(
    "--parquet",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the Parquet lake: every table, and every analyst view under views/ "
    "(replaced as a whole; a non-export folder is refused).",
)
@click.option(
    "--series",
    "series_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the published series as tidy series.csv + series.parquet + README.md "
    "(date, kind, subject, n, share, ma_n, ma_share[, ma_n_adjusted, ma_share_adjusted]).",
)
@click.option("--live", is_flag=True, help="Read the live file even when a snapshot is current.")
@db_option
@click.pass_obj
def export(app: AppContext, target: Path | None, series_dir: Path | None, live: bool) -> None:
    """Write the warehouse as files: --parquet DIR (postings and raw_entries partitioned by
    source and month, every other table as one file, the analyst views, _manifest.json)
    and/or --series DIR (the published daily series, tidy, with a column README).

    Reads the file the read policy picks (the snapshot unless the live file is newer), so it
    never holds up the collector.
    """
    if target is None and series_dir is None:
        raise click.UsageError("say what to export: --parquet DIR and/or --series DIR")
    source = choose_read_file(app.core.db)
    path = app.core.db if live else source.path
    started = time.monotonic()
    try:
        conn = connect(path, read_only=True)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        if target is not None:
            with progress_bar("export", unit="table") as bar:
                tables = write_parquet_export(conn, target, on_step=make_step_callback(bar))
            for t in tables:
                layout = "by source/month" if t.partitioned else "one file"
                click.echo(f"{t.name}: {t.rows} rows in {t.files} file(s), {layout}")
            click.echo(f"exported {path} to {target} in {time.monotonic() - started:.1f}s")
        if series_dir is not None:
            rows, columns = write_series_export(conn, series_dir, path.name)
            click.echo(
                f"series: {rows:,} rows ({', '.join(columns)}) to {series_dir}/series.csv, "
                f"series.parquet, README.md in {time.monotonic() - started:.1f}s"
            )
    except (ExportError, SeriesExportError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        conn.close()


COMMANDS = [export]
