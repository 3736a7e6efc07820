from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from hypothesis import example, given
from hypothesis import strategies as st

from warehouse.identity import _kept_query, canonical_url, dedupe_key, posting_id


def test_tracking_parameters_and_host_case_are_removed() -> None:
    assert (
        canonical_url("HTTPS://WWW.Upwork.com:443/jobs/x_%7E01ab/?source=rss&utm_medium=feed#top")
        == "https://www.upwork.com/jobs/x_%7E01ab"
    )


def test_meaningful_query_is_kept_sorted() -> None:
    assert canonical_url("http://a.io/j?id=2&b=1&utm_x=9") == "http://a.io/j?b=1&id=2"


def test_url_guid_and_link_agree() -> None:
    a = dedupe_key("upwork", "https://www.upwork.com/jobs/A?source=rss", None)
    b = dedupe_key("upwork", None, "https://WWW.upwork.com/jobs/A")
    assert a == b == "url:https://www.upwork.com/jobs/A"


def test_opaque_guids_are_scoped_by_source() -> None:
    assert dedupe_key("hn", "42", None) != dedupe_key("reddit", "42", None)
    assert dedupe_key("hn", "", "") is None


urls = st.builds(
    lambda host, path, q: f"https://{host}/{path}?{q}",
    st.from_regex(r"[A-Za-z]{1,8}\.(com|io)", fullmatch=True),
    st.from_regex(r"[a-z0-9/]{0,12}", fullmatch=True),
    st.from_regex(r"(utm_source=x&)?(id=[0-9]{1,3})?(&source=rss)?", fullmatch=True),
)


@given(urls)
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "utm_" not in once and "source=" not in once


@given(st.text(min_size=1, max_size=40))
def test_posting_id_is_positive_63_bit_and_stable(key: str) -> None:
    pid = posting_id(key)
    assert 0 <= pid < 2**63
    assert pid == posting_id(key)


def _canonical_by_urlsplit(url: str) -> str:
    """canonical_url as first written, every URL through urlsplit (the reference)."""
    parts = urlsplit(url.strip())
    scheme, host, port = parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    if port and not ((scheme == "https" and port == 443) or (scheme == "http" and port == 80)):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path.rstrip("/") or "/", _kept_query(parts.query), ""))


URL_PIECES = [*"aZ09.-/_~%?#&=:@ \t\n\\[]+", "utm_x=1", "source=rss", ":443", ":8080", "é",
              "\u3000", "//", "www.upwork.com", "/jobs/x_%7E01"]  # fmt: skip


@given(st.lists(st.sampled_from(URL_PIECES), max_size=14).map("".join),
       st.sampled_from(["https://", "http://h", "HTTP://h", " https://a.io", ""]))  # fmt: skip
@example("/jobs/x_%7E01/?source=rss#top", "https://www.upwork.com")
@example("@evil.io/x", "http://user")
@example("/a b", "https://a.io")
def test_the_simple_url_shortcut_reads_as_urlsplit_does(rest: str, start: str) -> None:
    url = start + rest
    try:
        expected: str | tuple[str, str] = _canonical_by_urlsplit(url)
    except ValueError as exc:  # a port that is no number
        expected = ("ValueError", str(exc))
    try:
        got: str | tuple[str, str] = canonical_url(url)
    except ValueError as exc:
        got = ("ValueError", str(exc))
    assert got == expected
