"""Whether a crowd finds some classes harder than others: a likelihood-ratio test in
:class:`~weaklabel.models.LabelModel`'s fit.

The learned crowd prior (:mod:`weaklabel.models._pooled`) draws a worker's accuracy on items of
class ``y`` around the worker's overall accuracy. Where the whole crowd finds one class harder
(one dog breed mistaken for its neighbor by nearly everyone, a rare class that workers seldom
answer), that prior pulls every worker toward equal accuracy on every class, and EM explains the
difference another way: by the class balance. Workers right 56% of the time on class 0 and 81%
on class 1 of a balanced binary set answer class 1 more often; read with equal accuracies, that
says class 1 is common, and the model ends at 27/73 (0.717 accurate, majority vote 0.863).

A second prior centres each worker's accuracy on class ``y`` at its overall accuracy shifted in
logit by the crowd's offset for ``y`` (the crowd's accuracy on ``y`` against its overall one). It
has ``k - 1`` more free parameters and nests the first, but where the classes are equally hard
it lets EM trade the balance against the offsets (a crowd near chance leaves that direction
nearly flat), and it has cost 10-25 points on such sets. So the fit first converges without the
offsets, then continues EM with them from there, and keeps them only when they raise the
log-likelihood of the votes (the rows without gold) by more than half the chi-square quantile
:data:`LEVEL` of ``k - 1`` degrees of freedom (a likelihood-ratio test).

On the random crowds of ``benchmarks/label_model_crowds.py``: crowds whose classes differ in
difficulty 0.841 -> 0.856 (ECE 0.107 -> 0.092), the sets more than a point below majority vote or
Dawid-Skene 12 -> 6; crowds where they do not, unchanged (0.805). At the 1% or 5% level a few of
the latter take the offsets and lose 8-15 points each.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.special import logsumexp
from scipy.stats import chi2

from weaklabel.models._em import EM, accelerated_fixed_point

__all__ = ["LEVEL", "with_class_difficulty"]

#: Level of the likelihood-ratio test the class offsets must pass.
LEVEL = 0.999

Fit = tuple[np.ndarray, int, bool]  # posteriors, EM steps, converged


def with_class_difficulty(
    em: EM,
    step: Callable[[np.ndarray], np.ndarray],
    log_joint: Callable[[np.ndarray], np.ndarray],
    fit: Fit,
    weights: np.ndarray,
    *,
    max_iter: int,
    tol: float,
) -> tuple[Fit, tuple[float, float] | None]:
    """The fit with per-class offsets in the crowd prior if they pass the test, else ``fit``.

    ``step`` is the EM map and ``log_joint(q)`` the log joint of each row and class after the
    M-step on ``q``; ``weights`` are those of the rows without gold, which come first. The second
    EM gets the steps ``fit`` left of ``max_iter``. Returns the fit kept and ``(log-likelihood
    gain, gain needed)``, or None when there is no learned crowd prior to test.
    """
    if em.pooled is None:
        return fit, None
    q, n_iter, converged = fit

    def log_likelihood(current: np.ndarray) -> float:
        rows = log_joint(current)[: len(weights)]
        return float(weights @ logsumexp(rows, axis=1))

    before = log_likelihood(q)
    em.difficulty = True
    q1, more, converged1 = accelerated_fixed_point(
        step, q, max_iter=max_iter - n_iter, tol=tol, progress=False
    )
    gain = log_likelihood(q1) - before
    needed = 0.5 * float(chi2.ppf(LEVEL, em.k - 1))
    if gain > needed:
        return (q1, n_iter + more, converged1), (gain, needed)
    em.difficulty = False
    return (q, n_iter + more, converged), (gain, needed)
