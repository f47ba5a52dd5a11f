"""Nested one-sided LFs: a narrow LF of one class that only ever fires where a broad LF of another
class fires too, such as ``"what does X stand for"`` (an abbreviation) inside ``"what ..."`` (a
description), or an exception rule written inside the rule it overrides.

A label model that takes LFs as independent given the class cannot read such a pair. The broad
LF fired on every one of the narrow LF's rows, which under independence says that those rows are
of the broad LF's class (its rate on its own class is high; its rate elsewhere is not near 1), so
EM hands them to the broad LF and reads the narrow LF as wrong there, however right it is: on
WRENCH trec an abbreviation LF right on all of its test rows was reckoned right 6% of the time.
But the broad LF's vote on those rows is no evidence at all: its pattern matches wherever the
narrow one does, whatever the class. So :class:`~weaklabel.models.LabelModel` drops the broad
LF's vote on the rows where the narrow one fires, in fit and in predict; the broad LF's rates are
then those of the rows where the narrow LF stayed silent.

A pair counts as nested when, on the rows fitted, every row the narrow LF voted on also has a
vote of the broad LF, the broad LF voted on more rows, the two vote different single classes,
and the nesting is unlikely by chance among all the pairs looked at: ``c ** n <= NESTING_ALPHA
/ P`` for the broad LF's coverage ``c``, the narrow LF's ``n`` votes and ``P`` pairs of one-sided
LFs of different classes (a narrow LF with 5 votes inside one that fires on 60% of the rows
nests by chance 8% of the time; among 68 LFs, one with 27 votes or more counts). LFs of one
class that nest are left alone: their silence counts once per class already, and dropping the
broad one's vote there made the probabilities overconfident (sms's ECE 0.115 -> 0.212, trec's
0.074 -> 0.105).

On WRENCH trec 8 pairs are found (6 narrow LFs inside the 62%-coverage "description" LF, one
inside each of two others): its test accuracy goes 0.644 -> 0.658 (the Hyper Label Model 0.660)
and its ECE 0.080 -> 0.074; the abbreviation LF is now reckoned right 100% of the time. None of
the other benchmark sets has a nested pair. Where the narrow LF is the one in the wrong, its
rows now go to its class; the report and ``weaklabel run`` name every LF whose votes are set
aside, and ``LabelModel(drop_nested=False)`` keeps them.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from weaklabel._votes.matrix import VoteMatrix

__all__ = ["NESTING_ALPHA", "drop_nested", "nested_pairs", "without_nested"]

#: Largest probability that some narrow LF's votes all fall inside a broad LF's by chance (over
#: all the pairs looked at), for a pair to count as nested.
NESTING_ALPHA = 0.01


def nested_pairs(
    sample: VoteMatrix, weights: np.ndarray, unvoted_rows: float, poles: np.ndarray
) -> np.ndarray:
    """``(n_pairs, 2)`` LF positions ``(narrow, broad)`` of the nested pairs (module docstring).

    ``sample`` holds distinct rows, each standing for ``weights`` rows, besides ``unvoted_rows``
    rows without votes; ``poles`` is each LF's single class, -1 for an LF that votes several.
    """
    one = np.flatnonzero(poles >= 0)
    none = np.zeros((0, 2), dtype=np.int64)
    if len(one) < 2:
        return none
    fired = sample.voted()[:, one]
    cofired = sp.coo_matrix(fired.T @ sp.diags(np.asarray(weights, dtype=np.float64)) @ fired)
    votes = cofired.diagonal()
    narrow, broad, both = cofired.row, cofired.col, cofired.data
    total = max(float(np.sum(weights)) + unvoted_rows, 1.0)
    per_class = np.bincount(poles[one])
    tests = max(len(one) ** 2 - int((per_class**2).sum()), 1)  # ordered pairs, two classes
    with np.errstate(divide="ignore"):
        chance = votes[narrow] * np.log(votes[broad] / total) + np.log(tests)
    nested = (
        (narrow != broad)
        & np.isclose(both, votes[narrow], rtol=1e-9, atol=1e-9)
        & (votes[broad] > votes[narrow] * (1 + 1e-9))
        & (poles[one[narrow]] != poles[one[broad]])
        & (chance <= np.log(NESTING_ALPHA))
    )
    if not nested.any():
        return none
    pairs = np.column_stack([one[narrow[nested]], one[broad[nested]]]).astype(np.int64)
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]


def without_nested(
    sample: VoteMatrix, weights: np.ndarray, unvoted_rows: float, poles: np.ndarray, *, find: bool
) -> tuple[VoteMatrix, np.ndarray]:
    """``sample`` with the broad votes of its nested pairs dropped, and the pairs (none unless
    ``find``); the arguments as for :func:`nested_pairs`."""
    none = np.zeros((0, 2), dtype=np.int64)
    pairs = nested_pairs(sample, weights, unvoted_rows, poles) if find else none
    return drop_nested(sample, pairs), pairs


def drop_nested(votes: VoteMatrix, pairs: np.ndarray) -> VoteMatrix:
    """``votes`` without each pair's broad LF's vote on the rows where its narrow LF voted."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if not len(pairs) or not votes.n_votes:
        return votes
    m = votes.n_lfs
    narrow_to_broad = sp.csr_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(m, m))
    silenced = sp.coo_matrix(votes.voted() @ narrow_to_broad)
    if not silenced.nnz:
        return votes
    rows, lfs = votes.rows(), np.asarray(votes.lfs, dtype=np.int64)
    keys = rows.astype(np.int64) * m + lfs
    gone = np.isin(keys, silenced.row.astype(np.int64) * m + silenced.col)
    if not gone.any():
        return votes
    kept = ~gone
    indptr = np.zeros(votes.n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[kept], minlength=votes.n_rows), out=indptr[1:])
    return VoteMatrix.from_csr_parts(
        indptr,
        lfs[kept],
        votes.labels()[kept],
        cardinality=votes.cardinality,
        lf_names=votes.lf_names,
        class_names=votes.class_names,
        row_ids=votes.row_ids,
        lf_failures=votes.lf_failures,
        confidences=votes.confidences()[kept] if votes.has_confidences else None,
        trusted=True,
    )
