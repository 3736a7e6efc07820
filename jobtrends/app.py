"""What every command gets (the settings, read and checked once) and the options every command
that touches the warehouse shares (`--db` works before or after the subcommand)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from jobtrends.config import AnalyticsConfig, CoreConfig, ServiceConfig

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class AppContext:
    """The settings of every stage, filled and range-checked at start, and their sources."""

    core: CoreConfig
    service: ServiceConfig
    analytics: AnalyticsConfig
    toml: dict[str, Any]
    environ: dict[str, str]
    verbose: bool = False


def _set_db(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    """`jobtrends CMD --db PATH`: the same as `jobtrends --db PATH CMD`."""
    if value is None:
        return
    app = ctx.find_object(AppContext)
    if app is None:  # the command was invoked without the group (a test calling it directly)
        return
    ctx.obj = dataclasses.replace(app, core=dataclasses.replace(app.core, db=value))


def db_option(command: F) -> F:
    """The shared `--db PATH` of a command (overrides the global one)."""
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_set_db,
        help="Warehouse file (same as the global --db) [env JOBTRENDS_DB].",
    )(command)
