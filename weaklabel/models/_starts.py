"""Where :class:`~weaklabel.models.LabelModel`'s EM starts, and which of its starts it keeps.

EM climbs to the fixed point nearest its start. From majority vote that is the right one
wherever majority vote is mostly right; where it is not - crowds of workers close to chance,
whose errors are their own, or classes a crowd confuses with each other - EM can settle where two
classes share one class's rows, or where one class's rows carry another's name, a fixed point
under which the votes are less likely than under the one the method-of-moments estimate
(:class:`~weaklabel.models.MomentsModel`, read off how the LFs agree, not off their votes row
by row) or, for a crowd, Dawid-Skene (:class:`~weaklabel.models.DawidSkene`, each worker's own
confusion matrix) leads to.

With ``init="auto"`` EM starts from majority vote. Where the moments estimate labels more than
:data:`DISAGREE` of the fitted rows (by weight) differently from that fit, the data are hard
for majority vote: EM runs again from the moments estimate and, when the LFs are a crowd's
workers (at least :data:`~weaklabel.models._pooled.MIN_UNITS` LFs that vote every class), from
Dawid-Skene's posteriors too, each only where it too differs from the fit held. The fit whose
parameters make the fitted rows' votes likeliest is kept (the marginal likelihood of each row's
votes, summed over the unlabeled rows: it needs no gold, and the fits have the same parameters).
Fits are compared only when they counted silence the same way (:mod:`weaklabel.models._silence`):
a per-class and a per-LF silence fit are likelihoods of different events. Where the moments
estimate agrees with the first fit, which is where majority vote is mostly right, no other run
is made and the starts cost the moments estimate only.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import logsumexp

from weaklabel._core.random import check_random_state
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import ConvergenceWarning
from weaklabel.models._pooled import MIN_UNITS

if TYPE_CHECKING:
    from weaklabel.models._label_model import LabelModel

__all__ = ["DISAGREE", "MOMENT_ROWS", "START_MODES", "fit_from_starts"]

#: Where EM may start (``init``): majority vote, the moments estimate, or ``"auto"``: the first,
#: and where the moments estimate disagrees with its fit, that estimate and (for a crowd)
#: Dawid-Skene too.
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
    likeliest fit.

    ``sample`` holds the rows EM fits, ``weights`` how many rows each unlabeled one stands for
    (0 for gold rows): those rows give the other starts and judge the fits, with the
    ``unvoted_rows`` rows without votes.
    """
    if model.init == "moments":
        fit(moments_start(model, sample, weights))
        return
    fit(majority_start(sample, model.cardinality))
    if model.init == "majority":
        return
    moments = moments_start(model, sample, weights)
    if not _differs(model, moments, sample, weights):
        return  # majority vote is a good start here: the moments estimate ends where it does
    best = _fitted_state(model), log_likelihood(model, sample, weights, unvoted_rows)
    starts = [moments]
    if int((np.asarray(model.unit_poles_) < 0).sum()) >= MIN_UNITS:
        starts.append(crowd_start(model, sample, weights))
    for start in starts:
        if not _differs(model, start, sample, weights):
            continue
        fit(start)
        likelihood = log_likelihood(model, sample, weights, unvoted_rows)
        if model.silence_ == best[0]["silence_"] and likelihood > best[1]:
            best = _fitted_state(model), likelihood
        else:
            vars(model).update(best[0])


def _fitted_state(model: LabelModel) -> dict[str, object]:
    return {name: value for name, value in vars(model).items() if name.endswith("_")}


def _differs(model: LabelModel, start: np.ndarray, sample: VoteMatrix, weights: np.ndarray) -> bool:
    """Whether ``start`` labels more than :data:`DISAGREE` of the rows (by weight) otherwise
    than the fit ``model`` holds."""
    fitted = model._logits(sample).argmax(axis=1)
    return float(weights[start.argmax(axis=1) != fitted].sum()) > DISAGREE * float(weights.sum())


def majority_start(sample: VoteMatrix, k: int) -> np.ndarray:
    """Each row's majority-vote shares (uniform without votes)."""
    counts = np.zeros((sample.n_rows, k))
    observed = sample.class_counts()
    counts[:, : observed.shape[1]] = observed[:, :k]
    totals = counts.sum(axis=1, keepdims=True)
    return np.where(totals > 0, counts / np.maximum(totals, 1.0), 1.0 / k)


def moments_start(model: LabelModel, sample: VoteMatrix, weights: np.ndarray) -> np.ndarray:
    """The method-of-moments posteriors of ``sample``'s rows (:class:`MomentsModel`)."""
    from weaklabel.models._moments import MomentsModel

    estimate = MomentsModel(model.cardinality, random_state=model.random_state)
    return estimate.fit(_estimation_rows(model, sample, weights)).predict_proba(sample)


def crowd_start(model: LabelModel, sample: VoteMatrix, weights: np.ndarray) -> np.ndarray:
    """The Dawid-Skene posteriors of ``sample``'s rows (each worker's own confusion matrix,
    abstentions ignored: :class:`DawidSkene`)."""
    from weaklabel.models._dawid_skene import DawidSkene

    estimate = DawidSkene(
        model.cardinality, abstain="ignore", random_state=model.random_state, progress=False
    )
    with warnings.catch_warnings():  # a start, not a fit the user sees
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimate.fit(_estimation_rows(model, sample, weights))
    return estimate.predict_proba(sample)


def _estimation_rows(model: LabelModel, sample: VoteMatrix, weights: np.ndarray) -> VoteMatrix:
    """``sample``'s rows (each once), or :data:`MOMENT_ROWS` rows drawn by ``weights`` when there
    are more."""
    if sample.n_rows <= MOMENT_ROWS:
        return sample
    rng = check_random_state(model.random_state, owner=type(model).__name__)
    drawn = rng.choice(sample.n_rows, size=MOMENT_ROWS, p=weights / weights.sum())
    return sample[np.sort(drawn)]


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
