"""Memory an operation will need, checked before it starts against what the machine has free.

Linux overcommits memory: a huge allocation often succeeds and the process is later killed by the
kernel, with no error at all. Operations whose memory grows with rows x classes or LFs x classes
x classes ask :func:`check_memory` first, so a hopeless run stops at once with a clear message.
"""

from __future__ import annotations

from pathlib import Path

from weaklabel.exceptions import DataError

__all__ = ["available_bytes", "check_memory", "format_bytes"]


def available_bytes() -> int | None:
    """Memory available to new allocations (``MemAvailable``), or None when unknown."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def format_bytes(n: float) -> str:
    """``n`` bytes in the largest unit that keeps the number above 1 (``1.5 GB``)."""
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def check_memory(needed: float, *, what: str, hint: str) -> None:
    """Refuse ``what`` when it needs more than the memory available now (when that is known).

    Examples
    --------
    >>> from weaklabel._core.memory import check_memory
    >>> check_memory(1024, what="a tiny array", hint="")
    >>> check_memory(1e30, what="fitting", hint="Use fewer classes.")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.DataError: fitting needs about ... of memory, but ... Use fewer classes.
    """
    free = available_bytes()
    if free is not None and needed > free:
        raise DataError(
            f"{what} needs about {format_bytes(needed)} of memory, but this machine has "
            f"{format_bytes(free)} available. {hint}".strip()
        )
