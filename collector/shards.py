"""Which worker polls which feed: rendezvous (highest random weight) hashing on the feed name.

Worker k of K owns the feeds for which its weight hash(feed, k) is the highest of the K
weights. Growing K to K+1 moves only the feeds the new worker wins, about 1/(K+1) of them;
`int(sha256(name)) % K` would move most of them. The hash is BLAKE2b, the same on every
machine and in every process (Python's `hash()` is salted per process).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from collector.feeds import FeedSpec

# "2/3" -> worker 2 of 3 (workers are numbered from 1)
SHARD_PATTERN = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
MAX_SHARDS = 999  # run ids keep the shard number in their last three digits (warehouse/lake.py)


class ShardError(ValueError):
    """A --shard value that is not k/K with 1 <= k <= K <= MAX_SHARDS."""


def parse_shard(text: str) -> tuple[int, int]:
    """ "2/3" -> (2, 3); "0/3", "4/3", "x" -> ShardError naming the value."""
    match = SHARD_PATTERN.match(text)
    if not match:
        raise ShardError(f"--shard {text!r}: expected k/K, e.g. 1/3")
    k, count = int(match.group(1)), int(match.group(2))
    if not 1 <= k <= count <= MAX_SHARDS:
        raise ShardError(f"--shard {text!r}: need 1 <= k <= K <= {MAX_SHARDS}")
    return k, count


def compute_shard_weight(feed_name: str, shard: int) -> int:
    """The rendezvous weight of `shard` for `feed_name`: a stable 64-bit hash of both."""
    digest = hashlib.blake2b(f"{feed_name}\x1f{shard}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def compute_shard_of(feed_name: str, count: int) -> int:
    """The worker (1..count) that owns `feed_name`."""
    return max(range(1, count + 1), key=lambda k: (compute_shard_weight(feed_name, k), k))


def select_shard_feeds(specs: Sequence[FeedSpec], shard: int, count: int) -> list[FeedSpec]:
    """The feeds of `specs` that worker `shard` of `count` polls, in the given order."""
    return [s for s in specs if compute_shard_of(s.name, count) == shard]
