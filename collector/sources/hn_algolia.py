"""Hacker News through the Algolia API: the comments of the month's "Who is hiring?" and
"Freelancer? Seeking freelancer?" threads,
`GET https://hn.algolia.com/api/v1/search_by_date?tags=comment,story_<id>&hitsPerPage=1000`
-> {"hits": [{objectID, author, comment_text (HTML), created_at, parent_id, story_id}]}.

Only top-level comments are postings (a reply is a question to the poster). A comment's title
is its first line ("Acme | Go developer | Remote | Full-time"). The threads are no longer
posted by one account, so the month's thread is found by its title (`parse_thread_id` on a
story search, `search_by_date?tags=story&query=...`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx

from collector.parsed import ParsedFeed, make_entry, parse_epoch_or_iso, parse_text
from collector.sources.json_body import parse_items, parse_json_body
from warehouse.postings import EntryRecord

HN_ITEM_URL = "https://news.ycombinator.com/item?id="
COMMENTS_PER_PAGE = 1000  # Algolia's HN API maximum; a month's thread has fewer top-level
COMMENTS_PATH = "/api/v1/search_by_date"
TITLE_CHARS = 200  # a first line longer than this is a paragraph: cut at a word
# "Ask HN: Who is hiring? (July 2026)" -> "hiring"; "Ask HN: Freelancer? Seeking freelancer?
# (July 2026)" -> "freelancer"
THREAD_TITLES = {
    "hiring": re.compile(r"^Ask HN: Who is hiring\? \(\w+ \d{4}\)$", re.IGNORECASE),
    "freelancer": re.compile(
        r"^Ask HN: Freelancer\? Seeking freelancer\? \(\w+ \d{4}\)$", re.IGNORECASE
    ),
}


def parse_thread_id(body: bytes, thread: str) -> str | None:
    """The newest story whose title is the `thread`'s ("hiring" | "freelancer") in an
    Algolia story search body, whoever posted it; None when there is none."""
    doc, error = parse_json_body(body, None)
    if error is not None or not isinstance(doc, dict):
        return None
    pattern = THREAD_TITLES[thread]
    stories = [
        h for h in doc.get("hits", [])
        if isinstance(h, dict) and pattern.match(str(h.get("title") or "").strip())
    ]  # fmt: skip
    if not stories:
        return None
    newest = max(stories, key=lambda h: int(h.get("created_at_i") or 0))
    return str(newest.get("objectID") or newest.get("story_id"))


def render_comments_url(story_search_url: str, story_id: str) -> str:
    """The comments of story `story_id` on the same host as the story search:
    ("https://hn.algolia.com/api/v1/search_by_date?tags=story...", "48747976") ->
    "https://hn.algolia.com/api/v1/search_by_date?tags=comment%2Cstory_48747976&hitsPerPage=1000"."""
    parts = urlsplit(story_search_url)
    query = urlencode({"tags": f"comment,story_{story_id}", "hitsPerPage": COMMENTS_PER_PAGE})
    return urlunsplit((parts.scheme, parts.netloc, COMMENTS_PATH, query, ""))


def fetch_thread_url(client: httpx.Client, feed_url: str) -> str | None:
    """The comments URL of the month's thread named by `feed_url`: a story search whose
    fragment says which thread ("...search_by_date?tags=story&query=...#thread=hiring"),
    found by title (None: no such thread yet). HTTP errors raise httpx errors."""
    thread = urlsplit(feed_url).fragment.removeprefix("thread=") or "hiring"
    if thread not in THREAD_TITLES:
        return None
    response = client.get(feed_url.split("#", 1)[0])
    response.raise_for_status()
    story = parse_thread_id(response.content, thread)
    return None if story is None else render_comments_url(feed_url, story)


def _title(text: str | None) -> str | None:
    if not text:
        return None
    first = text.splitlines()[0].strip()
    return first if len(first) <= TITLE_CHARS else first[:TITLE_CHARS].rsplit(" ", 1)[0] + " ..."


def parse_item(item: Mapping[str, Any], feed_name: str, source: str) -> EntryRecord | None:
    parent, story = item.get("parent_id"), item.get("story_id")
    if parent is not None and story is not None and str(parent) != str(story):
        return None  # a reply, not a posting
    if not item.get("comment_text"):
        return None  # a deleted comment
    object_id = str(item.get("objectID"))
    text = parse_text(item.get("comment_text"))
    return make_entry(
        feed_name, source, guid=object_id, link=HN_ITEM_URL + object_id, title=_title(text),
        body_html=item.get("comment_text"), fields=[("Thread", item.get("story_title"))],
        labels=[], published=parse_epoch_or_iso(item.get("created_at_i") or
                                                item.get("created_at")),
    )  # fmt: skip


def parse_body(
    body: bytes, feed_name: str, source: str, headers: Mapping[str, str] | None = None
) -> ParsedFeed:
    return parse_items(
        body, headers, lambda doc: doc["hits"], lambda i: parse_item(i, feed_name, source)
    )
