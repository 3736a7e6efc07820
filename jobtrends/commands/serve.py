"""`jobtrends serve`: the always-on collector service."""

from __future__ import annotations

from pathlib import Path

import click

from jobtrends.cli import AppContext
from jobtrends.commands.collect import feed_specs


@click.command()
@click.option(
    "--feeds",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="feeds.toml [env JOBTRENDS_FEEDS; default: the bundled list].",
)
@click.option("--interval", type=float, default=None, help="Minutes between cycles.")
@click.pass_obj
def serve(app: AppContext, feeds: Path | None, interval: float | None) -> None:
    """Run the collector forever: a cycle every N minutes [env JOBTRENDS_SERVICE_INTERVAL_MINUTES],
    hooks after each cycle, weekly jobs; SIGTERM/SIGINT stop it within a few seconds."""
    from jobtrends.config import ConfigError, ServiceConfig, fill
    from jobtrends.service import Service, serve_forever

    try:
        config = fill(
            ServiceConfig, "service", app.toml, app.environ, {"interval_minutes": interval}
        )
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    serve_forever(Service(app.core, config, feed_specs(app, feeds)))


COMMANDS = [serve]
