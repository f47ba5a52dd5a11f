"""What a function's code reaches: the globals it loads, read from its bytecode.

Each ``LOAD_GLOBAL name`` counts, with the attribute loads right after it followed through the
user's modules (``helpers.clean`` is the function ``clean`` of the user's module ``helpers``; a
library module such as ``np`` stops the chain, as library code is named, not followed). Imports
inside the function (``import helpers``, ``from helpers import clean``) count too, when the module
is loaded. Code objects nested in the function (lambdas, comprehensions, inner functions) are read
as well; builtins and names not defined (yet) are nothing of the user's and are left out.
"""

from __future__ import annotations

import dis
import functools
import sys
import types
from typing import Any

from weaklabel._apply.origin import is_library_module

__all__ = ["code_chains", "reached_globals"]

_ATTRS = frozenset({"LOAD_ATTR", "LOAD_METHOD"})
#: the instructions between the names of ``from module import a, b``
_BINDS = frozenset({"STORE_FAST", "STORE_NAME", "STORE_GLOBAL", "STORE_DEREF", "IMPORT_FROM"})


def reached_globals(func: types.FunctionType) -> list[tuple[str, Any]]:
    """The globals ``func`` loads, as ``(path, value)``: ``("PATTERN", re.compile(...))``,
    ``("helpers.clean", <function clean>)``."""
    found: dict[str, Any] = {}
    namespace = func.__globals__
    for chain in code_chains(func.__code__):
        if chain[0] == "import":  # ``import m`` / ``from m import a`` inside the function
            value, path, rest = sys.modules.get(chain[1]), chain[1], chain[2:]
            if value is None:
                continue
        elif chain[0] in namespace:
            value, path, rest = namespace[chain[0]], chain[0], chain[1:]
        else:
            continue
        for attr in rest:
            if not isinstance(value, types.ModuleType) or is_library_module(value.__name__):
                break
            if not hasattr(value, attr):
                break
            value, path = getattr(value, attr), f"{path}.{attr}"
        found.setdefault(path, value)
    return list(found.items())


@functools.lru_cache(maxsize=4096)
def code_chains(code: types.CodeType) -> tuple[tuple[str, ...], ...]:
    """Each ``LOAD_GLOBAL x`` with the attribute loads that follow it (``("x", "a", "b")``), and
    each import (``("import", "m")``, ``("import", "m", "a")``), in ``code`` and the code objects
    nested in it. Equal code objects read alike, so the cache is keyed on the code's value."""
    chains: list[list[str]] = []
    chain: list[str] | None = None
    module: str | None = None  # while binding the names of ``from module import a, b``
    for ins in dis.get_instructions(code):
        op = ins.opname
        if op == "IMPORT_FROM" and module is not None:
            chains.append(["import", module, ins.argval])
        if op in _ATTRS and chain is not None:
            chain.append(ins.argval)
            continue
        chain = None
        if op not in _BINDS:
            module = None
        if op in ("LOAD_GLOBAL", "LOAD_NAME"):
            chain = [ins.argval]
            chains.append(chain)
        elif op == "IMPORT_NAME":
            module = ins.argval
            chains.append(["import", module])
    nested = [
        c
        for const in code.co_consts
        if isinstance(const, types.CodeType)
        for c in code_chains(const)
    ]
    return tuple(tuple(c) for c in chains) + tuple(nested)
