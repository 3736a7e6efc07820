"""The simulator: realistic Upwork-style postings written straight into the warehouse.

Numbers are drawn with numpy per month; text is assembled by DuckDB from the drawn word
indices (vectorised, no per-row Python). Rows are marked is_simulated, source 'simulated'.

Id scheme for simulated rows (documented, not warehouse.identity.posting_id, for speed):
dedupe_key = "guid:simulated:<seed>:<n>" (n = 0,1,2,... in generation order) and
posting_id = splitmix64(seed * 2**40 + n) with the top bit cleared (63-bit, positive).
The same seed gives the same ids, texts and numbers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import numpy as np
import pyarrow as pa

from analytics.simulation.plan import (
    AI_SKILLS,
    CATEGORIES,
    Plan,
    compute_expected,
    compute_pay_multiplier,
)
from warehouse.db import transaction

SIM_SOURCE = "simulated"
SIM_RULES_VERSION = "simulated"
TITLE_WORDS = 4  # words per generated title
DESC_WORDS = 12  # vocabulary words per generated description
HOURLY_SPREAD = (1.15, 1.6)  # hi/mid = lo/mid inverse drawn uniformly from this range
COUNTRIES = ("United States", "United Kingdom", "Canada", "Australia", "India", "Germany")
SEED_SHIFT = 2**40  # room for 10^12 postings per seed in the id scheme
MASK63 = np.uint64(0x7FFF_FFFF_FFFF_FFFF)


@dataclass
class SimulationResult:
    postings: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.postings / self.seconds if self.seconds else 0.0


def compute_ids(seed: int, n: np.ndarray) -> np.ndarray:
    """splitmix64(seed * 2**40 + n) & (2**63 - 1), as int64."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed) * np.uint64(SEED_SHIFT) + n.astype(np.uint64)
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z & MASK63).astype(np.int64)


def _word_tables(plan: Plan) -> tuple[pa.Table, pa.Table, list[np.ndarray], np.ndarray]:
    cats = plan.vocabulary["categories"]
    title_lists, title_probs = [], []
    for c in CATEGORIES:
        words = cats[c]["title_words"]
        title_lists.append([w for w, _ in words])
        counts = np.array([n for _, n in words], dtype=float)
        title_probs.append(counts / counts.sum())
    titles = pa.table(
        {"stream_cat": pa.array(range(len(CATEGORIES)), pa.int8()), "words": title_lists}
    )
    desc_words = plan.vocabulary["description_words"]
    desc_counts = np.array([n for _, n in desc_words], dtype=float)
    phrases = [plan.skill_phrases.get(s, s.replace("_", " ")) for s in AI_SKILLS]
    desc = pa.table({"dwords": [[w for w, _ in desc_words]], "phrases": [phrases]})
    return titles, desc, title_probs, desc_counts / desc_counts.sum()


def draw_month(
    rng: np.random.Generator,
    plan: Plan,
    days: np.ndarray,
    expected: np.ndarray,
    first_n: int,
    seed: int,
    title_probs: list[np.ndarray],
    desc_probs: np.ndarray,
) -> pa.Table:
    """All postings of the given days as an Arrow table of numbers (text comes later)."""
    counts = rng.poisson(expected)  # [day, stream]
    day_idx, stream = np.nonzero(counts)
    reps = counts[day_idx, stream]
    day_idx, stream = np.repeat(day_idx, reps), np.repeat(stream, reps)
    total = len(day_idx)
    n_cat = len(CATEGORIES)
    cat = np.where(stream < n_cat, stream, n_cat - 1).astype(np.int8)  # skill postings: Other
    skill = np.where(stream >= n_cat, stream - n_cat, -1).astype(np.int8)
    seconds = rng.integers(0, 86_400, total)
    posted = days[day_idx].astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    order = np.argsort(posted, kind="stable")
    cat, skill, posted, day_idx, stream = (
        cat[order],
        skill[order],
        posted[order],
        day_idx[order],
        stream[order],
    )
    # pay: kind by category shares, amounts lognormal x planted pay multiplier
    cats = plan.vocabulary["categories"]
    hourly_share = np.array([cats[c]["pay"]["hourly_share"] for c in CATEGORIES])[cat]
    fixed_share = np.array([cats[c]["pay"]["fixed_share"] for c in CATEGORIES])[cat]
    u = rng.random(total)
    kind = np.where(u < hourly_share, 1, np.where(u < hourly_share + fixed_share, 2, 0)).astype(
        np.int8
    )
    mu_h = np.array([cats[c]["pay"]["hourly_usd"]["mu"] for c in CATEGORIES])[cat]
    sd_h = np.array([cats[c]["pay"]["hourly_usd"]["sigma"] for c in CATEGORIES])[cat]
    mu_b = np.array([cats[c]["pay"]["budget_usd"]["mu"] for c in CATEGORIES])[cat]
    sd_b = np.array([cats[c]["pay"]["budget_usd"]["sigma"] for c in CATEGORIES])[cat]
    pay_mult = np.ones(total)
    for e in plan.effects:
        if e.pay_pct is None:
            continue
        subject_stream = (list(CATEGORIES) + list(AI_SKILLS)).index(e.subject)
        hit = stream == subject_stream
        pay_mult[hit] *= compute_pay_multiplier(days[day_idx[hit]], e)
    mid = np.clip(np.exp(rng.normal(mu_h, sd_h)) * pay_mult, 3.0, 500.0)
    spread = rng.uniform(*HOURLY_SPREAD, total)
    low, high = np.round(mid / spread, 0), np.round(mid * spread, 0)
    budget = np.clip(np.round(np.exp(rng.normal(mu_b, sd_b)) * pay_mult, -1), 5, 250_000)
    # text: word indices per category vocabulary, reposts copy an earlier posting's words
    title_idx = np.empty((total, TITLE_WORDS), dtype=np.int16)
    for c in range(n_cat):
        rows = np.nonzero(cat == c)[0]
        title_idx[rows] = rng.choice(
            len(title_probs[c]), size=(len(rows), TITLE_WORDS), p=title_probs[c]
        )
    desc_idx = rng.choice(len(desc_probs), size=(total, DESC_WORDS), p=desc_probs).astype(np.int16)
    repost = rng.random(total) < plan.repost_share
    src = (rng.random(total) * np.arange(total)).astype(np.int64)  # an earlier row
    same_cat = repost & (cat[src] == cat)
    title_idx[same_cat], desc_idx[same_cat] = title_idx[src[same_cat]], desc_idx[src[same_cat]]
    kind[same_cat], low[same_cat], high[same_cat], budget[same_cat] = (
        kind[src[same_cat]],
        low[src[same_cat]],
        high[src[same_cat]],
        budget[src[same_cat]],
    )
    times_seen = 1 + np.where(
        rng.random(total) < plan.duplicate_share, 1 + rng.poisson(1.0, total), 0
    )
    n = np.arange(first_n, first_n + total)
    columns: dict[str, object] = {
        "n": n,
        "posting_id": compute_ids(seed, n),
        "stream_cat": cat,
        "skill": skill,
        "posted": posted.astype("datetime64[us]"),
        "kind": kind,
        "low": low,
        "high": high,
        "budget": budget,
        "times_seen": times_seen.astype(np.int32),
        "country": rng.integers(0, len(COUNTRIES), total).astype(np.int8),
    }
    for i in range(TITLE_WORDS):
        columns[f"t{i}"] = title_idx[:, i] + 1
    for i in range(DESC_WORDS):
        columns[f"d{i}"] = desc_idx[:, i] + 1
    return pa.table(columns)


_TEXT_SQL = """
CREATE OR REPLACE TEMP TABLE _sim AS
WITH w AS (
    SELECT m.*, timezone('UTC', m.posted) AS posted_at,
           list_extract($cats, m.stream_cat + 1) AS category,
           CASE WHEN m.skill >= 0 THEN list_extract($skills, m.skill + 1) END AS skill_slug,
           concat_ws(' ', t.words[m.t0], t.words[m.t1], t.words[m.t2], t.words[m.t3]) AS t,
           concat_ws(' ', d.dwords[m.d0], d.dwords[m.d1], d.dwords[m.d2], d.dwords[m.d3],
                     d.dwords[m.d4], d.dwords[m.d5], d.dwords[m.d6], d.dwords[m.d7],
                     d.dwords[m.d8], d.dwords[m.d9], d.dwords[m.d10], d.dwords[m.d11]) AS body,
           CASE WHEN m.skill >= 0 THEN d.phrases[m.skill + 1] END AS phrase
    FROM _month m JOIN _titles t USING (stream_cat) CROSS JOIN _desc d
)
SELECT *, upper(t[1]) || t[2:] AS title,
       'We need help: ' || t || '.' || chr(10) || upper(body[1]) || body[2:] || '.'
       || coalesce(chr(10) || phrase || '.', '') || chr(10)
       || CASE kind WHEN 1 THEN printf('Hourly Range: $%.2f-$%.2f', low, high) || chr(10)
                    WHEN 2 THEN 'Budget: $' || format('{:,}', budget::BIGINT) || chr(10)
                    ELSE '' END
       || 'Posted On: ' || strftime(posted, '%B %d, %Y %H:%M') || ' UTC' || chr(10)
       || 'Category: ' || category || chr(10)
       || 'Country: ' || list_extract($countries, country + 1) AS description
FROM w
"""

_POSTINGS_SQL = """
INSERT INTO postings
SELECT posting_id, 'guid:simulated:' || $seed || ':' || n, 'simulated', NULL, title,
       description, category, posted_at, posted_at + INTERVAL 5 MINUTE,
       posted_at + INTERVAL 5 MINUTE + (times_seen - 1) * INTERVAL 6 HOUR, times_seen,
       ['simulated'], md5(title || description)[1:24], $run, $run, TRUE
FROM _sim
"""

_PRETAG_SQL = (
    """
    INSERT INTO posting_categories
    SELECT posting_id, category, NULL, 'simulated', 1.0, 'simulated', $now FROM _sim
    """,
    """
    INSERT INTO posting_ai_skills
    SELECT posting_id, skill_slug, phrase, 'simulated', $now FROM _sim WHERE skill_slug IS NOT NULL
    """,
    """
    INSERT INTO posting_pay
    SELECT posting_id,
           CASE kind WHEN 1 THEN 'hourly' WHEN 2 THEN 'budget' ELSE 'none' END,
           CASE WHEN kind > 0 THEN 'USD' END,
           CASE kind WHEN 1 THEN low WHEN 2 THEN budget END,
           CASE kind WHEN 1 THEN high WHEN 2 THEN budget END,
           CASE kind WHEN 1 THEN 'hour' WHEN 2 THEN 'fixed' END,
           CASE WHEN kind = 1 THEN low END, CASE WHEN kind = 1 THEN high END,
           CASE WHEN kind = 1 THEN (low + high) / 2 END,
           CASE WHEN kind = 2 THEN budget END,
           NULL, 'simulated', NULL, 'simulated', $now
    FROM _sim
    """,
)


def read_seed_run(conn: duckdb.DuckDBPyConnection, seed: int) -> int | None:
    """The simulation run that already stored `seed` in this warehouse, if any."""
    row = conn.execute(
        "SELECT min(sim_run_id) FROM simulation_effects WHERE seed = ?", [seed]
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def save_simulation(
    conn: duckdb.DuckDBPyConnection,
    run_id: int,
    plan: Plan,
    *,
    start: date,
    end: date,
    postings: int,
    seed: int,
    now: datetime,
    pretag: bool = True,
    on_progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Generate and store about `postings` simulated postings from `start` to `end` (inclusive)
    as run `run_id`, with their planted ground truth in simulation_effects. Commits one
    transaction per month (bounded memory); an interrupted run leaves whole months behind."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    days, expected = compute_expected(start, end, plan, postings, rng)
    titles, desc, title_probs, desc_probs = _word_tables(plan)
    conn.register("_titles", titles)
    conn.register("_desc", desc)
    months = days.astype("datetime64[M]")
    written = 0
    params = {"cats": list(CATEGORIES), "skills": list(AI_SKILLS), "countries": list(COUNTRIES)}
    try:
        for month in np.unique(months):
            sel = months == month
            batch = draw_month(
                rng, plan, days[sel], expected[sel], written, seed, title_probs, desc_probs
            )
            conn.register("_month", batch)
            with transaction(conn):
                conn.execute(_TEXT_SQL, params)
                conn.execute(_POSTINGS_SQL, {"seed": str(seed), "run": run_id})
                if pretag:
                    for sql in _PRETAG_SQL:
                        conn.execute(sql, {"now": now})
            conn.unregister("_month")
            written += batch.num_rows
            if on_progress:
                on_progress(written)
        with transaction(conn):
            save_ground_truth(conn, run_id, plan, seed)
    finally:
        conn.unregister("_titles")
        conn.unregister("_desc")
        conn.execute("DROP TABLE IF EXISTS _sim")
    return SimulationResult(postings=written, seconds=time.perf_counter() - t0)


def save_ground_truth(conn: duckdb.DuckDBPyConnection, run_id: int, plan: Plan, seed: int) -> None:
    """One simulation_effects row per planted effect."""
    conn.executemany(
        "INSERT INTO simulation_effects VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [run_id, seed, e.kind, e.subject, e.volume_pct, e.pay_pct, e.start, e.ramp_days]
            for e in plan.effects
        ],
    )
