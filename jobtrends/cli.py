"""The `jobtrends` command line. Each command's docstring is its help."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from jobtrends import __version__
from jobtrends.app import AppContext, db_option
from jobtrends.config import ConfigError, read_settings
from jobtrends.errors import describe_error

log = logging.getLogger("jobtrends")


def configure_logging(verbose: bool) -> None:
    """One line per event, UTC timestamps, to stderr."""
    logging.Formatter.converter = __import__("time").gmtime
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)sZ %(levelname)s %(name)s %(message)s",
        datefmt="%Y-%m-%dT%H:%M:%S",
        stream=sys.stderr,
        force=True,
    )
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class JobtrendsGroup(click.Group):
    """The top-level group: any error a command did not handle becomes one line naming what
    and where, exit 1 (`-v` prints the traceback first)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            app = ctx.find_object(AppContext)
            if (app is not None and app.verbose) or ctx.params.get("verbose"):
                traceback.print_exc(file=sys.stderr)
            raise click.ClickException(describe_error(exc, ctx.invoked_subcommand)) from exc


@click.group(cls=JobtrendsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jobtrends")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Warehouse file [env JOBTRENDS_DB; default ./data/jobtrends.duckdb].",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Settings TOML file [env JOBTRENDS_CONFIG].",
)
@click.option("-v", "--verbose", is_flag=True, help="Log debug lines.")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, config_path: Path | None, verbose: bool) -> None:
    """jobtrends: an always-on monitor of freelance job postings and what AI does to them.

    Collects RSS/Atom job feeds into a DuckDB warehouse, tags each posting's category, AI
    skills and pay, and measures before/after-event trends with honest error bars.
    """
    configure_logging(verbose)
    environ = dict(os.environ)
    try:
        path = config_path or (
            Path(environ["JOBTRENDS_CONFIG"]) if environ.get("JOBTRENDS_CONFIG") else None
        )
        settings = read_settings(path, environ, {"db": db, "config": path})
    except ConfigError as exc:
        raise click.ClickException(f"bad setting: {exc}") from None
    ctx.obj = AppContext(**settings, environ=environ, verbose=verbose)


@cli.command()
@db_option
@click.pass_obj
def migrate(app: AppContext) -> None:
    """Create the warehouse or bring its schema up to date, then re-create the views."""
    from warehouse.db import connect
    from warehouse.migrate import apply_migrations

    conn = connect(app.core.db)
    try:
        applied = apply_migrations(conn)
    finally:
        conn.close()
    if applied:
        click.echo(f"{app.core.db}: applied {len(applied)} migration(s): {', '.join(applied)}")
    else:
        click.echo(f"{app.core.db}: schema is current")


def register_commands(group: click.Group) -> None:
    """Every command, listed here so that one file shows the whole command line."""
    from jobtrends.commands import (  # issue 14
        analytics,
        bench,
        bench_lake,
        bench_snapshot,
        collect,
        enrich,
        export,
        history,
        lake,
        ops,
        query,
        report,
        serve,
    )

    assert bench_snapshot.bench_snapshot  # `bench snapshot` hangs off the bench group
    bench.bench.add_command(bench_lake.bench_lake)

    for command in (
        collect.collect,
        collect.feeds_command,
        serve.serve,
        enrich.enrich,
        analytics.analyze,
        analytics.deltas,
        analytics.exposure,
        analytics.validate,
        report.report,
        history.import_,
        history.import_series,
        history.simulate,
        ops.health,
        export.export,
        query.query,
        enrich.eval_group,
        bench.bench,
        lake.lake,
    ):
        group.add_command(command)


register_commands(cli)


def main() -> None:
    cli(prog_name="jobtrends")


if __name__ == "__main__":
    main()
