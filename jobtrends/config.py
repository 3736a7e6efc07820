"""Configuration: one frozen dataclass per stage, filled once from a TOML file and then
`JOBTRENDS_*` environment variables (the environment wins). Nothing else reads os.environ.

A field `x` of section `s` comes from `[s] x = ...` in the TOML file and from the variable
`JOBTRENDS_S_X`; the core section's fields drop the section: `JOBTRENDS_DB`, `JOBTRENDS_FEEDS`.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

ENV_PREFIX = "JOBTRENDS_"
DEFAULT_DB = Path("data/jobtrends.duckdb")


class ConfigError(ValueError):
    """A setting has a value of the wrong type or an unknown name; says which and where."""


@dataclasses.dataclass(frozen=True)
class CoreConfig:
    """Where things live."""

    db: Path = DEFAULT_DB  # the live warehouse file
    feeds: Path | None = None  # feeds.toml; None means the bundled list
    reports: Path | None = None  # report folder; None means <db folder>/reports
    config: Path | None = None  # the TOML file these settings came from, if any
    # DuckDB memory_limit of the service's steps (enrich, analyze, ...) and of a collector
    # part too big for collector_memory_limit ("" = DuckDB's 80 % of RAM). Caps the buffer
    # cache, which otherwise grows with the warehouse; DuckDB spills joins and sorts to disk
    # beyond it.
    duckdb_memory_limit: str = "1GB"
    # The collector's own cap (its cycle connections): a part is one feed page, so it needs
    # little, and DuckDB keeps what it wrote and read cached up to the cap. A 200k-item cycle
    # peaked at 272 MB RSS with 64MB, 334-342 MB with 128MB. A part that needs more (a large
    # recorded file) is stored again under duckdb_memory_limit instead of failing.
    collector_memory_limit: str = "64MB"
    # Who the sites can contact about our requests (an email or a URL), sent in every
    # request's User-Agent: "jobtrends/0.1 (...; contact: ops@example.org)". Empty: none.
    contact: str = ""

    @property
    def data_dir(self) -> Path:
        return self.db.parent

    @property
    def report_dir(self) -> Path:
        return self.reports if self.reports else self.data_dir / "reports"

    @property
    def memory_limit(self) -> str | None:
        """duckdb_memory_limit, None when empty (DuckDB's default)."""
        return self.duckdb_memory_limit.strip() or None

    @property
    def collect_memory_limit(self) -> str | None:
        """collector_memory_limit, None when empty (DuckDB's default)."""
        return self.collector_memory_limit.strip() or None

    @property
    def spool_dir(self) -> Path:
        """Fetched-but-not-yet-stored batches wait here (survives lock waits and crashes)."""
        return self.data_dir / "spool"


@dataclasses.dataclass(frozen=True)
class ServiceConfig:
    """The always-on scheduler."""

    interval_minutes: float = 15.0  # a collection cycle this often; feeds keep their own limits
    report_weekday: str = "mon"  # the weekly report is written on this day (APScheduler name)
    report_hour: int = 6  # ... at this UTC hour
    report_at_start: bool = True  # write a report when the service first starts
    enrich_after_cycle: bool = True
    analyze_after_cycle: bool = True
    snapshot_after_cycle: bool = True
    shutdown_grace_seconds: float = 5.0


def _convert(value: Any, hint: Any, where: str) -> Any:
    """Turn a TOML value or an environment string into the field's declared type."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None or (isinstance(value, str) and value == ""):
            return None
        return _convert(value, args[0], where)
    if hint is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{where}: expected true/false, got {value!r}")
    if origin is tuple:
        items = value.split(",") if isinstance(value, str) else list(value)
        (inner, *_rest) = typing.get_args(hint)
        return tuple(_convert(i.strip() if isinstance(i, str) else i, inner, where) for i in items)
    try:
        if hint is Path:
            return Path(str(value))
        if hint in (int, float, str):
            return hint(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: expected {hint.__name__}, got {value!r}") from exc
    raise ConfigError(f"{where}: unsupported setting type {hint!r}")


def fill(
    cls: type[T],
    section: str,
    toml: Mapping[str, Any],
    environ: Mapping[str, str],
    overrides: Mapping[str, Any] | None = None,
) -> T:
    """Build `cls` from TOML section `section`, then environment, then explicit overrides."""
    hints = typing.get_type_hints(cls)
    table = toml.get(section, {}) if section != "core" else toml
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    if section != "core":
        unknown = set(table) - known
        if unknown:
            raise ConfigError(f"[{section}] has unknown settings: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        env_name = ENV_PREFIX + (f.name if section == "core" else f"{section}_{f.name}").upper()
        if isinstance(table, Mapping) and f.name in table and not isinstance(table[f.name], dict):
            values[f.name] = _convert(table[f.name], hints[f.name], f"[{section}] {f.name}")
        if env_name in environ:
            values[f.name] = _convert(environ[env_name], hints[f.name], env_name)
        if overrides and overrides.get(f.name) is not None:
            values[f.name] = _convert(overrides[f.name], hints[f.name], f"--{f.name}")
    return cls(**values)


def read_toml(path: Path | None) -> dict[str, Any]:
    """The settings file's contents, or {} when there is none; a broken file names itself."""
    if path is None:
        return {}
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
