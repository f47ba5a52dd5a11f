"""Optional dependencies: imported only when used; a missing one names the extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType

from weaklabel.exceptions import MissingDependencyError

__all__ = ["import_optional", "is_dask_collection"]


def import_optional(module: str, *, extra: str, purpose: str) -> ModuleType:
    """Import ``module``, or raise :class:`MissingDependencyError` naming ``extra``.

    Examples
    --------
    >>> from weaklabel._core.optional import import_optional
    >>> import_optional("no_such_mod", extra="dask", purpose="Testing")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.MissingDependencyError: Testing needs no_such_mod, ... Install
    it with: pip install 'weaklabel[dask]'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"{purpose} needs {module.partition('.')[0]}, which is not installed ({exc}). "
            f"Install it with: pip install 'weaklabel[{extra}]'"
        ) from exc


def is_dask_collection(obj: object) -> bool:
    """Whether ``obj`` is a Dask collection, judged by its type's module (Dask is not imported)."""
    module = type(obj).__module__ or ""
    return module.partition(".")[0] in ("dask", "dask_expr")
