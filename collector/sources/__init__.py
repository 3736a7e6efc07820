"""Source adapters: one module per kind of source, each turning a fetched body into a
ParsedFeed (bytes -> entries, pure) behind the same signature, chosen by `kind` in feeds.toml.

    parse(body, feed_name, source, headers) -> ParsedFeed

RSS/Atom (collector/entries.py) is the core; the JSON APIs of today's job sites sit beside it.
Fetching (conditional GET, Retry-After, backoff, gone) is the same for every kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

import httpx

from collector.entries import parse_feed_bytes
from collector.parsed import ParsedFeed
from collector.sources import freelancer, himalayas, hn_algolia, jobicy, remoteok, remotive

Parser = Callable[[bytes, str, str, Mapping[str, str] | None], ParsedFeed]

PARSERS: dict[str, Parser] = {
    "rss": partial(parse_feed_bytes, kind="rss"),
    "atom": partial(parse_feed_bytes, kind="atom"),
    "upwork-rss": partial(parse_feed_bytes, kind="upwork-rss"),
    "freelancer-api": freelancer.parse_body,
    "remotive-api": remotive.parse_body,
    "remoteok-api": remoteok.parse_body,
    "jobicy-api": jobicy.parse_body,
    "himalayas-api": himalayas.parse_body,
    "hn-algolia": hn_algolia.parse_body,
}
SOURCE_KINDS = tuple(PARSERS)


def fetch_feed_url(client: httpx.Client, kind: str, url: str) -> str | None:
    """The URL to poll now: the feed's own, or for hn-algolia the comments of the month's
    thread, found by its title (one request; None when there is no such thread)."""
    if kind == "hn-algolia" and "#thread=" in url:
        return hn_algolia.fetch_thread_url(client, url)
    return url


def parse_source_bytes(
    kind: str, body: bytes, feed_name: str, source: str, headers: Mapping[str, str] | None = None
) -> ParsedFeed:
    """The entries of one body of a feed of `kind` (an unknown kind is a fatal problem)."""
    parser = PARSERS.get(kind)
    if parser is None:
        return ParsedFeed(problem=f"unknown feed kind {kind!r}", fatal=True)
    return parser(body, feed_name, source, headers)
