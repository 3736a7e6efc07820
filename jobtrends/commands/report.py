"""`jobtrends report`: write this week's self-contained HTML report and refresh the index."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import click

from jobtrends.app import AppContext, db_option


@click.command("report")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Report on complete days up to this UTC date [default: yesterday, the last "
    "complete day]; it reads the analysis as of the day after (`analyze --as-of`).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for report-YYYY-Www.html and index.html [default: <db folder>/reports].",
)
@db_option
@click.pass_obj
def report(app: AppContext, as_of: dt.datetime | None, out_dir: Path | None) -> None:
    """Write report-YYYY-Www.html (ISO week of --as-of) from the published snapshot.

    Reads <db>.snapshot.duckdb when it exists (so collection is never blocked), else the live
    file read-only. Refreshes index.html listing every report in the folder.
    """
    now = dt.datetime.now(dt.UTC)
    day = as_of.date() if as_of else now.date() - dt.timedelta(days=1)
    started = time.perf_counter()
    from dashboards.report import write_weekly_report  # plotly, pandas: only when reporting
    from warehouse.db import check_exists
    from warehouse.snapshot import freshest_readable

    check_exists(freshest_readable(app.core.db))

    path = write_weekly_report(app.core.db, out_dir or app.core.report_dir, day, now)
    seconds = time.perf_counter() - started
    size_mb = path.stat().st_size / 1_000_000
    click.echo(f"{path} ({size_mb:.2f} MB, {seconds:.1f} s)")
