"""Synthetic votes of keyword-like, one-sided LFs: the suites that text classification gets.

A keyword LF votes one class (its *pole*) whenever its word appears, and abstains otherwise. Two
generators, for the two shapes such suites take:

* :func:`make_keyword_votes`: many classes and many keywords, about one vote per row, every row
  covered (a topic or intent set labeled by a long keyword list);
* :func:`make_one_sided_votes`: two classes and a handful of weak keywords, independent given the
  class (a spam filter's first rules).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from weaklabel._core.params import check_float, check_int, parameter_error
from weaklabel._core.random import RandomState, check_random_state
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.datasets._checks import (
    check_balance,
    check_range,
    one_sided_limit,
    zipf_balance,
)
from weaklabel.datasets._synthetic import make_dependent_votes

__all__ = ["make_keyword_votes", "make_one_sided_votes"]


def make_keyword_votes(
    n_rows: int,
    *,
    cardinality: int = 9,
    n_lfs: int = 160,
    accuracy: Any = (0.6, 0.95),
    broad_classes: int = 2,
    broad_variants: int = 3,
    broad_recall: float = 0.7,
    side_mentions: float = 0.1,
    class_balance: Any = None,
    random_state: RandomState = None,
) -> tuple[VoteMatrix, np.ndarray]:
    """Draw the votes of a long keyword list over many classes: one-sided LFs, every row covered.

    It mimics a topic or intent set labeled by a few keywords per class, kept to the rows some
    keyword matched. Most keywords are *specific*: rare (their frequencies spread over two orders
    of magnitude), each naming one class, right on a share of its rows drawn from ``accuracy``.
    The ``broad_classes`` largest classes also have ``broad_variants`` *broad* keywords each: the
    common words of the class (``"pay"``, ``"payment"``) that fire together on most of its rows,
    and that show up as side mentions in rows of other classes, beside those rows' own keyword.

    Each row draws its class from ``class_balance``. On a row of a broad class each broad variant
    of the class fires with probability ``broad_recall``. A row without a broad vote gets one
    specific keyword, keyword ``j`` with probability proportional to its frequency times
    ``a_j / p_c`` on rows of its class ``c`` and ``(1 - a_j) / (1 - p_c)`` on the others (``a_j``
    its accuracy, ``p_c`` the share of its class). On a row with a specific keyword, each broad
    variant of another class fires with probability ``side_mentions``. Every row gets a vote;
    specific rows get one or a few, broad rows about ``broad_variants * broad_recall``.

    Parameters
    ----------
    n_rows : int
    cardinality : int
        Number of classes, at least 2.
    n_lfs : int
        Number of LFs, broad variants included. The first ``broad_classes * broad_variants`` are
        the broad ones (class 0's, then class 1's, ...); specific keyword ``i`` votes class
        ``i % cardinality``.
    accuracy : (float, float)
        Range of the specific keywords' accuracies, drawn uniformly.
    broad_classes : int
        How many of the largest classes (0, 1, ...) have broad keywords; 0 for none.
    broad_variants : int
        Broad keywords per broad class.
    broad_recall : float
        Probability that each broad variant fires on a row of its class.
    side_mentions : float
        Probability that each broad variant fires on a row of another class that has a specific
        keyword.
    class_balance : array-like of shape (cardinality,), optional
        Class shares, largest first for the broad classes to be the largest; by default
        proportional to ``1 / (c + 1) ** 1.5`` (0.51, 0.18, 0.10, ... for 9 classes).
    random_state : int or numpy Generator, optional

    Returns
    -------
    votes : VoteMatrix
        LFs named ``lf_0, lf_1, ...``; every row has at least one vote.
    truth : ndarray of shape (n_rows,)
        The true class of each row.

    Examples
    --------
    >>> from weaklabel.datasets import make_keyword_votes
    >>> votes, truth = make_keyword_votes(2000, random_state=0)
    >>> votes.shape, int(votes.votes_per_row().min())
    ((2000, 160), 1)

    Without broad keywords every row has exactly one vote:

    >>> votes, _ = make_keyword_votes(500, broad_classes=0, random_state=0)
    >>> sorted(set(votes.votes_per_row().tolist()))
    [1]
    """
    owner = "make_keyword_votes"
    n_rows = check_int("n_rows", n_rows, owner=owner, minimum=1)
    k = check_int("cardinality", cardinality, owner=owner, minimum=2)
    m = check_int("n_lfs", n_lfs, owner=owner, minimum=1)
    lo, hi = check_range("accuracy", accuracy, owner)
    n_broad = check_int("broad_classes", broad_classes, owner=owner, minimum=0)
    variants = check_int("broad_variants", broad_variants, owner=owner, minimum=1)
    recall = check_float("broad_recall", broad_recall, owner=owner, minimum=0.0, maximum=1.0)
    side = check_float("side_mentions", side_mentions, owner=owner, minimum=0.0, maximum=1.0)
    if n_broad > k:
        raise parameter_error("broad_classes", owner, f"at most cardinality ({k})", broad_classes)
    n_wide = n_broad * variants
    if m < n_wide + k:
        raise parameter_error(
            "n_lfs",
            owner,
            f"at least broad_classes * broad_variants + cardinality ({n_wide + k}), so that every "
            "class has a specific keyword",
            n_lfs,
        )
    balance = check_balance(class_balance, k, owner, default=zipf_balance(k, 1.5))
    rng = check_random_state(random_state, owner=owner)

    wide_pole = np.repeat(np.arange(n_broad), variants)
    pole = np.arange(m - n_wide) % k  # the specific keywords' classes
    frequency = rng.lognormal(0.0, 1.0, m - n_wide)
    acc = rng.uniform(lo, hi, m - n_wide)
    share = np.maximum(balance[pole], 1e-12)
    # pick[y, j]: chance that a row of class y gets specific keyword j
    pick = np.tile(frequency * (1 - acc) / np.maximum(1 - share, 1e-12), (k, 1))
    pick[pole, np.arange(m - n_wide)] = frequency * acc / share
    cumulative = np.cumsum(pick, axis=1)
    cumulative /= cumulative[:, -1:]

    truth = rng.choice(k, size=n_rows, p=balance)
    rows, lfs = [], []
    fired = np.zeros(n_rows, dtype=bool)
    for j in range(n_wide):  # broad variants on the rows of their class
        hit = np.flatnonzero((truth == wide_pole[j]) & (rng.random(n_rows) < recall))
        rows.append(hit)
        lfs.append(np.full(len(hit), j))
        fired[hit] = True
    specific = np.flatnonzero(~fired)
    draw = rng.random(len(specific))
    chosen = np.empty(len(specific), dtype=np.int64)
    for y in range(k):
        of_y = truth[specific] == y
        chosen[of_y] = np.searchsorted(cumulative[y], draw[of_y], side="right")
    rows.append(specific)
    lfs.append(n_wide + np.minimum(chosen, m - n_wide - 1))
    for j in range(n_wide):  # side mentions beside another class's keyword
        other = specific[truth[specific] != wide_pole[j]]
        hit = other[rng.random(len(other)) < side]
        rows.append(hit)
        lfs.append(np.full(len(hit), j))
    all_rows, all_lfs = np.concatenate(rows), np.concatenate(lfs)
    labels = np.concatenate([wide_pole, pole])[all_lfs]
    votes = VoteMatrix(all_rows, all_lfs, labels, n_rows=n_rows, cardinality=k, n_lfs=m)
    return votes, truth


def make_one_sided_votes(
    n_rows: int,
    *,
    n_lfs: int = 10,
    votes_per_row: float = 1.7,
    accuracy: Any = (0.6, 0.85),
    cardinality: int = 2,
    class_balance: Any = (0.6, 0.4),
    random_state: RandomState = None,
) -> tuple[VoteMatrix, np.ndarray]:
    """Draw the votes of a few weak one-sided LFs, independent given the class.

    It mimics the first rules of a spam filter or a sentiment set: a handful of keyword LFs,
    each voting one class, each right on 60-85% of the rows it fires on, about two votes per row
    and some rows without any. LF ``j`` votes class ``j % cardinality`` and fires on a share
    ``votes_per_row / n_lfs`` of the rows, with an accuracy drawn from ``accuracy``; LFs are
    independent given the class (:func:`~weaklabel.datasets.make_dependent_votes` without
    dependencies).

    Parameters
    ----------
    n_rows : int
    n_lfs : int
        Number of LFs, at least ``cardinality``.
    votes_per_row : float
        Mean number of votes per row (rows without votes included).
    accuracy : (float, float)
        Range of the LFs' accuracies (the share of an LF's votes that fall on rows of its class),
        drawn uniformly.
    cardinality : int
    class_balance : array-like of shape (cardinality,)
        Class shares; 0.6 / 0.4 by default (None: uniform).
    random_state : int or numpy Generator, optional

    Returns
    -------
    votes : VoteMatrix
    truth : ndarray of shape (n_rows,)

    Examples
    --------
    >>> from weaklabel.datasets import make_one_sided_votes
    >>> votes, truth = make_one_sided_votes(5000, random_state=0)
    >>> votes.shape, round(float(votes.votes_per_row().mean()), 1)
    ((5000, 10), 1.7)
    >>> votes.polarity()[:4].argmax(axis=1).tolist()  # each LF votes one class
    [0, 1, 0, 1]
    """
    owner = "make_one_sided_votes"
    n_rows = check_int("n_rows", n_rows, owner=owner, minimum=1)
    k = check_int("cardinality", cardinality, owner=owner, minimum=2)
    m = check_int("n_lfs", n_lfs, owner=owner, minimum=k)
    lo, hi = check_range("accuracy", accuracy, owner)
    per_row = check_float(
        "votes_per_row", votes_per_row, owner=owner, minimum=0.0, exclusive_minimum=True
    )
    balance = check_balance(class_balance, k, owner, default=np.full(k, 1.0 / k))
    pole = np.arange(m) % k
    most = one_sided_limit(balance, pole, lo, hi)
    if per_row / m > most:
        raise parameter_error(
            "votes_per_row",
            owner,
            f"at most {most * m:.3g} for {m} LFs of accuracy {lo:g}-{hi:g} and class balance "
            f"{balance.round(3).tolist()}, or an LF would fire on more than every row of a class",
            votes_per_row,
        )
    rng = check_random_state(random_state, owner=owner)
    acc = rng.uniform(lo, hi, m)
    votes, truth, _ = make_dependent_votes(
        n_rows,
        acc,
        np.full(m, per_row / m),
        [],
        cardinality=k,
        class_balance=balance,
        polarities=pole,
        random_state=rng,
    )
    return votes, truth
