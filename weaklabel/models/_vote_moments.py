"""The (LF, class) vote indicators that :func:`~weaklabel.models.learn_dependencies` correlates:
their first two moments, and the standard errors of their correlations and of the entries of
their scaled inverse correlation (the delta method, from the votes' own fourth moments).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from weaklabel._votes.matrix import VoteMatrix

__all__ = ["MIN_VOTES", "Moments", "correlation_se", "indicator_moments", "precision_se"]

#: An (LF, class) indicator with fewer votes, or fewer rows without that vote, is left out: its
#: correlations are too noisy to test.
MIN_VOTES = 10
#: Weight of the identity in the correlation matrix, so that exact duplicates stay invertible.
_RIDGE = 1e-3
#: Cells (rows x columns) of the dense blocks the sums over rows are taken in.
_CHUNK_CELLS = 1 << 22
#: Above this share of non-zero cells, ``A.T @ A`` is faster from dense row blocks.
_DENSE_GRAM = 0.04


@dataclass(frozen=True)
class Moments:
    """The (LF, class) indicators used, grouped by LF, and their first two moments.

    Group ``g`` holds LF ``lf[g]``'s indicators, ``columns[starts[g] : starts[g] + sizes[g]]``
    (positions ``lf * k + class`` in ``votes.one_hot()``).
    """

    indicators: sp.csr_matrix  # rows x used indicators
    columns: np.ndarray
    lf: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray
    mean: np.ndarray
    cooc: np.ndarray  # share of rows where both indicators are 1 (diagonal: mean)
    corr: np.ndarray  # correlation matrix, shrunk toward the identity by _RIDGE

    def block(self, g: int) -> slice:
        return slice(int(self.starts[g]), int(self.starts[g] + self.sizes[g]))


def indicator_moments(votes: VoteMatrix) -> Moments:
    n, k = votes.n_rows, votes.cardinality
    one_hot = votes.one_hot()
    counts = np.bincount(one_hot.indices, minlength=votes.n_lfs * k).astype(np.float64)
    keep = (counts >= MIN_VOTES) & (counts <= n - MIN_VOTES)
    # An LF whose kept indicators cover every row has indicators summing to one: drop its most
    # frequent class, which then serves as its reference as abstain does for the others.
    kept_votes = np.bincount(np.arange(len(counts)) // k, weights=counts * keep)
    for j in np.flatnonzero(kept_votes >= n):
        own = slice(j * k, (j + 1) * k)
        keep[j * k + int(np.argmax(np.where(keep[own], counts[own], -1.0)))] = False
    columns = np.flatnonzero(keep)
    lfs, starts, sizes = np.unique(columns // k, return_index=True, return_counts=True)
    position = np.full(len(counts), -1)
    position[columns] = np.arange(len(columns))
    new = position[one_hot.indices]
    kept = new >= 0
    indptr = np.concatenate([[0], np.cumsum(kept)])[one_hot.indptr]
    indicators = sp.csr_matrix(
        (np.ones(int(kept.sum())), new[kept], indptr), shape=(n, len(columns))
    )
    cooc = _gram(indicators) / max(n, 1)
    mean = counts[columns] / max(n, 1)
    sd = np.sqrt(mean * (1.0 - mean))
    corr = (cooc - np.outer(mean, mean)) / np.outer(sd, sd)
    corr = (1.0 - _RIDGE) * corr + _RIDGE * np.eye(len(columns))
    return Moments(indicators, columns, lfs, starts, sizes, mean, cooc, corr)


def _gram(indicators: sp.csr_matrix) -> np.ndarray:
    """``indicators.T @ indicators`` as a dense array, from dense row blocks when that is faster."""
    n, p = indicators.shape
    if indicators.nnz <= _DENSE_GRAM * n * p:
        return np.asarray((indicators.T @ indicators).todense(), dtype=np.float64)
    out = np.zeros((p, p))
    step = max(1, _CHUNK_CELLS // max(p, 1))
    for start in range(0, n, step):
        block = indicators[start : start + step].toarray().astype(np.float32)  # 0/1: exact
        out += block.T @ block
    return out


def correlation_se(moments: Moments, n: int) -> np.ndarray:
    """Standard error of the sample correlation of each pair of indicators (delta method).

    Two indicators have four joint outcomes, so the variance of their sample correlation ``r``,
    ``E[(z_i z_j - r (z_i**2 + z_j**2) / 2)**2] / n`` for the standardised indicators ``z``, is
    exact in their means and co-occurrence. The co-occurrence is floored at its value under
    independence, so that a pair that happened never to co-occur does not look certain.
    """
    mu = moments.mean
    sd = np.sqrt(mu * (1.0 - mu))
    both = np.maximum(moments.cooc, np.outer(mu, mu))
    r = (both - np.outer(mu, mu)) / np.outer(sd, sd)
    only_i = mu[:, None] - both
    only_j = mu[None, :] - both
    cells = {(1, 1): both, (1, 0): only_i, (0, 1): only_j, (0, 0): 1.0 - both - only_i - only_j}
    var = np.zeros_like(both)
    for (xi, xj), prob in cells.items():
        zi = ((xi - mu) / sd)[:, None]
        zj = ((xj - mu) / sd)[None, :]
        g = zi * zj - 0.5 * r * (zi * zi + zj * zj)
        var += np.maximum(prob, 0.0) * g * g
    return np.sqrt(var / n)


def precision_se(
    moments: Moments, precision: np.ndarray, candidates: list[tuple[int, int]]
) -> list[np.ndarray]:
    """Standard errors of the scaled precision entries ``Q_ij`` in the candidate blocks.

    The sample precision moves by ``-P (R_hat - R) P``; with ``w = P z / sqrt(diag(P))``, the
    whitened standardised indicators (``E[w_i w_j] = Q_ij``), the delta method gives ``Q_hat_ij -
    Q_ij ~ -mean(w_i w_j - Q_ij (w_i**2 + w_j**2) / 2)``, whose variance takes fourth moments of
    ``w``. They are summed over dense blocks of rows, for the candidates' columns only.
    """
    n = moments.indicators.shape[0]
    groups = sorted({g for pair in candidates for g in pair})
    used = np.concatenate([np.arange(len(moments.columns))[moments.block(g)] for g in groups])
    where = np.full(len(moments.columns), -1)
    where[used] = np.arange(len(used))
    left, right = [], []
    for a, b in candidates:
        ia, ib = where[moments.block(a)], where[moments.block(b)]
        left.append(np.repeat(ia, len(ib)))
        right.append(np.tile(ib, len(ia)))
    li, ri = np.concatenate(left), np.concatenate(right)
    mu = moments.mean
    scale = np.sqrt(np.diag(precision))
    weights = precision[:, used] / np.sqrt(mu * (1.0 - mu))[:, None] / scale[used][None, :]
    offset = (mu / np.sqrt(mu * (1.0 - mu))) @ weights
    # With many entries per indicator, the sums over rows are entries of Gram matrices of powers
    # of w (BLAS); otherwise they are summed per entry.
    gram = len(used) ** 2 <= 8 * len(li)
    s22, s31, s13, s4 = np.zeros(len(li)), np.zeros(len(li)), np.zeros(len(li)), np.zeros(len(used))
    g22 = g31 = np.zeros((len(used), len(used)) if gram else (0, 0))
    step = max(1, _CHUNK_CELLS // max(len(li), len(used)))
    for start in range(0, n, step):
        w = np.asarray(moments.indicators[start : start + step] @ weights) - offset
        s4 += np.einsum("ri,ri->i", w * w, w * w)
        if gram:
            g22 = g22 + (w * w).T @ (w * w)
            g31 = g31 + (w * w * w).T @ w
            continue
        wl, wr = w[:, li], w[:, ri]
        s22 += np.einsum("ri,ri->i", wl * wl, wr * wr)
        s31 += np.einsum("ri,ri->i", wl * wl * wl, wr)
        s13 += np.einsum("ri,ri->i", wl, wr * wr * wr)
    if gram:
        s22, s31, s13 = g22[li, ri], g31[li, ri], g31[ri, li]
    qij = precision[used[li], used[ri]] / (scale[used[li]] * scale[used[ri]])
    second = (s22 - qij * (s31 + s13) + 0.25 * qij * qij * (s4[li] + 2.0 * s22 + s4[ri])) / n
    se = np.sqrt(np.maximum(second, 0.0) / n)
    out, pos = [], 0
    for a, b in candidates:
        size = int(moments.sizes[a] * moments.sizes[b])
        out.append(se[pos : pos + size].reshape(moments.sizes[a], moments.sizes[b]))
        pos += size
    return out
