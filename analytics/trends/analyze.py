"""Refreshing the derived a_* tables: read counts, compute series and deltas, save.

Full mode re-aggregates every posting. Incremental mode (after a collection cycle) re-aggregates
only the posting dates touched since the last analysis run (new postings or new tags) and
recomputes the small derived series from a_daily_counts.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from analytics.trends.adjusted_series import (
    compute_adjusted_moving_averages,
    read_adjusted_inputs,
)
from analytics.trends.controls import compute_default_control
from analytics.trends.deltas import METHOD_FUNCTIONS, DeltaSettings, compute_event_deltas
from analytics.trends.did import compute_event_study
from analytics.trends.events import CHATGPT_LAUNCH
from analytics.trends.pay_deltas import compute_pay_deltas, read_hourly_pay
from analytics.trends.series import compute_moving_averages, compute_shares, read_daily_counts
from analytics.trends.windows import (
    category_names,
    compute_wide_counts,
    compute_windows,
    control_total,
    subject_columns,
)
from warehouse.db import transaction

EARLIEST_DATE = date(2000, 1, 1)  # before any job feed; bounds the date scan
EVENT_STUDY_MONTHS_BEFORE = 12  # pre-trend months shown in a_event_study

OnStep = Callable[[str, int], None]  # on_step(unit starting, units in all): a progress bar

TOUCHED_DATES_SQL = """
WITH touched AS (
    SELECT posting_id FROM postings WHERE first_seen >= ?
    UNION SELECT posting_id FROM posting_categories WHERE tagged_at >= ?
    UNION SELECT posting_id FROM posting_ai_skills WHERE tagged_at >= ?
)
SELECT min(d.posted_date) FROM touched JOIN postings_dated d USING (posting_id)
WHERE d.is_simulated = ?
"""


@dataclass(frozen=True)
class AnalysisSummary:
    """What one refresh did."""

    mode: str  # 'full' | 'incremental'
    since: date | None  # first re-aggregated posting date (None: nothing to do)
    daily_rows: int
    delta_rows: int
    seconds: float


def read_last_run_start(conn: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the last finished analysis run started (its window for new data), or None."""
    row = conn.execute(
        "SELECT max(started_at) FROM analysis_runs WHERE finished_at IS NOT NULL"
    ).fetchone()
    return row[0] if row else None


def read_first_touched_date(
    conn: duckdb.DuckDBPyConnection, since: datetime, simulated: bool
) -> date | None:
    """The earliest posting date with a posting or tag written at or after `since`."""
    row = conn.execute(TOUCHED_DATES_SQL, [since, since, since, simulated]).fetchone()
    return row[0] if row else None


def read_external_control(
    conn: duckdb.DuckDBPyConnection, series: str, sector: str
) -> pd.Series | None:
    """An imported external daily index (e.g. Indeed's aggregate postings) or None if absent."""
    frame = conn.execute(
        "SELECT date, value FROM external_series WHERE series = ? AND sector = ? ORDER BY date",
        [series, sector],
    ).df()
    if frame.empty:
        return None
    return frame.set_index(pd.to_datetime(frame["date"]))["value"].astype(float)


def read_stored_counts(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = conn.execute("SELECT date, kind, subject, n, share FROM a_daily_counts").df()
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def save_frame(conn: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Insert `frame` into `table` by column name (table names are ours, never user text)."""
    if frame.empty:
        return
    conn.register("frame_to_save", frame)
    columns = ", ".join(frame.columns)
    conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM frame_to_save")  # noqa: S608
    conn.unregister("frame_to_save")


def compute_event_studies(
    wide: pd.DataFrame,
    event: date,
    as_of: date,
    settings: DeltaSettings,
    on_unit: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """a_event_study rows for every category and AI skill against the control categories
    (`on_unit(subject)` before each, for a progress bar)."""
    categories = category_names(wide)
    frames = []
    start = event - timedelta(days=30 * EVENT_STUDY_MONTHS_BEFORE)
    end = min(as_of, wide.index.max().date() + timedelta(days=1))  # the last collected day
    windows = compute_windows(  # did's windows: the default control's donors are chosen on them
        wide.index.min().date(),
        end,
        event,
        window_days=settings.window_days,
        lag_days=settings.lag_days,
    )
    for kind, subject in subject_columns(wide):
        if on_unit:
            on_unit(subject)
        controls = [c for c in settings.controls if c in categories and c != subject]
        if float(wide[(kind, subject)].sum()) == 0.0:
            continue
        if controls:
            control, named = control_total(wide, controls), ", ".join(controls)
        elif windows is None:
            control, named = wide[("all", "all")] - wide[(kind, subject)], "all other postings"
        else:
            control, named = compute_default_control(wide, (kind, subject), windows)
        study = compute_event_study(wide[(kind, subject)], control, event, start, end)
        frames.append(study.assign(kind=kind, subject=subject, controls=named))
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "event_date", event)
    out.insert(1, "as_of", as_of)
    return out


def read_event_settings(conn: duckdb.DuckDBPyConnection, event: date, as_of: date) -> str | None:
    """The settings fingerprint the stored results of (event, as_of) were computed with."""
    row = conn.execute(
        "SELECT settings FROM a_event_settings WHERE event_date = ? AND as_of = ?", [event, as_of]
    ).fetchone()
    return row[0] if row else None


def save_event_settings(
    conn: duckdb.DuckDBPyConnection, event: date, as_of: date, settings: str, now: datetime
) -> None:
    conn.execute("DELETE FROM a_event_settings WHERE event_date = ? AND as_of = ?", [event, as_of])
    conn.execute("INSERT INTO a_event_settings VALUES (?, ?, ?, ?)", [event, as_of, settings, now])


def read_windows_end(conn: duckdb.DuckDBPyConnection, event: date, as_of: date) -> date | None:
    """The last after-window day of the stored deltas for (event, as_of), or None."""
    row = conn.execute(
        "SELECT max(after_end) FROM a_event_deltas WHERE event_date = ? AND as_of = ? "
        "AND method IN ('window', 'did', 'its')",
        [event, as_of],
    ).fetchone()
    return row[0] if row else None


def save_event_results(
    conn: duckdb.DuckDBPyConnection,
    wide: pd.DataFrame,
    event: date,
    as_of: date,
    now: datetime,
    settings: DeltaSettings,
    simulated: bool,
    on_unit: Callable[[str], None] | None = None,
) -> int:
    """Recompute and replace every delta, event-study and pay row for (event, as_of);
    `on_unit(name)` before each unit of work (compute_event_units counts them)."""
    unit = on_unit or (lambda _name: None)
    deltas = compute_event_deltas(
        wide, event=event, as_of=as_of, settings=settings, on_unit=lambda s, m: unit(f"{m} {s[1]}")
    )
    conn.execute("DELETE FROM a_event_deltas WHERE event_date = ? AND as_of = ?", [event, as_of])
    save_frame(conn, "a_event_deltas", deltas.assign(computed_at=now))
    if not wide.empty:
        end = min(as_of, event + timedelta(days=settings.lag_days + settings.window_days))
        study = compute_event_studies(wide, event, end, settings, lambda s: unit(f"study {s}"))
        conn.execute("DELETE FROM a_event_study WHERE event_date = ? AND as_of = ?", [event, as_of])
        save_frame(conn, "a_event_study", study.assign(computed_at=now, as_of=as_of))
    unit("pay deltas")
    pay = compute_pay_deltas(
        read_hourly_pay(conn, as_of, simulated),
        event=event,
        as_of=as_of,
        window_days=settings.window_days,
        lag_days=settings.lag_days,
        base_floor=settings.base_floor,
    )
    conn.execute("DELETE FROM a_pay_deltas WHERE event_date = ? AND as_of = ?", [event, as_of])
    save_frame(conn, "a_pay_deltas", pay.assign(computed_at=now))
    return len(deltas)


def compute_event_units(wide: pd.DataFrame, settings: DeltaSettings) -> int:
    """Units of work of one event's refresh: every (subject, method), each subject's event
    study, the pay deltas."""
    methods = [m for m in settings.methods if m in METHOD_FUNCTIONS]
    return len(subject_columns(wide)) * (len(methods) + (not wide.empty)) + 1


def analyze_warehouse(
    conn: duckdb.DuckDBPyConnection,
    *,
    as_of: date,
    now: datetime,
    event_dates: Sequence[date] = (CHATGPT_LAUNCH,),
    full: bool = False,
    settings: DeltaSettings | None = None,
    simulated: bool = False,
    seasonal: bool = False,
    engagements: tuple[str, ...] = (),
    on_step: OnStep | None = None,
) -> AnalysisSummary:
    """Refresh a_daily_counts, a_moving_averages, a_event_deltas, a_event_study, a_pay_deltas.

    `full=False` falls back to a full refresh when there is no earlier analysis run.
    `simulated=True` analyses the simulated postings instead of the real ones.
    `seasonal=True` also stores weekly-STL-adjusted moving averages (seasonally_adjusted=true).
    `engagements` restricts every count to postings of those engagements ("freelance", ...;
    () = all; change it with `full=True`). Seekers are never counted.
    `on_step(name, total)` is called as each unit of work starts (a progress bar): the daily
    counts, the moving averages, then per event every (subject, method) delta, every event
    study and the pay deltas (compute_event_units); `total` grows once the subjects are known.
    """
    started = time.perf_counter()
    fixed_units = 2 + seasonal  # daily counts, moving averages, the seasonal series
    total_units = fixed_units + len(event_dates)  # until the subjects are known

    def tick(name: str) -> None:
        if on_step:
            on_step(name, total_units)

    settings = settings or DeltaSettings()
    if settings.external is None:
        external = read_external_control(conn, settings.external_series, settings.external_sector)
        settings = dataclasses.replace(settings, external=external)
    last = None if full else read_last_run_start(conn)
    mode = "full" if last is None else "incremental"
    since: date | None = EARLIEST_DATE
    if last is not None:
        since = read_first_touched_date(conn, last, simulated)
    until = as_of + timedelta(days=1)
    if settings.adjusted is None and "share_adjusted" in settings.methods:
        inputs = read_adjusted_inputs(
            conn, until=as_of, simulated=simulated, engagements=engagements
        )
        settings = dataclasses.replace(settings, adjusted=inputs)
    with transaction(conn):
        tick("daily counts")
        if since is not None:
            fresh = compute_shares(
                read_daily_counts(
                    conn, since=since, until=until, simulated=simulated, engagements=engagements
                )
            )
            conn.execute("DELETE FROM a_daily_counts WHERE date >= ?", [since])
            save_frame(conn, "a_daily_counts", fresh)
        counts = read_stored_counts(conn)
        tick("moving averages")
        conn.execute("DELETE FROM a_moving_averages")
        averages = compute_moving_averages(counts, as_of=as_of)
        averages = compute_adjusted_moving_averages(averages, settings.adjusted)
        save_frame(conn, "a_moving_averages", averages)
        if seasonal:
            tick("seasonal moving averages")
            adjusted = compute_moving_averages(counts, as_of=as_of, seasonally_adjusted=True)
            save_frame(conn, "a_moving_averages", adjusted)
        wide = compute_wide_counts(counts, as_of)
        units = compute_event_units(wide, settings)
        total_units = fixed_units + len(event_dates) * units
        delta_rows = 0
        for event in event_dates:
            settled = None if mode == "full" else read_windows_end(conn, event, as_of)
            if read_event_settings(conn, event, as_of) != settings.fingerprint():
                settled = None  # computed with other settings (or never): recompute it all
            if settled is not None and (since is None or since > settled):
                # every touched date is after the windows: only ma_endpoints can change
                quick = dataclasses.replace(settings, methods=("ma_endpoints",))
                total_units -= units - len(subject_columns(wide))  # one unit a subject
                deltas = compute_event_deltas(
                    wide,
                    event=event,
                    as_of=as_of,
                    settings=quick,
                    on_unit=lambda s, m: tick(f"{m} {s[1]}"),
                )
                conn.execute(
                    "DELETE FROM a_event_deltas WHERE event_date = ? AND as_of = ? "
                    "AND method = 'ma_endpoints'",
                    [event, as_of],
                )
                save_frame(conn, "a_event_deltas", deltas.assign(computed_at=now))
                delta_rows += len(deltas)
                continue
            delta_rows += save_event_results(
                conn, wide, event, as_of, now, settings, simulated, on_unit=tick
            )
            save_event_settings(conn, event, as_of, settings.fingerprint(), now)
        seconds = time.perf_counter() - started
        conn.execute(
            "INSERT INTO analysis_runs (as_of, started_at, finished_at, mode, seconds) "
            "VALUES (?, ?, ?, ?, ?)",
            [as_of, now, now + timedelta(seconds=seconds), mode, seconds],
        )
    return AnalysisSummary(mode, since, len(counts), delta_rows, seconds)
