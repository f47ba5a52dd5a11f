"""Units: the LFs a label model treats as one variable, and the vote patterns they produce.

A unit's joint vote on a row is one *pattern*, coded in base ``k + SHIFT`` with one digit per
member (a stored vote, 0 for abstain: :mod:`weaklabel._votes.encoding`).

Without a dependency graph every LF is its own unit. LFs joined by the dependency graph form one
unit (a connected component), whose joint vote pattern on a row is one categorical outcome, so
correlated LFs are modelled jointly instead of being counted as independent evidence.

A unit is *one-sided* when all its LFs vote for the same single class (its *pole*) — the usual
keyword LF — and *general* otherwise (an LF or crowd worker that votes several classes).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from weaklabel._votes.distributed import DaskVoteMatrix
from weaklabel._votes.encoding import SHIFT
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import DataError, DependencyWarning, ParameterError

__all__ = [
    "Patterns",
    "Units",
    "check_units",
    "column_table",
    "lf_poles",
    "lookup",
    "make_units",
    "max_unit_size",
    "prior_confusion",
    "unseen_columns",
]

#: Most LFs modelled jointly as one unit (fewer when the number of classes is large).
MAX_UNIT_SIZE = 8


@dataclass(frozen=True)
class Units:
    """How LFs group into units, and each unit's kind.

    Attributes
    ----------
    members : tuple of tuple of int
        LF positions of each unit, sorted.
    pole : ndarray of int, shape (n_units,)
        The class a one-sided unit votes for; -1 for a general unit.
    cardinality : int
    """

    members: tuple[tuple[int, ...], ...]
    pole: np.ndarray
    cardinality: int

    @property
    def n_units(self) -> int:
        return len(self.members)

    @property
    def singletons(self) -> bool:
        return all(len(m) == 1 for m in self.members)

    def unit_of_lf(self, n_lfs: int) -> tuple[np.ndarray, np.ndarray]:
        """For each LF: its unit, and its position inside the unit."""
        unit = np.empty(n_lfs, dtype=np.int64)
        position = np.empty(n_lfs, dtype=np.int64)
        for u, members in enumerate(self.members):
            for t, j in enumerate(members):
                unit[j], position[j] = u, t
        return unit, position

    @property
    def scale(self) -> np.int64:
        """The factor that separates a unit's index from its pattern code in a pattern key."""
        return np.int64(self.cardinality + SHIFT) ** max(len(mm) for mm in self.members)

    def column_keys(self, n_lfs: int) -> np.ndarray:
        """The pattern key of each one-hot vote column ``j*k + c``, for singleton units."""
        k = self.cardinality
        columns = np.arange(n_lfs * k, dtype=np.int64)
        return (columns // k) * self.scale + columns % k + SHIFT

    def patterns(self, votes: VoteMatrix, *, vocabulary: np.ndarray | None = None) -> Patterns:
        """Each row's pattern per fired unit, as a sparse rows x patterns indicator.

        With ``vocabulary=None`` the vocabulary is the set of patterns observed in ``votes``;
        otherwise patterns outside ``vocabulary`` are dropped.
        """
        k = self.cardinality
        scale = self.scale
        if self.singletons:
            one_hot = votes.one_hot()
            column_keys = self.column_keys(votes.n_lfs)
            if vocabulary is None:
                vocabulary = column_keys[np.unique(one_hot.indices)]
            table = lookup(vocabulary, column_keys)
            col = table[one_hot.indices]
            indicator = _drop_unseen(one_hot.indptr, col, (votes.n_rows, len(vocabulary)))
            # which classes' one-sided LFs fired: one sparse product with a column -> pole map
            pole_of_column = np.repeat(self.pole, k)
            one = np.flatnonzero(pole_of_column >= 0)
            to_pole = sp.csr_matrix(
                (np.ones(len(one)), (one, pole_of_column[one])), shape=(votes.n_lfs * k, k)
            )
            group_fired = sp.csr_matrix(one_hot @ to_pole).toarray() > 0
        else:
            rows_of, unit_of, keys = self._joint_keys(votes, scale)
            if vocabulary is None:
                vocabulary = np.unique(keys)
            col = lookup(vocabulary, keys)
            known = col >= 0
            indicator = sp.csr_matrix(
                (np.ones(int(known.sum())), (rows_of[known], col[known])),
                shape=(votes.n_rows, len(vocabulary)),
            )
            poles = self.pole[unit_of]
            one_sided = poles >= 0
            group_fired = np.zeros((votes.n_rows, k), dtype=bool)
            group_fired[rows_of[one_sided], poles[one_sided]] = True
        return Patterns(
            indicator=indicator,
            vocabulary=vocabulary,
            unit_of_pattern=(vocabulary // scale).astype(np.int64),
            codes=(vocabulary % scale).astype(np.int64),
            group_silent=~group_fired,
        )

    def _joint_keys(
        self, votes: VoteMatrix, scale: np.int64
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For every (row, fired unit): the row, the unit and the unit's joint pattern key."""
        k = self.cardinality
        unit, position = self.unit_of_lf(votes.n_lfs)
        rows, lfs, labels = votes.rows(), np.asarray(votes.lfs, dtype=np.int64), votes.labels()
        key = rows * self.n_units + unit[lfs]
        uniq, inverse = np.unique(key, return_inverse=True)
        contrib = (labels + SHIFT) * np.int64(k + SHIFT) ** position[lfs]
        codes = np.bincount(inverse, weights=contrib.astype(np.float64)).astype(np.int64)
        row_of, unit_of = np.divmod(uniq, self.n_units)
        return row_of, unit_of, unit_of * scale + codes


def lookup(vocabulary: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Position of each key in the sorted ``vocabulary``, or -1 when it is not there."""
    if not len(vocabulary):
        return np.full(len(keys), -1, dtype=np.int64)
    position = np.searchsorted(vocabulary, keys)
    clipped = np.minimum(position, len(vocabulary) - 1)
    return np.where(vocabulary[clipped] == keys, clipped, -1).astype(np.int64)


def _drop_unseen(indptr: np.ndarray, col: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    """A 0/1 CSR matrix with the given row pointer and columns, minus the entries with col -1."""
    known = col >= 0
    if known.all():
        return sp.csr_matrix((np.ones(len(col)), col, np.asarray(indptr)), shape=shape)
    per_row = np.add.reduceat(known.astype(np.int64), indptr[:-1]) if len(col) else known
    per_row = np.where(np.diff(indptr) > 0, per_row, 0)
    new_indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(per_row, out=new_indptr[1:])
    return sp.csr_matrix((np.ones(int(known.sum())), col[known], new_indptr), shape=shape)


@dataclass(frozen=True)
class Patterns:
    """The pattern indicator of a set of rows (see :meth:`Units.patterns`)."""

    indicator: sp.csr_matrix
    vocabulary: np.ndarray
    unit_of_pattern: np.ndarray
    codes: np.ndarray
    group_silent: np.ndarray

    def vote_shares(self, units: Units) -> np.ndarray:
        """``(n_patterns, k)``: share of each class among the votes of each pattern."""
        k = units.cardinality
        shares = np.zeros((len(self.codes), k))
        codes = self.codes.copy()
        while codes.any():
            value = codes % (k + SHIFT) - SHIFT
            voted = value >= 0
            shares[np.flatnonzero(voted), value[voted]] += 1.0
            codes //= k + SHIFT
        return shares / np.maximum(shares.sum(axis=1, keepdims=True), 1.0)


def make_units(
    votes: VoteMatrix | DaskVoteMatrix,
    dependencies: Any,
    *,
    cardinality: int,
    owner: str,
    poles: np.ndarray | None = None,
) -> Units:
    """Units from a dependency graph over LF names (or None for independent LFs).

    A unit joins LFs of the same kind only: one-sided LFs of one class, or LFs that vote several
    classes. Joining a one-sided LF with LFs of another class would turn it into a general unit
    and lose its anchor to the class it names, so such edges are left out (with a
    :class:`~weaklabel.exceptions.DependencyWarning`), as are edges that would make a unit of more
    than :func:`max_unit_size` LFs.

    ``poles``: :func:`lf_poles` of ``votes``, when already computed.
    """
    m = votes.n_lfs
    lf_pole = lf_poles(votes, cardinality) if poles is None else poles
    if dependencies is None:
        members: list[tuple[int, ...]] = [(j,) for j in range(m)]
    else:
        members = _components(votes, dependencies, owner, cardinality, lf_pole)
    poles = np.array([lf_pole[group[0]] for group in members], dtype=np.int64)
    return Units(tuple(members), poles, cardinality)


def lf_poles(votes: VoteMatrix | DaskVoteMatrix, cardinality: int) -> np.ndarray:
    """Each LF's single class (a one-sided LF's pole), or -1 for an LF that votes several (or
    never votes)."""
    polarity = np.zeros((votes.n_lfs, cardinality), dtype=bool)
    seen = votes.polarity()
    polarity[:, : min(cardinality, seen.shape[1])] = seen[:, :cardinality]
    return np.where(polarity.sum(axis=1) == 1, polarity.argmax(axis=1), -1)


def _components(
    votes: VoteMatrix | DaskVoteMatrix,
    graph: Any,
    owner: str,
    cardinality: int,
    lf_pole: np.ndarray,
) -> list[tuple[int, ...]]:
    """The units: LFs of one kind joined along the strongest edges, none above the size limit."""
    import networkx as nx

    if not isinstance(graph, nx.Graph):
        raise ParameterError(
            f"The 'dependencies' parameter of {owner}.fit must be a networkx.Graph over LF names "
            f"(see weaklabel.models.learn_dependencies). Got {type(graph).__name__} instead."
        )
    index = {name: j for j, name in enumerate(votes.lf_names)}
    unknown = [node for node in graph.nodes if node not in index]
    if unknown:
        raise DataError(
            f"The dependency graph names LFs the votes do not have: {unknown[:5]}. Known: "
            f"{', '.join(votes.lf_names[:10])}{' ...' if votes.n_lfs > 10 else ''}."
        )
    limit = max_unit_size(votes.n_lfs, cardinality)
    parent = list(range(votes.n_lfs))
    size = [1] * votes.n_lfs

    def root(j: int) -> int:
        while parent[j] != j:
            parent[j] = parent[parent[j]]
            j = parent[j]
        return j

    # strongest dependencies first (ties in LF order), joined while units stay small enough
    edges: list[tuple[float, int, int]] = []
    for a, b, data in graph.edges(data=True):
        if a != b:
            low, high = sorted((index[a], index[b]))
            edges.append((-float(data.get("weight", 1.0)), low, high))
    edges.sort()
    mixed: list[str] = []
    too_big: list[str] = []
    for _, a, b in edges:
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        pair = f"{votes.lf_names[a]}-{votes.lf_names[b]}"
        if lf_pole[a] != lf_pole[b]:
            mixed.append(pair)
        elif size[ra] + size[rb] > limit:
            too_big.append(pair)
        else:
            parent[rb] = ra
            size[ra] += size[rb]
    reasons = [
        (mixed, "they join LFs of different classes (a one-sided LF would lose its class)"),
        (too_big, f"joining them would model more than {limit} LFs as one unit"),
    ]
    for pairs, why in reasons:
        if pairs:
            shown = ", ".join(pairs[:5]) + (" ..." if len(pairs) > 5 else "")
            warnings.warn(
                f"{owner}: {len(pairs)} dependency edge(s) left out ({shown}): {why}. The "
                "strongest edges (by their 'weight') are kept.",
                DependencyWarning,
                stacklevel=4,
            )
    groups: dict[int, list[int]] = {}
    for j in range(votes.n_lfs):
        groups.setdefault(root(j), []).append(j)
    return sorted(tuple(g) for g in groups.values())


def max_unit_size(n_lfs: int, cardinality: int) -> int:
    """Most LFs one unit may join: at most MAX_UNIT_SIZE, and few enough that every pattern key
    (unit index x (k + SHIFT) ** size + code) fits in an int64."""
    size = 1
    while size < MAX_UNIT_SIZE and (cardinality + SHIFT) ** (size + 1) * max(n_lfs, 1) < 2**62:
        size += 1
    return size


def column_table(
    units: Units,
    vocabulary: np.ndarray,
    pattern_weights: np.ndarray,
    n_lfs: int,
    *,
    prior_accuracy: float,
) -> np.ndarray:
    """``(m*k, 2k)`` for singleton units: each one-hot vote column's log-weights (its pattern's
    row of ``pattern_weights``; the prior's for a vote never seen in fit, see
    :func:`unseen_columns`), then its one-sided class group (0/1)."""
    k = units.cardinality
    position = lookup(np.asarray(vocabulary), units.column_keys(n_lfs))
    known = position >= 0
    table = unseen_columns(units, vocabulary, n_lfs, prior_accuracy=prior_accuracy)
    table[known, :k] = pattern_weights[position[known]]
    pole = np.repeat(units.pole, k)
    one_sided = np.flatnonzero(pole >= 0)
    table[one_sided, k + pole[one_sided]] = 1.0
    return table


def unseen_columns(
    units: Units, vocabulary: np.ndarray, n_lfs: int, *, prior_accuracy: float
) -> np.ndarray:
    """``(m*k, 2k)``: for each one-hot vote column of a lone LF whose vote was never seen in fit,
    its log-weights and the class group it fires (0/1); zeros for every other column.

    Such a vote (an LF that never fired on the rows fitted, or voted a class it never voted
    there) counts as one from an LF right ``prior_accuracy`` of the time, its errors spread
    evenly: the model's prior, the same a crowd worker's rates start from. And like any one-sided
    LF's vote it fires its class's group, whose silence then no longer counts against the class.
    Dropping it instead left the row to the silence of every class, which hands it to the class
    whose LFs fire least.
    """
    k = units.cardinality
    unit, _ = units.unit_of_lf(n_lfs)
    lone = np.array([len(m) == 1 for m in units.members], dtype=bool)[unit]
    vote = np.tile(np.arange(k, dtype=np.int64), n_lfs)
    keys = np.repeat(unit, k) * units.scale + vote + SHIFT  # a lone LF's pattern: its vote
    unseen = np.repeat(lone, k) & (lookup(np.asarray(vocabulary), keys) < 0)
    table = np.zeros((n_lfs * k, 2 * k))
    table[unseen, :k] = np.log(prior_confusion(k, prior_accuracy))[vote[unseen]]
    table[np.flatnonzero(unseen), k + vote[unseen]] = 1.0
    return table


def prior_confusion(k: int, accuracy: float) -> np.ndarray:
    """``(k, k)``: the smoothing prior's confusion matrix, ``accuracy`` on the diagonal and the
    rest spread evenly (symmetric, so rows or columns alike)."""
    table = np.full((k, k), (1.0 - accuracy) / (k - 1))
    np.fill_diagonal(table, accuracy)
    return table


def check_units(
    units: Any, poles: np.ndarray, vocabulary: np.ndarray, *, n_lfs: int, cardinality: int
) -> None:
    """Saved units, their poles and pattern vocabulary, or ValueError naming what is wrong."""
    members = sorted(j for unit in units for j in unit)
    if members != list(range(n_lfs)):
        raise ValueError(f"units_ must hold every LF position 0..{n_lfs - 1} exactly once")
    if vocabulary.ndim != 1 or (np.diff(vocabulary) <= 0).any():
        raise ValueError("vocabulary_ must be a sorted list of distinct pattern keys")
    k = cardinality
    if poles.shape != (len(units),) or (poles < -1).any() or (poles >= k).any():
        raise ValueError(f"unit_poles_ must hold one pole (-1..{k - 1}) per unit")
