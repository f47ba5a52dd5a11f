"""Tokens of values: short strings, the same in every process while a value stays the same.

:class:`Fingerprinter` turns a value into a token (a digest, or the value itself for small
scalars) and follows what a function reaches:

- a function: its code (nested code objects included), default arguments, closure cells,
  attributes (``__wrapped__``) and every global its code loads (``LOAD_GLOBAL``, and the attribute
  chain after it followed through the user's modules: ``helpers.clean``), recursively;
- the user's class: its bases, methods and class attributes; the user's object: its class and its
  ``__dict__`` and slots; a dataclass instance: its class and fields;
- a module: its name and, for the user's file, the digest of its source text;
- plain data (numbers, strings, bytes, containers, numpy arrays, pandas objects, compiled regexes):
  a digest of a canonical form (sets sorted, so the hash seed does not matter);
- library code (:mod:`weaklabel._apply.origin`): its qualified name; a library object: the value
  its pickle protocol describes; a spaCy pipeline:
  :func:`~weaklabel._lfs.doc_cache.pipeline_identity`.

A value with no stable identity (an open file, a socket, a generator, an object that cannot be
pickled) or too large to walk raises :class:`Unfingerprintable`. A cycle ends in a marker, and
what was walked through a cycle is not memoized, so a shared helper always carries all below it.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import json
import math
import re
import sys
import types
from itertools import islice
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._apply.origin import is_library_module, library_object, source_digest
from weaklabel._apply.reach import reached_globals
from weaklabel._core.digest import digest, json_bytes
from weaklabel._lfs import spacy_parse
from weaklabel._lfs.doc_cache import pipeline_identity

__all__ = ["MAX_BYTES", "MAX_ITEMS", "Fingerprinter", "Unfingerprintable"]

#: values walked, and bytes digested, for one part of an LF before it counts as too large
MAX_ITEMS = 1_000_000
MAX_BYTES = 1 << 30
#: at most this many globals read by helpers are named per LF
_MAX_READS = 64
_SHORT = 64
#: class attributes that do not decide what the class does
_SKIPPED_NAMES = (
    "__dict__ __weakref__ __module__ __doc__ __qualname__ __firstlineno__ __static_attributes__ "
    "__annotations__ __annotate__ __orig_bases__ __parameters__ _abc_impl"
)
_SKIPPED = frozenset(_SKIPPED_NAMES.split())
_GENERATORS = (types.GeneratorType, types.CoroutineType, types.AsyncGeneratorType)
_DESCRIPTORS = (
    types.MethodDescriptorType,
    types.WrapperDescriptorType,
    types.ClassMethodDescriptorType,
    types.GetSetDescriptorType,
    types.MemberDescriptorType,
)
_CONTAINERS = (tuple, list, set, frozenset, dict)
#: the value of an instance of the user's subclass of one of these is part of it
_VALUES = (str, bytes, bool, int, float, complex)


class Unfingerprintable(Exception):
    """A value with no stable identity: its type, why, and the path that leads to it."""

    def __init__(self, type_name: str, reason: str, path: tuple[str, ...] = ()) -> None:
        super().__init__(type_name, reason)
        self.type_name = type_name
        self.reason = reason
        self.path = list(path)


class Fingerprinter:
    """Tokens of values; shared values are walked once (one instance per ``apply_lfs`` call)."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, str, dict[str, str]]] = {}
        self._failed: dict[int, tuple[Any, Unfingerprintable]] = {}
        self._active: dict[int, int] = {}  # id -> depth, of the values being walked
        self._taint = math.inf  # the shallowest active value that a cycle led back to
        self._reads: list[dict[str, str]] = []
        self._walked = self._size = 0

    def part(self, value: Any, reads: dict[str, str]) -> str:
        """The token of ``value``, one part of an LF; the globals its helpers read go to
        ``reads`` (``"global 'WORDS' (read by clean)"``)."""
        self._walked = self._size = 0
        self._taint = math.inf
        self._reads = [reads]
        try:
            return self.token(value)
        finally:
            self._reads = []

    def token(self, value: Any) -> str:
        """The token of ``value``; raises :class:`Unfingerprintable`."""
        scalar = _scalar(value)
        if scalar is not None:
            return scalar
        key = id(value)
        if key in self._memo:
            self._note(self._memo[key][2])
            return self._memo[key][1]
        if key in self._failed:
            failed = self._failed[key][1]
            raise Unfingerprintable(failed.type_name, failed.reason, tuple(failed.path))
        depth = self._active.get(key)
        if depth is not None:  # a cycle: what was walked since ``depth`` depends on it
            self._taint = min(self._taint, depth)
            return "cycle:" + str(getattr(value, "__qualname__", type(value).__qualname__))
        self._count(1, 0)
        depth = self._active[key] = len(self._active)
        self._reads.append({})
        try:
            token = self._walk(value)
        except Unfingerprintable as exc:
            if depth <= self._taint:  # a copy: the path grows as ``exc`` rises
                copy = Unfingerprintable(exc.type_name, exc.reason, tuple(exc.path))
                self._failed[key] = (value, copy)
            raise
        finally:
            reads = self._reads.pop()
            del self._active[key]
        if depth <= self._taint:
            self._memo[key] = (value, token, reads)
            self._taint = math.inf
        self._note(reads)
        return token

    def function_items(
        self, func: types.FunctionType, *, full: bool = False
    ) -> list[tuple[str, Any]]:
        """What decides a function's behaviour, named: code, defaults, closure, globals (not the
        code and globals of a library function, unless ``full``)."""
        code = func.__code__
        library = not full and is_library_module(func.__module__)
        items: list[tuple[str, Any]] = [] if library else [("code", code)]
        defaults = func.__defaults__ or ()
        positional = code.co_varnames[: code.co_argcount]
        names = positional[len(positional) - len(defaults) :]
        items += [(f"default argument {n!r}", v) for n, v in zip(names, defaults, strict=True)]
        items += [(f"default argument {n!r}", v) for n, v in (func.__kwdefaults__ or {}).items()]
        for name, cell in zip(code.co_freevars, func.__closure__ or (), strict=True):
            try:
                items.append((f"closure variable {name!r}", cell.cell_contents))
            except ValueError:  # an empty cell: not bound yet
                items.append((f"closure variable {name!r}", None))
        if library:  # named; only what a library decorator wraps is the user's
            return [*items, ("attribute '__wrapped__'", getattr(func, "__wrapped__", None))]
        items += [(f"attribute {n!r}", v) for n, v in sorted(vars(func).items())]
        return items + [(f"global {path!r}", value) for path, value in reached_globals(func)]

    def object_items(self, value: Any) -> list[tuple[str, Any]] | None:
        """The class and fields (or attributes) of a dataclass or of the user's object."""
        cls = type(value)
        library = is_library_module(getattr(cls, "__module__", None))
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            # weaklabel's rules mark the fields derived from others (a spaCy matcher built from
            # its patterns) repr=False; every field of the user's dataclass counts
            fields = [f for f in dataclasses.fields(value) if f.repr or not library]
            return [("class", cls)] + [
                (f"field {f.name!r}", getattr(value, f.name, None)) for f in fields
            ]
        if library:
            return None
        state = dict(getattr(value, "__dict__", {}))
        for klass in cls.__mro__:
            slots = vars(klass).get("__slots__", ())
            for slot in [slots] if isinstance(slots, str) else slots:
                if slot not in ("__dict__", "__weakref__") and hasattr(value, slot):
                    state[slot] = getattr(value, slot)
        ordered = sorted(state.items(), key=lambda kv: str(kv[0]))
        items = [("class", cls)] + [(f"attribute {k!r}", v) for k, v in ordered]
        base = next((t for t in _VALUES if isinstance(value, t)), None)
        return items if base is None else [*items, ("value", base(value))]

    # -- kinds of values ---------------------------------------------------------------------

    def _walk(self, value: Any) -> str:  # one dispatch over the kinds of values
        if isinstance(value, (*_CONTAINERS, types.MappingProxyType)):
            return self._container(value)
        if isinstance(value, types.CodeType):
            consts = [self.token(c) for c in value.co_consts]
            shape = [value.co_argcount, value.co_posonlyargcount, value.co_kwonlyargcount]
            names = [value.co_names, value.co_varnames, value.co_freevars, value.co_cellvars]
            body = [value.co_code.hex(), consts, shape, value.co_flags, names]
            return "K" + digest(json_bytes(body))
        if isinstance(value, types.ModuleType):
            if is_library_module(value.__name__):
                return "M:" + value.__name__
            return self._digest("module", value.__name__, source_digest(value))
        if isinstance(value, re.Pattern):
            return self._digest("re", value.pattern, value.flags)
        if isinstance(value, np.ndarray | np.generic):
            return self._array(np.asarray(value))
        if isinstance(value, pd.DataFrame | pd.Series | pd.Index):
            return self._pandas(value)
        named = library_object(value)
        if named is not None:
            return "L:" + named
        if isinstance(value, types.FunctionType):
            return self._items("function", self.function_items(value), reader=value.__qualname__)
        if isinstance(value, type):
            return self._class(value)
        if isinstance(value, types.MethodType):
            return self._items("method", [("self", value.__self__), ("func", value.__func__)])
        if isinstance(value, types.BuiltinFunctionType | types.MethodWrapperType):
            return self._items("builtin", [("name", value.__name__), ("self", value.__self__)])
        if isinstance(value, _DESCRIPTORS):
            return self._digest("descriptor", value.__objclass__.__qualname__, value.__name__)
        if isinstance(value, staticmethod | classmethod):
            return self._items("wrapper", [("func", value.__func__)])
        if isinstance(value, property):
            return self._items("property", [("get", value.fget), ("set", value.fset)])
        if isinstance(value, spacy_parse._Parse):  # the parse: its pipeline and its column
            return self._digest("spacy", pipeline_identity(value.nlp), value.column, value.field)
        language = sys.modules.get("spacy.language")
        if language is not None and isinstance(value, language.Language):
            return self._digest("nlp", pipeline_identity(value))
        if isinstance(value, enum.Enum):
            return self._items("enum", [("class", type(value)), ("name", value.name)])
        _refuse_handles(value)
        items = self.object_items(value)
        if items is None:
            return self._reduced(value)
        return self._items("object", [(_attr(label), v) for label, v in items])

    def _class(self, cls: type) -> str:
        if is_library_module(cls.__module__):
            return f"C:{cls.__module__}.{cls.__qualname__}"
        items: list[tuple[str, Any]] = [("name", cls.__qualname__)]
        items += [(f"base {i}", base) for i, base in enumerate(cls.__bases__)]
        attrs = sorted((k, v) for k, v in vars(cls).items() if k not in _SKIPPED)
        return self._items("class", items + [(f".{k}", v) for k, v in attrs])

    def _reduced(self, value: Any) -> str:
        """A library object: the value its pickle protocol describes."""
        try:
            reduced = value.__reduce_ex__(4)
        except Exception as exc:
            raise Unfingerprintable(
                type(value).__name__, f"it cannot be pickled ({exc}), so it has no value to compare"
            ) from None
        if isinstance(reduced, str):  # a module-level singleton, by name
            return self._digest("global", type(value).__module__, reduced)
        parts = [*reduced, None, None, None][:5]
        listed = [None if it is None else list(islice(it, MAX_ITEMS + 1)) for it in parts[3:]]
        items = [("class", type(value)), ("args", parts[1]), ("state", parts[2])]
        return self._items("reduced", [*items, ("items", listed[0]), ("pairs", listed[1])])

    def _container(self, value: Any) -> str:
        kind = type(value).__name__
        extra: list[Any] = []
        if type(value) not in _CONTAINERS:  # a subclass: its class and attributes too
            factory = getattr(value, "default_factory", None)
            extra = [
                self.token(v) for v in (type(value), getattr(value, "__dict__", None), factory)
            ]
        self._count(len(value), 0)
        if isinstance(value, dict | types.MappingProxyType):
            pairs = []
            for key, item in value.items():
                try:
                    pairs.append(
                        [_scalar(key) or self.token(key), _scalar(item) or self.token(item)]
                    )
                except Unfingerprintable as exc:
                    exc.path.insert(0, f"[{_short(key)}]")
                    raise
            return self._digest(kind, pairs, extra)
        unordered = isinstance(value, set | frozenset)
        if all(type(v) is str for v in value):  # a lexicon: one C-speed pass
            strings = sorted(value) if unordered else list(value)
            self._count(0, sum(map(len, strings)))
            return self._digest(kind, digest(json.dumps(strings).encode("utf-8")), extra)
        tokens = []
        for i, item in enumerate(value):
            try:
                tokens.append(_scalar(item) or self.token(item))
            except Unfingerprintable as exc:
                exc.path.insert(0, "[...]" if unordered else f"[{i}]")
                raise
        return self._digest(kind, sorted(tokens) if unordered else tokens, extra)

    def _array(self, array: np.ndarray) -> str:
        if array.dtype.hasobject:
            return self._digest("ndarray", array.shape, self.token(array.tolist()))
        self._count(0, array.nbytes)
        data = digest(np.ascontiguousarray(array).tobytes())
        return self._digest("ndarray", array.dtype.str, str(array.dtype), array.shape, data)

    def _pandas(self, value: Any) -> str:
        self._count(0, int(np.sum(value.memory_usage(deep=False))))
        try:
            data = digest(pd.util.hash_pandas_object(value).to_numpy().tobytes())
        except TypeError:  # unhashable cells (lists): walk them
            data = self.token(value.to_numpy().tolist())
        if isinstance(value, pd.DataFrame):
            labels, dtypes = list(value.columns), [str(d) for d in value.dtypes]
        else:
            labels, dtypes = [value.name], [str(value.dtype)]
        return self._digest(type(value).__name__, value.shape, self.token(labels), dtypes, data)

    # -- helpers -----------------------------------------------------------------------------

    def _items(self, kind: str, items: list[tuple[str, Any]], reader: str | None = None) -> str:
        tokens = []
        for label, value in items:
            try:
                token = self.token(value)
            except Unfingerprintable as exc:
                if label.startswith("."):
                    exc.path.insert(0, label)
                elif reader is not None:
                    exc.path.insert(0, f" → {_named(label)}")
                raise
            tokens.append([label, token])
            if reader is not None and label.startswith("global "):
                self._note({f"{label} (read by {reader})": token})
        return self._digest(kind, tokens)

    def _digest(self, kind: str, *parts: Any) -> str:
        return kind[0].upper() + digest(json_bytes([kind, *parts]))

    def _note(self, reads: dict[str, str]) -> None:
        if self._reads and reads:
            into = self._reads[-1]
            for label, token in reads.items():
                if len(into) < _MAX_READS:
                    into.setdefault(label, token)

    def _count(self, items: int, size: int) -> None:
        self._walked += items
        self._size += size
        if self._walked > MAX_ITEMS or self._size > MAX_BYTES:
            raise Unfingerprintable(
                "value",
                f"it is too large to fingerprint (over {MAX_ITEMS:,} values or "
                f"{MAX_BYTES >> 20:,} MiB)",
            )


def _scalar(value: Any) -> str | None:
    """The token of a scalar (None for anything else)."""
    kind = type(value)
    if value is None or value is Ellipsis or kind is bool:
        return repr(value)
    if kind is int:
        return "i" + hex(value)
    if kind is float:
        return "f" + value.hex()
    if kind is str:
        if len(value) <= _SHORT:
            return "s" + value
        return "S" + digest(b"\0" + value.encode("utf-8", "surrogatepass"))  # not JSON
    if kind is bytes or kind is bytearray:
        return "y" + digest(bytes(value))
    if kind is complex:
        return f"c{value.real.hex()},{value.imag.hex()}"
    return None


def _refuse_handles(value: Any) -> None:
    """Raise for values whose state lives outside them: files, sockets, generators."""
    reason = None
    if isinstance(value, io.IOBase):
        reason = "it is an open file or stream, whose contents are not part of the value"
    elif isinstance(value, _GENERATORS):
        reason = "it is a generator, whose position changes as it runs"
    elif "socket" in sys.modules and isinstance(value, sys.modules["socket"].socket):
        reason = "it is a network socket"
    if reason is not None:
        raise Unfingerprintable(type(value).__name__, reason)


def _named(label: str) -> str:
    """``WORDS`` from ``global 'WORDS'``; other labels as they are."""
    found = re.fullmatch(r"global '(.*)'", label)
    return found.group(1) if found else label


def _attr(label: str) -> str:
    """``.name`` from ``field 'name'`` / ``attribute 'name'`` (a path segment); "class" stays."""
    found = re.fullmatch(r"(?:field|attribute) '(.*)'", label)
    return "." + found.group(1) if found else label


def _short(key: Any) -> str:
    text = repr(key)
    return text if len(text) <= 40 else text[:37] + "..."
