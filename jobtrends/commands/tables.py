"""How a command prints a table: aligned text (default), CSV or JSON, chosen by one option set.

    @click.command()
    @table_format_options
    def feeds(fmt: str) -> None:
        echo_table(frame, fmt)

JSON is one array of objects (dates as ISO text, NaN as null); CSV has a header row.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:  # pandas is imported when a table is printed, not at every CLI start
    import pandas as pd

FORMATS = ("table", "csv", "json")
F = TypeVar("F", bound=Callable[..., Any])


def table_format_options(func: F) -> F:
    """Add --table (default), --csv and --json, all setting the `fmt` parameter."""
    func = click.option(
        "--json", "fmt", flag_value="json", help="Print one JSON array of objects."
    )(func)
    func = click.option("--csv", "fmt", flag_value="csv", help="Print CSV with a header row.")(func)
    func = click.option(
        "--table", "fmt", flag_value="table", default=True, help="Print aligned text [default]."
    )(func)
    return func


def parse_cell(value: Any) -> Any:
    """A DataFrame cell as a JSON value: NaN/NaT -> None, dates -> ISO text, numpy -> Python."""
    import pandas as pd

    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return parse_cell(value.item())
    if isinstance(value, list | tuple):
        return [parse_cell(v) for v in value]
    if hasattr(value, "tolist"):
        return parse_cell(value.tolist())
    return value


def render_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of `frame` as JSON-ready dicts, column order kept."""
    return [
        {str(k): parse_cell(v) for k, v in zip(frame.columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def render_table(frame: pd.DataFrame, fmt: str) -> str:
    """`frame` as text in `fmt` ('table' | 'csv' | 'json'), without a trailing newline."""
    if fmt == "json":
        return json.dumps(render_records(frame), indent=1, ensure_ascii=False)
    if fmt == "csv":
        return str(frame.to_csv(index=False, lineterminator="\n")).rstrip("\n")
    if frame.empty:
        return "(no rows)" if len(frame.columns) == 0 else " ".join(map(str, frame.columns))
    return str(frame.to_string(index=False))


def echo_table(frame: pd.DataFrame, fmt: str) -> None:
    """Print `frame` in `fmt` on stdout."""
    click.echo(render_table(frame, fmt))
