"""`jobtrends analyze`, `deltas`, `validate` and `bench analyze`: the analytics commands."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import UTC, date, datetime
from typing import Any

import click

from analytics.trends.events import CHATGPT_LAUNCH, GPT4_LAUNCH
from jobtrends.cli import AppContext
from jobtrends.commands.bench import bench
from jobtrends.config import fill


@dataclasses.dataclass(frozen=True)
class AnalyticsConfig:
    """[analytics] settings (env JOBTRENDS_ANALYTICS_*)."""

    events: tuple[str, ...] = (CHATGPT_LAUNCH.isoformat(), GPT4_LAUNCH.isoformat())
    window_days: int = 364  # before/after window length (52 weeks)
    lag_days: int = 91  # days skipped after the event while an effect ramps in
    base_floor: int = 30  # fewer postings than this in the before window: not meaningful
    controls: tuple[str, ...] = ()  # empty: the least-exposed categories (exposure.csv)
    external_series: str = "indeed_postings_index"  # external_series row set for did_external
    external_sector: str = "aggregate"
    # count only postings of these engagements, e.g. ["freelance", "contract"]; empty: all.
    # Seekers ([For Hire], SEEKING WORK) are never counted as demand.
    engagement: tuple[str, ...] = ()


def analytics_settings(app: AppContext) -> tuple[AnalyticsConfig, Any]:
    from analytics.trends.deltas import DEFAULT_CONTROLS, DeltaSettings

    config = fill(AnalyticsConfig, "analytics", app.toml, app.environ)
    from analytics.tagging.engagement import ENGAGEMENTS
    from jobtrends.config import ConfigError

    if bad := [e for e in config.engagement if e not in ENGAGEMENTS]:
        raise ConfigError(f"[analytics] engagement: {bad} not in {list(ENGAGEMENTS)}")
    settings = DeltaSettings(
        window_days=config.window_days,
        lag_days=config.lag_days,
        base_floor=config.base_floor,
        controls=config.controls or DEFAULT_CONTROLS,
        external_series=config.external_series,
        external_sector=config.external_sector,
    )
    return config, settings


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
@click.pass_obj
def analyze(
    app: AppContext, as_of: datetime | None, full: bool, seasonal: bool, simulated: bool
) -> None:
    """Refresh daily counts, 84-day moving averages and event deltas in the warehouse."""
    from analytics.trends.analyze import analyze_warehouse
    from warehouse.db import open_warehouse

    config, settings = analytics_settings(app)
    day = as_of.date() if as_of else _today()
    events = [date.fromisoformat(e) for e in config.events]
    with open_warehouse(app.core.db) as conn:
        summary = analyze_warehouse(
            conn,
            as_of=day,
            now=datetime.now(UTC),
            event_dates=events,
            full=full,
            settings=settings,
            seasonal=seasonal,
            engagements=config.engagement,
            simulated=simulated,
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
@click.option(
    "--event",
    type=click.DateTime(["%Y-%m-%d"]),
    default=CHATGPT_LAUNCH.isoformat(),
    show_default=True,
    help="Event date.",
)
@click.option(
    "--method",
    "method",
    default=None,
    help="ma_endpoints | window | share | did | did_external | its | its_placebo.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Which analysis (default: the latest for this event).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON array of objects.")
@click.pass_obj
def deltas(
    app: AppContext, event: datetime, method: str | None, as_of: datetime | None, as_json: bool
) -> None:
    """Print the before/after delta table from the last `jobtrends analyze`."""
    from warehouse.db import open_warehouse
    from warehouse.snapshot import freshest_readable

    with open_warehouse(freshest_readable(app.core.db), read_only=True) as conn:
        frame = conn.execute(
            """SELECT subject, kind, method, estimate_pct, ci_low_pct, ci_high_pct, n_before,
                      n_after, meaningful, descriptive,
                      CAST(before_start AS VARCHAR) AS before_start,
                      CAST(before_end AS VARCHAR) AS before_end,
                      CAST(after_start AS VARCHAR) AS after_start,
                      CAST(after_end AS VARCHAR) AS after_end,
                      CAST(as_of AS VARCHAR) AS as_of, CAST(event_date AS VARCHAR) AS event_date,
                      note
               FROM event_deltas
               WHERE event_date = ? AND (? IS NULL OR method = ?)
                 AND as_of = coalesce(?, (SELECT max(as_of) FROM event_deltas WHERE event_date = ?))
               ORDER BY kind, subject, method, before_start""",
            [event.date(), method, method, as_of.date() if as_of else None, event.date()],
        ).df()
    rows = [{str(k): _clean(v) for k, v in r.items()} for r in frame.to_dict("records")]
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    if not rows:
        click.echo(f"no deltas for event {event.date()}: run `jobtrends analyze` first")
        return
    for line in render_delta_table(rows):
        click.echo(line)


@click.command()
@click.option(
    "--event",
    type=click.DateTime(["%Y-%m-%d"]),
    default=CHATGPT_LAUNCH.isoformat(),
    show_default=True,
)
@click.option("--method", default="did", show_default=True, help="Which delta method to correlate.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_obj
def exposure(app: AppContext, event: datetime, method: str, as_json: bool) -> None:
    """Each category's generative-AI exposure (Tomlinson et al. 2025, via 2018 SOC) beside its
    measured effect, and their Spearman rank correlation across categories."""
    from analytics.trends.exposure import compute_exposure_correlation, read_exposure
    from warehouse.db import open_warehouse
    from warehouse.snapshot import freshest_readable

    with open_warehouse(freshest_readable(app.core.db), read_only=True) as conn:
        frame = conn.execute(
            """SELECT subject, kind, method, estimate_pct, meaningful FROM event_deltas
               WHERE event_date = ? AND kind = 'category' AND method = ?
                 AND as_of = (SELECT max(as_of) FROM event_deltas WHERE event_date = ?)""",
            [event.date(), method, event.date()],
        ).df()
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


@click.command()
@click.option("--seeds", default=20, show_default=True, help="How many generated worlds.")
@click.option(
    "--simulator",
    is_flag=True,
    help="End to end: the real simulator writes a warehouse per seed, `analyze` measures it "
    "(slow: about 2.5 min a seed at the default size).",
)
@click.option(
    "--postings",
    default=2_000_000,
    show_default=True,
    help="With --simulator: postings per simulated warehouse (2021-11-01..2024-03-31).",
)
@click.pass_obj
def validate(app: AppContext, seeds: int, simulator: bool, postings: int) -> None:
    """Plant effects and show how well did/its recover them (and that share/did remove
    platform growth where window shows it). Exits non-zero when did/its miss the bar."""
    from analytics.simulation.validate_counts import (
        REQUIRED_COVERAGE,
        compute_coverage_table,
        compute_growth_check,
        compute_validation,
    )

    _config, settings = analytics_settings(app)
    if simulator:
        from analytics.simulation.validate_warehouse import compute_simulated_validation

        results = compute_simulated_validation(
            range(1, seeds + 1),
            postings=postings,
            now=datetime.now(UTC),
            on_seed=lambda seed, sec: click.echo(
                f"seed {seed}: simulated in {sec:.0f} s", err=True
            ),
        )
        click.echo(f"{seeds} simulated warehouses of {postings:,} postings (real simulator)")
    else:
        results = compute_validation(range(seeds), settings)
        click.echo(f"{seeds} seeds of generated daily counts")
    table = compute_coverage_table(results)
    click.echo("(category, seed) cases with >= 50 postings/day")
    click.echo(
        f"{'method':8} {'cases':>6} {'bias pp':>8} {'mean|err| pp':>13} {'max|err| pp':>12} "
        f"{'within 3pp':>11} {'95% cover':>10}  pass"
    )
    for r in table.itertuples():
        click.echo(
            f"{r.method:8} {r.cases:6d} {r.mean_error_pp:+8.2f} {r.mean_abs_error_pp:13.2f} "
            f"{r.max_abs_error_pp:12.2f} {r.within_3pp:11.1%} {r.coverage_95:10.1%}  "
            f"{'yes' if r.passes else 'no'}"
        )
    click.echo("no planted effect, platform growth +25%/year (mean estimate %):")
    for r in compute_growth_check(results).itertuples():
        click.echo(
            f"  {r.method:8} {r.mean:+7.1f}  (min {r.min:+.1f}, max {r.max:+.1f}, n={r.size})"
        )
    needed = table.set_index("method").loc[["did", "its"], "passes"]
    if not needed.all():
        raise click.ClickException(f"did/its below {REQUIRED_COVERAGE:.0%} recovery or coverage")


@bench.command("analyze")
@click.option("--postings", default=5_000_000, show_default=True)
@click.option(
    "--db",
    "path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to build the bench warehouse (default a temp file).",
)
def bench_analyze(postings: int, path: str | None) -> None:
    """Build an N-posting warehouse in bulk and time full and incremental `analyze`."""
    from analytics.evaluation.bench_analyze import run_bench

    for line in run_bench(postings, path, now=datetime.now(UTC)):
        click.echo(line)


COMMANDS = [analyze, deltas, validate, exposure]
