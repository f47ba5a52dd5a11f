"""What the rest of the machine does while we measure: busy cores, waiting for a quiet machine.

On a small shared machine another process's work slows a measurement down. ``CpuWatch`` measures
how many cores other processes kept busy while a block ran; ``Contention`` says how long to wait
for idle cores before a measurement and when to measure again. Standard library only: the
peers' environment uses this module too.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

__all__ = ["Contention", "CpuWatch", "busy_cores"]


def _machine_busy() -> float:
    """CPU seconds the whole machine spent busy since boot (/proc/stat, all but idle, iowait)."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:9]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    """CPU seconds of this process and of its reaped children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class CpuWatch:
    """How many cores other processes kept busy while a block ran (``others_cores``).

    Machine-wide busy time from ``/proc/stat`` minus this process's own CPU time and that of its
    reaped children, over the wall time. Worker processes not yet reaped (a Dask cluster's)
    count as others.
    """

    def __enter__(self) -> CpuWatch:
        self._start = (_machine_busy(), _own_cpu(), time.perf_counter())
        return self

    def __exit__(self, *exc: object) -> None:
        machine, own, wall = self._start
        wall = time.perf_counter() - wall
        others = (_machine_busy() - machine) - (_own_cpu() - own)
        self.others_cores = max(0.0, others / wall) if wall > 0 else 0.0


def busy_cores(seconds: float = 1.0) -> float:
    """Cores busy on the whole machine over the next ``seconds``."""
    start = _machine_busy()
    time.sleep(seconds)
    return (_machine_busy() - start) / seconds


@dataclass
class Contention:
    """How measurements deal with other work on the machine.

    Before each measurement, wait up to ``quiet_wait`` s for the cores to be idle; measure again
    (up to ``retries`` times) when other processes used more than ``contended`` cores meanwhile,
    and keep the least disturbed run.
    """

    quiet_wait: float = 60.0
    retries: int = 2
    contended: float = 0.25

    def wait_quiet(self) -> None:
        """Wait (at most ``quiet_wait`` s) until other processes leave the cores idle."""
        if self.quiet_wait <= 0:
            return
        start = time.perf_counter()
        busy = busy_cores(0.5)
        while busy > self.contended and time.perf_counter() - start < self.quiet_wait:
            time.sleep(2.0)
            busy = busy_cores(0.5)
        waited = time.perf_counter() - start
        if waited > 1.0:
            state = "quiet" if busy <= self.contended else f"still {busy:.1f} cores busy"
            print(f"    waited {waited:.0f} s for a quiet machine ({state})", file=sys.stderr)

    def describe(self) -> str:
        return (
            f"each measurement waited up to {self.quiet_wait:.0f} s for idle cores first, and "
            f"was repeated up to {self.retries} times when other processes used more than "
            f"{self.contended} cores meanwhile, keeping the least disturbed run"
        )
