"""Progress bars for long commands (tqdm on stderr; silent when stderr is not a terminal, so
logs, pipes and tests see only the result lines). The bar redraws every second even between
updates, so a long step shows its elapsed time instead of looking hung."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tqdm import tqdm

REDRAW_SECONDS = 1.0  # how often the elapsed time is redrawn between updates


@contextmanager
def progress_bar(
    desc: str, total: int | None = None, unit: str = "it", **extra: Any
) -> Iterator[tqdm[Any]]:
    """A tqdm bar on stderr, disabled when stderr is not a TTY (tqdm's disable=None)."""
    bar: tqdm[Any] = tqdm(
        total=total, desc=desc, unit=unit, disable=None, leave=False, dynamic_ncols=True, **extra
    )
    done = threading.Event()

    def redraw() -> None:
        while not done.wait(REDRAW_SECONDS):
            bar.refresh()

    ticker = threading.Thread(target=redraw, name="progress-redraw", daemon=True)
    if not bar.disable:
        ticker.start()
    try:
        yield bar
    finally:
        done.set()
        if ticker.is_alive():
            ticker.join()
        bar.close()


def make_step_callback(bar: tqdm[Any]) -> Callable[[str, int], None]:
    """on_step(name, steps_total), called as each named step starts: the bar counts the
    steps done (the one before this), names the one running, and takes a total that grows
    (analyze learns its subjects after the first steps) without starting over."""
    started = 0

    def on_step(name: str, steps_total: int) -> None:
        nonlocal started
        if bar.total != steps_total:
            bar.total = steps_total
        bar.set_postfix_str(name, refresh=False)
        bar.update(1 if started else 0)
        started += 1

    return on_step


def make_count_callback(bar: tqdm[Any]) -> Callable[[int], None]:
    """on_progress(done) for a job that reports a running total: the bar shows that total."""

    def on_progress(done: int) -> None:
        bar.update(max(0, done - bar.n))

    return on_progress
