"""The simulator's pure part: effects from TOML, expected daily volumes, vectorised draws.

Volumes: expected postings of stream s on day d =
    K * share_s * weekly(d) * yearly(d) * holiday(d) * growth(d) * effect_s(d) * noise_sd
with K chosen so the expected total is the requested number of postings. Streams are the 13
categories plus one per AI skill (skill postings are category "Other" with that skill).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

SIM_DIR = Path(__file__).parent
DEFAULT_EFFECTS = SIM_DIR / "effects.toml"
VOCABULARY = SIM_DIR / "vocabulary.json"
CATEGORIES = (
    "Writing",
    "Translation",
    "Customer Service",
    "Video Editing & Production",
    "Graphic Design",
    "Web Design",
    "Front-End Development",
    "Back-End Development",
    "Accounting & Bookkeeping",
    "Sales & Business Development",
    "Market Research",
    "Data Entry",
    "Other",
)
AI_SKILLS = (
    "chatbot_development",
    "ai_content_generation",
    "ai_agent_development",
    "llm_api_integration",
    "ai_app_development",
    "prompt_engineering",
    "machine_learning",
    "data_annotation",
    "ai_image_video_generation",
)
YEARLY_PEAK_DAY = 45  # mid-February: Upwork volume peaks after the new-year restart
DAYS_PER_YEAR = 365.25
HOLIDAY_CORE = ((12, 24), (1, 1))  # Dec 24 .. Jan 1: the deepest dip
HOLIDAY_EDGE_DAYS = 4  # the dip tapers over this many days either side


@dataclass(frozen=True)
class Effect:
    """A planted change: volume (and pay) of a category or AI skill, from `start`, ramped."""

    kind: str  # 'category' | 'ai_skill'
    subject: str
    volume_pct: float
    start: date
    ramp_days: int = 0
    pay_pct: float | None = None
    share: float | None = None  # AI skills: fraction of all postings before the effect


@dataclass(frozen=True)
class Plan:
    """Everything the simulator draws from, read from the effects TOML and vocabulary."""

    postings: int
    growth_pct_per_year: float
    weekend_factor: float
    yearly_amplitude: float
    holiday_dip: float
    daily_noise_sigma: float
    noise_persistence: float  # daily AR(1) of the log noise: 0 = independent days
    duplicate_share: float
    repost_share: float
    effects: tuple[Effect, ...]
    skill_shares: dict[str, float]
    skill_phrases: dict[str, str]
    vocabulary: dict[str, Any] = field(repr=False)


def read_plan(effects_path: Path | None = None, vocabulary_path: Path = VOCABULARY) -> Plan:
    """The plan from an effects TOML (default: analytics/simulation/effects.toml)."""
    with open(effects_path or DEFAULT_EFFECTS, "rb") as f:
        doc = tomllib.load(f)
    p = doc.get("platform", {})
    effects = tuple(
        Effect(
            kind=e["kind"],
            subject=e["subject"],
            volume_pct=float(e.get("volume_pct", 0.0)),
            start=e["start"],
            ramp_days=int(e.get("ramp_days", 0)),
            pay_pct=e.get("pay_pct"),
            share=e.get("share"),
        )
        for e in doc.get("effect", [])
    )
    for e in effects:
        known = CATEGORIES if e.kind == "category" else AI_SKILLS if e.kind == "ai_skill" else ()
        if e.subject not in known:
            raise ValueError(f"effect on unknown {e.kind} {e.subject!r}")
    shares = {s: float(v) for s, v in doc.get("ai_skill_shares", {}).items()}
    shares.update({e.subject: float(e.share) for e in effects if e.kind == "ai_skill" and e.share})
    with open(vocabulary_path) as f:
        vocabulary = json.load(f)
    return Plan(
        postings=int(p.get("postings", 5_000_000)),
        growth_pct_per_year=float(p.get("growth_pct_per_year", 3.0)),
        weekend_factor=float(p.get("weekend_factor", 0.62)),
        yearly_amplitude=float(p.get("yearly_amplitude", 0.06)),
        holiday_dip=float(p.get("holiday_dip", 0.45)),
        daily_noise_sigma=float(p.get("daily_noise_sigma", 0.05)),
        noise_persistence=float(p.get("noise_persistence", 0.0)),
        duplicate_share=float(p.get("duplicate_share", 0.15)),
        repost_share=float(p.get("repost_share", 0.03)),
        effects=effects,
        skill_shares={s: shares.get(s, 0.0) for s in AI_SKILLS},
        skill_phrases=dict(doc.get("ai_skill_phrases", {})),
        vocabulary=vocabulary,
    )


def compute_effect_multiplier(days: np.ndarray, effect: Effect) -> np.ndarray:
    """1 + pct/100 * ramp, where ramp goes 0 -> 1 linearly over ramp_days from start."""
    offset = (days - np.datetime64(effect.start)).astype(np.int64)
    if effect.ramp_days > 0:
        ramp = np.clip((offset + 1) / effect.ramp_days, 0.0, 1.0)
    else:
        ramp = (offset >= 0).astype(float)
    return np.asarray(1.0 + effect.volume_pct / 100.0 * ramp)


def compute_pay_multiplier(days: np.ndarray, effect: Effect) -> np.ndarray:
    if effect.pay_pct is None:
        return np.ones(len(days))
    return compute_effect_multiplier(
        days, Effect(effect.kind, effect.subject, effect.pay_pct, effect.start, effect.ramp_days)
    )


def compute_calendar_factor(days: np.ndarray, plan: Plan) -> np.ndarray:
    """Weekly cycle x yearly cycle x holiday dip x platform growth, per day."""
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    weekly = np.where(weekday >= 5, plan.weekend_factor, 1.0)
    doy = (days - days.astype("datetime64[Y]")).astype(np.int64)
    yearly = 1.0 + plan.yearly_amplitude * np.cos(
        2 * np.pi * (doy - YEARLY_PEAK_DAY) / DAYS_PER_YEAR
    )
    holiday = np.ones(len(days))
    for i, d in enumerate(days.astype(date)):
        anchor = date(d.year if d.month == 12 else d.year - 1, 12, 24)
        gap = (d - anchor).days  # 0..8 is Dec 24 .. Jan 1
        if 0 <= gap <= 8:
            holiday[i] = plan.holiday_dip
        elif -HOLIDAY_EDGE_DAYS <= gap < 0 or 8 < gap <= 8 + HOLIDAY_EDGE_DAYS:
            holiday[i] = (1.0 + plan.holiday_dip) / 2
    years = (days - days[0]).astype(np.int64) / DAYS_PER_YEAR
    growth = (1.0 + plan.growth_pct_per_year / 100.0) ** years
    return np.asarray(weekly * yearly * holiday * growth)


def compute_expected(
    start: date, end: date, plan: Plan, postings: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(days, expected[day, stream]) scaled so the expected total is `postings`.

    Streams: CATEGORIES then AI_SKILLS. Includes the day-level lognormal noise.
    """
    days = np.arange(np.datetime64(start), np.datetime64(end) + np.timedelta64(1, "D"))
    skill_total = sum(plan.skill_shares.values())
    cats = plan.vocabulary["categories"]
    cat_share = np.array([cats[c]["share"] for c in CATEGORIES])
    shares = np.concatenate(
        [
            cat_share / cat_share.sum() * (1.0 - skill_total),
            [plan.skill_shares[s] for s in AI_SKILLS],
        ]
    )
    streams = [("category", c) for c in CATEGORIES] + [("ai_skill", s) for s in AI_SKILLS]
    mult = np.ones((len(days), len(streams)))
    for e in plan.effects:
        mult[:, streams.index((e.kind, e.subject))] *= compute_effect_multiplier(days, e)
    rates = compute_calendar_factor(days, plan)[:, None] * shares[None, :] * mult
    if plan.noise_persistence > 0:
        # persistent demand: an AR(1) per stream with the same stationary sd (counts.py)
        from analytics.simulation.counts import compute_ar1_noise

        rates *= np.exp(
            compute_ar1_noise(
                len(days), plan.noise_persistence, plan.daily_noise_sigma, rng, len(streams)
            )
        )
    else:
        rates *= rng.lognormal(0.0, plan.daily_noise_sigma, size=rates.shape)
    return days, rates * (postings / rates.sum())
