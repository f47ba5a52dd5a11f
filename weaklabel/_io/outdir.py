"""Output folders: a run's files appear together or not at all.

:func:`output_folder` hands out a fresh hidden folder beside the target (``.out.weaklabel-...new``);
the caller writes every file into it (in subfolders too). When the block succeeds a manifest
(``.weaklabel-run.json``: each file's size and digest, by ``/``-joined relative name) is added,
everything is flushed to disk and the folder is swapped in as the target in one step (Linux
``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, which the next run completes or rolls back
after a crash); the old folder is then deleted. A killed run
leaves the old outputs as they were, and its hidden folder is removed by the next run.

An existing target folder is only ever replaced when weaklabel wrote everything in it (every entry
is listed in its manifest) or it is empty; otherwise it is refused with the names of the other
files. The current folder, a folder holding it and the home folder are refused. A symlink to a
folder is followed: the folder it points to is replaced and the link stays.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import json
import os
import shutil
import stat
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from weaklabel._core.digest import new_digest
from weaklabel._io.atomic import atomic_write, describe_kind, ensure_folder, fsync_folder
from weaklabel._io.temps import remove_stale, stale_temps, temp_name
from weaklabel._version import __version__
from weaklabel.exceptions import DataError

__all__ = ["MANIFEST", "check_output_folder", "output_folder", "read_manifest"]

#: The manifest every output folder written by weaklabel holds.
MANIFEST = ".weaklabel-run.json"
_FORMAT = "weaklabel-run"
_VERSION = 1
_SHOWN = 5  # foreign entries named in an error


def read_manifest(folder: str | Path) -> dict[str, Any] | None:
    """The manifest of ``folder``, or None when it has none (or one weaklabel did not write)."""
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("format") != _FORMAT
        or not isinstance(data.get("files"), dict)
    ):
        return None
    return data


def _file_digest(path: Path) -> str:
    hasher = new_digest()
    with open(path, "rb") as handle:
        for block in iter(functools.partial(handle.read, 1 << 20), b""):
            hasher.update(block)
    return str(hasher.hexdigest())


def _files_below(folder: Path, prefix: str = "") -> Iterator[tuple[str, Path]]:
    """Every file under ``folder`` as (``/``-joined relative name, path), sorted; a symlink or
    special file anywhere is refused: output folders hold regular files and folders only."""
    for entry in sorted(os.listdir(folder)):
        path, name = folder / entry, prefix + entry
        mode = os.lstat(path).st_mode
        if stat.S_ISDIR(mode):
            yield from _files_below(path, name + "/")
        elif stat.S_ISREG(mode):
            yield name, path
        else:
            raise DataError(f"output_folder: {name} is not a regular file; write only files.")


def _write_manifest(staging: Path) -> None:
    files = {
        name: {"size": path.stat().st_size, "digest": _file_digest(path)}
        for name, path in _files_below(staging)
        if name != MANIFEST
    }
    manifest = {
        "format": _FORMAT,
        "version": _VERSION,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "weaklabel": __version__,
        "digest": "blake2b-128",
        "files": files,
    }
    with atomic_write(staging / MANIFEST) as handle:
        handle.write(json.dumps(manifest, indent=1) + "\n")


def _foreign(folder: Path, legacy_names: frozenset[str]) -> list[str]:
    """The entries of ``folder`` that weaklabel did not write (a subfolder is ours when every
    file in it is listed in the manifest)."""
    entries = sorted(os.listdir(folder))
    manifest = read_manifest(folder)
    ours = {MANIFEST, *manifest["files"]} if manifest is not None else legacy_names
    return [e for e in entries if not _ours(folder / e, e, ours)]


def _ours(path: Path, name: str, ours: set[str] | frozenset[str]) -> bool:
    mode = os.lstat(path).st_mode
    if stat.S_ISREG(mode):
        return name in ours
    if not stat.S_ISDIR(mode) or not any(n.startswith(name + "/") for n in ours):
        return False
    return all(_ours(path / e, f"{name}/{e}", ours) for e in os.listdir(path))


def _refuse_foreign(shown: Path, folder: Path, legacy_names: frozenset[str]) -> None:
    foreign = _foreign(folder, legacy_names)
    if foreign:
        listed = ", ".join(foreign[:_SHOWN]) + (
            f" and {len(foreign) - _SHOWN} more" if len(foreign) > _SHOWN else ""
        )
        raise DataError(
            f"{shown} already holds files weaklabel did not write ({listed}); weaklabel replaces "
            "its output folder as a whole and never deletes other files. Pass a new or empty "
            "folder, or move those files away."
        )


def _refuse_precious(shown: Path, folder: Path) -> None:
    cwd = Path(os.path.realpath(Path.cwd()))
    home = None
    with contextlib.suppress(RuntimeError, KeyError):
        home = Path(os.path.realpath(Path.home()))
    if folder in (cwd, home) or folder in cwd.parents:
        what = "the home folder" if folder == home else "the current folder (or holds it)"
        raise DataError(
            f"{shown} is {what}; weaklabel replaces its output folder as a whole, so pass a "
            "folder of its own, such as out/."
        )


def _recover(folder: Path) -> None:
    """Finish what a killed run left beside ``folder``: put back an old folder a crash left
    aside (when ``folder`` is missing), then remove the other stale temporaries."""
    parent = folder.parent
    aside = [p for p, t in stale_temps(parent, kinds=("old",)) if t.name == folder.name]
    for path in aside:
        if os.path.lexists(folder):
            break
        with contextlib.suppress(FileNotFoundError):
            os.rename(path, folder)
    for path, parsed in stale_temps(parent, kinds=("old",)):
        if parsed.name == folder.name:
            shutil.rmtree(path, ignore_errors=True)
    remove_stale(parent, kinds=("tmp", "new"))
    if folder.is_dir():
        remove_stale(folder, kinds=("tmp",))


def check_output_folder(path: str | Path, *, legacy_names: Iterable[str] = ()) -> Path:
    """Check that ``path`` can receive a run's outputs, before the run does the work.

    Recovers from a killed run (see the module docstring), creates the parent folder when missing
    and returns the folder that will be replaced (a symlink is followed).

    Parameters
    ----------
    path : str or Path
        The output folder.
    legacy_names : iterable of str
        Names a folder without a manifest may hold and still be replaced: the outputs of a
        weaklabel version that wrote no manifest.

    Raises
    ------
    DataError
        ``path`` is not a folder, holds files weaklabel did not write, is the current or home
        folder, or its parent cannot be created or written.
    """
    shown = Path(path)
    folder = Path(os.path.realpath(shown))
    _refuse_precious(shown, folder)
    ensure_folder(folder.parent, for_path=shown)
    _recover(folder)
    status = None
    with contextlib.suppress(FileNotFoundError):
        status = os.lstat(folder)
    if status is not None:
        if not stat.S_ISDIR(status.st_mode):
            kind = describe_kind(status.st_mode) or "a regular file"
            raise DataError(f"{shown} is {kind}, not a folder; pass a folder path.")
        _refuse_foreign(shown, folder, frozenset(legacy_names))
    return folder


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@functools.cache
def _renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    c_int, c_path = ctypes.c_int, ctypes.c_char_p
    function.argtypes = [c_int, c_path, c_int, c_path, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _exchange(a: Path, b: Path) -> bool:
    """Swap ``a`` and ``b`` in one step; False when the platform or file system cannot."""
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap_in(staging: Path, folder: Path) -> Path | None:
    """Put ``staging`` in the place of ``folder``; return where the old folder went, if any."""
    if not os.path.lexists(folder):
        os.rename(staging, folder)
        return None
    if _exchange(staging, folder):
        return staging
    aside = folder.parent / temp_name(folder.name, "old")
    os.rename(folder, aside)
    try:
        os.rename(staging, folder)
    except BaseException:
        os.rename(aside, folder)
        raise
    return aside


@contextlib.contextmanager
def output_folder(path: str | Path, *, legacy_names: Iterable[str] = ()) -> Iterator[Path]:
    """Yield a fresh folder to write into; when the block succeeds it becomes ``path``.

    See the module docstring; :func:`check_output_folder` runs first, with ``legacy_names``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from weaklabel._io.outdir import output_folder, read_manifest
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> with output_folder(out) as staging:
    ...     _ = (staging / "a.txt").write_text("done")
    >>> sorted(p.name for p in out.iterdir()), sorted(read_manifest(out)["files"])
    (['.weaklabel-run.json', 'a.txt'], ['a.txt'])
    """
    shown = Path(path)
    names = frozenset(legacy_names)
    folder = check_output_folder(shown, legacy_names=names)
    staging = folder.parent / temp_name(folder.name, "new")
    try:
        os.mkdir(staging)
    except OSError as exc:
        raise DataError(
            f"Cannot write {shown}: creating a folder in {folder.parent} failed ({exc.strerror}); "
            "pass a folder you can write to."
        ) from None
    old = None
    try:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(staging, stat.S_IMODE(os.stat(folder).st_mode))
        yield staging
        _write_manifest(staging)
        fsync_folder(staging)
        if os.path.lexists(folder):
            _refuse_foreign(shown, folder, names)  # again: a file may have appeared meanwhile
        old = _swap_in(staging, folder)
        fsync_folder(folder.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
