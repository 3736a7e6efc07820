"""`jobtrends enrich` and `jobtrends eval categories|rates`: tag postings and measure the tags."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from jobtrends.app import AppContext, db_option

PATHS = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command()
@click.option("--all", "retag_all", is_flag=True, help="Re-tag all history (not simulated rows).")
@click.option("--workers", default=1, show_default=True, help="Processes that tag chunks.")
@db_option
@click.pass_obj
def enrich(app: AppContext, retag_all: bool, workers: int) -> None:
    """Tag category, AI skills and pay for postings not tagged yet (--all: re-tag everything)."""
    from analytics.tagging.enrich import enrich_postings
    from jobtrends.commands.progress import make_count_callback, progress_bar
    from warehouse.db import open_warehouse

    started = datetime.now(UTC)
    with open_warehouse(app.core.db, create=False, memory_limit=app.core.memory_limit) as conn:
        total = None
        if retag_all:  # the bar's total: every real posting is re-tagged
            row = conn.execute("SELECT count(*) FROM postings WHERE NOT is_simulated").fetchone()
            total = int(row[0]) if row else None
        with progress_bar("enrich", total, "postings") as bar:
            summary = enrich_postings(
                conn,
                now=started,
                retag_all=retag_all,
                workers=workers,
                on_progress=make_count_callback(bar),
            )
    seconds = (datetime.now(UTC) - started).total_seconds()
    click.echo(
        f"enriched {summary.postings} posting(s) [{summary.mode}] with rules "
        f"{summary.rules_version} in {seconds:.1f} s"
    )
    for name, count in sorted(summary.categories.items(), key=lambda kv: -kv[1]):
        click.echo(f"  category {name}: {count}")
    for name, count in sorted(summary.skills.items(), key=lambda kv: -kv[1]):
        click.echo(f"  ai skill {name}: {count}")
    for name, count in sorted(summary.pay_kinds.items(), key=lambda kv: -kv[1]):
        click.echo(f"  pay {name}: {count}")
    click.echo(f"  pay flagged implausible: {summary.flagged_pay}")
    if summary.errors:
        click.echo(f"  postings that failed to tag (see rejects, stage 'enrich'): {summary.errors}")


@click.group(name="eval")
def eval_group() -> None:
    """Measure the tags against real labelled postings."""


@eval_group.command(name="categories")
@click.argument("paths", nargs=-1, required=True, type=PATHS)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def eval_categories(paths: tuple[Path, ...], as_json: bool) -> None:
    """Per-category precision/recall/F1, confusion matrix and macro F1 from titles alone.

    PATHS are labelled CSVs (gzip allowed) with columns title, occupations_category_pref_label
    and occupations_oservice_pref_label. Labels are mapped through
    analytics/tagging/taxonomy/upwork_categories.toml and hidden from the classifier, which is the
    enrichment's: keyword rules, then the shipped title model where no rule matches.
    """
    from analytics.evaluation.categories import evaluate_categories, render_category_report

    report, _ = evaluate_categories(list(paths))
    if as_json:
        click.echo(json.dumps(report.as_json()))
    else:
        click.echo(render_category_report(report))


@eval_group.command(name="rates")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def eval_rates(paths: tuple[Path, ...], as_json: bool) -> None:
    """Exact-match rate of extracted pay against the files' own pay fields, and the failures.

    PATHS: Upwork RSS XML, the powerbi JSON snapshots, the 2021 JSONL, the AI-2023 JSON, the
    2022-06 jobs.csv or the 2025 rate-strings CSV; a directory stands for those files under it.
    """
    from analytics.evaluation.pay import evaluate_rates, expand_paths

    try:
        files, skippable = expand_paths(list(paths))
        result = evaluate_rates(files, skippable=skippable)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(
        f"n = {result['n']}  exact = {result['exact']}  exact_rate = {result['exact_rate']:.4f}"
    )
    for kind, counts in result["by_kind"].items():
        click.echo(f"  {kind:7} {counts['exact']}/{counts['n']}")
    click.echo(f"failures ({len(result['failures'])} shown):")
    for failure in result["failures"]:
        click.echo(f"  {failure['origin']}: expected {failure['expected']} got {failure['got']}")
    click.echo(f"free-text rates where the footer has none ({len(result['free_text_reports'])}):")
    for report in result["free_text_reports"]:
        click.echo(f"  {report['origin']}: {report['raw_text']!r} -> {report['got']}")
    for skip in result["skipped"]:
        click.echo(f"skipped {skip['reason']}", err=True)
