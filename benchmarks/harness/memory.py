"""Memory of this process: peak resident set (``VmHWM``) and resident set (``VmRSS``) deltas.

``VmHWM`` is the process's own high-water mark, reset at exec; ``ru_maxrss`` is not a substitute
on Linux, which carries the spawning process's peak into a child's across exec. Standard library
only: the peers' environment uses this module too.
"""

from __future__ import annotations

import resource
from pathlib import Path

__all__ = ["MemoryWatch", "max_rss_mb", "own_peak_mb", "rss_mb", "vm_hwm_mb"]

STATUS = Path("/proc/self/status")


def _status_mb(field: str) -> float | None:
    """A ``kB`` field of /proc/self/status in MiB; None where /proc is not available."""
    try:
        with STATUS.open() as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def vm_hwm_mb() -> float:
    """This process's peak resident memory in MiB (``VmHWM``); NaN without /proc."""
    value = _status_mb("VmHWM")
    return float("nan") if value is None else value


def rss_mb() -> float:
    """This process's resident memory now, in MiB (``VmRSS``); NaN without /proc."""
    value = _status_mb("VmRSS")
    return float("nan") if value is None else value


def max_rss_mb() -> float:
    """``ru_maxrss`` in MiB (KiB on Linux): may be the parent's peak, see the module docstring."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def own_peak_mb() -> float:
    """``VmHWM`` when available (not inflated by the parent), else ``ru_maxrss``."""
    value = _status_mb("VmHWM")
    return max_rss_mb() if value is None else value


class MemoryWatch:
    """``with MemoryWatch() as memory: ...``: ``memory.delta_mb`` is the RSS the block kept
    (VmRSS after minus before), ``memory.peak_mb`` the process's peak (VmHWM) at its end."""

    def __enter__(self) -> MemoryWatch:
        self.start_mb = rss_mb()
        return self

    def __exit__(self, *exc: object) -> None:
        self.delta_mb = rss_mb() - self.start_mb
        self.peak_mb = vm_hwm_mb()
