"""`jobtrends collect`, `jobtrends feeds` and the service's hooks, on a real warehouse."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from analytics.trends.deltas import DeltaSettings
from collector.feeds import FeedListError, parse_feed_list, read_feed_list
from jobtrends.cli import cli
from jobtrends.config import CoreConfig, ServiceConfig
from jobtrends.wiring import build_service
from tests.feedserver import UPWORK_FILE, feed_server, feeds_toml
from warehouse.snapshot import snapshot_path_for


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


def test_production_service_collects_enriches_analyzes_and_snapshots(tmp_path: Path) -> None:
    core = CoreConfig(db=tmp_path / "w.duckdb")
    with feed_server() as base:
        specs = parse_feed_list(feeds_toml(base, ["upwork"]), "t.toml")
        service = build_service(
            core,
            ServiceConfig(report_at_start=False),
            specs,
            events=[date(2022, 11, 30)],
            settings=DeltaSettings(),
        )
        service.run_cycle()
        service.run_cycle()
    snapshot = snapshot_path_for(core.db)
    with duckdb.connect(str(snapshot), read_only=True) as c:
        assert c.execute("SELECT count(*) FROM postings").fetchone() == (30,)
        # every posting tagged by the enrich step, and counted by the analyze step
        assert c.execute("SELECT count(*) FROM posting_categories").fetchone() == (30,)
        assert c.execute("SELECT count(*) FROM posting_pay").fetchone() == (30,)
        assert c.execute("SELECT sum(n) FROM a_daily_counts WHERE kind = 'all'").fetchone() == (30,)
        # the second cycle came inside the feed's polling limit: nothing due, nothing stored
        runs = c.execute("SELECT count(*) FROM collection_runs WHERE kind = 'poll'").fetchone()
        assert runs == (1,)


def test_failed_cycle_says_why_and_health_repeats_it(tmp_path: Path) -> None:
    """A cycle in which no feed answered is 'failed' with its causes in the run note, and
    `jobtrends health` prints them; one usable feed makes the same cycle 'partial'."""
    db = tmp_path / "w.duckdb"
    runner = CliRunner()
    with feed_server() as base:
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(feeds_toml(base, ["error", "gone", "notxml"]))
        env = {"JOBTRENDS_FEEDS": str(feeds)}
        failed = runner.invoke(cli, ["--db", str(db), "collect", "--once"], env=env)
        assert failed.exit_code == 1  # every due feed failed
        assert "failed=2 (" in failed.output and "NotAFeed x1" in failed.output
        assert "gone=1 (HTTP 410 x1)" in failed.output
        assert "Error: every due feed failed" in failed.output
        health = runner.invoke(cli, ["--db", str(db), "health"])
        assert health.exit_code == 1
        assert "last cycle failed" in health.output
        assert "3 of 3 feeds failed" in health.output and "NotAFeed x1" in health.output
        feeds.write_text(feeds_toml(base, ["upwork", "missing"]))
        assert runner.invoke(cli, ["--db", str(db), "collect", "--once"], env=env).exit_code == 0
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute("SELECT status, note FROM collection_runs ORDER BY run_id").fetchall()
    assert rows[0][0] == "failed"
    assert rows[1] == ("partial", "1 of 2 feeds failed: HTTP 404 x1")


def test_collected_and_imported_copies_of_an_item_read_alike(tmp_path: Path) -> None:
    """The live collector and `jobtrends import` share the Upwork text rules: the same feed
    file stored both ways is one posting per item with one raw version (same content hash),
    its title without " - Upwork" and its footer fields read the same."""
    db = tmp_path / "w.duckdb"
    feed = UPWORK_FILE
    runner = CliRunner()
    imported = runner.invoke(cli, ["--db", str(db), "import", str(feed)])
    assert imported.exit_code == 0, imported.output
    with duckdb.connect(str(db), read_only=True) as conn:
        before = conn.execute(
            "SELECT posting_id, title, description, platform_category, posted_at"
            " FROM postings ORDER BY posting_id"
        ).fetchall()
    collected = runner.invoke(cli, ["--db", str(db), "collect", "--from-file", str(feed)])
    assert collected.exit_code == 0, collected.output
    assert "postings_new=0" in collected.output
    with duckdb.connect(str(db), read_only=True) as conn:
        after = conn.execute(
            "SELECT posting_id, title, description, platform_category, posted_at"
            " FROM postings ORDER BY posting_id"
        ).fetchall()
        versions = conn.execute(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM raw_entries GROUP BY guid)"
        ).fetchone()
    assert len(before) == 30 and after == before
    assert versions == (1,)
    assert not any(title.endswith(" - Upwork") for _, title, *_ in after)


def test_collect_once_with_every_feed_refused_exits_1_and_says_why(tmp_path: Path) -> None:
    """Ten feeds on a port nothing listens on: exit 1, 'failed=10 (ConnectError x10)', and the
    run's finished_at is its real end, after its start."""
    import socket

    with socket.socket() as s:  # a free port, closed again: connections are refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(
        "".join(
            f'[[feed]]\nname = "f{i}"\nurl = "http://127.0.0.1:{port}/f{i}.rss"\n'
            'kind = "rss"\nsource = "test"\nmin_interval_minutes = 1\n\n'
            for i in range(10)
        )
    )
    db = tmp_path / "w.duckdb"
    result = CliRunner().invoke(cli, ["collect", "--once", "--feeds", str(feeds), "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert "failed=10 (ConnectError x10)" in result.output
    with duckdb.connect(str(db), read_only=True) as conn:
        row = conn.execute(
            "SELECT status, finished_at > started_at FROM collection_runs WHERE kind = 'poll'"
        ).fetchone()
    assert row == ("failed", True)
    # straight again: every feed backs off, none is due; exit 0 and the line says why
    again = CliRunner().invoke(cli, ["collect", "--once", "--feeds", str(feeds), "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert "runs []" in again.stdout and "no feed was due" in again.stderr
