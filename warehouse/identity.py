"""What makes two sightings the same posting: canonical URLs, dedupe keys, stable posting ids."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that say how a reader arrived, not what they look at.
# "https://www.upwork.com/jobs/x_%7E01ab?source=rss" -> "https://www.upwork.com/jobs/x_%7E01ab"
TRACKING_PARAMS = frozenset(
    {"source", "ref", "referrer", "fbclid", "gclid", "mc_cid", "mc_eid", "src", "campaign"}
)
TRACKING_PREFIXES = ("utm_",)


# A URL already in the simple shape nearly every feed link has (lower-case http(s), a plain
# lower-case host, no port, user or blanks): canonical_url needs no urlsplit for it (a third of
# the cost of a key). "https://www.upwork.com/jobs/x_%7E01?source=rss#a" ->
# ("https", "www.upwork.com", "/jobs/x_%7E01", "source=rss"); any other shape takes urlsplit.
SIMPLE_URL_RE = re.compile(r"(https?)://([a-z0-9.-]+)([^?#:@\s\\]*)(?:\?([^#\s]*))?(?:#\S*)?")


def canonical_url(url: str) -> str:
    """The URL with scheme and host lower-cased, default port, fragment and tracking removed.

    "HTTPS://WWW.Example.com:443/jobs/1?utm_source=x&id=2#top" -> "https://www.example.com/jobs/1?id=2"
    """
    url = url.strip()
    simple = SIMPLE_URL_RE.fullmatch(url)
    if simple and (simple[3] == "" or simple[3].startswith("/")):
        scheme, host, path, query = simple.groups()
        kept = _kept_query(query or "")
        return f"{scheme}://{host}{path.rstrip('/') or '/'}{'?' + kept if kept else ''}"
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "https" and port == 443) or (scheme == "http" and port == 80)):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((scheme, host, path, _kept_query(parts.query), ""))


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _kept_query(query: str) -> str:
    """The query without tracking parameters, sorted: "b=2&utm_source=x&a=1" -> "a=1&b=2".
    A query of tracking parameters only ("source=rss", every Upwork link) is "" without
    decoding and encoding it again (a third of the cost of a key)."""
    if not query:
        return ""
    raw_keys = [piece.split("=", 1)[0] for piece in query.split("&") if piece]
    if all("%" not in k and "+" not in k and _is_tracking(k) for k in raw_keys):
        return ""  # keys with no escapes are what parse_qsl would decode them to
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _is_tracking(k)]
    return urlencode(sorted(kept))


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def dedupe_key(source: str, guid: str | None, link: str | None) -> str | None:
    """The identity of a posting, or None when an entry has neither guid nor link.

    A guid that is a URL (Upwork, We Work Remotely) is canonicalised like a link, so a feed with
    guids and a feed without them agree. Other guids are only unique within their site.
    ("remotive", "https://remotive.com/x?utm_source=rss", None) -> "url:https://remotive.com/x"
    ("hn", "4711", "https://news.ycombinator.com/item?id=4711") -> "guid:hn:4711"
    """
    guid = (guid or "").strip()
    link = (link or "").strip()
    if guid and is_url(guid):
        return "url:" + canonical_url(guid)
    if guid:
        return f"guid:{source}:{guid}"
    if link and is_url(link):
        return "url:" + canonical_url(link)
    return None


def posting_id(key: str) -> int:
    """A stable, positive 63-bit id for a dedupe key (BLAKE2b; the same on every machine)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


def content_hash(*parts: str | None) -> str:
    """A short hash of an entry's content: a changed title or text is a new raw version."""
    h = hashlib.blake2b(digest_size=12)
    for part in parts:
        h.update((part or "").encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()
