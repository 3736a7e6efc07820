"""Every command that prints a table also prints it as --json and --csv, with the same rows;
the CLI is walked so that a new command must take them or say why not (PRINTS_NO_TABLE)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from collector.feeds import parse_feed_list
from collector.lake_writer import run_lake_cycle
from jobtrends.cli import cli
from jobtrends.commands.tables import PRINTS_NO_TABLE
from tests.conftest import FIXTURES, LABELLED_HANDWRITTEN
from tests.lakefeeds import State, lake_feed_server, render_feeds_toml
from tests.report_fixtures import build_report_warehouse
from tests.test_ai_skills import ITEMS, write_set
from warehouse.db import connect


@pytest.fixture
def analysed(db_path: Path) -> Path:
    conn = connect(db_path)
    build_report_warehouse(conn)
    conn.close()
    return db_path


@pytest.mark.parametrize(
    "command,key",
    [
        (["deltas", "--method", "did"], "subject"),
        (["feeds"], "name"),
        (["query", "SELECT subject, n FROM daily_counts WHERE date = DATE '2024-02-14'"], "n"),
    ],
)
def test_json_and_csv_give_the_same_rows(analysed: Path, command: list[str], key: str) -> None:
    runner = CliRunner()
    as_json = runner.invoke(cli, ["--db", str(analysed), *command, "--json"], env={})
    as_csv = runner.invoke(cli, ["--db", str(analysed), *command, "--csv"], env={})
    assert as_json.exit_code == 0 and as_csv.exit_code == 0, as_json.output + as_csv.output
    rows = json.loads(as_json.output)
    parsed = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert len(rows) == len(parsed) > 1
    assert [str(r[key]) for r in rows] == [r[key] for r in parsed]
    plain = runner.invoke(cli, ["--db", str(analysed), *command], env={})
    assert plain.exit_code == 0 and not plain.output.lstrip().startswith("[")


def test_exposure_csv(analysed: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(analysed), "exposure", "--csv"], env={})
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 12 and {"category", "exposure_score", "estimate_pct"} <= set(rows[0])


def walk_commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> list[tuple[str, click.Command]]:
    """Every leaf command of the CLI as ('eval confusion', command)."""
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += walk_commands(command, (*path, name))
        else:
            found.append((" ".join((*path, name)), command))
    return found


def option_names(command: click.Command) -> set[str]:
    return {o for p in command.params for o in getattr(p, "opts", [])}


def test_every_command_that_prints_a_table_takes_json_and_csv() -> None:
    commands = dict(walk_commands(cli))
    assert set(PRINTS_NO_TABLE) <= set(commands), "PRINTS_NO_TABLE names a command that is gone"
    missing = [
        name
        for name, command in commands.items()
        if name not in PRINTS_NO_TABLE and not {"--json", "--csv"} <= option_names(command)
    ]
    assert not missing, (
        f"print a table without --json/--csv (or a reason in PRINTS_NO_TABLE): {missing}"
    )
    stale = [n for n in PRINTS_NO_TABLE if {"--json", "--csv"} <= option_names(commands[n])]
    assert not stale, f"take --json and --csv but PRINTS_NO_TABLE says they print no table: {stale}"


def invoke_both(args: list[str]) -> tuple[object, list[dict[str, str]], str]:
    """(parsed --json, --csv rows, --csv header line) of `jobtrends ARGS`; both must exit 0."""
    runner = CliRunner()
    as_json = runner.invoke(cli, [*args, "--json"], env={})
    as_csv = runner.invoke(cli, [*args, "--csv"], env={})
    assert as_json.exit_code == 0, as_json.output
    assert as_csv.exit_code == 0, as_csv.output
    return (
        json.loads(as_json.stdout),
        list(csv.DictReader(io.StringIO(as_csv.stdout))),
        as_csv.stdout.splitlines()[0],
    )


def test_validate_stacks_its_tables() -> None:
    rows, parsed, header = invoke_both(["validate", "--seeds", "1"])
    assert isinstance(rows, list) and len(rows) == len(parsed) > 4
    assert header.startswith("table,") and {"method", "coverage_95", "mean_pct"} <= set(parsed[0])
    assert {r["table"] for r in parsed} == {"coverage", "growth"}
    did = next(r for r in rows if r["table"] == "coverage" and r["method"] == "did")
    assert isinstance(did["cases"], int) and 0 <= did["coverage_95"] <= 1  # ints stay ints


def test_eval_commands_print_csv_tables_and_keep_their_json(tmp_path: Path) -> None:
    labelled = str(LABELLED_HANDWRITTEN)
    report, parsed, header = invoke_both(["eval", "categories", labelled])
    assert isinstance(report, dict) and header.startswith("table,")
    per_category = [r for r in parsed if r["table"] == "per_category"]
    assert {r["name"] for r in per_category} == set(report["per_category"])
    assert [float(r["f1"]) for r in per_category] == [
        m["f1"] for m in report["per_category"].values()
    ]
    summary = next(r for r in parsed if r["table"] == "summary")
    assert float(summary["macro_f1"]) == report["macro_f1"]

    out = str(tmp_path / "matrix.json")
    cells, parsed, header = invoke_both(["eval", "confusion", labelled, "--out", out])
    assert header == "truth,predicted,postings"
    assert isinstance(cells, list) and len(cells) == len(parsed) == 13 * 13
    assert sum(c["postings"] for c in cells) == len(pd.read_csv(LABELLED_HANDWRITTEN))

    rates, parsed, header = invoke_both(["eval", "rates", str(FIXTURES / "enrich")])
    assert isinstance(rates, dict) and header.startswith("table,")
    by_kind = {r["name"]: int(r["n"]) for r in parsed if r["table"] == "by_kind"}
    assert by_kind == {k: v["n"] for k, v in rates["by_kind"].items()}

    data = write_set(tmp_path / "data", ITEMS)
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "set,id,skills\nupwork-rss-ai-2023,%7Ea1,chatbot_development\n"
        "upwork-rss-ai-2023,%7Ea3,machine_learning\n",
        encoding="utf-8",
    )
    skills, parsed, _ = invoke_both(["eval", "skills", str(labels), "--data", str(data)])
    assert isinstance(skills, dict)
    tagged = {r["name"]: int(r["tp"]) for r in parsed if r["table"] == "per_skill"}
    assert tagged == {k: v["tp"] for k, v in skills["per_skill"].items()}


def test_lake_merge_prints_its_summary_row(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    with lake_feed_server() as url:
        specs = parse_feed_list(render_feeds_toml(url), "feeds.toml")
        State.stage = 1
        run_lake_cycle(lake, specs, 1, 1, datetime(2026, 12, 1, 12, tzinfo=UTC))
    runner = CliRunner()
    first = runner.invoke(cli, ["lake", "merge", "--lake", str(lake), "--json"], env={})
    assert first.exit_code == 0, first.output
    (row,) = json.loads(first.stdout)
    assert (row["version"], row["runs"], row["engine"]) == (1, 1, "duckdb") and row["postings"] > 0
    again = runner.invoke(cli, ["lake", "merge", "--lake", str(lake), "--csv"], env={})
    assert again.exit_code == 0, again.output
    (parsed,) = csv.DictReader(io.StringIO(again.stdout))
    assert (parsed["version"], parsed["runs"]) == ("1", "0")  # nothing new: no new version


def test_bench_faults_rows() -> None:
    rows, parsed, header = invoke_both(["bench", "faults", "--only", "23_deltas"])
    assert header.startswith("probe,passed,") and isinstance(rows, list)
    assert (
        [r["probe"] for r in rows] == [r["probe"] for r in parsed] == ["23_deltas_unknown_method"]
    )
    assert rows[0]["passed"] is True and parsed[0]["passed"] == "True"
