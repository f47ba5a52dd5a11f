"""Labeling functions and the preprocessors they read from.

A labeling function (LF) votes for a class index or ``ABSTAIN``. A *row* LF looks at one example
(``x.text``); a *vectorized* LF looks at a whole chunk of rows (a pandas DataFrame) and returns one
vote per row, with no Python code per row. A preprocessor computes extra fields (a parsed
document, a cleaned text) once per row, however many LFs read them; a *batch* preprocessor does so
for a whole chunk at once (``nlp.pipe`` over the texts of a chunk).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, overload

import pandas as pd

from weaklabel._example import Example, make_example
from weaklabel.exceptions import ParameterError

__all__ = [
    "LabelingFunction",
    "Preprocessor",
    "labeling_function",
    "preprocessor",
]


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
        self.name = _check_name(name or getattr(func, "__name__", ""), "Preprocessor")
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


class LabelingFunction:
    """A heuristic that votes for a class, or abstains, on each example.

    Usually built with the :func:`labeling_function` decorator or a builder such as
    :func:`weaklabel.keyword_lf`.

    Parameters
    ----------
    func : callable
        Row LF: ``func(x, **resources) -> int``, a class index ``0 .. k-1`` or ``ABSTAIN`` (-1).
        Vectorized LF: ``func(frame, **resources) -> array-like of int``, one vote per row of the
        chunk ``frame`` (a pandas DataFrame).
    name : str, optional
        Unique name of the LF; defaults to ``func.__name__``.
    resources : mapping, optional
        Keyword arguments passed to every call.
    pre : iterable of Preprocessor, optional
        Preprocessors run, in order, before ``func``; their fields are then part of ``x`` (or
        columns of ``frame``).
    vectorized : bool
        Whether ``func`` takes a whole chunk of rows.
    description : str, optional
        What the LF does; defaults to the first line of ``func``'s docstring.

    Attributes
    ----------
    description : str
        One line on what the LF does ("" when unknown).
    """

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        resources: Mapping[str, Any] | None = None,
        pre: Iterable[Preprocessor] | None = None,
        vectorized: bool = False,
        description: str | None = None,
    ) -> None:
        if not callable(func):
            raise ParameterError(
                f"The 'func' parameter of LabelingFunction must be callable. Got {func!r} instead."
            )
        self.func = func
        self.name = _check_name(name or getattr(func, "__name__", ""), "LabelingFunction")
        self.resources = dict(resources or {})
        self.pre = tuple(pre or ())
        self.vectorized = bool(vectorized)
        for p in self.pre:
            if not isinstance(p, Preprocessor):
                raise ParameterError(
                    f"The 'pre' parameter of labeling function {self.name!r} must hold "
                    f"Preprocessor objects (decorate the function with @preprocessor). "
                    f"Got {p!r} instead."
                )
        functools.update_wrapper(self, func, assigned=("__module__", "__doc__"), updated=())
        doc = (getattr(func, "__doc__", None) or "").strip()
        self.description = description if description is not None else _first_line(doc)

    def vote(self, x: Example) -> Any:
        """Call a row LF on an example whose preprocessed fields are already present."""
        return self.func(x, **self.resources)

    def vote_batch(self, frame: pd.DataFrame) -> Any:
        """Call a vectorized LF on a chunk whose preprocessed columns are already present."""
        return self.func(frame, **self.resources)

    def __call__(self, x: Mapping[str, Any] | Example) -> Any:
        """The LF's vote on one example ``x`` (a mapping or an example), preprocessors included."""
        example = make_example(x)
        for p in self.pre:
            example = p(example)
        if self.vectorized:
            votes = self.vote_batch(pd.DataFrame([example.to_dict()]))
            return _scalar(next(iter(votes)))
        return self.vote(example)

    def __repr__(self) -> str:
        pre = f", pre={[p.name for p in self.pre]}" if self.pre else ""
        kind = ", vectorized=True" if self.vectorized else ""
        return f"LabelingFunction({self.name!r}{pre}{kind})"


def _first_line(doc: str) -> str:
    return doc.splitlines()[0].strip() if doc else ""


def _scalar(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _check_name(name: object, owner: str) -> str:
    if not isinstance(name, str) or not name or name == "<lambda>":
        raise ParameterError(
            f"The 'name' parameter of {owner} must be a non-empty string. Got {name!r} instead; "
            "pass name=... (a lambda has no usable name)."
        )
    return name


@overload
def labeling_function(func: Callable[..., Any], /) -> LabelingFunction: ...


@overload
def labeling_function(
    func: None = None,
    /,
    *,
    name: str | None = None,
    resources: Mapping[str, Any] | None = None,
    pre: Iterable[Preprocessor] | None = None,
    vectorized: bool = False,
) -> Callable[[Callable[..., Any]], LabelingFunction]: ...


def labeling_function(
    func: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    resources: Mapping[str, Any] | None = None,
    pre: Iterable[Preprocessor] | None = None,
    vectorized: bool = False,
) -> LabelingFunction | Callable[[Callable[..., Any]], LabelingFunction]:
    """Turn a function into a :class:`LabelingFunction`; works bare and called.

    With ``vectorized=True`` the function receives a chunk of rows (a pandas DataFrame) and returns
    one vote per row, e.g. with numpy or pandas string methods, so no Python code runs per row.

    Examples
    --------
    >>> import numpy as np
    >>> from weaklabel import ABSTAIN, labeling_function
    >>> SPAM = 1
    >>> @labeling_function
    ... def has_link(x):
    ...     "Links are a sign of spam."
    ...     return SPAM if "http" in x.text else ABSTAIN
    >>> @labeling_function(name="mentions_word", resources={"word": "subscribe"})
    ... def mentions(x, word):
    ...     return SPAM if word in x.text.lower() else ABSTAIN
    >>> @labeling_function(vectorized=True)
    ... def shouts(frame):
    ...     "Comments in capitals are spam."
    ...     return np.where(frame["text"].str.isupper(), SPAM, ABSTAIN)
    >>> has_link({"text": "see http://x.io"}), mentions({"text": "nice song"})
    (1, -1)
    >>> shouts({"text": "BUY NOW"})
    1
    >>> has_link.description
    'Links are a sign of spam.'
    """

    def decorate(f: Callable[..., Any]) -> LabelingFunction:
        return LabelingFunction(f, name=name, resources=resources, pre=pre, vectorized=vectorized)

    if func is not None:
        return decorate(func)
    return decorate


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
