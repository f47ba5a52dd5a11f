"""Where :class:`~weaklabel.models.LabelModel`'s EM starts, and which of two starts it keeps.

EM climbs to the fixed point nearest its start. From majority vote that is the right one
wherever majority vote is mostly right; where it is not - crowds of workers close to chance,
whose errors are their own, or classes a crowd confuses with each other - EM can settle where two
classes share one class's rows, or where one class's rows carry another's name, a fixed point
under which the votes are less likely than under the one the method-of-moments estimate
(:class:`~weaklabel.models.MomentsModel`, read off how the LFs agree, not off their votes row
by row) leads to.

With ``init="auto"`` EM starts from majority vote. Where the moments estimate labels more than
:data:`DISAGREE` of the fitted rows (by weight) differently from that fit, EM runs again from
it, and the fit whose parameters make the fitted rows' votes likelier is kept (the marginal
likelihood of each row's votes, summed over the unlabeled rows: it needs no gold, and both
fits have the same number of parameters). The two are compared only when both counted silence
the same way (:mod:`weaklabel.models._silence`): a per-class and a per-LF silence fit are
likelihoods of different events. Where the two starts agree, which is where majority vote is
mostly right, the second run is not made and costs the moments estimate only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import logsumexp

from weaklabel._core.random import check_random_state
from weaklabel._votes.matrix import VoteMatrix

if TYPE_CHECKING:
    from weaklabel.models._label_model import LabelModel

__all__ = ["DISAGREE", "MOMENT_ROWS", "START_MODES", "fit_from_starts"]

#: Where EM may start (``init``): majority vote, the moments estimate, or ``"auto"``: the first,
#: and the second too where the two disagree.
START_MODES = ("auto", "majority", "moments")
#: Share of the fitted rows (by weight) on which the moments estimate must label differently
#: from the fit started at majority vote before EM runs from it too.
DISAGREE = 0.02
#: Most rows the moments estimate is read from, drawn by their weights from the fitted rows: its
#: second moments need no more, and reading them is most of its cost.
MOMENT_ROWS = 10_000


def fit_from_starts(
    model: LabelModel,
    fit: Callable[[np.ndarray], None],
    sample: VoteMatrix,
    weights: np.ndarray,
    unvoted_rows: float,
) -> None:
    """Run ``fit(start posteriors)`` on ``model`` from ``model.init``'s start(s), keeping the
    likelier fit.

    ``sample`` holds the rows EM fits, ``weights`` how many rows each unlabeled one stands for
    (0 for gold rows): those rows give the moments estimate and judge the two fits, with the
    ``unvoted_rows`` rows without votes.
    """
    if model.init == "moments":
        fit(moments_start(model, sample, weights))
        return
    fit(majority_start(sample, model.cardinality))
    if model.init == "majority":
        return
    fitted = model._logits(sample).argmax(axis=1)
    start = moments_start(model, sample, weights)
    differ = float(weights[start.argmax(axis=1) != fitted].sum())
    if differ <= DISAGREE * float(weights.sum()):
        return
    first = {name: value for name, value in vars(model).items() if name.endswith("_")}
    first_likelihood = log_likelihood(model, sample, weights, unvoted_rows)
    fit(start)
    second_likelihood = log_likelihood(model, sample, weights, unvoted_rows)
    if model.silence_ != first["silence_"] or second_likelihood <= first_likelihood:
        vars(model).update(first)


def majority_start(sample: VoteMatrix, k: int) -> np.ndarray:
    """Each row's majority-vote shares (uniform without votes)."""
    counts = np.zeros((sample.n_rows, k))
    observed = sample.class_counts()
    counts[:, : observed.shape[1]] = observed[:, :k]
    totals = counts.sum(axis=1, keepdims=True)
    return np.where(totals > 0, counts / np.maximum(totals, 1.0), 1.0 / k)


def moments_start(model: LabelModel, sample: VoteMatrix, weights: np.ndarray) -> np.ndarray:
    """The method-of-moments posteriors of ``sample``'s rows, the estimate read off them (each
    once), or off :data:`MOMENT_ROWS` rows drawn by ``weights`` when there are more."""
    from weaklabel.models._moments import MomentsModel

    rows = sample
    if sample.n_rows > MOMENT_ROWS:
        rng = check_random_state(model.random_state, owner=type(model).__name__)
        drawn = rng.choice(sample.n_rows, size=MOMENT_ROWS, p=weights / weights.sum())
        rows = sample[np.sort(drawn)]
    estimate = MomentsModel(model.cardinality, random_state=model.random_state).fit(rows)
    return estimate.predict_proba(sample)


def log_likelihood(
    model: LabelModel, sample: VoteMatrix, weights: np.ndarray, unvoted_rows: float
) -> float:
    """The fitted model's log-likelihood of the rows' votes, each row weighing ``weights``, and
    with per-LF silence (whose fit takes them in) of the ``unvoted_rows`` rows without votes."""
    total = float(weights @ logsumexp(model._logits(sample), axis=1))
    if model.silence_ == "lf" and unvoted_rows > 0:
        empty = VoteMatrix.from_dense(
            np.full((1, sample.n_lfs), -1), cardinality=sample.cardinality
        )
        total += unvoted_rows * float(logsumexp(model._logits(empty)))
    return total
