"""The command line documents itself: every command and option has help, every command that
opens the warehouse takes --db after its name too, and cli.py lists the commands."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest

from jobtrends.cli import cli


def walk(group: click.Group, prefix: str = "jobtrends") -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from walk(command, path)


COMMANDS = list(walk(cli))


def test_the_command_line_has_the_commands_cli_lists() -> None:
    names = set(cli.commands)
    assert {"collect", "feeds", "serve", "import", "deltas", "health", "bench", "eval"} <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_and_option_has_help(path: str, command: click.Command) -> None:
    assert (command.help or "").strip(), f"{path} has no help"
    missing = [
        p.name
        for p in command.params
        if isinstance(p, click.Option) and not p.hidden and not (p.help or "").strip()
    ]
    assert missing == [], f"{path}: options without help: {missing}"


WAREHOUSE_COMMANDS = {
    "migrate", "collect", "feeds", "serve", "enrich", "analyze", "deltas", "exposure",
    "report", "import", "import-series", "simulate", "health", "export", "query", "validate",
    "eval confusion",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(WAREHOUSE_COMMANDS))
def test_db_is_accepted_after_the_subcommand(name: str) -> None:
    command = dict(COMMANDS)[f"jobtrends {name}"]
    options = {o for p in command.params for o in getattr(p, "opts", [])}
    assert "--db" in options
