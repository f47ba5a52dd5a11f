"""Pairs of LFs: how often two LFs vote on the same rows, and how often they disagree there."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaklabel._votes.matrix import VoteMatrix

__all__ = ["lf_pairs"]


def lf_pairs(votes: VoteMatrix) -> pd.DataFrame:
    """Overlap, conflict and agreement rates for every pair of LFs that vote on a common row.

    Computed from one sparse product of the one-hot votes; pairs that never vote on the same row
    are left out.

    Returns
    -------
    pandas.DataFrame
        Columns ``lf_a``, ``lf_b`` (``lf_a`` before ``lf_b`` in column order), ``overlap`` (share of
        all rows where both vote), ``conflict`` (share of all rows where both vote and disagree),
        ``agreement`` (share of their common rows where they agree).

    Examples
    --------
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel.analysis import lf_pairs
    >>> votes = VoteMatrix.from_dense([[0, 0, -1], [0, 1, 1], [-1, 1, 1]], cardinality=2)
    >>> lf_pairs(votes).round(3).to_dict("records")[0]
    {'lf_a': 'lf_0', 'lf_b': 'lf_1', 'overlap': 0.667, 'conflict': 0.333, 'agreement': 0.5}
    """
    n = max(votes.n_rows, 1)
    together_m, agree_m = _pair_counts(votes)
    a, b = np.nonzero(np.triu(together_m, k=1))
    together = together_m[a, b].astype(np.float64)
    agreeing = agree_m[a, b].astype(np.float64)
    names = np.asarray(votes.lf_names, dtype=object)
    return pd.DataFrame(
        {
            "lf_a": names[a],
            "lf_b": names[b],
            "overlap": together / n,
            "conflict": (together - agreeing) / n,
            "agreement": agreeing / np.maximum(together, 1),
        }
    )


def _pair_counts(votes: VoteMatrix) -> tuple[np.ndarray, np.ndarray]:
    """``(m, m)`` counts of rows where two LFs both vote, and where they vote the same class."""
    k, m = votes.cardinality, votes.n_lfs
    voted = votes.voted()
    one_hot = votes.one_hot()
    same = (one_hot.T @ one_hot).tocoo()
    lf_of, cls_of = np.divmod(np.arange(m * k), k)
    keep = cls_of[same.row] == cls_of[same.col]
    agree = sp.coo_matrix(
        (same.data[keep], (lf_of[same.row[keep]], lf_of[same.col[keep]])), shape=(m, m)
    )
    return (voted.T @ voted).toarray(), agree.toarray()
