"""Labeling functions and the preprocessors they read from.

A labeling function (LF) looks at one example and returns a class index or ``ABSTAIN``. A
preprocessor computes extra fields for an example (a parsed document, a cleaned text) once per row,
however many LFs read them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, overload

from weaklabel._example import Example, make_example
from weaklabel.exceptions import ParameterError

__all__ = [
    "LabelingFunction",
    "Preprocessor",
    "labeling_function",
    "preprocessor",
]


class Preprocessor:
    """A function that adds fields to an example.

    The function receives the example and returns a mapping of new field names to values; the
    labeling functions that list the preprocessor in ``pre`` then see those fields too.

    Parameters
    ----------
    func : callable
        ``func(x, **resources) -> Mapping[str, Any]``.
    name : str, optional
        Defaults to ``func.__name__``.
    resources : mapping, optional
        Keyword arguments passed to every call (a lexicon, a compiled pattern, a spaCy pipeline).

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
    ) -> None:
        self.func = func
        self.name = _check_name(name or getattr(func, "__name__", ""), "Preprocessor")
        self.resources = dict(resources or {})
        functools.update_wrapper(self, func, assigned=("__module__", "__doc__"), updated=())

    def fields(self, x: Example) -> Mapping[str, Any]:
        """The new fields for example ``x``; raises TypeError when ``func`` returns no mapping."""
        added = self.func(x, **self.resources)
        if not isinstance(added, Mapping):
            raise TypeError(
                f"preprocessor {self.name!r} returned {type(added).__name__}; a preprocessor "
                "returns a dict of the fields it adds, e.g. {'lower': x.text.lower()}"
            )
        return added

    def __call__(self, x: Mapping[str, Any] | Example) -> Example:
        """``x`` with this preprocessor's fields added (new fields override old ones)."""
        example = make_example(x)
        return make_example({**example.to_dict(), **self.fields(example)})

    def __repr__(self) -> str:
        return f"Preprocessor({self.name!r})"


class LabelingFunction:
    """A heuristic that votes for a class, or abstains, on one example.

    Usually built with the :func:`labeling_function` decorator.

    Parameters
    ----------
    func : callable
        ``func(x, **resources) -> int``: a class index ``0 .. k-1`` or ``ABSTAIN`` (-1).
    name : str, optional
        Unique name of the LF; defaults to ``func.__name__``.
    resources : mapping, optional
        Keyword arguments passed to every call.
    pre : iterable of Preprocessor, optional
        Preprocessors run, in order, before ``func``; ``x`` then carries their fields.

    Attributes
    ----------
    description : str
        First line of the function's docstring ("" when it has none).
    """

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        resources: Mapping[str, Any] | None = None,
        pre: Iterable[Preprocessor] | None = None,
    ) -> None:
        if not callable(func):
            raise ParameterError(
                f"The 'func' parameter of LabelingFunction must be callable. Got {func!r} instead."
            )
        self.func = func
        self.name = _check_name(name or getattr(func, "__name__", ""), "LabelingFunction")
        self.resources = dict(resources or {})
        self.pre = tuple(pre or ())
        for p in self.pre:
            if not isinstance(p, Preprocessor):
                raise ParameterError(
                    f"The 'pre' parameter of labeling function {self.name!r} must hold "
                    f"Preprocessor objects (decorate the function with @preprocessor). "
                    f"Got {p!r} instead."
                )
        functools.update_wrapper(self, func, assigned=("__module__", "__doc__"), updated=())
        doc = (getattr(func, "__doc__", None) or "").strip()
        self.description = doc.splitlines()[0].strip() if doc else ""

    def vote(self, x: Example) -> Any:
        """Call the function on an example whose preprocessed fields are already present."""
        return self.func(x, **self.resources)

    def __call__(self, x: Mapping[str, Any] | Example) -> Any:
        """The LF's vote on ``x`` (a mapping or an example), after running its preprocessors."""
        example = make_example(x)
        for p in self.pre:
            example = p(example)
        return self.vote(example)

    def __repr__(self) -> str:
        pre = f", pre={[p.name for p in self.pre]}" if self.pre else ""
        return f"LabelingFunction({self.name!r}{pre})"


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
) -> Callable[[Callable[..., Any]], LabelingFunction]: ...


def labeling_function(
    func: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    resources: Mapping[str, Any] | None = None,
    pre: Iterable[Preprocessor] | None = None,
) -> LabelingFunction | Callable[[Callable[..., Any]], LabelingFunction]:
    """Turn a function into a :class:`LabelingFunction`; works bare and called.

    Examples
    --------
    >>> from weaklabel import ABSTAIN, labeling_function
    >>> SPAM = 1
    >>> @labeling_function
    ... def has_link(x):
    ...     "Links are a sign of spam."
    ...     return SPAM if "http" in x.text else ABSTAIN
    >>> @labeling_function(name="mentions_word", resources={"word": "subscribe"})
    ... def mentions(x, word):
    ...     return SPAM if word in x.text.lower() else ABSTAIN
    >>> has_link({"text": "see http://x.io"}), mentions({"text": "nice song"})
    (1, -1)
    >>> has_link.description
    'Links are a sign of spam.'
    """

    def decorate(f: Callable[..., Any]) -> LabelingFunction:
        return LabelingFunction(f, name=name, resources=resources, pre=pre)

    if func is not None:
        return decorate(func)
    return decorate


@overload
def preprocessor(func: Callable[..., Mapping[str, Any]], /) -> Preprocessor: ...


@overload
def preprocessor(
    func: None = None, /, *, name: str | None = None, resources: Mapping[str, Any] | None = None
) -> Callable[[Callable[..., Mapping[str, Any]]], Preprocessor]: ...


def preprocessor(
    func: Callable[..., Mapping[str, Any]] | None = None,
    /,
    *,
    name: str | None = None,
    resources: Mapping[str, Any] | None = None,
) -> Preprocessor | Callable[[Callable[..., Mapping[str, Any]]], Preprocessor]:
    """Turn a function returning new fields into a :class:`Preprocessor`; works bare and called."""

    def decorate(f: Callable[..., Mapping[str, Any]]) -> Preprocessor:
        return Preprocessor(f, name=name, resources=resources)

    if func is not None:
        return decorate(func)
    return decorate
