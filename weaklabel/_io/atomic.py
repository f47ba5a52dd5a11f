"""Writing files atomically: write a temporary file beside the target, then rename it.

An interrupted run never leaves a file that looks complete: either the old file (or none) is there,
or the whole new one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_write"]


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextlib.contextmanager
def atomic_write(
    path: str | Path, mode: str = "w", *, encoding: str | None = None
) -> Iterator[IO[Any]]:
    """Open a temporary file for writing that replaces ``path`` only when the block succeeds.

    Parameters
    ----------
    path : str or Path
        The file to (re)place. Its folder must exist.
    mode : {"w", "wb"}
        Text or binary.
    encoding : str, optional
        Text encoding; UTF-8 by default in text mode.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from weaklabel._io.atomic import atomic_write
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_write(target) as f:
    ...     _ = f.write("done")
    >>> target.read_text()
    'done'
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write: mode must be 'w' or 'wb'; got {mode!r}")
    path = Path(path)
    if mode == "w" and encoding is None:
        encoding = "utf-8"
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline="" if mode == "w" else None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
