"""Dawid-Skene: per-LF class-conditional vote rates and the class balance, by EM."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from scipy.special import softmax
from tqdm.auto import tqdm

from weaklabel._core.params import Boolean, Constraint, Interval, Options
from weaklabel._votes.gold import UNKNOWN
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.models._base import CHANCE, BaseLabelModel
from weaklabel.models._emissions import EmissionsMixin
from weaklabel.models._majority import component_weights
from weaklabel.models._persistence import check_finite, check_shapes

__all__ = ["DawidSkene"]

_FLOOR = 1e-12


class DawidSkene(EmissionsMixin, BaseLabelModel):
    """Dawid-Skene: each LF's confusion matrix and the class balance, by EM on the sparse votes.

    The classic model of crowdsourcing: given the true class ``y`` the LFs vote independently,
    LF ``j`` voting ``c`` with probability ``emissions_[j, y, c]``. With ``abstain="outcome"``
    (default) abstaining is one more outcome whose probability depends on the class, so an LF that
    only ever votes one class (a keyword LF) still carries evidence and the model does not
    collapse to one class on such LFs; with ``abstain="ignore"`` only the votes count (the
    crowdsourcing variant, for workers who pick tasks regardless of their class). EM starts from
    majority vote, so it settles on the solution where LFs are better than chance; a Dirichlet
    prior (``prior_strength`` pseudo-rows at ``prior_accuracy``) smooths every rate.

    A row where every LF abstained gets ``class_balance_``. Gold labels given to ``fit`` are
    clamped. LFs joined by ``fit(..., dependencies=G)`` share their weight: each LF's evidence is
    divided by the size of its connected component (a composite-likelihood correction).

    Parameters
    ----------
    cardinality : int
        Number of classes.
    abstain : {"outcome", "ignore"}
        Whether abstaining is evidence (see above).
    max_iter : int
        Most EM iterations.
    tol : float
        Stop when no rate changes by more than ``tol`` in an iteration.
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
        ``emissions_[j, y, c]``: probability that LF ``j`` votes ``c`` when the class is ``y``
        (with ``abstain="ignore"``: given that it votes).
    lf_weights_ : ndarray of shape (m,)
        1, or 1 / size of the LF's dependency component.
    n_iter_ : int
        EM iterations run.
    converged_ : bool
        Whether the largest change of ``emissions_`` fell below ``tol`` within ``max_iter``
        iterations. No warning is raised when it did not (a consensus over one or two
        annotators often cannot converge); check it, or raise ``max_iter``.

    Examples
    --------
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel.models import DawidSkene
    >>> votes = VoteMatrix.from_dense(
    ...     [[1, 1, -1], [1, 0, 1], [0, 0, -1], [0, -1, 0], [-1, -1, -1]] * 20, cardinality=2)
    >>> model = DawidSkene(cardinality=2, progress=False).fit(votes)
    >>> model.predict(votes)[:4].tolist()
    [1, 1, 0, 0]
    >>> bool((model.predict_proba(votes)[4] == model.class_balance_).all())
    True
    """

    cli_name: ClassVar[str] = "dawid-skene"
    _parameter_constraints: ClassVar[dict[str, list[Constraint]]] = {
        "abstain": [Options(("outcome", "ignore"))],
        "max_iter": [Interval(int, 1, None)],
        "tol": [Interval(float, 0, None, closed="right")],
        "prior_strength": [Interval(float, 0, None)],
        "prior_accuracy": [Interval(float, CHANCE, 1.0)],
        "progress": [Boolean()],
    }
    _state: ClassVar[tuple[str, ...]] = ("class_balance_", "emissions_", "lf_weights_")

    def __init__(
        self,
        cardinality: int = 2,
        *,
        abstain: str = "outcome",
        max_iter: int = 100,
        tol: float = 1e-5,
        prior_strength: float = 1.0,
        prior_accuracy: float = 0.7,
        tie_break: str = "prior",
        random_state: int | None = None,
        progress: bool = True,
    ) -> None:
        super().__init__(cardinality, tie_break=tie_break, random_state=random_state)
        self.abstain = abstain
        self.max_iter = max_iter
        self.tol = tol
        self.prior_strength = prior_strength
        self.prior_accuracy = prior_accuracy
        self.progress = progress

    # -- EM ---------------------------------------------------------------------------------------

    def _fit(
        self,
        votes: VoteMatrix,
        gold: np.ndarray | None,
        balance: np.ndarray | None,
        dependencies: Any = None,
    ) -> None:
        k, m, n = self.cardinality, votes.n_lfs, votes.n_rows
        self.lf_weights_ = component_weights(votes, dependencies)
        one_hot = votes.one_hot()
        labeled = np.zeros(n, dtype=bool) if gold is None else gold != UNKNOWN
        active = (votes.votes_per_row() > 0) | labeled
        outcome = self.abstain == "outcome"
        # rows with neither votes nor gold share one posterior (only abstains count there)
        n_silent = n - int(active.sum()) if outcome else 0
        a_act = one_hot[active]
        lab_act = labeled[active]
        clamp = np.zeros((int(lab_act.sum()), k))
        if gold is not None:
            clamp[np.arange(len(clamp)), gold[active][lab_act]] = 1.0
        prior = self._prior_counts(votes.votes_per_lf() / max(n, 1), k)
        q = _soft_majority(a_act, k)
        q[lab_act] = clamp
        q_silent = (
            (q.mean(axis=0) if len(q) else np.full(k, 1.0 / k)) if balance is None else balance
        )
        emissions = np.zeros((m, k, k))
        self.n_iter_, self.converged_ = 0, False
        bar = tqdm(
            range(self.max_iter), desc="Fitting DawidSkene", disable=not self.progress, leave=False
        )
        for _ in bar:
            # M-step: class balance and vote rates from the expected class counts.
            totals = q.sum(axis=0) + n_silent * q_silent
            pi = balance if balance is not None else _normalise(totals + 1.0)
            counts = (a_act.T @ q).reshape(m, k, k).transpose(0, 2, 1)  # [j, y, c]
            if outcome:
                new = (counts + prior) / (totals[None, :, None] + self.prior_strength)
            else:
                voted = counts.sum(axis=2, keepdims=True)
                new = (counts + prior) / (voted + prior.sum(axis=2, keepdims=True))
            change = float(np.abs(new - emissions).max())
            emissions = new
            self.n_iter_ += 1
            # E-step on the rows that carry evidence (votes or gold).
            weights, silent = self._log_weights(emissions)
            logits = a_act @ weights + (np.log(pi) + silent)
            q = softmax(logits, axis=1)
            q[lab_act] = clamp
            q_silent = softmax(np.log(pi) + silent)
            if change < self.tol:
                self.converged_ = True
                break
        bar.close()
        totals = q.sum(axis=0) + n_silent * q_silent
        self.class_balance_ = balance if balance is not None else _normalise(totals + 1.0)
        self.emissions_ = emissions

    def _check_state(self, n_lfs: int) -> None:
        k = self.cardinality
        check_finite(self, ("emissions_", "lf_weights_"))
        check_shapes(self, {"emissions_": (n_lfs, k, k), "lf_weights_": (n_lfs,)})

    def _prior_counts(self, coverage: np.ndarray, k: int) -> np.ndarray:
        s, acc = self.prior_strength, self.prior_accuracy
        table = np.full((k, k), (1.0 - acc) / (k - 1))
        np.fill_diagonal(table, acc)
        scale = coverage[:, None, None] if self.abstain == "outcome" else 1.0
        return s * scale * table[None, :, :]

    def _log_weights(self, emissions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-vote log-likelihood weights ``[j*k + c, y]`` and the all-abstain term ``[y]``.

        The log-likelihood of a row under class ``y`` is ``silent[y]`` plus, for each vote ``c``
        of LF ``j``, ``weights[j * k + c, y]``; with abstain as an outcome a vote's weight is
        ``log P(c | y) - log P(abstain | y)`` and ``silent`` sums ``log P(abstain | y)``.
        """
        m, k, _ = emissions.shape
        lf_w = self.lf_weights_[:, None, None]
        log_e = _log(emissions).transpose(0, 2, 1) * lf_w  # [j, c, y]
        if self.abstain != "outcome":
            return log_e.reshape(m * k, k), np.zeros(k)
        log_abstain = _log(1.0 - emissions.sum(axis=2)) * self.lf_weights_[:, None]  # [j, y]
        weights = log_e - log_abstain[:, None, :]
        return weights.reshape(m * k, k), log_abstain.sum(axis=0)

    def _proba(self, votes: VoteMatrix) -> np.ndarray:
        weights, silent = self._log_weights(self.emissions_)
        logits = votes.one_hot() @ weights + (_log(self.class_balance_) + silent)
        return softmax(logits, axis=1)


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
