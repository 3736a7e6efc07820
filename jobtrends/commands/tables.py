"""How a command prints a table: aligned text (default), CSV or JSON, chosen by one option set.

    @click.command()
    @table_format_options
    def feeds(fmt: str) -> None:
        echo_table(frame, fmt)

JSON is one array of objects (dates as ISO text, NaN as null); CSV has a header row.
A command that prints several tables (`validate`, `eval categories`) stacks them with
`echo_tables`: one leading `table` column names the table each row belongs to, the other
columns are the union of the tables' columns (empty where a table has no such column), so the
output still parses as one CSV or one JSON array.

Commands that print no table say why in PRINTS_NO_TABLE (tests/test_table_formats.py walks the
CLI and fails on a command that is in neither list).
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

# command path -> why it takes no --json/--csv: its stdout is one line or a file's name, not rows
PRINTS_NO_TABLE: dict[str, str] = {
    "analyze": "one summary line; the rows it writes are read with `deltas` or `query`",
    "collect": "one cycle summary line; the rows are read with `feeds` or `query`",
    "enrich": "a write summary (counts per tag); the tags are read with `query`",
    "export": "writes files and prints where",
    "health": "one verdict line and the exit code; `--json` prints the verdict as one object",
    "import": "one summary line per file; the postings are read with `query`",
    "import-series": "one summary line per file; the series are read with `query`",
    "migrate": "one line: the migrations applied",
    "report": "writes the HTML page and prints where",
    "serve": "runs forever, logging to stderr",
    "simulate": "one summary line; the postings are read with `query`",
    "bench aggregate": "measured seconds as sentences with units, quoted by the docs",
    "bench analyze": "measured seconds as sentences with units, quoted by the docs",
    "bench collect": "measured rates as one sentence with units, quoted by the docs",
    "bench enrich": "measured rates as one sentence with units, quoted by the docs",
    "bench ingest": "measured rates as sentences with units, quoted by the docs",
    "bench lake": "measured seconds as sentences with units, quoted by the docs",
    "bench snapshot": "measured seconds as sentences with units, quoted by the docs",
}
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


def render_stacked(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Several tables as one: a leading `table` column (the dict key), then the union of
    their columns in order of first appearance; a row's other columns are empty."""
    import pandas as pd

    frames = [  # object columns: an int column stays int where other tables leave it empty
        frame.reset_index(drop=True)
        .astype(object)
        .assign(table=name)[["table", *[c for c in frame.columns if c != "table"]]]
        for name, frame in tables.items()
    ]
    if not frames:
        return pd.DataFrame({"table": []})
    stacked = pd.concat(frames, ignore_index=True, sort=False)
    return stacked.astype(object).where(stacked.notna(), None)


def echo_tables(tables: dict[str, pd.DataFrame], fmt: str) -> None:
    """Print several tables as one stacked CSV or JSON array (render_stacked)."""
    echo_table(render_stacked({k: v.rename(columns=str) for k, v in tables.items()}), fmt)


def document_format_options(func: F) -> F:
    """--json (the command's one JSON object) and --csv (its tables stacked), setting `fmt`."""
    func = click.option("--json", "fmt", flag_value="json", help="Print one JSON object.")(func)
    func = click.option(
        "--csv",
        "fmt",
        flag_value="csv",
        help="Print its tables as one CSV with a header row (a leading `table` column).",
    )(func)
    return click.option(
        "--table",
        "fmt",
        flag_value="table",
        default=True,
        help="Print the report as text [default].",
    )(func)


def _flat(value: Any) -> Any:
    """A cell of a document table: lists and objects as compact JSON text, scalars as is."""
    value = parse_cell(value)
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def render_document_tables(document: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """A report object as tables: its scalars (and lists) as one `summary` row; a key holding
    {name: {field: value}} as a table of one row per name (first column `name`); a key
    holding a list of objects as a table of those rows; any other object as one row."""
    import pandas as pd

    def is_rows(value: Any) -> bool:
        return isinstance(value, list) and bool(value) and all(isinstance(i, dict) for i in value)

    summary = {
        k: _flat(v) for k, v in document.items() if not isinstance(v, dict) and not is_rows(v)
    }
    tables: dict[str, pd.DataFrame] = {"summary": pd.DataFrame([summary])}
    for key, value in document.items():
        if is_rows(value):
            tables[key] = pd.DataFrame([{k: _flat(v) for k, v in i.items()} for i in value])
        elif isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            rows = [{"name": n, **{k: _flat(v) for k, v in r.items()}} for n, r in value.items()]
            tables[key] = pd.DataFrame(rows)
        elif isinstance(value, dict):
            tables[key] = pd.DataFrame([{k: _flat(v) for k, v in value.items()}])
    return tables


def echo_document(document: dict[str, Any], fmt: str) -> None:
    """Print a report object as JSON (as is) or CSV (render_document_tables, stacked)."""
    if fmt == "json":
        click.echo(json.dumps(document, default=parse_cell))
    else:
        echo_tables(render_document_tables(document), "csv")
