"""A fast generator of daily per-category posting counts with planted effects (for validation).

Counts are negative-binomial around a mean with platform-wide exponential growth, a weekly and
a yearly cycle, a persistent per-category demand shock (AR(1) in logs: real demand does not
forget yesterday), and, for treated categories, a planted step in volume that ramps in linearly.
Control categories never get an effect, so the difference-in-differences is identified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from analytics.trends.events import CHATGPT_LAUNCH

# Base daily postings per category: most above 50/day (the validation's size floor), two below.
BASE_DAILY = {
    "Writing": 400.0,
    "Translation": 120.0,
    "Customer Service": 300.0,
    "Video Editing & Production": 150.0,
    "Graphic Design": 350.0,
    "Web Design": 200.0,
    "Front-End Development": 250.0,
    "Back-End Development": 220.0,
    "Accounting & Bookkeeping": 160.0,
    "Sales & Business Development": 280.0,
    "Market Research": 40.0,
    "Data Entry": 180.0,
    "Other": 25.0,
}
WEEKDAY_FACTORS = (1.15, 1.2, 1.15, 1.1, 1.0, 0.65, 0.75)  # Mon..Sun: weekends are quiet
NB_DISPERSION = 200.0  # NB size r: variance = mu + mu^2 / r, mild overdispersion over Poisson


@dataclass(frozen=True)
class SyntheticSpec:
    """What to generate. `effects_pct` maps treated category -> planted volume change (%)."""

    start: date = date(2020, 12, 1)
    end: date = date(2024, 6, 1)  # exclusive
    event: date = CHATGPT_LAUNCH
    growth_per_year: float = 0.25  # platform-wide: +25%/year for every category
    yearly_amplitude: float = 0.15  # +-15% yearly cycle, peak in spring
    effects_pct: dict[str, float] = field(default_factory=dict)
    ramp_days: dict[str, int] = field(default_factory=dict)
    base_daily: dict[str, float] = field(default_factory=lambda: dict(BASE_DAILY))
    noise_phi: float = 0.0  # AR(1) persistence of the daily log-demand shock (0 = independent)
    noise_sd: float = 0.0  # its stationary sd (0.05 = 5%), the same at every persistence


def compute_ar1_noise(
    days: int, phi: float, sd: float, rng: np.random.Generator, columns: int = 1
) -> np.ndarray:
    """Stationary AR(1) paths u_t = phi u_(t-1) + e_t with sd(u) = sd, shape (days, columns).

    The innovations are scaled by sqrt(1 - phi^2) so every persistence has the same marginal
    spread: persistence changes how long a shock lasts, not how big it is.
    """
    shocks = rng.normal(0.0, sd * np.sqrt(1.0 - phi**2), size=(days, columns))
    out = np.empty_like(shocks)
    out[0] = rng.normal(0.0, sd, size=columns)
    for t in range(1, days):
        out[t] = phi * out[t - 1] + shocks[t]
    return out


def compute_planted_effects(
    seed: int, controls: tuple[str, ...], *, max_ramp_days: int = 60
) -> tuple[dict[str, float], dict[str, int]]:
    """Per-seed effects: every non-control category except 'Other' gets -35%..+35%, or 0 for one."""
    rng = np.random.default_rng(seed + 10_000)
    treated = [c for c in BASE_DAILY if c not in controls and c != "Other"]
    effects = {c: float(round(rng.uniform(-35, 35), 1)) for c in treated}
    effects[treated[int(rng.integers(len(treated)))]] = 0.0  # one untouched, growing category
    ramps = {c: int(rng.integers(0, max_ramp_days + 1)) for c in treated}
    return effects, ramps


def compute_synthetic_counts(spec: SyntheticSpec, seed: int) -> pd.DataFrame:
    """Long frame `date, kind, subject, n` (kind 'category' and 'all') for [start, end)."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(spec.start, spec.end - timedelta(days=1), freq="D")
    t_years = (days - pd.Timestamp(spec.start)).days.to_numpy() / 365.25
    doy = days.day_of_year.to_numpy()
    common = (
        np.exp(np.log1p(spec.growth_per_year) * t_years)
        * np.asarray(WEEKDAY_FACTORS)[days.day_of_week.to_numpy()]
        * (1 + spec.yearly_amplitude * np.sin(2 * np.pi * (doy - 10) / 365.25))
    )
    since_event = (days - pd.Timestamp(spec.event)).days.to_numpy()
    noise_rng = np.random.default_rng(seed + 20_000)  # its own stream: phi = sd = 0 keeps old draws
    noise = compute_ar1_noise(
        len(days), spec.noise_phi, spec.noise_sd, noise_rng, len(spec.base_daily)
    )
    frames = []
    for column, (subject, base) in enumerate(spec.base_daily.items()):
        pct = spec.effects_pct.get(subject, 0.0)
        ramp = max(spec.ramp_days.get(subject, 0), 1)
        progress = np.clip(since_event / ramp, 0.0, 1.0) * (since_event >= 0)
        mu = base * common * (1 + pct / 100 * progress) * np.exp(noise[:, column])
        n = rng.negative_binomial(NB_DISPERSION, NB_DISPERSION / (NB_DISPERSION + mu))
        frames.append(pd.DataFrame({"date": days, "kind": "category", "subject": subject, "n": n}))
    cats = pd.concat(frames, ignore_index=True)
    alls = cats.groupby("date", as_index=False)["n"].sum().assign(kind="all", subject="all")
    return pd.concat([alls[cats.columns], cats], ignore_index=True)
