"""The example a labeling function receives: one row, with attribute access to its fields.

An example is a light named tuple made once per set of column names, so reading ``x.text`` costs
what reading a tuple field costs. Columns whose names are not Python identifiers are read with
``x["my column"]``. Reading a field the data lacks raises an ``AttributeError`` that names the
field and lists the available ones.
"""

from __future__ import annotations

import collections
import functools
import keyword
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["Example", "example_type", "iter_examples", "make_example"]


class Example(tuple):
    """Base class of every example type; see :func:`example_type`."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _names: tuple[str, ...] = ()
    _positions: dict[str, int] = {}  # noqa: RUF012 (set per subclass, never mutated)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails, so a present field costs nothing extra.
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"the example has no field {name!r}; available fields: {', '.join(self._names)}",
            name=name,
            obj=self,
        )

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._positions[key])
            except KeyError:
                raise KeyError(
                    f"the example has no field {key!r}; available fields: {', '.join(self._names)}"
                ) from None
        return tuple.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        """The field ``key``, or ``default`` when the example has no such field."""
        position = self._positions.get(key)
        return default if position is None else tuple.__getitem__(self, position)

    def keys(self) -> tuple[str, ...]:
        """Field names, in column order."""
        return self._names

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict."""
        return dict(zip(self._names, self, strict=True))

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in zip(self._names, self, strict=True))
        return f"Example({fields})"


def _attribute_name(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")


@functools.lru_cache(maxsize=256)
def example_type(names: tuple[str, ...]) -> type[Example]:
    """The example class for rows with the given field ``names`` (cached per tuple of names)."""
    fields = tuple(n if _attribute_name(n) else f"_{i}" for i, n in enumerate(names))
    base = collections.namedtuple("ExampleBase", fields, rename=True)  # type: ignore[misc]
    attributes = {
        "__slots__": (),
        "_names": names,
        "_positions": {n: i for i, n in enumerate(names)},
        # namedtuple's own methods would hide a missing-field message; fields stay reachable.
        "__getattr__": Example.__getattr__,
        "__getitem__": Example.__getitem__,
        "__repr__": Example.__repr__,
    }
    # Field properties come first in the MRO, so a column called "get" or "keys" wins over methods.
    return type("Example", (base, Example), attributes)


def make_example(fields: Mapping[str, Any] | Example) -> Example:
    """An example holding ``fields`` (a mapping, or an example returned as is)."""
    if isinstance(fields, Example):
        return fields
    names = tuple(str(k) for k in fields)
    return example_type(names)._make(fields.values())  # type: ignore[attr-defined]


def iter_examples(names: Sequence[str], columns: Iterable[Sequence[Any]]) -> Iterable[Example]:
    """Examples built from column-wise values (one sequence per field, all the same length)."""
    make = example_type(tuple(names))._make  # type: ignore[attr-defined]
    return map(make, zip(*columns, strict=True))
