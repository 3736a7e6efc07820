"""Settings are checked when they are read: unknown names and out-of-range values stop the
program at start with one line naming the setting and where it came from."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from jobtrends.cli import cli
from jobtrends.config import ConfigError, read_settings


def test_defaults_pass() -> None:
    settings = read_settings(None, {})
    assert settings["service"].interval_minutes == 15.0


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"JOBTRENDS_SERVICE_INTERVAL_MINUTES": "-5"}, "JOBTRENDS_SERVICE_INTERVAL_MINUTES"),
        ({"JOBTRENDS_SERVICE_INTERVAL_MINUTES": "0"}, "between 1 and"),
        ({"JOBTRENDS_SERVICE_INTERVAL_MINUTES": "nan"}, "JOBTRENDS_SERVICE_INTERVAL_MINUTES"),
        ({"JOBTRENDS_SERVICE_REPORT_HOUR": "24"}, "JOBTRENDS_SERVICE_REPORT_HOUR"),
        ({"JOBTRENDS_SERVICE_REPORT_WEEKDAY": "someday"}, "day_of_week"),
        ({"JOBTRENDS_DUCKDB_MEMORY_LIMIT": "lots"}, "JOBTRENDS_DUCKDB_MEMORY_LIMIT"),
        ({"JOBTRENDS_COLLECTOR_MEMORY_LIMIT": "64 apples"}, "JOBTRENDS_COLLECTOR_MEMORY_LIMIT"),
        ({"JOBTRENDS_ANALYTICS_EVENTS": "2022-11-30,yesterday"}, "yesterday"),
    ],
)
def test_a_bad_value_names_itself(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        read_settings(None, environ)


def test_unknown_section_and_key_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[servce]\ninterval_minutes = 5\n")
    with pytest.raises(ConfigError, match=r"settings.toml: unknown .*servce"):
        read_settings(path, {})
    path.write_text("[service]\ninterval_minute = 5\n")
    with pytest.raises(
        ConfigError, match=r"settings.toml: \[service\] has unknown .*interval_minute"
    ):
        read_settings(path, {})
    path.write_text("[service]\nreport_hour = 31\n")
    with pytest.raises(ConfigError, match=r"settings.toml: \[service\] report_hour must be"):
        read_settings(path, {})


@pytest.mark.parametrize("command", [["collect", "--once"], ["enrich"], ["analyze"], ["feeds"]])
def test_a_bad_memory_limit_stops_every_command_with_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "w.duckdb"
    result = CliRunner().invoke(
        cli, ["--db", str(db), *command], env={"JOBTRENDS_DUCKDB_MEMORY_LIMIT": "lots"}
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "JOBTRENDS_DUCKDB_MEMORY_LIMIT" in lines[0], result.output
    assert not db.exists()


def test_serve_refuses_a_negative_interval_at_start(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "w.duckdb"), "serve", "--interval", "-5"]
    )
    assert result.exit_code != 0
    assert "--interval must be between 1 and" in result.output
