"""The events whose effect on postings jobtrends measures (dates in UTC)."""

from __future__ import annotations

from datetime import date

CHATGPT_LAUNCH = date(2022, 11, 30)  # ChatGPT's public release: the default event everywhere
GPT4_LAUNCH = date(2023, 3, 14)  # GPT-4's public release: the second default event
