"""Names of LFs and classes: the defaults, and the checks of names users give.

LFs without names are ``lf_0, lf_1, ...``; classes without names are ``"0", "1", ...``.
"""

from __future__ import annotations

from collections.abc import Sequence

from weaklabel._core.params import check_int
from weaklabel._votes.encoding import check_cardinality
from weaklabel.exceptions import ParameterError

__all__ = [
    "class_names_or_default",
    "default_class_names",
    "default_lf_names",
    "is_default_lf_names",
    "resolve_classes",
    "resolve_lf_names",
    "check_class_names",
]


def default_lf_names(n_lfs: int) -> tuple[str, ...]:
    """``("lf_0", "lf_1", ...)``."""
    return tuple(f"lf_{j}" for j in range(n_lfs))


def is_default_lf_names(names: Sequence[str]) -> bool:
    """Whether ``names`` are the default LF names (nobody named the LFs)."""
    return tuple(names) == default_lf_names(len(names))


def default_class_names(cardinality: int) -> tuple[str, ...]:
    """``("0", "1", ...)``: class indices as names, for classes nobody named."""
    return tuple(str(c) for c in range(cardinality))


def class_names_or_default(names: Sequence[str] | None, cardinality: int) -> tuple[str, ...]:
    """``names`` when known, else :func:`default_class_names`."""
    return tuple(names) if names else default_class_names(cardinality)


def resolve_lf_names(lf_names: Sequence[str] | None, n_lfs: int | None) -> tuple[str, ...]:
    """Unique non-empty LF names; the defaults when only their number is known."""
    if lf_names is None:
        if n_lfs is None:
            raise ParameterError("VoteMatrix needs either 'lf_names' or 'n_lfs'.")
        return default_lf_names(check_int("n_lfs", n_lfs, owner="VoteMatrix", minimum=0))
    names = tuple(lf_names)
    not_str = [n for n in names if not isinstance(n, str) or not n]
    if not_str:
        raise ParameterError(
            f"The 'lf_names' parameter must hold non-empty strings. Got {not_str[0]!r} instead."
        )
    if n_lfs is not None and len(names) != n_lfs:
        raise ParameterError(
            f"The 'lf_names' parameter must hold one name per LF ({n_lfs}). Got {len(names)} names."
        )
    seen: set[str] = set()
    duplicates = sorted({n for n in names if n in seen or seen.add(n)})  # type: ignore[func-returns-value]
    if duplicates:
        raise ParameterError(
            f"LF names must be unique; {', '.join(map(repr, duplicates))} appear(s) more than "
            "once. Give each labeling function its own name."
        )
    return names


def check_class_names(
    class_names: Sequence[str] | None, cardinality: int
) -> tuple[str, ...] | None:
    """``class_names`` as a tuple of ``cardinality`` distinct non-empty strings (or None)."""
    if class_names is None:
        return None
    names = tuple(str(c) for c in class_names)
    if len(names) != cardinality or len(set(names)) != len(names) or not all(names):
        raise ParameterError(
            f"The 'class_names' parameter must hold {cardinality} distinct non-empty names, one "
            f"per class. Got {list(names)} instead."
        )
    return names


def resolve_classes(
    cardinality: int | None, classes: Sequence[str] | None, *, owner: str
) -> tuple[int | None, tuple[str, ...] | None]:
    """The number of classes and their names from ``cardinality`` and/or ``classes``.

    Examples
    --------
    >>> from weaklabel._votes.names import resolve_classes
    >>> resolve_classes(None, ["ham", "spam"], owner="apply_lfs")
    (2, ('ham', 'spam'))
    >>> resolve_classes(None, ["a", "", "b"], owner="apply_lfs")
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.ParameterError: The 'classes' parameter of apply_lfs must hold at least two
    distinct, non-empty names. Got ['a', '', 'b'] instead.
    """
    names: tuple[str, ...] | None = None
    if classes is not None:
        if isinstance(classes, str):
            raise ParameterError(
                f"The 'classes' parameter of {owner} must be a list of class names. Got the "
                f"string {classes!r}; use {classes.split(',')!r}."
            )
        names = tuple(str(c) for c in classes)
        if len(names) < 2 or len(set(names)) != len(names) or not all(n.strip() for n in names):
            raise ParameterError(
                f"The 'classes' parameter of {owner} must hold at least two distinct, non-empty "
                f"names. Got {list(names)} instead."
            )
        check_cardinality(len(names), owner=owner)
    if cardinality is not None:
        cardinality = check_cardinality(cardinality, owner=owner)
        if names is not None and len(names) != cardinality:
            raise ParameterError(
                f"The 'cardinality' parameter of {owner} ({cardinality}) disagrees with the "
                f"{len(names)} names in 'classes'; pass only one of them."
            )
    elif names is not None:
        cardinality = len(names)
    return cardinality, names
