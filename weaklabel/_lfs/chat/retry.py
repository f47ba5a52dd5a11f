"""How long to wait before retrying a chat request: exponential backoff with full jitter.

Attempt ``n`` (0 for the first retry) waits a uniform draw from ``[0, min(BACKOFF_CAP,
BACKOFF_BASE * 2**n)]`` seconds, drawn from a generator seeded by ``random_state``; a
``Retry-After`` header (seconds, or an HTTP date) replaces the draw, up to ``RETRY_AFTER_CAP``.
The constants are read at each call, so tests may set them to tiny values; :func:`wait` is looked
up at each call too, so tests may replace it to record the delays instead of sleeping.
"""

from __future__ import annotations

import email.utils
import math
import threading
import time

import numpy as np

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "RETRY_AFTER_CAP",
    "Backoff",
    "parse_retry_after",
    "wait",
]

#: Seconds before the first retry (at most; the jitter draws below it).
BACKOFF_BASE = 0.5
#: The longest backoff, in seconds, however many attempts failed.
BACKOFF_CAP = 30.0
#: The longest ``Retry-After`` honoured, in seconds; a longer one waits this long.
RETRY_AFTER_CAP = 120.0


class Backoff:
    """The delays between attempts; safe to share between threads.

    Examples
    --------
    >>> import numpy as np
    >>> from weaklabel._lfs.chat.retry import Backoff
    >>> backoff = Backoff(np.random.default_rng(0))
    >>> 0 <= backoff.delay(0) <= 0.5, 0 <= backoff.delay(10) <= 30
    (True, True)
    >>> backoff.delay(3, retry_after=2.0)
    2.0
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._lock = threading.Lock()  # a numpy Generator is not thread-safe

    def delay(self, attempt: int, *, retry_after: float | None = None) -> float:
        """Seconds to wait after the failed attempt number ``attempt`` (0-based)."""
        if retry_after is not None:
            return min(retry_after, RETRY_AFTER_CAP)
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** min(attempt, 64))
        with self._lock:
            return float(self._rng.uniform(0.0, ceiling))


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """The seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), or None.

    Examples
    --------
    >>> from weaklabel._lfs.chat.retry import parse_retry_after
    >>> parse_retry_after("1"), parse_retry_after("0.25"), parse_retry_after("soon")
    (1.0, 0.25, None)
    >>> parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT", now=4.0)
    6.0
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def wait(seconds: float, stop: threading.Event) -> None:
    """Sleep ``seconds``, or less when ``stop`` is set (another request failed for good)."""
    stop.wait(seconds)
