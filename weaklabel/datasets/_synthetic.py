"""Synthetic votes with known truth, for tests, benchmarks and teaching."""

from __future__ import annotations

from typing import Any

import numpy as np

from weaklabel._core.params import check_int, parameter_error
from weaklabel._core.random import RandomState, check_random_state
from weaklabel._votes.matrix import VoteMatrix
from weaklabel._votes.names import default_lf_names

__all__ = ["make_dependent_votes", "make_votes"]


def make_votes(
    n_rows: int,
    accuracies: Any,
    coverages: Any,
    *,
    cardinality: int = 2,
    class_balance: Any = None,
    random_state: RandomState = None,
) -> tuple[VoteMatrix, np.ndarray]:
    """Draw votes from LFs that are independent given the true class.

    Each row gets a true class from ``class_balance``; LF ``j`` votes on it with probability
    ``coverages[j]`` (or ``coverages[j, y]`` for a class-dependent rate) and, when it votes, is
    right with probability ``accuracies[j]`` and otherwise picks one of the other classes at random.

    Parameters
    ----------
    n_rows : int
    accuracies : array-like of shape (m,)
        Each LF's probability of voting the true class when it votes.
    coverages : array-like of shape (m,) or (m, k)
        Each LF's probability of voting (per true class, for the 2-d form).
    cardinality : int
    class_balance : array-like of shape (k,), optional
        Uniform by default.
    random_state : int or numpy Generator, optional

    Returns
    -------
    votes : VoteMatrix
    truth : ndarray of shape (n_rows,)
        The true class of each row.

    Examples
    --------
    >>> from weaklabel.datasets import make_votes
    >>> votes, truth = make_votes(1000, [0.9, 0.8], [0.5, 0.5], random_state=0)
    >>> votes.shape, truth.shape
    ((1000, 2), (1000,))
    """
    owner = "make_votes"
    n_rows = check_int("n_rows", n_rows, owner=owner, minimum=1)
    k = check_int("cardinality", cardinality, owner=owner, minimum=2)
    acc = np.asarray(accuracies, dtype=np.float64)
    m = acc.shape[0] if acc.ndim == 1 else 0
    if acc.ndim != 1 or m == 0 or ((acc < 0) | (acc > 1)).any():
        raise parameter_error("accuracies", owner, "a 1-d array of probabilities", accuracies)
    cov = np.asarray(coverages, dtype=np.float64)
    if cov.ndim == 1:
        cov = np.repeat(cov[:, None], k, axis=1)
    if cov.shape != (m, k) or ((cov < 0) | (cov > 1)).any():
        raise parameter_error(
            "coverages", owner, f"probabilities of shape ({m},) or ({m}, {k})", coverages
        )
    balance = np.full(k, 1.0 / k) if class_balance is None else np.asarray(class_balance, float)
    if balance.shape != (k,) or (balance < 0).any() or not np.isclose(balance.sum(), 1.0):
        raise parameter_error(
            "class_balance", owner, f"{k} probabilities summing to 1", class_balance
        )
    rng = check_random_state(random_state, owner=owner)
    truth = rng.choice(k, size=n_rows, p=balance)
    # Row chunks keep memory near the size of the result, whatever n_rows x m is.
    chunk = max(1, (1 << 22) // max(m, 1))
    counts, lfs_parts, labels_parts = [], [], []
    for start in range(0, n_rows, chunk):
        y = truth[start : start + chunk]
        fires = rng.random((len(y), m)) < cov.T[y]
        rows, lfs = np.nonzero(fires)  # row-major: already in CSR order
        right = rng.random(len(rows)) < acc[lfs]
        wrong = (y[rows] + rng.integers(1, k, size=len(rows))) % k
        counts.append(np.bincount(rows, minlength=len(y)))
        lfs_parts.append(lfs.astype(np.int32))
        labels_parts.append(np.where(right, y[rows], wrong).astype(np.int16))
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.concatenate(counts), out=indptr[1:])
    votes = VoteMatrix.from_csr_parts(
        indptr,
        np.concatenate(lfs_parts),
        np.concatenate(labels_parts),
        cardinality=k,
        lf_names=default_lf_names(m),
        trusted=True,
    )
    return votes, truth


def make_dependent_votes(
    n_rows: int,
    accuracies: Any,
    coverages: Any,
    dependencies: Any,
    *,
    copy_prob: Any = 0.5,
    cardinality: int = 2,
    class_balance: Any = None,
    polarities: Any = None,
    random_state: RandomState = None,
) -> tuple[VoteMatrix, np.ndarray, list[tuple[str, str]]]:
    """Draw votes from LFs that are independent given the class, except for planted copies.

    Every LF first votes as in :func:`make_votes` (or one-sided, see ``polarities``). Then, for
    each planted pair ``(source, copy)`` in the order given, on each row and with probability
    ``copy_prob`` the ``copy`` LF's output is replaced by the ``source`` LF's output, abstain
    included; on the other rows it keeps its own independent vote. Pairs apply in order, so
    ``[(0, 1), (1, 2)]`` makes a chain and ``[(0, 1), (0, 2)]`` two copies of LF 0.

    Parameters
    ----------
    n_rows : int
    accuracies : array-like of shape (m,)
        Each LF's probability of voting the true class when it votes (before copying).
    coverages : array-like of shape (m,) or (m, k)
        Each LF's probability of voting (per true class, for the 2-d form; 1-d only with
        ``polarities``).
    dependencies : sequence of (int, int)
        Planted ``(source, copy)`` pairs of LF positions, ``source != copy``.
    copy_prob : float or array-like of shape (n_pairs,)
        Probability that ``copy`` repeats ``source`` on a row, for all pairs or per pair.
    cardinality : int
    class_balance : array-like of shape (k,), optional
        Uniform by default.
    polarities : array-like of int, shape (m,), optional
        ``-1`` for an LF that may vote any class (the default for all), or the one class ``c``
        the LF votes (a one-sided, keyword-like LF). A one-sided LF fires on a share
        ``coverages[j]`` of the rows, and ``accuracies[j]`` of its votes fall on rows of class
        ``c``; the implied firing rates per class must be at most 1.
    random_state : int or numpy Generator, optional

    Returns
    -------
    votes : VoteMatrix
        LFs are named ``lf_0, lf_1, ...``.
    truth : ndarray of shape (n_rows,)
        The true class of each row.
    planted_edges : list of (str, str)
        The planted ``(source, copy)`` pairs, as LF names.

    Examples
    --------
    >>> from weaklabel.datasets import make_dependent_votes
    >>> votes, truth, edges = make_dependent_votes(
    ...     1000, [0.8, 0.7, 0.9], [0.5, 0.5, 0.5], [(0, 1)], copy_prob=1.0, random_state=0)
    >>> edges
    [('lf_0', 'lf_1')]
    >>> dense = votes.to_dense()
    >>> bool((dense[:, 0] == dense[:, 1]).all())
    True

    With ``copy_prob=0`` nothing is copied and the LFs stay independent given the class:

    >>> votes, _, edges = make_dependent_votes(
    ...     1000, [0.8, 0.7], [0.5, 0.5], [(0, 1)], copy_prob=0.0, random_state=0)
    >>> float((votes.to_dense()[:, 0] == votes.to_dense()[:, 1]).mean()) < 0.6
    True
    """
    owner = "make_dependent_votes"
    n_rows = check_int("n_rows", n_rows, owner=owner, minimum=1)
    k = check_int("cardinality", cardinality, owner=owner, minimum=2)
    acc = np.asarray(accuracies, dtype=np.float64)
    m = acc.shape[0] if acc.ndim == 1 else 0
    if acc.ndim != 1 or m == 0 or not ((acc >= 0) & (acc <= 1)).all():
        raise parameter_error("accuracies", owner, "a 1-d array of probabilities", accuracies)
    pole = _check_polarities(polarities, m, k, owner)
    cov = np.asarray(coverages, dtype=np.float64)
    if cov.ndim == 1 and cov.shape == (m,):
        cov = np.repeat(cov[:, None], k, axis=1)
    elif polarities is not None:
        raise parameter_error(
            "coverages",
            owner,
            f"probabilities of shape ({m},) when polarities are given",
            coverages,
        )
    if cov.shape != (m, k) or not ((cov >= 0) & (cov <= 1)).all():
        raise parameter_error(
            "coverages", owner, f"probabilities of shape ({m},) or ({m}, {k})", coverages
        )
    balance = np.full(k, 1.0 / k) if class_balance is None else np.asarray(class_balance, float)
    if balance.shape != (k,) or (balance < 0).any() or not np.isclose(balance.sum(), 1.0):
        raise parameter_error(
            "class_balance", owner, f"{k} probabilities summing to 1", class_balance
        )
    pairs = _check_pairs(dependencies, m, owner)
    rho = np.asarray(copy_prob, dtype=np.float64)
    if rho.ndim == 0:
        rho = np.full(len(pairs), float(rho))
    if rho.shape != (len(pairs),) or not ((rho >= 0) & (rho <= 1)).all():
        raise parameter_error(
            "copy_prob", owner, f"a probability, or one per pair ({len(pairs)})", copy_prob
        )
    fire = _firing_rates(acc, cov, pole, balance, owner)
    rng = check_random_state(random_state, owner=owner)
    truth = rng.choice(k, size=n_rows, p=balance)
    dtype = np.int8 if k < 127 else np.int16
    dense = np.full((m, n_rows), -1, dtype=dtype)  # LF-major: each LF's row is contiguous
    for j in range(m):
        fires = rng.random(n_rows) < fire[j, truth]
        if pole[j] >= 0:
            dense[j, fires] = pole[j]
            continue
        y = truth[fires]
        right = rng.random(len(y)) < acc[j]
        wrong = (y + rng.integers(1, k, size=len(y))) % k
        dense[j, fires] = np.where(right, y, wrong)
    for (source, copy), p in zip(pairs, rho, strict=True):
        repeat = rng.random(n_rows) < p
        dense[copy, repeat] = dense[source, repeat]
    lfs, rows = np.nonzero(dense >= 0)
    votes = VoteMatrix(rows, lfs, dense[lfs, rows], n_rows=n_rows, cardinality=k, n_lfs=m)
    names = votes.lf_names
    return votes, truth, [(names[a], names[b]) for a, b in pairs]


def _firing_rates(
    acc: np.ndarray, cov: np.ndarray, pole: np.ndarray, balance: np.ndarray, owner: str
) -> np.ndarray:
    """``[j, y]``: probability that LF ``j`` fires on a row of class ``y``."""
    fire = np.array(cov)
    for lf in np.flatnonzero(pole >= 0).tolist():
        c = int(pole[lf])
        share, others = float(balance[c]), 1.0 - float(balance[c])
        fire[lf, :] = cov[lf, 0] * (1.0 - acc[lf]) / others if others > 0 else 0.0
        fire[lf, c] = cov[lf, 0] * acc[lf] / share if share > 0 else 0.0
        if fire[lf].max() > 1.0:
            most = min(share / max(acc[lf], 1e-12), others / max(1.0 - acc[lf], 1e-12))
            raise parameter_error(
                f"coverages[{lf}]",
                owner,
                f"at most {most:.3g} for one-sided LF {lf} (accuracy {acc[lf]:g}, voting class "
                f"{c} of balance {share:g}), or it would fire on more than every row",
                float(cov[lf, 0]),
            )
    return fire


def _check_polarities(polarities: Any, m: int, k: int, owner: str) -> np.ndarray:
    if polarities is None:
        return np.full(m, -1, dtype=np.int64)
    pole = np.asarray(polarities)
    if (
        pole.shape != (m,)
        or not np.issubdtype(pole.dtype, np.integer)
        or ((pole < -1) | (pole >= k)).any()
    ):
        raise parameter_error(
            "polarities", owner, f"{m} ints, each -1 (any class) or a class index < {k}", polarities
        )
    return pole.astype(np.int64)


def _check_pairs(dependencies: Any, m: int, owner: str) -> list[tuple[int, int]]:
    rule = f"a sequence of (source, copy) pairs of distinct LF positions in 0..{m - 1}"
    try:
        pairs = np.asarray(list(dependencies))
    except TypeError:
        raise parameter_error("dependencies", owner, rule, dependencies) from None
    if pairs.size == 0:
        return []
    if (
        pairs.ndim != 2
        or pairs.shape[1] != 2
        or not np.issubdtype(pairs.dtype, np.integer)
        or (pairs < 0).any()
        or (pairs >= m).any()
        or (pairs[:, 0] == pairs[:, 1]).any()
    ):
        raise parameter_error("dependencies", owner, rule, dependencies)
    return [(int(a), int(b)) for a, b in pairs]
