"""The `jobtrends` command line. Each command's docstring is its help."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from jobtrends import __version__
from jobtrends.config import ConfigError, CoreConfig, fill, read_toml


@dataclass(frozen=True)
class AppContext:
    """What every command gets: the core settings and the raw TOML for stage sections."""

    core: CoreConfig
    toml: dict[str, Any]
    environ: dict[str, str]


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
        toml = read_toml(path)
        core = fill(CoreConfig, "core", toml, environ, {"db": db, "config": path})
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    ctx.obj = AppContext(core=core, toml=toml, environ=environ)


@cli.command()
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
    """Add the COMMANDS of every module in jobtrends.commands to `group`."""
    import importlib
    import pkgutil

    import jobtrends.commands as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            group.add_command(command)


register_commands(cli)


def main() -> None:
    cli(prog_name="jobtrends")
