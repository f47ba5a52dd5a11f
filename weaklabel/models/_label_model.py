"""The generative label model: per-LF class-conditional vote rates and the class balance, by EM."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from scipy.special import logsumexp, softmax
from tqdm.auto import tqdm

from weaklabel._gold import UNKNOWN
from weaklabel._params import check_float, check_int
from weaklabel._votes import VoteMatrix
from weaklabel.models._base import BaseLabelModel

__all__ = ["LabelModel"]

_FLOOR = 1e-12


class LabelModel(BaseLabelModel):
    """Estimate how each LF votes given the true class, without labels, and infer the classes.

    The model (Dawid-Skene with abstain as an outcome) assumes that given the true class ``y`` the
    LFs vote independently, LF ``j`` voting ``c`` with probability ``emissions_[j, y, c]`` and
    abstaining with the rest. It learns those rates and the class balance by
    expectation-maximisation on the sparse votes, started from majority vote so that it settles on
    the solution where LFs are better than chance. Because the rates include how often an LF fires
    for each class, an LF that only ever votes one class (a keyword LF for "spam") carries
    evidence, and so does its silence on the rows where other LFs vote.

    A row where every LF abstained gets ``class_balance_``: with no vote at all there is no
    heuristic evidence about the row, and the prior keeps such rows visibly uncertain (a
    confidence filter drops them).

    Gold labels, when given to ``fit``, are clamped: those rows count with their true class.

    Parameters
    ----------
    cardinality : int
        Number of classes.
    max_iter : int
        Most EM iterations.
    tol : float
        Stop when no vote rate changes by more than ``tol`` in an iteration.
    prior_strength : float
        Pseudo-observations per LF and class in the Dirichlet prior that smooths the rates.
    prior_accuracy : float
        Accuracy the prior assumes for every LF (between 1/k and 1).
    tie_break : {"prior", "lowest", "random"}
        How ``predict`` breaks ties.
    random_state : int, optional
        Seed for ``tie_break="random"``; the fit itself is deterministic.
    progress : bool
        Show a progress bar over EM iterations.

    Attributes
    ----------
    class_balance_ : ndarray of shape (k,)
        Estimated class prior.
    emissions_ : ndarray of shape (m, k, k)
        ``emissions_[j, y, c]``: probability that LF ``j`` votes ``c`` when the class is ``y``.
    n_iter_ : int
        EM iterations run.

    Examples
    --------
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel.models import LabelModel
    >>> votes = VoteMatrix.from_dense(
    ...     [[1, 1, -1], [1, 0, 1], [0, 0, -1], [0, -1, 0], [-1, -1, -1]] * 20, cardinality=2)
    >>> model = LabelModel(cardinality=2, progress=False).fit(votes)
    >>> probs = model.predict_proba(votes)
    >>> probs.shape, bool(abs(probs.sum(axis=1) - 1).max() < 1e-12)
    ((100, 2), True)
    >>> model.predict(votes)[:4].tolist()
    [1, 1, 0, 0]
    >>> bool((probs[4] == model.class_balance_).all())
    True
    """

    cli_name: ClassVar[str] = "label-model"
    _state: ClassVar[tuple[str, ...]] = ("class_balance_", "emissions_")

    def __init__(
        self,
        cardinality: int = 2,
        *,
        max_iter: int = 100,
        tol: float = 1e-5,
        prior_strength: float = 1.0,
        prior_accuracy: float = 0.7,
        tie_break: str = "prior",
        random_state: int | None = None,
        progress: bool = True,
    ) -> None:
        super().__init__(cardinality, tie_break=tie_break, random_state=random_state)
        self.max_iter = max_iter
        self.tol = tol
        self.prior_strength = prior_strength
        self.prior_accuracy = prior_accuracy
        self.progress = progress

    def _check_params(self) -> None:
        super()._check_params()
        owner = type(self).__name__
        check_int("max_iter", self.max_iter, owner=owner, minimum=1)
        check_float("tol", self.tol, owner=owner, minimum=0.0, exclusive_minimum=True)
        check_float("prior_strength", self.prior_strength, owner=owner, minimum=0.0)
        check_float(
            "prior_accuracy",
            self.prior_accuracy,
            owner=owner,
            minimum=1.0 / self.cardinality,
            maximum=1.0,
        )

    # -- learned quantities derived from the state ---------------------------------------------

    @property
    def propensities_(self) -> np.ndarray:
        """``(m, k)``: probability that LF ``j`` votes at all when the class is ``y``."""
        self._check_fitted()
        return self.emissions_.sum(axis=2)

    @property
    def confusions_(self) -> np.ndarray:
        """``(m, k, k)``: probability of each vote given the class, on the rows the LF voted on."""
        prop = self.propensities_
        return self.emissions_ / np.maximum(prop, _FLOOR)[:, :, None]

    @property
    def lf_accuracies_(self) -> np.ndarray:
        """``(m,)``: probability that LF ``j``'s vote is the true class, when it votes."""
        prior = self.class_balance_[None, :]
        correct = (np.diagonal(self.emissions_, axis1=1, axis2=2) * prior).sum(axis=1)
        return correct / np.maximum((self.propensities_ * prior).sum(axis=1), _FLOOR)

    # -- EM ---------------------------------------------------------------------------------------

    def _fit(self, votes: VoteMatrix, gold: np.ndarray | None, balance: np.ndarray | None) -> None:
        k, m, n = self.cardinality, votes.n_lfs, votes.n_rows
        one_hot = _pad_classes(votes, k)
        labeled = np.zeros(n, dtype=bool) if gold is None else gold != UNKNOWN
        active = (votes.votes_per_row() > 0) | labeled
        n_silent = n - int(active.sum())  # rows with neither votes nor gold share one posterior
        a_act = one_hot[active]
        lab_act = labeled[active]
        clamp = np.zeros((int(lab_act.sum()), k))
        if gold is not None:
            clamp[np.arange(len(clamp)), gold[active][lab_act]] = 1.0
        prior = self._prior_counts(votes.votes_per_lf() / max(n, 1), k)
        q = _soft_majority(a_act, k)
        q[lab_act] = clamp
        q_silent = np.full(k, 1.0 / k) if balance is None else balance
        emissions = np.zeros((m, k, k))
        self.n_iter_ = 0
        bar = tqdm(
            range(self.max_iter), desc="Fitting LabelModel", disable=not self.progress, leave=False
        )
        for _ in bar:
            # M-step: class balance and vote rates from the expected class counts.
            totals = q.sum(axis=0) + n_silent * q_silent
            pi = balance if balance is not None else _normalise(totals + 1.0)
            counts = (a_act.T @ q).reshape(m, k, k).transpose(0, 2, 1)  # [j, y, c]
            new = (counts + prior) / (totals[None, :, None] + self.prior_strength)
            change = float(np.abs(new - emissions).max())
            emissions = new
            self.n_iter_ += 1
            # E-step: a vote and an abstain are both evidence about the class.
            weights, silent = _log_weights(emissions)
            logits = a_act @ weights + (_log(pi) + silent)
            q = softmax(logits, axis=1)
            q[lab_act] = clamp
            q_silent = softmax(_log(pi) + silent)
            if change < self.tol:
                break
        bar.close()
        totals = q.sum(axis=0) + n_silent * q_silent
        self.class_balance_ = balance if balance is not None else _normalise(totals + 1.0)
        self.emissions_ = emissions
        self.log_likelihood_ = float(logsumexp(logits[~lab_act], axis=1).sum()) if n else 0.0

    def _prior_counts(self, coverage: np.ndarray, k: int) -> np.ndarray:
        s, acc = self.prior_strength, self.prior_accuracy
        table = np.full((k, k), (1.0 - acc) / (k - 1))
        np.fill_diagonal(table, acc)
        return s * coverage[:, None, None] * table[None, :, :]

    def _proba(self, votes: VoteMatrix) -> np.ndarray:
        weights, silent = _log_weights(self.emissions_)
        logits = _pad_classes(votes, self.cardinality) @ weights + (
            _log(self.class_balance_) + silent
        )
        probs = softmax(logits, axis=1)
        probs[votes.votes_per_row() == 0] = self.class_balance_
        return probs


def _log_weights(emissions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-vote log-likelihood ratios against abstaining, and the all-abstain log-likelihood.

    The log-likelihood of a row under class ``y`` is ``silent[y]`` (every LF abstains) plus, for
    each vote ``c`` of LF ``j``, ``weights[j * k + c, y] = log P(c | y) - log P(abstain | y)``.
    """
    m, k, _ = emissions.shape
    log_abstain = _log(1.0 - emissions.sum(axis=2))  # [j, y]
    weights = _log(emissions).transpose(0, 2, 1) - log_abstain[:, None, :]  # [j, c, y]
    return weights.reshape(m * k, k), log_abstain.sum(axis=0)


def _pad_classes(votes: VoteMatrix, k: int) -> sp.csr_matrix:
    """The one-hot votes with ``k`` columns per LF (votes may know fewer classes than the model)."""
    one_hot = votes.one_hot()
    if votes.cardinality == k:
        return one_hot
    lf, cls = np.divmod(one_hot.indices, votes.cardinality)
    return sp.csr_matrix(
        (one_hot.data, lf * k + cls, one_hot.indptr), shape=(votes.n_rows, votes.n_lfs * k)
    )


def _soft_majority(one_hot: sp.csr_matrix, k: int) -> np.ndarray:
    m = one_hot.shape[1] // k
    per_class = sp.csr_matrix(np.tile(np.eye(k), (m, 1)))
    counts = sp.csr_matrix(one_hot @ per_class).toarray()
    totals = counts.sum(axis=1, keepdims=True)
    return np.where(totals > 0, counts / np.maximum(totals, 1), 1.0 / k)


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / x.sum()


def _log(x: np.ndarray) -> np.ndarray:
    return np.log(np.maximum(x, _FLOOR))
