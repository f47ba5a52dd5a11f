"""The version of a file weaklabel reads back, checked by one rule.

Every file weaklabel writes (vote matrices, model files, end models, run.json) carries a
``format`` tag and an integer ``version``. Each reader checks its own tag, since it knows best
what the file should have been; the version rule is the same everywhere and lives here: an
integer from 1 to the version this weaklabel writes. An older version is read, a newer one is
refused with the way out (upgrade), anything else is a damaged file.
"""

from __future__ import annotations

from typing import Any

from weaklabel.exceptions import DataError

__all__ = ["check_version"]


def check_version(version: Any, *, current: int, what: str, source: str = "", redo: str) -> int:
    """Return ``version`` if this weaklabel reads it, else raise a :class:`DataError`.

    ``what`` names the file's kind ("model file"), ``source`` the file (left out of the message
    when empty, for a caller that prefixes it), and ``redo`` how to write the file again.

    >>> check_version(1, current=2, what="model file", redo="save it again")
    1
    >>> check_version(3, current=2, what="model file", source="m.json", redo="save it again")
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.DataError: m.json: written by a newer weaklabel (model file version 3); \
upgrade weaklabel to read it.
    """
    prefix = f"{source}: " if source else ""
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DataError(f"{prefix}corrupt {what}: format version {version!r}; {redo}.")
    if version > current:
        raise DataError(
            f"{prefix}written by a newer weaklabel ({what} version {version}); upgrade weaklabel "
            "to read it."
        )
    return version
