"""`jobtrends analyze`, `deltas` and `exposure`: the analytics commands (`validate` is in
validate.py and re-exported here)."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from typing import Any

import click

from analytics.trends.events import CHATGPT_LAUNCH
from analytics.trends.methods import METHODS
from jobtrends.app import AppContext, db_option
from jobtrends.commands.tables import echo_table, table_format_options
from jobtrends.config import build_delta_settings

# the before/after event a command reads (deltas, exposure)
event_option = click.option(
    "--event",
    type=click.DateTime(["%Y-%m-%d"]),
    default=CHATGPT_LAUNCH.isoformat(),
    show_default=True,
    help="Event date.",
)


def _today() -> date:
    return datetime.now(UTC).date()


@click.command()
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Analyse as of this UTC date (default today; that day counts as incomplete).",
)
@click.option("--full", is_flag=True, help="Re-aggregate every posting, not only touched dates.")
@click.option("--seasonal", is_flag=True, help="Also store weekly-STL-adjusted moving averages.")
@click.option("--simulated", is_flag=True, help="Analyse the simulated postings instead.")
@db_option
@click.pass_obj
def analyze(
    app: AppContext, as_of: datetime | None, full: bool, seasonal: bool, simulated: bool
) -> None:
    """Refresh daily counts, 84-day moving averages and event deltas in the warehouse."""
    from analytics.trends.analyze import analyze_warehouse
    from warehouse.db import open_warehouse

    settings = build_delta_settings(app.analytics)
    day = as_of.date() if as_of else _today()
    events = [date.fromisoformat(e) for e in app.analytics.events]
    from jobtrends.commands.progress import make_step_callback, progress_bar

    # one tick per unit of work: daily counts, moving averages, each (subject, method)
    with (
        open_warehouse(app.core.db, create=False, memory_limit=app.core.memory_limit) as conn,
        progress_bar(f"analyze{' --full' * full}", unit="unit") as bar,
    ):
        summary = analyze_warehouse(
            conn,
            as_of=day,
            now=datetime.now(UTC),
            event_dates=events,
            full=full,
            settings=settings,
            seasonal=seasonal,
            engagements=app.analytics.engagement,
            simulated=simulated,
            on_step=make_step_callback(bar),
        )
    click.echo(
        f"analyze ({summary.mode}) as of {day}: "
        f"re-aggregated from {summary.since or 'nothing new'}, "
        f"{summary.daily_rows} daily rows, {summary.delta_rows} delta rows, "
        f"{summary.seconds:.2f} s"
    )


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


@click.command()
@event_option
@click.option(
    "--method",
    "method",
    type=click.Choice(METHODS),
    default=None,
    help="Only this method [default: all].",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Which analysis (default: the latest for this event).",
)
@table_format_options
@db_option
@click.pass_obj
def deltas(
    app: AppContext, event: datetime, method: str | None, as_of: datetime | None, fmt: str
) -> None:
    """Print the before/after delta table from the last `jobtrends analyze`."""
    from analytics.trends.results import read_event_deltas
    from warehouse.db import open_warehouse
    from warehouse.snapshot import freshest_readable

    with open_warehouse(freshest_readable(app.core.db), read_only=True) as conn:
        frame = read_event_deltas(conn, event.date(), method, as_of.date() if as_of else None)
    rows = [{str(k): _clean(v) for k, v in r.items()} for r in frame.to_dict("records")]
    if fmt != "table":
        echo_table(frame, fmt)
        return
    if not rows:
        click.echo(f"no deltas for event {event.date()}: run `jobtrends analyze` first")
        return
    for line in render_delta_table(rows):
        click.echo(line)


@click.command()
@event_option
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default="did",
    show_default=True,
    help="Which delta method to correlate.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.option("--csv", "as_csv", is_flag=True, help="The rows as CSV with a header row.")
@db_option
@click.pass_obj
def exposure(app: AppContext, event: datetime, method: str, as_json: bool, as_csv: bool) -> None:
    """Each category's generative-AI exposure (Tomlinson et al. 2025, via 2018 SOC) beside its
    measured effect, and their Spearman rank correlation across categories."""
    from analytics.trends.exposure import compute_exposure_correlation, read_exposure
    from analytics.trends.results import read_category_effects
    from warehouse.db import open_warehouse
    from warehouse.snapshot import freshest_readable

    with open_warehouse(freshest_readable(app.core.db), read_only=True) as conn:
        frame = read_category_effects(conn, event.date(), method)
    table = read_exposure()
    rho, used = compute_exposure_correlation(table, frame, method=method)
    effects = frame[frame["meaningful"]].set_index("subject")["estimate_pct"]
    rows = [
        {
            "category": r.category,
            "soc2018_code": r.soc2018_code,
            "exposure_score": _clean(r.exposure_score),
            "estimate_pct": _clean(effects.get(r.category)),
        }
        for r in table.itertuples()
        if r.category != "Other"
    ]
    if as_json:
        click.echo(json.dumps({"method": method, "spearman_rho": rho, "n": used, "rows": rows}))
        return
    if as_csv:
        import pandas as pd

        echo_table(pd.DataFrame(rows), "csv")
        return
    click.echo(f"{'category':30} {'SOC':8} {'exposure':>8} {method + ' %':>10}")
    for row in sorted(rows, key=lambda r: -(r["exposure_score"] or 0)):
        est = row["estimate_pct"]
        click.echo(
            f"{row['category']:30} {row['soc2018_code']:8} {row['exposure_score']:8.3f} "
            f"{'' if est is None else f'{est:+.1f}':>10}"
        )
    verdict = "not enough categories with an effect" if rho is None else f"{rho:+.2f}"
    click.echo(f"Spearman rank correlation, exposure vs {method} effect: {verdict} (n={used})")


def _pct(value: Any) -> str:
    return "" if value is None else f"{value:+.1f}"


def render_delta_table(rows: list[dict[str, Any]]) -> list[str]:
    """Fixed-width lines: one per delta row; 'n/m' where the estimate is not meaningful."""
    lines = [
        f"{'subject':30} {'kind':8} {'method':12} {'estimate %':>10} {'95% interval':>18} "
        f"{'n_before':>9} {'n_after':>9}  windows"
    ]
    for r in rows:
        est = _pct(r["estimate_pct"]) if r["meaningful"] else "n/m"
        ci = (
            f"[{_pct(r['ci_low_pct'])}, {_pct(r['ci_high_pct'])}]"
            if r["ci_low_pct"] is not None
            else ""
        )
        nb = "" if r["n_before"] is None else r["n_before"]
        na = "" if r["n_after"] is None else r["n_after"]
        span = f"{r['before_start']}..{r['before_end']} | {r['after_start']}..{r['after_end']}"
        lines.append(
            f"{str(r['subject'])[:30]:30} {r['kind']:8} {r['method']:12} {est or 'n/m':>10} "
            f"{ci:>18} {nb:>9} {na:>9}  {span}"
        )
    return lines


from jobtrends.commands.validate import validate  # noqa: E402  (cli.py lists analytics.validate)

__all__ = ["analyze", "deltas", "exposure", "render_delta_table", "validate"]
