"""`jobtrends enrich` and `jobtrends eval categories|confusion|rates|skills`: tag and measure."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
import duckdb

from jobtrends.app import AppContext, db_option
from jobtrends.commands.tables import (
    document_format_options,
    echo_document,
    echo_table,
    table_format_options,
)

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
        save_shipped_confusion(conn, started)
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


def save_shipped_confusion(conn: duckdb.DuckDBPyConnection, now: datetime) -> None:
    """Store the tagger's shipped confusion matrix, the one share_adjusted corrects with."""
    from analytics.tagging.title_model import CONFUSION_FILE
    from warehouse.confusion import read_confusion_file, save_confusion

    save_confusion(conn, read_confusion_file(CONFUSION_FILE), now)


@click.group(name="eval")
def eval_group() -> None:
    """Measure the tags against real labelled postings."""


@eval_group.command(name="categories")
@click.argument("paths", nargs=-1, required=True, type=PATHS)
@click.option(
    "--fit", "fit", multiple=True, type=PATHS,
    help="Fit the title model and the confusion matrix on this labelled file (repeatable) "
    "instead of using the shipped ones; score PATHS with them.",
)  # fmt: skip
@document_format_options
def eval_categories(paths: tuple[Path, ...], fit: tuple[Path, ...], fmt: str) -> None:
    """Per-category precision/recall/F1, macro F1, and the category shares' errors.

    PATHS are labelled CSVs (gzip allowed) with columns title, occupations_category_pref_label
    and occupations_oservice_pref_label. Labels are mapped through
    analytics/tagging/taxonomy/upwork_categories.toml and hidden from the classifier, which is the
    enrichment's: keyword rules, then the title model where no rule matches. Shares: the mean
    absolute error over the 12 categories of classify-and-count (share_mae_pp) and of the counts
    adjusted with the confusion matrix (share_mae_pp_adjusted), and a planted -30% drop per
    category. Score files the model was not fitted on (--fit another file).
    """
    from analytics.evaluation.categories import render_category_report
    from analytics.evaluation.counts import evaluate_counts, render_counts

    try:
        report = evaluate_counts(list(paths), fit=list(fit))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt != "table":
        echo_document(report.as_json(), fmt)
    else:
        click.echo(render_category_report(report) + render_counts(report))


@eval_group.command(name="confusion")
@click.argument("paths", nargs=-1, required=True, type=PATHS)
@click.option(
    "--warehouse", "use_warehouse", is_flag=True,
    help="Also score the warehouse's postings that carry a platform label (title only, label "
    "hidden) and add them; then store the matrix in the warehouse.",
)  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the matrix (default: the shipped data file).")  # fmt: skip
@table_format_options
@db_option
@click.pass_obj
def eval_confusion(
    app: AppContext, paths: tuple[Path, ...], use_warehouse: bool, out: Path | None, fmt: str
) -> None:
    """Rebuild the tagger's confusion matrix, out of fold, from labelled postings.

    PATHS as for `eval categories`. Writes analytics/tagging/data/confusion_matrix.json (or
    --out), stamped with the tagger's rules version; share_adjusted corrects with it.
    --csv/--json print the matrix as rows (truth, predicted, postings); the summary line then
    goes to stderr.
    """
    from analytics.evaluation.confusion import (
        compute_confusion,
        compute_out_of_fold,
        compute_title_predictions,
        read_warehouse_pairs,
        render_sources,
        render_stored,
    )
    from analytics.evaluation.train_title_model import read_training_titles
    from analytics.tagging.enrich import compute_rules_version
    from analytics.tagging.title_model import CONFUSION_FILE, read_title_model
    from warehouse.confusion import save_confusion, write_confusion_file
    from warehouse.db import open_warehouse

    try:
        titles, truths = read_training_titles(list(paths))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    predictions = compute_out_of_fold(titles, truths)
    extra = 0
    if use_warehouse:
        with open_warehouse(app.core.db) as conn:
            w_titles, w_truths = read_warehouse_pairs(conn)
        truths = truths + w_truths
        predictions = predictions + compute_title_predictions(w_titles, read_title_model())
        extra = len(w_titles)
    matrix = compute_confusion(truths, predictions, compute_rules_version())
    stored = render_stored(matrix, render_sources(list(paths), extra))
    target = out or CONFUSION_FILE
    write_confusion_file(stored, target)
    if fmt != "table":
        import pandas as pd

        cells = [(t, p, n) for t, row in zip(stored.labels, stored.counts, strict=True)
                 for p, n in zip(stored.labels, row, strict=True)]  # fmt: skip
        echo_table(pd.DataFrame(cells, columns=["truth", "predicted", "postings"]), fmt)
    click.echo(
        f"confusion matrix from {len(truths)} labelled postings ({stored.source}), "
        f"cond {matrix.condition:.2f}, tagger {matrix.tagger_version} -> {target}",
        err=fmt != "table",
    )
    if use_warehouse:
        with open_warehouse(app.core.db) as conn:
            save_confusion(conn, stored, datetime.now(UTC))
        click.echo("stored in the warehouse table tagger_confusion", err=fmt != "table")


@eval_group.command(name="skills")
@click.argument("path", type=PATHS)
@click.option(
    "--data", "data", type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None, help="Where the labelled sets' texts are (default: ../shared/data).",
)  # fmt: skip
@document_format_options
def eval_skills(path: Path, data: Path | None, fmt: str) -> None:
    """Precision and recall per AI skill on a hand-labelled set of real postings.

    PATH is a `set,id,skills` CSV such as analytics/evaluation/labels/ai_skills_labelled.csv
    (the labelling rule is LABELLING.md beside it); the texts are read from the shared sets.
    """
    from analytics.evaluation.skills import DEFAULT_DATA, evaluate_skills, render_skill_report

    try:
        result = evaluate_skills(path, data or DEFAULT_DATA)
    except (ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt != "table":
        echo_document(result, fmt)
    else:
        click.echo(render_skill_report(result))


@eval_group.command(name="rates")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@document_format_options
def eval_rates(paths: tuple[Path, ...], fmt: str) -> None:
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
    if fmt != "table":
        echo_document(result, fmt)
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
