"""Labeling functions: heuristics that vote for a class, or abstain, on each example.

A labeling function (LF) votes for a class index or ``ABSTAIN``. A *row* LF looks at one example
(``x.text``); a *vectorized* LF looks at a whole chunk of rows (a pandas DataFrame) and returns one
vote per row, with no Python code per row. LFs may list preprocessors
(:mod:`weaklabel._lfs.preprocessor`) whose fields they read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, overload

import pandas as pd

from weaklabel._lfs.example import Example, make_example
from weaklabel._lfs.preprocessor import Preprocessor, check_name
from weaklabel.exceptions import ParameterError

__all__ = ["LabelingFunction", "check_lfs", "labeling_function"]


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
        self.name = check_name(name or getattr(func, "__name__", ""), "LabelingFunction")
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


def check_lfs(lfs: Any, *, owner: str) -> list[LabelingFunction]:
    """Check ``lfs`` is a non-empty sequence of LabelingFunctions with unique names."""
    if isinstance(lfs, LabelingFunction):
        lfs = [lfs]
    if not isinstance(lfs, Iterable) or isinstance(lfs, str | bytes | Mapping):
        raise ParameterError(
            f"The 'lfs' parameter of {owner} must be a list of labeling functions. "
            f"Got {type(lfs).__name__} instead."
        )
    lfs = list(lfs)
    if not lfs:
        raise ParameterError(
            f"The 'lfs' parameter of {owner} must hold at least one labeling function. Got an "
            "empty list; decorate your functions with @labeling_function and pass them in."
        )
    for lf in lfs:
        if not isinstance(lf, LabelingFunction):
            name = getattr(lf, "__name__", repr(lf))
            raise ParameterError(
                f"The 'lfs' parameter of {owner} must hold LabelingFunction objects. Got {name} "
                f"({type(lf).__name__}); decorate it with @labeling_function."
            )
    seen: dict[str, int] = {}
    for lf in lfs:
        seen[lf.name] = seen.get(lf.name, 0) + 1
    duplicated = [n for n, c in seen.items() if c > 1]
    if duplicated:
        raise ParameterError(
            f"Labeling function names must be unique; {', '.join(map(repr, duplicated))} "
            "appear(s) more than once. Rename one with @labeling_function(name=...)."
        )
    return lfs
