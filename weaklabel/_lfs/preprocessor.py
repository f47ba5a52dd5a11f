"""Preprocessors: functions that add fields to the examples, once per row or once per chunk.

A preprocessor computes extra fields (a parsed document, a cleaned text) once per row, however many
LFs read them; a *batch* preprocessor does so for a whole chunk at once (``nlp.pipe`` over the
texts of a chunk).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, overload

import pandas as pd

from weaklabel._lfs.example import Example, make_example
from weaklabel.exceptions import ParameterError

__all__ = ["Preprocessor", "check_name", "preprocessor"]


class Preprocessor:
    """A function that adds fields to the examples.

    A row preprocessor receives one example and returns a mapping of new field names to values. A
    batch preprocessor (``batch=True``) receives a chunk of rows as a pandas DataFrame and returns a
    mapping of new field names to sequences with one value per row. The labeling functions that
    list the preprocessor in ``pre`` then see those fields too (``x.doc`` for a row LF, a ``doc``
    column for a vectorized one).

    Parameters
    ----------
    func : callable
        ``func(x, **resources) -> Mapping[str, Any]`` (row), or
        ``func(frame, **resources) -> Mapping[str, Sequence]`` (batch).
    name : str, optional
        Defaults to ``func.__name__``.
    resources : mapping, optional
        Keyword arguments passed to every call (a lexicon, a compiled pattern, a spaCy pipeline).
    batch : bool
        Whether ``func`` takes a whole chunk.

    Examples
    --------
    >>> from weaklabel import preprocessor
    >>> @preprocessor
    ... def lower(x):
    ...     return {"lower": x.text.lower()}
    >>> lower({"text": "Hi THERE"}).lower
    'hi there'
    """

    def __init__(
        self,
        func: Callable[..., Mapping[str, Any]],
        *,
        name: str | None = None,
        resources: Mapping[str, Any] | None = None,
        batch: bool = False,
    ) -> None:
        self.func = func
        self.name = check_name(name or getattr(func, "__name__", ""), "Preprocessor")
        self.resources = dict(resources or {})
        self.batch = bool(batch)
        functools.update_wrapper(self, func, assigned=("__module__", "__doc__"), updated=())

    def fields(self, x: Example) -> Mapping[str, Any]:
        """The new fields for example ``x`` (row preprocessors)."""
        added = self.func(x, **self.resources)
        if not isinstance(added, Mapping):
            raise TypeError(
                f"preprocessor {self.name!r} returned {type(added).__name__}; a preprocessor "
                "returns a dict of the fields it adds, e.g. {'lower': x.text.lower()}"
            )
        return added

    def columns(self, frame: pd.DataFrame) -> dict[str, list[Any]]:
        """The new columns for a chunk of rows: one list per field, one value per row."""
        if not self.batch:
            examples = [
                make_example({str(k): v for k, v in r.items()}) for r in frame.to_dict("records")
            ]
            rows = [self.fields(x) for x in examples]
            names = list(dict.fromkeys(name for row in rows for name in row))
            return {name: [row.get(name) for row in rows] for name in names}
        added = self.func(frame, **self.resources)
        if not isinstance(added, Mapping):
            raise TypeError(
                f"batch preprocessor {self.name!r} returned {type(added).__name__}; it returns a "
                "dict of new columns, each with one value per row of the chunk"
            )
        out = {}
        for name, values in added.items():
            values = list(values)
            if len(values) != len(frame):
                raise TypeError(
                    f"batch preprocessor {self.name!r} returned {len(values)} values for field "
                    f"{name!r} on a chunk of {len(frame)} rows; return one value per row"
                )
            out[str(name)] = values
        return out

    def __call__(self, x: Mapping[str, Any] | Example) -> Example:
        """``x`` with this preprocessor's fields added (new fields override old ones)."""
        example = make_example(x)
        if self.batch:
            added = {k: v[0] for k, v in self.columns(pd.DataFrame([example.to_dict()])).items()}
        else:
            added = dict(self.fields(example))
        return make_example({**example.to_dict(), **added})

    def __repr__(self) -> str:
        kind = ", batch=True" if self.batch else ""
        return f"Preprocessor({self.name!r}{kind})"


def check_name(name: object, owner: str) -> str:
    if not isinstance(name, str) or not name or name == "<lambda>":
        raise ParameterError(
            f"The 'name' parameter of {owner} must be a non-empty string. Got {name!r} instead; "
            "pass name=... (a lambda has no usable name)."
        )
    return name


@overload
def preprocessor(func: Callable[..., Mapping[str, Any]], /) -> Preprocessor: ...


@overload
def preprocessor(
    func: None = None,
    /,
    *,
    name: str | None = None,
    resources: Mapping[str, Any] | None = None,
    batch: bool = False,
) -> Callable[[Callable[..., Mapping[str, Any]]], Preprocessor]: ...


def preprocessor(
    func: Callable[..., Mapping[str, Any]] | None = None,
    /,
    *,
    name: str | None = None,
    resources: Mapping[str, Any] | None = None,
    batch: bool = False,
) -> Preprocessor | Callable[[Callable[..., Mapping[str, Any]]], Preprocessor]:
    """Turn a function returning new fields into a :class:`Preprocessor`; works bare and called."""

    def decorate(f: Callable[..., Mapping[str, Any]]) -> Preprocessor:
        return Preprocessor(f, name=name, resources=resources, batch=batch)

    if func is not None:
        return decorate(func)
    return decorate
