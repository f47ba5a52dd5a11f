"""Writing files atomically: write a temporary file beside the target, then rename it over it.

An interrupted run never leaves a file that looks complete: either the old file (or none) is there,
or the whole new one. Only regular files are replaced:

- a symlink is written *through*: its target is replaced (or created, when the link dangles) in
  its own folder, and the link stays a link;
- a folder, device, FIFO or socket at the path is refused with a :class:`~weaklabel.DataError`,
  and left untouched;
- a replaced file keeps its permission bits (and its owner, when the writer may set it);
- missing parent folders are created.

:func:`check_output_file` runs the same checks without writing, so a command can refuse a bad
``--out`` before it starts the work. Temporaries left by a killed writer are removed by the next
writer in the same folder (see :mod:`weaklabel._io.temps`).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from weaklabel._io.temps import remove_stale, temp_name
from weaklabel.exceptions import DataError

__all__ = ["atomic_write", "check_output_file", "describe_kind", "ensure_folder", "fsync_folder"]

_swept: set[tuple[int, str]] = set()


def describe_kind(mode: int) -> str | None:
    """``"a folder"``, ``"a character device"``, ... for what is not a regular file; else None."""
    for test, kind in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symlink"),
    ):
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a regular file"


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _target(path: Path) -> Path:
    """``path``, or where it points when it is a symlink (which may not exist yet)."""
    if not path.is_symlink():
        return path
    target = Path(os.path.realpath(path))
    if target.is_symlink():
        raise DataError(f"{path} is a symlink that leads to itself (a loop); pass a file path.")
    return target


def ensure_folder(folder: Path, *, for_path: Path) -> None:
    """Create ``folder`` and its parents when missing, for writing ``for_path``; refuse clearly
    when that is impossible (a parent is a regular file, or the folder is not writable)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        culprit = folder
        for candidate in (folder, *folder.parents):
            status = _lstat(candidate)
            if status is not None:
                culprit = candidate
                break
        kind = "a regular file" if culprit.is_file() else "not a folder"
        raise DataError(
            f"Cannot create the folder {folder} for {for_path}: {culprit} is {kind}, not a folder; "
            "pass a path inside a folder."
        ) from None
    except PermissionError:
        raise DataError(
            f"Cannot create the folder {folder} for {for_path}: permission denied; pass a path "
            "in a folder you can write to."
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DataError(
            f"Cannot write {for_path}: the folder {folder} is not writable; "
            "pass a path in a folder you can write to."
        )


def check_output_file(path: str | Path) -> Path:
    """Check that ``path`` can be (re)placed by a regular file and create its folder.

    Call it before the work that produces the file, so a bad path fails at once. Returns the file
    that will be written: ``path`` itself, or a symlink's target.

    Raises
    ------
    DataError
        ``path`` is a folder, device, FIFO or socket (or a symlink to one), its folder cannot be
        created (a parent is a regular file) or is not writable.

    Examples
    --------
    >>> from weaklabel._io.atomic import check_output_file
    >>> check_output_file("/dev/null")
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.DataError: /dev/null is a character device, not a regular file; pass a \
file path.
    """
    path = Path(path)
    target = _target(path)
    status = _lstat(target)
    if status is not None:
        kind = describe_kind(status.st_mode)
        if kind is not None:
            shown = str(path) if target == path else f"{path} (a symlink to {target})"
            raise DataError(f"{shown} is {kind}, not a regular file; pass a file path.")
    ensure_folder(target.parent, for_path=path)
    return target


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _sweep_once(folder: Path) -> None:
    """Remove the stale temporary files in ``folder``, once per folder per process."""
    key = (os.getpid(), str(folder.absolute()))
    if key not in _swept:
        remove_stale(folder, kinds=("tmp",))
        _swept.add(key)


def _keep_owner_and_mode(fd: int, old: os.stat_result) -> None:
    if not hasattr(os, "fchown"):  # pragma: no cover - Windows: no POSIX permission bits
        return
    os.fchmod(fd, stat.S_IMODE(old.st_mode))
    new = os.fstat(fd)
    if (new.st_uid, new.st_gid) != (old.st_uid, old.st_gid):
        with contextlib.suppress(OSError):  # only root (or the owner, for the group) may
            os.fchown(fd, old.st_uid, old.st_gid)
            os.fchmod(fd, stat.S_IMODE(old.st_mode))  # chown clears setuid/setgid bits


@contextlib.contextmanager
def atomic_write(
    path: str | Path, mode: str = "w", *, encoding: str | None = None
) -> Iterator[IO[Any]]:
    """Open a temporary file for writing that replaces ``path`` only when the block succeeds.

    Parameters
    ----------
    path : str or Path
        The file to (re)place; a symlink is written through. Missing folders are created.
    mode : {"w", "wb"}
        Text or binary.
    encoding : str, optional
        Text encoding; UTF-8 by default in text mode.

    Raises
    ------
    DataError
        See :func:`check_output_file`; also when the temporary file cannot be created.

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
    if mode == "w" and encoding is None:
        encoding = "utf-8"
    shown = Path(path)
    target = check_output_file(shown)
    folder = target.parent
    _sweep_once(folder)
    old = _lstat(target)
    tmp = folder / temp_name(target.name, "tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        # a new file gets the mode open() would give it (0666 minus the umask); a replaced one
        # keeps its own, set before any byte is written
        fd = os.open(tmp, flags, 0o600 if old is not None else 0o666)
    except OSError as exc:
        raise DataError(
            f"Cannot write {shown}: creating a temporary file in {folder} failed ({exc.strerror}); "
            "pass a path in a folder you can write to."
        ) from None
    try:
        if old is not None:
            _keep_owner_and_mode(fd, old)
        with os.fdopen(fd, mode, encoding=encoding, newline="" if mode == "w" else None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        now = _lstat(target)
        if now is not None and describe_kind(now.st_mode) is not None:
            raise DataError(
                f"{shown} became {describe_kind(now.st_mode)} while it was being written; it was "
                "left untouched. Pass a file path."
            )
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
