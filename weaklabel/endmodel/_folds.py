"""Cross-fitting folds that keep every copy of a text together.

A row's out-of-fold probabilities must come from a model that never saw its text, or a model that
memorized the text would look better than it is (and repeat the label model's answer back). Texts
that are equal once case and runs of whitespace are ignored (the features ignore them too) form
one group, and a group lies in one fold. Groups are dealt to folds largest first, each to the
fold with the fewest rows so far, in an order drawn from ``random_state``: folds get about the
same number of rows even when a spam template repeats hundreds of times.
"""

from __future__ import annotations

import numpy as np

from weaklabel._core.params import parameter_error

__all__ = ["assign_folds", "text_groups"]


def text_groups(texts: list[str]) -> np.ndarray:
    """One group index per row; rows whose texts match ignoring case and whitespace share one.

    Examples
    --------
    >>> from weaklabel.endmodel._folds import text_groups
    >>> text_groups(["Buy  NOW", "hello", "buy now"]).tolist()
    [0, 1, 0]
    """
    index: dict[str, int] = {}
    keys = (" ".join(text.casefold().split()) for text in texts)
    return np.fromiter(
        (index.setdefault(key, len(index)) for key in keys), dtype=np.int64, count=len(texts)
    )


def assign_folds(
    groups: np.ndarray, n_folds: int, rng: np.random.Generator, *, owner: str
) -> np.ndarray:
    """A fold in ``0..n_folds-1`` per row, every group in one fold, folds of similar size.

    Examples
    --------
    >>> import numpy as np
    >>> from weaklabel.endmodel._folds import assign_folds
    >>> folds = assign_folds(np.array([0, 0, 1, 2, 3]), 2, np.random.default_rng(0), owner="m")
    >>> bool(folds[0] == folds[1]), sorted(np.bincount(folds).tolist())
    (True, [2, 3])
    """
    n_groups = int(groups.max()) + 1
    if n_folds > n_groups:
        raise parameter_error(
            "n_folds",
            owner,
            f"at most the number of distinct texts ({n_groups:,}; copies of a text share a fold)",
            n_folds,
            f"Use n_folds={max(n_groups, 2)} or fewer, or cross-fit on more texts.",
        )
    sizes = np.bincount(groups, minlength=n_groups)
    shuffled = rng.permutation(n_groups)
    order = shuffled[np.argsort(-sizes[shuffled], kind="stable")]  # largest first, ties shuffled
    fold_of_group = np.empty(n_groups, dtype=np.int64)
    filled = np.zeros(n_folds, dtype=np.int64)
    repeated = int((sizes > 1).sum())
    for group in order[:repeated].tolist():  # texts with copies: each to the emptiest fold
        fold = int(np.argmin(filled))
        fold_of_group[group] = fold
        filled[fold] += sizes[group]
    singles = order[repeated:]  # the rest, one row each: poured into the emptiest folds
    need = _pour(filled, len(singles))
    fold_of_group[singles] = np.repeat(np.arange(n_folds), need)
    return fold_of_group[groups]


def _pour(filled: np.ndarray, count: int) -> np.ndarray:
    """How many of ``count`` single rows each fold gets: the emptiest folds are filled up to one
    level (water-filling), the few left over go to the emptiest of them."""
    low, high = int(filled.min()), int(filled.min()) + count
    while low < high:  # the highest level the rows can fill every fold below up to
        level = (low + high + 1) // 2
        if int(np.maximum(level - filled, 0).sum()) <= count:
            low = level
        else:
            high = level - 1
    need = np.maximum(low - filled, 0)
    left = count - int(need.sum())
    need[np.argsort(filled + need, kind="stable")[:left]] += 1
    return need
