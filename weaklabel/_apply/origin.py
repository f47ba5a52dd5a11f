"""Where code comes from: library code (named) or the user's own code (fingerprinted in full).

Library code is the standard library, whatever is installed in site-packages, and weaklabel
itself: it changes only with an upgrade, so a fingerprint names it. Everything else (an LF file
loaded with ``--lfs``, a project's modules, a notebook) is the user's, and a fingerprint follows
it into its values and, for a module with a file, the digest of its source text.
"""

from __future__ import annotations

import site
import sys
import sysconfig
from pathlib import Path
from types import ModuleType
from typing import Any

from weaklabel._core.digest import digest

__all__ = ["is_library_module", "library_object", "module_file", "source_digest"]

_KNOWN: dict[str, bool] = {}


def _library_roots() -> tuple[Path, ...]:
    paths = sysconfig.get_paths()
    roots = [paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths]
    roots += site.getsitepackages() if hasattr(site, "getsitepackages") else []
    roots.append(site.getusersitepackages())
    return tuple(dict.fromkeys(Path(r).resolve() for r in roots if r))


_ROOTS = _library_roots()


def is_library_module(name: object) -> bool:
    """Whether the module ``name`` is library code (stdlib, site-packages, weaklabel).

    A loaded module is judged by where its files are; one without a file counts as the user's
    (``__main__`` in a notebook, a module made with ``types.ModuleType``) unless the standard
    library names it; a module not loaded yet is library code when the standard library names it.
    """
    if not isinstance(name, str) or not name:
        return False
    known = _KNOWN.get(name)
    if known is not None:
        return known
    root = name.partition(".")[0]
    module = sys.modules.get(name)
    files = [getattr(module, "__file__", None), *getattr(module, "__path__", [])]
    places = [Path(f).resolve() for f in files if isinstance(f, str)]
    if root == "weaklabel" or root in sys.builtin_module_names:
        library = True
    elif places:  # loaded from files: library code when they are all in a library folder
        library = all(any(p.is_relative_to(r) for r in _ROOTS) for p in places)
    elif module is not None:  # loaded, without a file: frozen stdlib, or made at run time
        library = root in sys.stdlib_module_names
    else:  # not loaded (yet): decide later
        return root in sys.stdlib_module_names
    _KNOWN[name] = library
    return library


def library_object(value: Any) -> str | None:
    """``module.qualname`` when ``value`` is a library function or class found by that name."""
    try:
        module = getattr(value, "__module__", None)
        qualname = getattr(value, "__qualname__", None)
        if not isinstance(qualname, str) or not is_library_module(module):
            return None
        target: Any = sys.modules.get(str(module))
        for attr in qualname.split("."):
            target = getattr(target, attr, None)
    except Exception:  # an object whose attributes misbehave: not a named library object
        return None
    return f"{module}.{qualname}" if target is value else None


def module_file(module: ModuleType | None, *, installed: bool = False) -> Path | None:
    """The file of the user's module (None for library modules and modules without one); with
    ``installed``, that of an installed module too (not weaklabel's)."""
    if module is None or module.__name__.partition(".")[0] == "weaklabel":
        return None
    if not installed and is_library_module(module.__name__):
        return None
    file = getattr(module, "__file__", None)
    return Path(file) if isinstance(file, str) else None


def source_digest(module: ModuleType) -> str:
    """The digest of a user module's source text ("" when it has no readable file)."""
    path = module_file(module)
    if path is None:
        return ""
    try:
        return digest(path.read_bytes())
    except OSError:
        return "unreadable"
