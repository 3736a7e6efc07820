"""The names of the before/after delta methods, in a module that imports nothing heavy, so the
command line can list them in --help without loading pandas."""

from __future__ import annotations

METHODS = (
    "ma_endpoints", "window", "share", "share_adjusted", "did", "did_external", "its",
    "its_placebo",
)  # fmt: skip
