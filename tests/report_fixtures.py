"""Builds a realistic report warehouse: a_* analytics rows, postings, feeds, runs and rejects,
with hostile feed strings planted where a feed could put them."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from dashboards.report import AI_SKILLS, CATEGORIES, EVENT_DATE

XSS_SCRIPT = "<script>window.__xss=1;alert(1)</script>"
XSS_IMG = '<img src=x onerror="window.__xss=1;alert(2)">'
AS_OF = dt.date(2024, 2, 14)
START = dt.date(2022, 5, 1)
METHODS = ("ma_endpoints", "window", "share", "did", "its")
# Planted study-style changes (percent) so tests know the answer.
PLANTED = {"Writing": -33.0, "Video Editing & Production": 39.0, "chatbot_development": 2000.0}


SMALL_BASE_SUBJECT = "chatbot_development"
CONTROLS_NOTE = "controls: Video Editing & Production, Graphic Design; log-difference DiD"


def note_for(subject: str, method: str) -> str | None:
    """did rows name their controls (as analytics/trends writes them); one note is hostile."""
    if subject == "Writing" and method == "its":
        return XSS_SCRIPT
    return CONTROLS_NOTE if method == "did" else None


def insert(conn: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    conn.register("frame_in", frame)
    conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame_in")  # noqa: S608
    conn.unregister("frame_in")


def daily_rows(kind: str, subjects: list[str], rng: np.random.Generator) -> pd.DataFrame:
    days = pd.date_range(START, AS_OF, freq="D")
    after = days >= pd.Timestamp(EVENT_DATE)
    frames = []
    for i, subject in enumerate(subjects):
        base = 40.0 + 7 * i if kind == "category" else 2.0 + i
        effect = 1 + PLANTED.get(subject, 0.0) / 100
        lam = base * np.where(after, effect, 1.0) * (1 + 0.2 * (days.day_of_week < 5))
        n = rng.poisson(lam)
        frames.append(pd.DataFrame({"date": days.date, "kind": kind, "subject": subject, "n": n}))
    frame = pd.concat(frames, ignore_index=True)
    frame["share"] = rng.uniform(0.01, 0.2, len(frame))
    return frame


def build_report_warehouse(
    conn: duckdb.DuckDBPyConnection, *, simulated: bool = True, seed: int = 7
) -> None:
    """Fill a migrated warehouse with ~21 months of analytics and a small raw sample."""
    rng = np.random.default_rng(seed)
    counts = pd.concat(
        [daily_rows("category", CATEGORIES, rng), daily_rows("ai_skill", AI_SKILLS, rng)]
    )
    insert(conn, "a_daily_counts", counts)
    ma = counts.sort_values("date").copy()
    ma["ma_n"] = ma.groupby("subject")["n"].transform(lambda s: s.rolling(84).mean())
    ma["ma_share"] = ma.groupby("subject")["share"].transform(lambda s: s.rolling(84).mean())
    ma["window_days"] = 84
    ma["seasonally_adjusted"] = False
    insert(conn, "a_moving_averages", ma.drop(columns=["n", "share"]))

    now = dt.datetime(2024, 2, 15, 6, tzinfo=dt.UTC)
    deltas = []
    for kind, subjects in (("category", CATEGORIES), ("ai_skill", AI_SKILLS)):
        for subject in subjects:
            planted = PLANTED.get(subject, float(rng.uniform(-15, 15)))
            for method in METHODS:
                est = planted if method == "ma_endpoints" else planted * 0.8
                half = None if method == "ma_endpoints" else abs(est) * 0.3 + 4
                deltas.append(
                    dict(
                        event_date=EVENT_DATE,
                        as_of=AS_OF,
                        kind=kind,
                        subject=subject,
                        method=method,
                        estimate_pct=est,
                        ci_low_pct=None if half is None else est - half,
                        ci_high_pct=None if half is None else est + half,
                        n_before=int(rng.integers(500, 5000)),
                        n_after=int(rng.integers(500, 5000)),
                        meaningful=True,
                        descriptive=method == "ma_endpoints",
                        note=note_for(subject, method),
                        computed_at=now,
                    )
                )
    frame = pd.DataFrame(deltas)
    # The study's 84-day base of a new skill is under the floor (as for chatbot development
    # in the demo): no percentage, meaningful = false, and the page must say "n/m: 23 ...".
    small = (frame["subject"] == SMALL_BASE_SUBJECT) & (frame["method"] == "ma_endpoints")
    frame.loc[small, ["estimate_pct", "n_before", "meaningful"]] = [None, 23, False]
    insert(conn, "a_event_deltas", frame)
    pay = pd.DataFrame(
        [
            dict(
                event_date=EVENT_DATE,
                as_of=AS_OF,
                category=c,
                method="median",
                median_before=20.0 + i,
                median_after=21.0 + i * 0.9,
                change_pct=5.0 - i,
                ci_low_pct=-2.0 - i,
                ci_high_pct=12.0 - i,
                n_before=300,
                n_after=280,
                note=None,
                computed_at=now,
            )
            for i, c in enumerate(CATEGORIES[:-1])
        ]
    )
    mix = pay.assign(method="median_mix_fixed", change_pct=pay["change_pct"] - 1.0)
    later = pay.assign(event_date=dt.date(2023, 3, 14), change_pct=99.0)  # GPT-4: never mixed in
    insert(conn, "a_pay_deltas", pd.concat([pay, mix, later], ignore_index=True))

    feeds = pd.DataFrame(
        [
            dict(
                name="upwork-writing",
                url="https://www.upwork.com/ab/feed/x",
                kind="upwork-rss",
                source="upwork",
                min_interval_s=600,
                health="ok",
                consecutive_failures=0,
            ),
            dict(
                name="wwr-design",
                url="https://weworkremotely.com/x.rss",
                kind="rss",
                source="weworkremotely",
                min_interval_s=900,
                health="failing",
                consecutive_failures=3,
                last_error=XSS_IMG,
            ),
            dict(
                name=XSS_SCRIPT,
                url="https://evil.example/feed",
                kind="rss",
                source=XSS_IMG,
                min_interval_s=900,
                health="gone",
                last_error="HTTP 410",
                consecutive_failures=9,
            ),
        ]
    )
    insert(conn, "feeds", feeds)

    runs = []
    for day in pd.date_range(AS_OF - dt.timedelta(days=90), AS_OF, freq="D"):
        if day.day in (3, 4):  # planted coverage gaps
            continue
        started = day.to_pydatetime().replace(hour=1, tzinfo=dt.UTC)
        runs.append(dict(kind="poll", started_at=started, status="ok"))
    if simulated:
        runs.append(dict(kind="simulate", started_at=now, status="ok"))
    insert(conn, "collection_runs", pd.DataFrame(runs))

    n_post = 400
    first_seen = [
        dt.datetime.combine(AS_OF - dt.timedelta(days=int(d)), dt.time(12), tzinfo=dt.UTC)
        for d in rng.integers(0, 120, n_post)
    ]
    sources = rng.choice(["upwork", "weworkremotely", XSS_IMG], n_post)
    postings = pd.DataFrame(
        dict(
            posting_id=np.arange(1, n_post + 1),
            dedupe_key=[f"url:https://x/{i}" for i in range(n_post)],
            source=sources,
            title=[XSS_SCRIPT] * n_post,
            posted_at=first_seen,
            first_seen=first_seen,
            last_seen=first_seen,
            times_seen=1,
            feeds=[["upwork-writing"]] * n_post,
            content_hash="h",
            first_run_id=1,
            last_run_id=1,
            is_simulated=(np.arange(n_post) % 4 == 0) if simulated else False,
        )
    )
    insert(conn, "postings", postings)
    cats = pd.DataFrame(
        dict(
            posting_id=postings["posting_id"],
            category=rng.choice(CATEGORIES, n_post),
            method="rules",
            rules_version="t1",
            tagged_at=now,
        )
    )
    insert(conn, "posting_categories", cats)
    rejects = pd.DataFrame(
        [
            dict(
                rejected_at=now - dt.timedelta(days=2),
                stage="entry",
                origin="wwr-design",
                location=XSS_IMG,
                reason="no link",
                payload=XSS_SCRIPT,
            ),
            dict(
                rejected_at=now - dt.timedelta(days=1),
                stage="parse",
                origin=XSS_SCRIPT,
                location="line 3",
                reason="Malformed XML",
                payload="<rss><channel>",
            ),
        ]
    )
    insert(conn, "rejects", rejects)
