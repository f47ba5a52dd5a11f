"""Timing: a stopwatch, and the best of N runs (as ``timeit`` does).

The fastest run is the one least disturbed by the rest of the machine; every run's time is kept
beside it (``runs_s``) so a report can show the spread. Runs that need a warm-up do it untimed
before they start the stopwatch (``label_models.py`` fits every model once on a few rows; each
isolated measurement is its own process, which pays its imports before the timed call).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["Stopwatch", "best_run"]


class Stopwatch:
    """Wall-clock timer: ``with Stopwatch() as watch: ...`` then read ``watch.seconds``."""

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


def best_run(results: Sequence[Mapping[str, Any]], key: str = "apply_s") -> dict[str, Any]:
    """The result with the smallest ``key`` among repeated measurements, with ``runs_s`` (every
    run's ``key``) added; the first result as is when none has ``key`` (they all failed)."""
    timed = [r for r in results if key in r]
    if not timed:
        return dict(results[0])
    best = dict(min(timed, key=lambda r: r[key]))
    best["runs_s"] = [r[key] for r in timed]
    return best
