"""Synthetic votes from LF suites with a faulty member: near-copies of a weak LF, or an LF that
fires at random. Both start from good LFs independent given the class and add the fault."""

from __future__ import annotations

from typing import Any

import numpy as np

from weaklabel._core.params import check_float, check_int, parameter_error
from weaklabel._core.random import RandomState, check_random_state
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.datasets._checks import check_balance, check_range, one_sided_limit
from weaklabel.datasets._synthetic import make_dependent_votes

__all__ = ["make_random_lf_votes", "make_redundant_votes"]


def make_redundant_votes(
    n_rows: int,
    *,
    n_lfs: int = 6,
    n_copies: int = 3,
    copy_prob: float = 0.9,
    accuracy: Any = (0.6, 0.85),
    coverage: float = 0.5,
    cardinality: int = 2,
    class_balance: Any = None,
    random_state: RandomState = None,
) -> tuple[VoteMatrix, np.ndarray]:
    """Draw votes where the weakest LF has near-copies: redundant, correlated LFs.

    It mimics a suite where one heuristic was written several times (the same regex with small
    changes, one keyword list split into several LFs): the copies agree with each other far more
    than their accuracy explains, and a model that takes them as independent counts that one
    heuristic several times. The ``n_lfs`` original LFs vote any class, independently given the
    class, each on a share ``coverage`` of the rows, with accuracies drawn from ``accuracy``; LF
    0 is the least accurate. LFs ``n_lfs, ..., n_lfs + n_copies - 1`` are its near-copies: on each
    row, each copy repeats LF 0's output (abstain included) with probability ``copy_prob`` and
    otherwise votes on its own, with LF 0's accuracy and coverage
    (:func:`~weaklabel.datasets.make_dependent_votes` with the pairs ``(0, n_lfs + i)``).

    Parameters
    ----------
    n_rows : int
    n_lfs : int
        Number of original LFs, at least 2.
    n_copies : int
        Near-copies of LF 0 (0 for none).
    copy_prob : float
        Probability that a copy repeats LF 0 on a row; 1 makes exact duplicates.
    accuracy : (float, float)
        Range of the original LFs' accuracies, drawn uniformly.
    coverage : float
        Share of the rows each LF votes on.
    cardinality : int
    class_balance : array-like of shape (cardinality,), optional
        Uniform by default.
    random_state : int or numpy Generator, optional

    Returns
    -------
    votes : VoteMatrix
        ``n_lfs + n_copies`` LFs named ``lf_0, lf_1, ...``.
    truth : ndarray of shape (n_rows,)

    Examples
    --------
    >>> from weaklabel.datasets import make_redundant_votes
    >>> votes, truth = make_redundant_votes(2000, copy_prob=1.0, random_state=0)
    >>> dense = votes.to_dense()
    >>> votes.n_lfs, bool((dense[:, 0] == dense[:, 6]).all())
    (9, True)
    """
    owner = "make_redundant_votes"
    n_rows = check_int("n_rows", n_rows, owner=owner, minimum=1)
    m = check_int("n_lfs", n_lfs, owner=owner, minimum=2)
    copies = check_int("n_copies", n_copies, owner=owner, minimum=0)
    rho = check_float("copy_prob", copy_prob, owner=owner, minimum=0.0, maximum=1.0)
    cov = check_float("coverage", coverage, owner=owner, minimum=0.0, maximum=1.0)
    k = check_int("cardinality", cardinality, owner=owner, minimum=2)
    lo, hi = check_range("accuracy", accuracy, owner)
    balance = check_balance(class_balance, k, owner, default=np.full(k, 1.0 / k))
    rng = check_random_state(random_state, owner=owner)
    acc = np.sort(rng.uniform(lo, hi, m))  # LF 0 the weakest
    votes, truth, _ = make_dependent_votes(
        n_rows,
        np.concatenate([acc, np.full(copies, acc[0])]),
        np.full(m + copies, cov),
        [(0, m + i) for i in range(copies)],
        copy_prob=rho,
        cardinality=k,
        class_balance=balance,
        random_state=rng,
    )
    return votes, truth


def make_random_lf_votes(
    n_rows: int,
    *,
    n_good: int = 6,
    accuracy: Any = (0.7, 0.9),
    coverage: float = 0.2,
    random_coverage: float = 0.2,
    random_class: int | None = None,
    cardinality: int = 2,
    class_balance: Any = None,
    random_state: RandomState = None,
) -> tuple[VoteMatrix, np.ndarray]:
    """Draw votes of good one-sided LFs plus one LF that fires at random.

    It mimics a keyword LF whose word has nothing to do with the classes (a greeting, a common
    name): it fires on a share ``random_coverage`` of the rows whatever their class, always
    voting ``random_class``. A model should learn that its vote carries no evidence; on the rows
    where it is the only vote, the honest answer is the class balance. The ``n_good`` good LFs
    are one-sided (LF ``j`` votes class ``j % cardinality``), independent given the class, each
    on a share ``coverage`` of the rows, right on a share of its votes drawn from ``accuracy``.
    The random LF is the last one, ``lf_{n_good}``.

    Parameters
    ----------
    n_rows : int
    n_good : int
        Number of good LFs, at least ``cardinality``.
    accuracy : (float, float)
        Range of the good LFs' accuracies, drawn uniformly.
    coverage : float
        Share of the rows each good LF fires on.
    random_coverage : float
        Share of the rows the random LF fires on, the same for every class.
    random_class : int, optional
        The class the random LF votes; the last class by default.
    cardinality : int
    class_balance : array-like of shape (cardinality,), optional
        Uniform by default.
    random_state : int or numpy Generator, optional

    Returns
    -------
    votes : VoteMatrix
        ``n_good + 1`` LFs named ``lf_0, lf_1, ...``; the last one fires at random.
    truth : ndarray of shape (n_rows,)

    Examples
    --------
    >>> import numpy as np
    >>> from weaklabel.datasets import make_random_lf_votes
    >>> votes, truth = make_random_lf_votes(20000, random_state=0)
    >>> fired = votes.to_dense()[:, 6] >= 0
    >>> round(float(fired.mean()), 2), round(float(truth[fired].mean()), 2)
    (0.2, 0.5)
    """
    owner = "make_random_lf_votes"
    n_rows = check_int("n_rows", n_rows, owner=owner, minimum=1)
    k = check_int("cardinality", cardinality, owner=owner, minimum=2)
    m = check_int("n_good", n_good, owner=owner, minimum=k)
    lo, hi = check_range("accuracy", accuracy, owner)
    cov = check_float("coverage", coverage, owner=owner, minimum=0.0, maximum=1.0)
    noise = check_float("random_coverage", random_coverage, owner=owner, minimum=0.0, maximum=1.0)
    pole = k - 1 if random_class is None else check_int("random_class", random_class, owner=owner)
    if not 0 <= pole < k:
        raise parameter_error("random_class", owner, f"a class index in 0..{k - 1}", random_class)
    balance = check_balance(class_balance, k, owner, default=np.full(k, 1.0 / k))
    good_pole = np.arange(m) % k
    most = one_sided_limit(balance, good_pole, lo, hi)
    if cov > most:
        raise parameter_error(
            "coverage",
            owner,
            f"at most {most:.3g} for good LFs of accuracy {lo:g}-{hi:g} and class balance "
            f"{balance.round(3).tolist()}, or a good LF would fire on more than every row of "
            "a class",
            coverage,
        )
    rng = check_random_state(random_state, owner=owner)
    # an LF whose votes fall on its class at the class's base rate fires alike on every class
    acc = np.concatenate([rng.uniform(lo, hi, m), [balance[pole]]])
    votes, truth, _ = make_dependent_votes(
        n_rows,
        acc,
        np.concatenate([np.full(m, cov), [noise]]),
        [],
        cardinality=k,
        class_balance=balance,
        polarities=np.concatenate([good_pole, [pole]]),
        random_state=rng,
    )
    return votes, truth
