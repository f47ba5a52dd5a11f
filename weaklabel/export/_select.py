"""Which rows an export keeps, and the split each goes to: filters, dedupe, caps and splits.

Everything here works on a compact index of the rows (:class:`RowIndex`: class, confidence,
source, a 64-bit key of the normalised text, whether the label model had votes), about 20 bytes a
row, never on the rows themselves. The filters run in a fixed order, each counting the rows it
removed: ``gold`` (exclude / only), ``uncovered``, ``min_confidence``, ``dedupe``, then
``balance`` or ``max_per_class``. Every random choice draws from one generator made from the seed.

Texts are compared after normalisation (:func:`text_key`): Unicode whitespace runs become one
space, the ends are stripped and the text is case-folded, as ``weaklabel select`` does. A split
never puts two rows with the same normalised text on two sides.
"""

from __future__ import annotations

import hashlib
import math
import re
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from weaklabel._core.params import parameter_error
from weaklabel.export._labels import SOURCES

__all__ = ["RowIndex", "Selection", "check_splits", "select_rows", "source_counts", "text_key"]

_SPLIT_NAME = re.compile(r"\w+(\.\w+)*")


def text_key(text: str | None) -> int:
    """A 64-bit key of the normalised text (BLAKE2b); None and "" share one key.

    Examples
    --------
    >>> from weaklabel.export._select import text_key
    >>> text_key("Great  song!") == text_key(" great song! ")
    True
    """
    normalised = " ".join((text or "").split()).casefold()
    return int.from_bytes(
        hashlib.blake2b(normalised.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
        "little",
    )


@dataclass
class RowIndex:
    """What the selection needs of each row, filled row by row with :meth:`add`."""

    with_keys: bool
    labels: array = field(default_factory=lambda: array("h"))
    confidence: array = field(default_factory=lambda: array("d"))
    sources: array = field(default_factory=lambda: array("b"))
    keys: array = field(default_factory=lambda: array("Q"))

    def add(self, label: int, confidence: float, source: str, text: str | None) -> None:
        self.labels.append(label)
        self.confidence.append(confidence)
        self.sources.append(SOURCES.index(source))
        if self.with_keys:
            self.keys.append(text_key(text))

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class Selection:
    """The split of each row (an index into ``splits``; -1: left out) and what each filter
    removed, in the order the filters ran."""

    split_of: np.ndarray
    splits: tuple[str, ...]
    removed: dict[str, int]


def select_rows(
    index: RowIndex,
    *,
    k: int,
    gold: str,
    covered: np.ndarray | None,
    min_confidence: float | None,
    dedupe: bool,
    balance: np.ndarray | None,
    max_per_class: int | None,
    splits: Mapping[str, float],
    rng: np.random.Generator,
) -> Selection:
    """Apply the filters (see the module docstring) and assign the kept rows to ``splits``.

    ``covered`` says which rows had at least one LF vote (None: ``--drop-uncovered`` is off);
    only rows labeled by the label model (source ``lf``) are removed for having none. ``balance``
    is the class balance to subsample to (None: off).
    """
    labels = np.frombuffer(index.labels, dtype=np.int16)
    confidence = np.frombuffer(index.confidence, dtype=np.float64)
    sources = np.frombuffer(index.sources, dtype=np.int8)
    keys = np.frombuffer(index.keys, dtype=np.uint64) if index.with_keys else None
    keep = np.ones(len(index), dtype=bool)
    removed: dict[str, int] = {}

    def apply(name: str, drop: np.ndarray) -> None:
        drop &= keep
        removed[name] = int(drop.sum())
        keep[drop] = False

    is_gold = sources == SOURCES.index("gold")
    if gold == "exclude":
        apply("gold", is_gold.copy())
    elif gold == "only":
        apply("gold", ~is_gold)
    if covered is not None:
        apply("uncovered", (sources == SOURCES.index("lf")) & ~covered)
    if min_confidence is not None:
        apply("min_confidence", confidence < min_confidence)
    if dedupe and keys is not None:
        apply("dedupe", _duplicates(keys, confidence, keep))
    if balance is not None:
        apply("balance", _over_balance(labels, keep, k, balance, rng))
    if max_per_class is not None:
        apply("max_per_class", _over_cap(labels, keep, k, max_per_class, rng))
    split_of = np.full(len(index), -1, dtype=np.int8)
    split_of[keep] = _assign(labels[keep], None if keys is None else keys[keep], splits, rng)
    return Selection(split_of, tuple(splits), removed)


def _duplicates(keys: np.ndarray, confidence: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The kept rows whose normalised text an earlier kept row has, keeping per text the most
    confident row (the first one on ties)."""
    rows = np.flatnonzero(keep)
    order = rows[np.lexsort((rows, -confidence[rows], keys[rows]))]
    first = np.ones(len(order), dtype=bool)
    first[1:] = keys[order[1:]] != keys[order[:-1]]
    drop = np.zeros(len(keys), dtype=bool)
    drop[order[~first]] = True
    return drop


def _over_balance(
    labels: np.ndarray, keep: np.ndarray, k: int, balance: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The rows to leave out so that the class shares follow ``balance`` with as many rows as
    the rarest class (relative to its share) allows; which rows, at random."""
    counts = np.bincount(labels[keep], minlength=k).astype(np.float64)
    share = np.asarray(balance, dtype=np.float64)
    positive = share > 0
    total = float(np.min(counts[positive] / share[positive])) if positive.any() else 0.0
    targets = np.minimum(np.floor(total * share + 1e-9), counts).astype(np.int64)
    return _sample_out(labels, keep, targets, rng)


def _over_cap(
    labels: np.ndarray, keep: np.ndarray, k: int, cap: int, rng: np.random.Generator
) -> np.ndarray:
    counts = np.bincount(labels[keep], minlength=k)
    return _sample_out(labels, keep, np.minimum(counts, cap), rng)


def _sample_out(
    labels: np.ndarray, keep: np.ndarray, targets: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Leave ``targets[c]`` kept rows of each class ``c``, chosen at random; return the rest."""
    drop = np.zeros(len(labels), dtype=bool)
    for c, target in enumerate(targets.tolist()):
        rows = np.flatnonzero(keep & (labels == c))
        if len(rows) > target:
            drop[rows] = True
            drop[rng.choice(rows, size=target, replace=False)] = False
    return drop


def _assign(
    labels: np.ndarray,
    keys: np.ndarray | None,
    splits: Mapping[str, float],
    rng: np.random.Generator,
) -> np.ndarray:
    """The split of each row: stratified by class, rows of one normalised text kept together.

    Rows are grouped by text key (a group's class is that of its first row); within each class
    the groups are shuffled and laid end to end, and a group goes to the split whose share of the
    class's rows its first row falls in.
    """
    n = len(labels)
    ratios = np.fromiter(splits.values(), dtype=np.float64)
    if len(ratios) == 1 or n == 0:
        return np.zeros(n, dtype=np.int8)
    if keys is None:
        group, first = np.arange(n), np.arange(n)
    else:
        _, first, group = np.unique(keys, return_index=True, return_inverse=True)
    sizes = np.bincount(group, minlength=len(first))
    group_class = labels[first]
    order = np.lexsort((rng.random(len(first)), group_class))
    bounds = np.cumsum(ratios) / ratios.sum()
    split_of_group = np.zeros(len(first), dtype=np.int8)
    for c in np.unique(group_class).tolist():
        members = order[group_class[order] == c]
        start = np.cumsum(sizes[members]) - sizes[members]
        position = start / sizes[members].sum()
        split_of_group[members] = np.minimum(
            np.searchsorted(bounds, position, side="right"), len(ratios) - 1
        )
    return split_of_group[group]


def source_counts(sources: Any, kept: np.ndarray) -> dict[str, int]:
    """How many kept rows each source labeled."""
    counts = np.bincount(np.frombuffer(sources, dtype=np.int8)[kept], minlength=len(SOURCES))
    return {name: int(n) for name, n in zip(SOURCES, counts.tolist(), strict=True)}


def check_splits(split: Mapping[str, float] | None) -> dict[str, float]:
    if split is None:
        return {"train": 1.0}
    rule = "a mapping of split names to shares that sum to 1, e.g. {'train': 0.8, 'test': 0.2}"
    if not isinstance(split, Mapping) or not split:
        raise parameter_error("split", "export", rule, split)
    for name, share in split.items():
        if not isinstance(name, str) or not _SPLIT_NAME.fullmatch(name):
            raise parameter_error(
                "split",
                "export",
                rule,
                split,
                f"The split name {name!r} must be letters, digits and _.",
            )
        if (
            isinstance(share, bool)
            or not isinstance(share, (int, float))
            or not math.isfinite(share)
            or share <= 0
        ):
            raise parameter_error(
                "split", "export", rule, split, f"The share of {name!r} must be a number > 0."
            )
    total = sum(float(v) for v in split.values())
    if abs(total - 1) > 1e-6:
        raise parameter_error(
            "split", "export", rule, split, f"The shares sum to {total:g}; make them sum to 1."
        )
    if len(split) > 127:
        raise parameter_error("split", "export", rule, split, "Use at most 127 splits.")
    return {name: float(share) for name, share in split.items()}
