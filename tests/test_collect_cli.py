"""`jobtrends collect`, `jobtrends feeds` and the service's hooks, on a real warehouse."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from collector.feeds import FeedListError, parse_feed_list, read_feed_list
from jobtrends.cli import cli
from jobtrends.config import CoreConfig, ServiceConfig
from jobtrends.service import Service
from tests.feedserver import RECORDED, feed_server, feeds_toml

UPWORK_FILE = RECORDED / "upwork_powerbi_2024-05-16.xml"


def test_from_file_twice_adds_no_duplicates(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", str(db), "collect", "--from-file", str(UPWORK_FILE)])
    assert first.exit_code == 0, first.output
    assert "postings_new=30" in first.output
    again = runner.invoke(cli, ["collect", "--db", str(db), "--from-file", str(UPWORK_FILE)])
    assert "entries_seen=30 postings_new=0" in again.output
    with duckdb.connect(str(db), read_only=True) as c:
        row = c.execute(
            "SELECT count(*), max(times_seen), count(platform_category), min(source) FROM postings"
        ).fetchone()
    assert row == (30, 2, 30, "upwork")


def test_collect_once_and_feeds_table(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with feed_server() as base:
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(feeds_toml(base, ["upwork", "gone"]))
        runner = CliRunner()
        result = runner.invoke(
            cli, ["--db", str(db), "collect", "--once"], env={"JOBTRENDS_FEEDS": str(feeds)}
        )
        assert result.exit_code == 0, result.output
        assert "ok=1 not_modified=0 failed=0 gone=1" in result.output
    table = CliRunner().invoke(cli, ["--db", str(db), "feeds"])
    lines = table.output.splitlines()
    assert lines[0].split()[:3] == ["feed", "health", "fails"]
    gone = next(line for line in lines if line.startswith("gone"))
    assert " gone " in gone and "HTTP 410" in gone
    upwork = next(line for line in lines if line.startswith("upwork"))
    assert " ok " in upwork and " 30 " in upwork


def test_bundled_feed_list_and_errors() -> None:
    specs = read_feed_list()
    by_name = {s.name: s for s in specs}
    assert by_name["remotive"].min_interval_s >= 6 * 3600  # at most 4 polls a day
    assert by_name["jobicy-freelance"].min_interval_s >= 3600
    assert "freelance" in by_name["jobicy-freelance"].url
    with pytest.raises(FeedListError, match=r"x.toml: \[\[feed\]\] #1 \('a'\): field 'url'"):
        parse_feed_list('[[feed]]\nname = "a"\nkind = "rss"\nsource = "s"\n', "x.toml")
    with pytest.raises(FeedListError, match="x.toml: not valid TOML"):
        parse_feed_list("[[feed]\n", "x.toml")


def test_service_cycle_runs_hooks_and_survives_a_failing_one(tmp_path: Path) -> None:
    calls: list[tuple[Path, datetime]] = []

    def broken(db_path: Path, now: datetime) -> None:
        raise RuntimeError("enrichment exploded")

    def record(db_path: Path, now: datetime) -> None:
        calls.append((db_path, now))

    core = CoreConfig(db=tmp_path / "w.duckdb")
    with feed_server() as base:
        specs = parse_feed_list(feeds_toml(base, ["upwork"]), "t.toml")
        service = Service(core, ServiceConfig(), specs, after_cycle=[broken, record], weekly=[])
        service.cycle()
        service.cycle()
    assert len(calls) == 2 and calls[0][0] == core.db
    with duckdb.connect(str(core.db), read_only=True) as c:
        assert c.execute("SELECT count(*) FROM postings").fetchone() == (30,)
