"""Columns of the user's data: the one "column not found" error, and column-name checks."""

from __future__ import annotations

from collections.abc import Iterable

from weaklabel._core.params import closest
from weaklabel.exceptions import DataError

__all__ = ["column_names", "missing_column", "require_column"]


def missing_column(
    column: str,
    available: Iterable[object],
    *,
    role: str = "",
    source: str = "the data",
    hint: str = "",
    noun: str = "column",
) -> str:
    """The message for a ``column`` that ``source`` lacks: it lists the columns and guesses.

    ``role`` qualifies it ("the text column"); ``noun`` names what it is ("field" for the
    fields of an example).

    Examples
    --------
    >>> from weaklabel._core.columns import missing_column
    >>> missing_column("txt", ["id", "text"], role="text")
    "The text column 'txt' is not in the data; its columns are: id, text. Did you mean 'text'?"
    """
    names = [str(c) for c in available]
    what = f"{role} {noun}" if role else noun
    message = f"The {what} {column!r} is not in {source}; its {noun}s are: {', '.join(names)}."
    guess = closest(column, names)
    if guess is not None:
        message += f" Did you mean {guess!r}?"
    return f"{message} {hint}" if hint else message


def require_column(
    column: str,
    available: Iterable[object],
    *,
    role: str = "",
    source: str = "the data",
    hint: str = "",
) -> None:
    """Raise a :class:`DataError` (see :func:`missing_column`) unless ``column`` is available."""
    names = [str(c) for c in available]
    if column not in names:
        raise DataError(missing_column(column, names, role=role, source=source, hint=hint))


def column_names(columns: Iterable[object]) -> tuple[str, ...]:
    """The column names as strings, refusing a name that repeats."""
    names = tuple(str(c) for c in columns)
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise DataError(f"data has repeated column name(s) {repeated}; make column names unique.")
    return names
