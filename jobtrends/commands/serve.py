"""`jobtrends serve`: the always-on service."""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path

import click

from jobtrends.app import AppContext, db_option
from jobtrends.commands.collect import feed_specs
from jobtrends.commands.lake import LAKE_OPTION, SHARD_OPTION, run_lake_serve


@click.command()
@click.option(
    "--feeds",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="feeds.toml [env JOBTRENDS_FEEDS; default: the bundled list].",
)
@click.option("--interval", type=float, default=None, help="Minutes between cycles.")
@db_option
@LAKE_OPTION
@SHARD_OPTION
@click.pass_obj
def serve(
    app: AppContext,
    feeds: Path | None,
    interval: float | None,
    lake: Path | None = None,
    shard: str | None = None,
) -> None:
    """Run forever: a collection cycle every N minutes [env JOBTRENDS_SERVICE_INTERVAL_MINUTES],
    each followed by enrich, analyze and a fresh analyst snapshot; the weekly report on Mondays
    and at first start. SIGTERM/SIGINT stop it within a few seconds."""
    from jobtrends.config import ConfigError, ServiceConfig, build_delta_settings, fill
    from jobtrends.service import run_forever
    from jobtrends.wiring import build_service

    try:
        config = fill(
            ServiceConfig, "service", app.toml, app.environ, {"interval_minutes": interval}
        )
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    if shard is not None and lake is None:
        raise click.UsageError("--shard k/K goes with --lake DIR")
    if lake is not None:
        return run_lake_serve(app, config, lake, shard, feed_specs(app, feeds))
    from collector.legacy_spool import LegacySpoolError, check_legacy_spool

    try:  # the first cycle saves them; one it cannot read is the operator's to decide
        check_legacy_spool(app.core.db)
    except LegacySpoolError as exc:
        raise click.ClickException(str(exc)) from exc
    cli = Path(sys.argv[0])
    logging.getLogger("jobtrends.service").info(
        "other commands from another shell: %s --db %s health | feeds | deltas | report",
        cli if cli.name == "jobtrends" else "jobtrends",
        app.core.db,
    )
    service = build_service(
        app.core,
        config,
        feed_specs(app, feeds),
        events=[date.fromisoformat(e) for e in app.analytics.events],
        settings=build_delta_settings(app.analytics),
    )
    sys.exit(run_forever(service))
