"""The feed list as data: parse feeds.toml (bundled or the user's) into FeedSpec rows.

Errors name the file, the feed's position (and line where TOML knows it) and the field.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from collector.sources import SOURCE_KINDS

FEED_KINDS = SOURCE_KINDS  # rss, atom, upwork-rss and the JSON APIs (collector/sources/)
MIN_INTERVAL_FLOOR_MINUTES = 5  # nobody should poll a public feed more often than this


class FeedListError(ValueError):
    """feeds.toml is unreadable or a feed is missing/has a wrong field (terminal)."""


@dataclass(frozen=True)
class FeedSpec:
    name: str
    url: str
    kind: str
    source: str
    min_interval_s: int  # seconds between polls, the site's documented limit
    enabled: bool = True


def bundled_feeds_path() -> Path:
    """The feeds.toml shipped inside the collector package."""
    return Path(str(resources.files("collector") / "feeds.toml"))


def parse_feed_list(text: str, origin: str) -> list[FeedSpec]:
    """Parse feeds.toml text; `origin` (a file name) is used in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FeedListError(f"{origin}: not valid TOML: {exc}") from exc
    items = data.get("feed")
    if not isinstance(items, list) or not items:
        raise FeedListError(f"{origin}: no [[feed]] tables found")
    specs: list[FeedSpec] = []
    seen: set[str] = set()
    for i, item in enumerate(items, start=1):
        where = f"{origin}: [[feed]] #{i}" + (f" ({item.get('name')!r})" if "name" in item else "")

        def text_field(key: str, item: dict[str, object] = item, where: str = where) -> str:
            value = item.get(key)
            if not isinstance(value, str) or not value.strip():
                raise FeedListError(f"{where}: field {key!r} must be a non-empty string")
            return value.strip()

        name, url, kind, source = (text_field(k) for k in ("name", "url", "kind", "source"))
        if kind not in FEED_KINDS:
            raise FeedListError(f"{where}: field 'kind' is {kind!r}; expected one of {FEED_KINDS}")
        if not url.startswith(("http://", "https://")):
            raise FeedListError(f"{where}: field 'url' must start with http:// or https://")
        minutes = item.get("min_interval_minutes")
        if isinstance(minutes, bool) or not isinstance(minutes, int | float):
            raise FeedListError(f"{where}: field 'min_interval_minutes' must be a number")
        if minutes < MIN_INTERVAL_FLOOR_MINUTES and not url.startswith("http://127.0.0.1"):
            raise FeedListError(
                f"{where}: field 'min_interval_minutes' is {minutes}; "
                f"at least {MIN_INTERVAL_FLOOR_MINUTES} for a public site"
            )
        enabled = item.get("enabled", True)
        if not isinstance(enabled, bool):
            raise FeedListError(f"{where}: field 'enabled' must be true or false")
        if name in seen:
            raise FeedListError(f"{where}: duplicate feed name {name!r}")
        seen.add(name)
        specs.append(FeedSpec(name, url, kind, source, int(minutes * 60), enabled))
    return specs


def read_feed_list(path: Path | None = None) -> list[FeedSpec]:
    """Read and parse `path`, or the bundled list when None."""
    path = path or bundled_feeds_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FeedListError(f"{path}: cannot read feed list: {exc}") from exc
    return parse_feed_list(text, str(path))
