"""Temp files a killed process left behind: `.<name>.<pid>.tmp` beside the file it was
writing (the analysts' snapshot; spool parts of earlier collector versions). A file whose
process is gone is removed on the next start; a live process's file is left alone."""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

log = logging.getLogger("warehouse.temp_files")

# ".jobtrends.snapshot.duckdb.4242.tmp" -> ("jobtrends.snapshot.duckdb", "4242")
TEMP_NAME_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.tmp$")


def is_process_alive(pid: int) -> bool:
    """True when a process `pid` exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_dead_temp_files(directory: Path, name_suffixes: tuple[str, ...]) -> list[Path]:
    """Remove `.<name>.<pid>.tmp` files in `directory` whose <name> ends with one of
    `name_suffixes` and whose process <pid> is gone; returns what was removed."""
    if not directory.is_dir():
        return []
    removed: list[Path] = []
    for path in directory.glob(".*.tmp"):
        match = TEMP_NAME_RE.match(path.name)
        if not match or not match["name"].endswith(name_suffixes):
            continue
        if is_process_alive(int(match["pid"])):
            continue
        size = path.stat().st_size if path.exists() else 0
        path.unlink(missing_ok=True)
        log.warning("removed %s (%d bytes) left by process %s, which is gone",
                    path, size, match["pid"])  # fmt: skip
        removed.append(path)
    return removed


def replace_folder(staging: Path, target: Path) -> None:
    """Put the finished folder `staging` in the place of `target` (which may not exist yet):
    readers see the old folder or the new one, never a half-written one."""
    old = target.with_name(f".{target.name}.{os.getpid()}.old")
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
