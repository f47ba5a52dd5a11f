"""Stated confidences as evidence: each LF's votes split into confidence levels, each level's
trust learned like an LF's own.

An LF that votes ``(class, confidence)`` (:mod:`weaklabel._votes.confidence`) claims to be right
more often when it says more. A model must not take that at face value: a classifier's 0.99 is
often right 70% of the time. So a label model that learns per-LF rates (:class:`LabelModel`,
:class:`DawidSkene`, :class:`MomentsModel`) splits each such LF into up to ``MAX_LEVELS``
*levels*: virtual LFs that vote on the LF's rows whose confidence falls between two cut points
(quantiles of the LF's own confidences, so every level keeps enough votes to learn from). Each
level gets its own learned accuracy, without gold: what the LF earned at that confidence, not
what it said. A level is a vote of the same LF, so a one-sided LF's levels stay one-sided for the
same class, and the levels of one LF never vote on the same row. Folding the levels' rates back
(a sum, since they are disjoint parts of the LF's votes) gives the per-LF rates that
``lf_accuracies_`` and the reports show.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from weaklabel._votes.matrix import VoteMatrix

__all__ = [
    "MAX_LEVELS",
    "check_cuts",
    "confidence_counts",
    "cuts_of",
    "expand",
    "expand_graph",
    "fold",
    "learn_cuts",
    "level_names",
    "level_owners",
    "merge_counts",
]

#: most confidence levels an LF is split into
MAX_LEVELS = 4
#: fewest votes a level keeps
MIN_VOTES = 50
#: cut points fall on multiples of 1 / GRID (so Dask partitions can sum their counts)
GRID = 4096


def learn_cuts(votes: VoteMatrix) -> list[list[float]]:
    """Per LF, the cut points between its confidence levels ([] for one level)."""
    return cuts_of(confidence_counts(votes))


def confidence_counts(votes: VoteMatrix) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per LF, its distinct confidences (on a grid of ``1 / GRID``, rounded down) and how many
    votes have each: all :func:`cuts_of` needs, small and summable over the partitions of Dask
    votes (:func:`merge_counts`)."""
    empty = (np.zeros(0), np.zeros(0, dtype=np.int64))
    if not votes.has_confidences:
        return [empty] * votes.n_lfs
    grid = np.floor(votes.confidences().astype(np.float64) * GRID) / GRID
    lfs = np.asarray(votes.lfs, dtype=np.int64)
    order = np.lexsort((grid, lfs))
    lfs, grid = lfs[order], grid[order]
    bounds = np.searchsorted(lfs, np.arange(votes.n_lfs + 1))
    return [
        tuple(np.unique(grid[bounds[j] : bounds[j + 1]], return_counts=True))  # type: ignore[misc]
        for j in range(votes.n_lfs)
    ]


def merge_counts(
    *parts: list[tuple[np.ndarray, np.ndarray]],
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The :func:`confidence_counts` of the union of the votes the ``parts`` came from."""
    merged = []
    for per_lf in zip(*parts, strict=True):
        values, inverse = np.unique(np.concatenate([v for v, _ in per_lf]), return_inverse=True)
        counts = np.bincount(inverse, weights=np.concatenate([c for _, c in per_lf]))
        merged.append((values, counts.astype(np.int64)))
    return merged


def cuts_of(counts: list[tuple[np.ndarray, np.ndarray]]) -> list[list[float]]:
    """Per LF, cut points at the quantiles of its confidences (a confidence a vote has, so the
    levels on either side of it are both reached), keeping ``MIN_VOTES`` votes above each."""
    cuts: list[list[float]] = []
    for values, count in counts:
        total = int(count.sum())
        levels = min(MAX_LEVELS, total // MIN_VOTES)
        if levels < 2 or len(values) < 2:
            cuts.append([])
            continue
        ranks = np.cumsum(count)
        at = np.searchsorted(ranks, np.arange(1, levels) * total / levels, side="left")
        points = np.unique(values[np.minimum(at + 1, len(values) - 1)])
        above = total - np.concatenate([[0], ranks])[np.searchsorted(values, points)]
        cuts.append([float(c) for c, n in zip(points, above, strict=True) if n >= MIN_VOTES])
    return cuts


def expand(votes: VoteMatrix, cuts: list[list[float]]) -> VoteMatrix:
    """``votes`` with every LF that has cut points split into one virtual LF per level."""
    if not any(cuts):
        return votes
    offset = np.concatenate([[0], np.cumsum([len(c) + 1 for c in cuts])])
    lfs = np.asarray(votes.lfs, dtype=np.int64)
    level = np.zeros(len(lfs), dtype=np.int64)
    sure = votes.confidences()
    for j, points in enumerate(cuts):
        if points:
            mine = lfs == j
            level[mine] = np.searchsorted(points, sure[mine], side="right")
    names = level_names(votes.lf_names, cuts)
    return VoteMatrix.from_csr_parts(
        votes.indptr,
        offset[lfs] + level,
        votes.labels(),
        cardinality=votes.cardinality,
        lf_names=names,
        class_names=votes.class_names,
        row_ids=votes.row_ids,
        lf_failures=np.repeat(votes.lf_failures, offset[1:] - offset[:-1]),
        trusted=True,
    )


def level_names(lf_names: tuple[str, ...], cuts: list[list[float]]) -> list[str]:
    """The name of each virtual LF: the LF's own, or ``name@level`` for a split LF."""
    return [
        name if not points else f"{name}@{i}"
        for name, points in zip(lf_names, cuts, strict=True)
        for i in range(len(points) + 1)
    ]


def expand_graph(graph: Any, lf_names: tuple[str, ...], cuts: list[list[float]]) -> Any:
    """A dependency graph over LF names, over the levels instead: every level of one end of an
    edge joined to every level of the other (names the LFs do not have are kept, to be refused
    by name where the graph is read)."""
    import networkx as nx

    levels: dict[Any, list[str]] = {}
    names = level_names(lf_names, cuts)
    for owner, name in zip(level_owners(cuts), names, strict=True):
        levels.setdefault(lf_names[owner], []).append(name)
    out = nx.Graph()
    out.add_nodes_from(names)
    for a, b, data in graph.edges(data=True):
        out.add_edges_from(
            ((x, y, data) for x in levels.get(a, [a]) for y in levels.get(b, [b])),
        )
    out.add_nodes_from(n for n in graph.nodes if n not in levels)
    return out


def level_owners(cuts: list[list[float]]) -> np.ndarray:
    """The LF each virtual LF (level) belongs to."""
    return np.repeat(np.arange(len(cuts)), [len(c) + 1 for c in cuts])


def fold(per_level: np.ndarray, cuts: list[list[float]]) -> np.ndarray:
    """Per-level rates (first axis) summed back into one row per LF."""
    if not any(cuts):
        return per_level
    out = np.zeros((len(cuts), *per_level.shape[1:]))
    np.add.at(out, level_owners(cuts), per_level)
    return out


def check_cuts(value: Any, n_lfs: int) -> list[list[float]]:
    """Saved cut points, or ValueError unless they are one increasing list in (0, 1) per LF."""
    if not isinstance(value, list) or len(value) != n_lfs:
        raise ValueError(f"confidence_cuts_ must hold one list per LF ({n_lfs})")
    for points in value:
        ok = isinstance(points, list) and all(
            isinstance(c, int | float) and not isinstance(c, bool) and 0 < c <= 1 for c in points
        )
        if not ok or len(points) >= MAX_LEVELS or any(np.diff(points) <= 0):
            raise ValueError(
                f"confidence_cuts_ must hold increasing cut points in (0, 1], fewer than "
                f"{MAX_LEVELS} per LF; got {points!r}"
            )
    return [[float(c) for c in points] for points in value]
