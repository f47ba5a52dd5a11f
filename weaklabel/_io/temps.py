"""Temporary names: how weaklabel names what it writes before swapping it in, and who cleans up.

A temporary file or folder sits beside its target and is named after it, the writer's host and
process id::

    .labels.jsonl.weaklabel-<host>-<pid>-<random>.tmp   a file being written (``atomic_write``)
    .out.weaklabel-<host>-<pid>-<random>.new            an output folder being written
    .out.weaklabel-<host>-<pid>-<random>.old            an output folder being replaced

``<host>`` is a short digest of the host name. A writer that is killed leaves its temporaries
behind; the next writer in the same folder removes those whose process is gone on this host
(:func:`stale_temps`), and never those of a process still running, here or on another host.
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

from weaklabel._core.digest import digest

__all__ = ["TempName", "remove_stale", "stale_temps", "temp_name", "writer_alive"]

_KINDS = ("tmp", "new", "old")
_PATTERN = re.compile(
    r"^\.(?P<name>.+)\.weaklabel-(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]{1,10})-[0-9a-f]{8}"
    r"\.(?P<kind>tmp|new|old)$"
)


@functools.cache
def _host_tag() -> str:
    return digest(socket.gethostname().encode("utf-8", "surrogateescape"))[:8]


@dataclass(frozen=True)
class TempName:
    """What a temporary's name says: the target's name, the writer's host and pid, the kind."""

    name: str
    host: str
    pid: int
    kind: str

    @classmethod
    def parse(cls, entry: str) -> TempName | None:
        """The parts of ``entry``, or None when it is not a weaklabel temporary."""
        match = _PATTERN.match(entry)
        if match is None:
            return None
        return cls(match["name"], match["host"], int(match["pid"]), match["kind"])

    def stale(self) -> bool:
        """True when the writer was a process on this host that is no longer running."""
        return self.host == _host_tag() and not writer_alive(self.pid)


def temp_name(name: str, kind: str, *, pid: int | None = None) -> str:
    """A fresh temporary name for ``name``; ``kind`` is ``"tmp"``, ``"new"`` or ``"old"``.

    Examples
    --------
    >>> from weaklabel._io.temps import TempName, temp_name
    >>> parsed = TempName.parse(temp_name("labels.jsonl", "tmp", pid=42))
    >>> parsed.name, parsed.pid, parsed.kind
    ('labels.jsonl', 42, 'tmp')
    """
    if kind not in _KINDS:
        raise ValueError(f"temp_name: kind must be one of {', '.join(_KINDS)}; got {kind!r}")
    pid = os.getpid() if pid is None else pid
    return f".{name}.weaklabel-{_host_tag()}-{pid}-{secrets.token_hex(4)}.{kind}"


def writer_alive(pid: int) -> bool:
    """True unless no process ``pid`` exists (ours, another user's and zombies count as alive).

    Always True on Windows, where ``os.kill(pid, 0)`` would end the process: nothing is removed.
    """
    if pid == os.getpid() or os.name == "nt":
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def stale_temps(folder: Path, *, kinds: tuple[str, ...] = _KINDS) -> list[tuple[Path, TempName]]:
    """The temporaries of ``kinds`` in ``folder`` whose writer is gone, sorted by name."""
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return []
    found = []
    for entry in entries:
        parsed = TempName.parse(entry)
        if parsed is not None and parsed.kind in kinds and parsed.stale():
            found.append((folder / entry, parsed))
    return found


def remove_stale(folder: Path, *, kinds: tuple[str, ...] = _KINDS) -> list[Path]:
    """Remove the stale temporaries of ``kinds`` from ``folder``; return what was removed.

    What cannot be removed (another user's file, a read-only folder) is left for later.
    """
    removed = []
    for path, _ in stale_temps(folder, kinds=kinds):
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue  # another writer cleaned it first
        except OSError:
            continue
        removed.append(path)
    return removed
