"""Configuration: one frozen dataclass per stage, filled once from a TOML file and then
`JOBTRENDS_*` environment variables (the environment wins). Nothing else reads os.environ.

A field `x` of section `s` comes from `[s] x = ...` in the TOML file and from the variable
`JOBTRENDS_S_X`; the core section's fields drop the section: `JOBTRENDS_DB`, `JOBTRENDS_FEEDS`.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from analytics.trends.events import CHATGPT_LAUNCH, GPT4_LAUNCH

if TYPE_CHECKING:
    from analytics.trends.deltas import DeltaSettings

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


@dataclasses.dataclass(frozen=True)
class AnalyticsConfig:
    """[analytics] settings (env JOBTRENDS_ANALYTICS_*)."""

    events: tuple[str, ...] = (CHATGPT_LAUNCH.isoformat(), GPT4_LAUNCH.isoformat())
    window_days: int = 364  # before/after window length (52 weeks)
    lag_days: int = 91  # days skipped after the event while an effect ramps in
    base_floor: int = 30  # fewer postings than this in the before window: not meaningful
    controls: tuple[str, ...] = ()  # empty: the median of donor categories (trends/controls.py)
    external_series: str = "indeed_postings_index"  # external_series row set for did_external
    external_sector: str = "aggregate"
    # count only postings of these engagements, e.g. ["freelance", "contract"]; empty: all.
    # Seekers ([For Hire], SEEKING WORK) are never counted as demand.
    engagement: tuple[str, ...] = ()


def build_delta_settings(config: AnalyticsConfig) -> DeltaSettings:
    """The trends stage's DeltaSettings from the [analytics] settings."""
    from analytics.trends.deltas import DEFAULT_CONTROLS, DeltaSettings

    return DeltaSettings(
        window_days=config.window_days,
        lag_days=config.lag_days,
        base_floor=config.base_floor,
        controls=config.controls or DEFAULT_CONTROLS,
        external_series=config.external_series,
        external_sector=config.external_sector,
    )


# the TOML file's sections besides the core settings at its top level
SECTIONS: dict[str, type] = {"service": ServiceConfig, "analytics": AnalyticsConfig}


def check_sections(toml: Mapping[str, Any], origin: str | None = None) -> None:
    """Refuse a top-level key that is neither a core setting nor a known section."""
    core = {f.name for f in dataclasses.fields(CoreConfig)}
    unknown = sorted(k for k in toml if k not in core and k not in SECTIONS)
    if unknown:
        known = ", ".join(f"[{s}]" for s in SECTIONS)
        raise ConfigError(
            f"{origin + ': ' if origin else ''}unknown setting(s) or section(s) "
            f"{', '.join(unknown)}: expected core settings ({', '.join(sorted(core))}) "
            f"or the sections {known}"
        )


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


MIN_INTERVAL_MINUTES = 1.0  # feeds ask for minutes between polls; faster only spins the scheduler
MAX_INTERVAL_MINUTES = 7 * 24 * 60.0  # a week: the weekly report would have nothing new
MAX_GRACE_SECONDS = 600.0
# "512MB", "1GB", "1.5GiB": DuckDB's memory_limit syntax (warehouse.db checks it again)
MEMORY_LIMIT_RE = re.compile(r"^\d+(\.\d+)?\s*(B|[KMGT]i?B)$", re.I)


def _in_range(low: float, high: float) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not (math.isfinite(value) and low <= value <= high):
            return f"must be between {low:g} and {high:g}, got {value!r}"
        return None

    return check


def _memory_size(value: Any) -> str | None:
    if str(value).strip() and not MEMORY_LIMIT_RE.match(str(value).strip()):
        return f"must be a size such as '512MB' or '1GB' (empty: DuckDB's default), got {value!r}"
    return None


def _weekday(value: Any) -> str | None:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger(day_of_week=str(value))
    except ValueError:
        return f"must be a day such as 'mon' or 'mon-fri' (APScheduler day_of_week), got {value!r}"
    return None


def _iso_dates(value: Any) -> str | None:
    for item in value:
        try:
            date.fromisoformat(item)
        except ValueError:
            return f"must be ISO dates such as '2022-11-30', got {item!r}"
    return None


# field -> a check returning what is wrong with a value (None: fine); applied by fill()
def _engagements(value: tuple[str, ...]) -> str | None:
    from analytics.tagging.engagement import ENGAGEMENTS

    bad = [e for e in value if e not in ENGAGEMENTS]
    return f"{bad} not in {list(ENGAGEMENTS)}" if bad else None


CHECKS: dict[tuple[type, str], Callable[[Any], str | None]] = {
    (CoreConfig, "duckdb_memory_limit"): _memory_size,
    (CoreConfig, "collector_memory_limit"): _memory_size,
    (ServiceConfig, "interval_minutes"): _in_range(MIN_INTERVAL_MINUTES, MAX_INTERVAL_MINUTES),
    (ServiceConfig, "report_weekday"): _weekday,
    (ServiceConfig, "report_hour"): _in_range(0, 23),
    (ServiceConfig, "shutdown_grace_seconds"): _in_range(0, MAX_GRACE_SECONDS),
    (AnalyticsConfig, "events"): _iso_dates,
    (AnalyticsConfig, "window_days"): _in_range(1, 3660),
    (AnalyticsConfig, "lag_days"): _in_range(0, 3660),
    (AnalyticsConfig, "base_floor"): _in_range(0, 10**9),
    (AnalyticsConfig, "engagement"): _engagements,
}


OPTION_NAMES = {"interval_minutes": "--interval"}  # the command-line option of an override


def _checked(cls: type, name: str, value: Any, where: str) -> Any:
    check = CHECKS.get((cls, name))
    problem = check(value) if check is not None and value is not None else None
    if problem:
        raise ConfigError(f"{where} {problem}")
    return value


def fill(
    cls: type[T],
    section: str,
    toml: Mapping[str, Any],
    environ: Mapping[str, str],
    overrides: Mapping[str, Any] | None = None,
    origin: str | None = None,
) -> T:
    """Build `cls` from TOML section `section`, then environment, then explicit overrides,
    each value range-checked (CHECKS). `origin` (the TOML file) prefixes its errors."""
    at = f"{origin}: " if origin else ""
    hints = typing.get_type_hints(cls)
    table = toml.get(section, {}) if section != "core" else toml
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    if section != "core":
        unknown = set(table) - known
        if unknown:
            raise ConfigError(
                f"{at}[{section}] has unknown settings: {', '.join(sorted(unknown))} "
                f"(known: {', '.join(sorted(known))})"
            )
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        env_name = ENV_PREFIX + (f.name if section == "core" else f"{section}_{f.name}").upper()
        if isinstance(table, Mapping) and f.name in table and not isinstance(table[f.name], dict):
            where = at + (f"[{section}] {f.name}" if section != "core" else f.name)
            values[f.name] = _checked(
                cls, f.name, _convert(table[f.name], hints[f.name], where), where
            )
        if env_name in environ:
            values[f.name] = _checked(
                cls, f.name, _convert(environ[env_name], hints[f.name], env_name), env_name
            )
        if overrides and overrides.get(f.name) is not None:
            flag = OPTION_NAMES.get(f.name, f"--{f.name.replace('_', '-')}")
            values[f.name] = _checked(
                cls, f.name, _convert(overrides[f.name], hints[f.name], flag), flag
            )
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


def read_settings(
    path: Path | None, environ: Mapping[str, str], overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Every stage's settings from the TOML file at `path` and the environment, checked once:
    {"core", "service", "analytics", "toml"}. A bad value raises ConfigError naming where."""
    toml = read_toml(path)
    origin = str(path) if path else None
    check_sections(toml, origin)
    return {
        "core": fill(CoreConfig, "core", toml, environ, overrides, origin),
        "service": fill(ServiceConfig, "service", toml, environ, None, origin),
        "analytics": fill(AnalyticsConfig, "analytics", toml, environ, None, origin),
        "toml": toml,
    }
