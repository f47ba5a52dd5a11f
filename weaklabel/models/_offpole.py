"""Which classes a one-sided LF fires on when it is wrong: a class factor shared by the LFs.

A one-sided LF (a keyword that votes one class) fires on its own class at rate ``r`` and on the
other classes at one rate ``e``. With many classes that is too coarse: the rows of some classes
draw other classes' keywords far more often than others (a broad class whose rows mention
anything, against a narrow one whose rows rarely stray). With about one vote per row, a single
``e`` makes every class equally likely to have produced a wrong vote, and the broad class's rows
are read as the class their stray keyword names (9 classes, 164 keyword LFs, 1.3 votes per row:
0.710 against the Hyper Label Model's 0.825, issue 12).

So each one-sided unit's off-pole rate becomes ``e_u(y) = e_u * f(y) / norm_u``: ``f(y)`` is how
much more often the one-sided units of the other classes fire on class ``y``'s rows than their
own ``e`` says (posterior counts, ``PSEUDO_VOTES`` pseudo-votes of "as expected" each side), one
factor per class shared by the units; ``norm_u`` keeps each unit's total off-pole firing as
before, so the factor moves wrong votes between classes and nothing else. A unit's factor leaves
out the counts of its own class's units: keywords of one class stray together (the common words
of a class fire on the same rows), and with their counts in, a class's rows that EM gave another
class made that class look prone to them, which gave it more of those rows (synthetic keywords:
calibration error 0.025 -> 0.074 leaving out only the unit's own counts, 0.040 leaving out its
class's; accuracy 0.916 -> 0.936 and 0.932). With two classes there is one off-pole class and
the factor is 1.

The factor is for suites of one-sided LFs, and needs several of them to estimate it: at least
``MIN_UNITS`` one-sided units, ``MIN_PER_CLASS`` on every class (while a unit left out only its
own counts, a class of one LF let that LF's wrong votes alone decide whether its class looked
"pure": random LF subsets of trec, calibration error 0.233 -> 0.251; leaving out the class's
counts, the subsets show no harm without this gate, 0.232, which stays as a margin), and at
least ``MIN_SHARE`` of the votes. (A crowd worker who answered a few items, all of one class, is
one-sided too; with 461 workers on 300 items, 83 of them, the factor cost 0.6 point.) The
per-LF-silence fit (:mod:`weaklabel.models._silence`) goes without it: there the silent siblings
already carry the class evidence, and with the factor EM let a class grow pure and absorb the
rows of others (random synthetic stress sets).
"""

from __future__ import annotations

import numpy as np

__all__ = ["MIN_PER_CLASS", "MIN_SHARE", "MIN_UNITS", "PSEUDO_VOTES", "applies", "off_pole_factor"]

#: Pseudo-votes on each side of a class's ratio of observed to expected off-pole fires.
PSEUDO_VOTES = 10.0
#: Fewest one-sided units for the class factor.
MIN_UNITS = 10
#: Fewest one-sided units of each class for the class factor.
MIN_PER_CLASS = 2
#: Smallest share of the votes that one-sided units cast for the class factor.
MIN_SHARE = 0.5


def applies(poles: np.ndarray, fired: np.ndarray, k: int) -> bool:
    """Whether a fit takes the class factor: ``poles`` are the units' (-1 for a general unit) and
    ``fired`` how many votes each unit cast."""
    one = poles >= 0
    per_class = np.bincount(poles[one], minlength=k)
    share = float(fired[one].sum()) / max(float(fired.sum()), 1e-12)
    return (
        k >= 3
        and one.sum() >= MIN_UNITS
        and per_class.min() >= MIN_PER_CLASS
        and share >= MIN_SHARE
    )


def off_pole_factor(fired: np.ndarray, expected: np.ndarray, poles: np.ndarray) -> np.ndarray:
    """``[unit, y]``: the one-sided units' off-pole rate factors.

    ``fired[u, y]`` is how often unit ``u`` (of pole ``poles[u]``) fired on class ``y``'s rows
    (posterior counts) and ``expected[u, y]`` how often its single off-pole rate says it should,
    both 0 at its pole. Each unit's factor is normalised so that ``factor[u] @ expected[u]``
    equals ``expected[u].sum()``.
    """
    k = expected.shape[1]
    fired_by, due_by = np.zeros((k, k)), np.zeros((k, k))  # [pole, y]
    np.add.at(fired_by, poles, fired)
    np.add.at(due_by, poles, expected)
    # the other classes' units only: a class's own LFs stray together
    seen = fired_by.sum(axis=0) - fired_by[poles]
    due = due_by.sum(axis=0) - due_by[poles]
    factor = (seen + PSEUDO_VOTES) / (due + PSEUDO_VOTES)
    total = expected.sum(axis=1, keepdims=True)
    norm = (factor * expected).sum(axis=1, keepdims=True)
    return np.where(norm > 0, factor * total / np.where(norm > 0, norm, 1.0), 1.0)
