"""Method of moments: LF vote rates from how often pairs of LFs vote together (MeTaL-style)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import softmax

from weaklabel._core.params import Constraint, Interval
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.models._base import CHANCE, BaseLabelModel
from weaklabel.models._emissions import EmissionsMixin
from weaklabel.models._persistence import check_finite, check_shapes

__all__ = ["MomentsModel"]

_FLOOR = 1e-9


class MomentsModel(EmissionsMixin, BaseLabelModel):
    """Fit LF vote rates to the overlap statistics of the votes, by matrix completion.

    With ``psi`` the one-hot vector of a row's votes (``m * k`` entries, abstains left out), the
    overlap matrix ``O = E[psi psi^T]`` is one sparse product ``A^T A / n``. If LFs are independent
    given the class, each off-diagonal block is ``O_jl = mu_j diag(pi) mu_l^T`` with
    ``mu[j*k + c, y] = P(LF j votes c | y)``. The model finds ``mu`` by least squares on those
    blocks plus the marginal vote rates (L-BFGS-B, rates kept in [0, 1]), computed without any
    dense ``(m k) x (m k)`` matrix, so it is fast from sufficient statistics and needs no pass over
    the rows once ``O`` is built. It predicts as Snorkel's label model does: each vote multiplies
    the class likelihood by ``mu``; abstains are ignored, so an all-abstain row gets the prior.

    The class balance is not identified by second moments alone; it is taken from ``fit``'s
    ``class_balance``, else from gold labels when given, else from majority vote on the rows with
    votes. It is a fast model and an initialiser for :class:`LabelModel` (``init="moments"``).

    Parameters
    ----------
    cardinality : int
    prior_accuracy : float
        Accuracy of the starting point and of the ridge penalty's centre.
    l2 : float
        Weight of the ridge penalty that keeps rates near the starting point.
    max_iter : int
        Most L-BFGS-B iterations.
    tie_break, random_state
        As for every model.

    Attributes
    ----------
    class_balance_ : ndarray of shape (k,)
    emissions_ : ndarray of shape (m, k, k)
        ``emissions_[j, y, c] = P(LF j votes c | y)``.

    Examples
    --------
    >>> from weaklabel.datasets import make_votes
    >>> from weaklabel.models import MomentsModel
    >>> votes, truth = make_votes(5000, [0.9, 0.8, 0.7, 0.75], [0.6, 0.5, 0.5, 0.4], random_state=0)
    >>> model = MomentsModel(cardinality=2).fit(votes)
    >>> bool((model.predict(votes) == truth).mean() > 0.8)
    True
    """

    cli_name: ClassVar[str] = "moments"
    _parameter_constraints: ClassVar[dict[str, list[Constraint]]] = {
        "prior_accuracy": [Interval(float, CHANCE, 1.0)],
        "l2": [Interval(float, 0, None)],
        "max_iter": [Interval(int, 1, None)],
    }
    _state: ClassVar[tuple[str, ...]] = ("class_balance_", "emissions_")

    def __init__(
        self,
        cardinality: int = 2,
        *,
        prior_accuracy: float = 0.7,
        l2: float = 0.0,
        max_iter: int = 100,
        tie_break: str = "prior",
        random_state: int | None = None,
    ) -> None:
        super().__init__(cardinality, tie_break=tie_break, random_state=random_state)
        self.prior_accuracy = prior_accuracy
        self.l2 = l2
        self.max_iter = max_iter

    def _fit(
        self,
        votes: VoteMatrix,
        gold: np.ndarray | None,
        balance: np.ndarray | None,
        dependencies: Any = None,
    ) -> None:
        k, m, n = self.cardinality, votes.n_lfs, votes.n_rows
        one_hot = votes.one_hot()
        overlap = (one_hot.T @ one_hot).tocsr() / max(n, 1)
        marginal = overlap.diagonal().copy()
        lf_of = np.repeat(np.arange(m), k)
        coo = overlap.tocoo()
        off = lf_of[coo.row] != lf_of[coo.col]
        o_off = sp.csr_matrix((coo.data[off], (coo.row[off], coo.col[off])), shape=overlap.shape)
        pi = self._balance(votes, gold, balance)
        start = _start(marginal, pi, k, self.prior_accuracy)
        objective = _Objective(o_off, marginal, pi, m, k, start, self.l2)
        result = minimize(
            objective,
            start.ravel(),
            jac=True,
            method="L-BFGS-B",
            bounds=[(0.0, 1.0)] * start.size,
            options={"maxiter": self.max_iter},
        )
        mu = result.x.reshape(m * k, k)
        self.class_balance_ = pi
        self.emissions_ = _normalised_rates(mu, m, k)
        self.n_iter_ = int(result.nit)

    def _check_state(self, n_lfs: int) -> None:
        k = self.cardinality
        check_finite(self, ("emissions_",))
        check_shapes(self, {"emissions_": (n_lfs, k, k)})

    def _balance(
        self, votes: VoteMatrix, gold: np.ndarray | None, balance: np.ndarray | None
    ) -> np.ndarray:
        if balance is not None:
            return balance
        from weaklabel.models._majority import MajorityVote

        return MajorityVote(self.cardinality).fit(votes, gold=gold).class_balance_

    def _proba(self, votes: VoteMatrix) -> np.ndarray:
        k, m = self.cardinality, votes.n_lfs  # the LFs' confidence levels, when split
        weights = np.log(np.maximum(self.emissions_, _FLOOR)).transpose(0, 2, 1).reshape(m * k, k)
        logits = votes.one_hot() @ weights + np.log(self.class_balance_)
        return softmax(logits, axis=1)


class _Objective:
    """Least squares on the off-diagonal overlap blocks and the marginal rates, with gradient.

    ``||M * (O - mu P mu^T)||^2`` is expanded so that only ``O``'s non-zeros and ``k x k``
    products are ever formed.
    """

    def __init__(
        self,
        o_off: sp.csr_matrix,
        marginal: np.ndarray,
        pi: np.ndarray,
        m: int,
        k: int,
        centre: np.ndarray,
        l2: float,
    ) -> None:
        self.o_off, self.marginal, self.pi, self.m, self.k = o_off, marginal, pi, m, k
        self.o_norm = float(o_off.multiply(o_off).sum())
        self.centre, self.l2 = centre, l2
        self.marginal_weight = float(m)

    def __call__(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        m, k, pi = self.m, self.k, self.pi
        mu = x.reshape(m * k, k)
        mp = mu * pi[None, :]  # mu P
        o_mp = self.o_off @ mp  # O_off is symmetric, so <O_off, mu P mu^T> = <O_off mu P, mu>
        cross = float(np.sum(o_mp * mu))
        gram = mu.T @ mp  # (mu^T mu) P, k x k
        total_sq = float(np.sum((mp.T @ mp) * (mu.T @ mu)))  # ||mu P mu^T||^2
        blocks = mu.reshape(m, k, k)  # [j, c, y]
        block_gram = np.einsum("jcy,jcz->jyz", blocks, blocks)  # mu_j^T mu_j
        diag_sq = float(np.einsum("jyz,y,z,jyz->", block_gram, pi, pi, block_gram))
        residual_sq = self.o_norm - 2 * cross + (total_sq - diag_sq)
        marg = mu @ pi - self.marginal
        loss = residual_sq + self.marginal_weight * float(marg @ marg)
        # gradient
        grad = -4.0 * o_mp
        grad += 4.0 * mp @ gram  # d||mu P mu^T||^2 = 4 mu P (mu^T mu) P
        block_term = np.einsum("jcy,jyz,z->jcz", blocks * pi[None, None, :], block_gram, pi)
        grad -= 4.0 * block_term.reshape(m * k, k)
        grad += 2.0 * self.marginal_weight * np.outer(marg, pi)
        if self.l2:
            diff = mu - self.centre
            loss += self.l2 * float(np.sum(diff * diff))
            grad += 2.0 * self.l2 * diff
        return loss, grad.ravel()


def _start(marginal: np.ndarray, pi: np.ndarray, k: int, accuracy: float) -> np.ndarray:
    """Rates at which every LF has accuracy ``accuracy`` and its observed vote frequencies."""
    table = np.full((k, k), (1.0 - accuracy) / (k - 1))
    np.fill_diagonal(table, accuracy)
    rates = marginal.reshape(-1, k)[:, :, None] * table[None, :, :] / pi[None, None, :]  # [j,c,y]
    return np.clip(rates.reshape(-1, k), 1e-6, 1.0)


def _normalised_rates(mu: np.ndarray, m: int, k: int) -> np.ndarray:
    """``[j, y, c]`` rates, scaled down where a class's rates of one LF sum above 1."""
    rates = np.clip(mu.reshape(m, k, k).transpose(0, 2, 1), _FLOOR, 1.0)
    total = rates.sum(axis=2, keepdims=True)
    return np.where(total > 1.0, rates / total * (1.0 - 1e-6), rates)
