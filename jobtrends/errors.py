"""One line for an error no command handled: what went wrong and where (the file or the code)."""

from __future__ import annotations

import errno
import traceback
from pathlib import Path

PACKAGES = ("jobtrends", "collector", "warehouse", "analytics", "dashboards")
ERRNO_WORDS = {  # what the user should read for the OS errors a service meets
    errno.ENOSPC: "disk full",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOENT: "no such file or directory",
}


def render_code_location(exc: BaseException) -> str | None:
    """'warehouse/db.py:63 in connect': the innermost frame of our own code."""
    where = None
    for frame in traceback.extract_tb(exc.__traceback__):
        parts = Path(frame.filename).parts
        for i, part in enumerate(parts):
            if part in PACKAGES and i < len(parts) - 1:
                where = f"{'/'.join(parts[i:])}:{frame.lineno} in {frame.name}"
                break
    return where


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def _is_expected(exc: BaseException) -> bool:
    """Errors of the user's setup rather than of our code: a missing or locked warehouse."""
    from warehouse.db import WarehouseLocked, WarehouseMissing

    return isinstance(exc, WarehouseMissing | WarehouseLocked)


def describe_error(exc: BaseException, command: str | None = None) -> str:
    """'jobtrends import: disk full: /data/w.duckdb (EOFError ..., at collector/x.py:3 in f)'."""
    what = _first_line(str(exc)) or type(exc).__name__
    if isinstance(exc, OSError) and exc.errno in ERRNO_WORDS:
        target = exc.filename or ""
        what = f"{ERRNO_WORDS[exc.errno]}{': ' + str(target) if target else ''}"
    else:
        lowered = what.lower()
        for words in ("no space left on device", "read-only file system", "permission denied"):
            if words in lowered and not lowered.startswith(words):
                what = f"{words}: {what}"
                break
    prefix = f"{command}: " if command else ""
    if _is_expected(exc):  # its message already names the file and what to do
        return prefix + what
    where = render_code_location(exc)
    detail = type(exc).__name__ + (f" at {where}" if where else "")
    return f"{prefix}{what} ({detail}; -v shows the traceback)"
