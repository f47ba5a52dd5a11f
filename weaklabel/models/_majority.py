"""Majority vote, plain and weighted."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from scipy.special import softmax

from weaklabel._core.params import Check, Constraint, Interval
from weaklabel._votes.distributed import DaskVoteMatrix
from weaklabel._votes.gold import UNKNOWN
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import ParameterError
from weaklabel.models._base import CHANCE, BaseLabelModel
from weaklabel.models._persistence import check_finite, check_positive, check_shapes

__all__ = ["MajorityVote", "WeightedMajorityVote"]


def _any(_value: object) -> bool:
    """Accepted here; checked against the votes' LFs when ``fit`` sees them."""
    return True


class MajorityVote(BaseLabelModel):
    """Majority vote over the non-abstain votes of each row.

    ``predict_proba`` gives each class its share of the row's votes (a soft majority vote), so a
    2-2 split is ``[0.5, 0.5]``; ``predict`` takes the most voted class and breaks ties by
    ``tie_break``. A row with no vote gets ``class_balance_``.

    LFs joined by ``fit(..., dependencies=G)`` share one vote between them.

    ``class_balance_`` is the given ``class_balance``, else the class frequencies of the gold
    labels when ``fit`` gets some, else the average vote shares over the rows that have votes;
    one pseudo-count per class keeps every class possible.

    Parameters
    ----------
    cardinality : int
        Number of classes.
    tie_break : {"prior", "lowest", "random"}
        How ``predict`` breaks ties (see :mod:`weaklabel.models`): by default toward the class with
        the larger ``class_balance_``.
    random_state : int, optional
        Seed for ``tie_break="random"``.

    Examples
    --------
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel.models import MajorityVote
    >>> votes = VoteMatrix.from_dense([[1, 1, 0], [0, 1, -1], [-1, -1, -1]], cardinality=2)
    >>> mv = MajorityVote(cardinality=2).fit(votes)
    >>> mv.predict_proba(votes).round(3).tolist()
    [[0.333, 0.667], [0.5, 0.5], [0.458, 0.542]]
    >>> mv.predict(votes).tolist()
    [1, 1, 1]
    """

    cli_name: ClassVar[str] = "majority-vote"

    _state: ClassVar[tuple[str, ...]] = ("class_balance_", "lf_weights_")

    def _fit(
        self,
        votes: VoteMatrix,
        gold: np.ndarray | None,
        balance: np.ndarray | None,
        dependencies: Any = None,
    ) -> None:
        self.lf_weights_ = component_weights(votes, dependencies)
        self.class_balance_ = balance if balance is not None else self._balance(votes, gold)

    def _fit_dask(
        self, votes: DaskVoteMatrix, balance: np.ndarray | None, dependencies: Any
    ) -> None:
        self.lf_weights_ = component_weights(votes, dependencies)
        if balance is None:
            balance = self._smooth(votes.map_reduce(_share_totals, _add, self))
        self.class_balance_ = balance

    def _check_state(self, n_lfs: int) -> None:
        check_finite(self, ("lf_weights_",))
        check_shapes(self, {"lf_weights_": (n_lfs,)})
        check_positive(self, ("lf_weights_",))  # a weight <= 0 breaks rows summing to 1

    def _balance(self, votes: VoteMatrix, gold: np.ndarray | None) -> np.ndarray:
        k = self.cardinality
        known = gold[gold != UNKNOWN] if gold is not None else np.empty(0, dtype=np.int64)
        if known.size:
            counts = np.bincount(known, minlength=k).astype(np.float64)
        else:
            counts = _share_totals(votes, self)
        return self._smooth(counts)

    def _smooth(self, counts: np.ndarray) -> np.ndarray:
        """Class frequencies from counts, with one pseudo-count per class."""
        return (counts + 1.0) / (counts.sum() + self.cardinality)

    def _scores(self, votes: VoteMatrix) -> np.ndarray:
        """Weighted vote shares per row (rows without votes: zeros)."""
        k = self.cardinality
        flat = votes.rows() * k + votes.labels()
        weights = self.lf_weights_[np.asarray(votes.lfs)]
        counts = np.bincount(flat, weights=weights, minlength=votes.n_rows * k)
        counts = counts.reshape(votes.n_rows, k).astype(np.float64)
        totals = counts.sum(axis=1, keepdims=True)
        return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)

    def _proba(self, votes: VoteMatrix) -> np.ndarray:
        return self._scores(votes)


def _share_totals(votes: VoteMatrix, model: MajorityVote) -> np.ndarray:
    """Sum over rows of each row's weighted vote shares (rows without votes add zeros)."""
    counts = np.zeros(model.cardinality)
    for _, chunk in votes.chunks(1 << 16):
        counts += model._scores(chunk).sum(axis=0)
    return counts


class WeightedMajorityVote(BaseLabelModel):
    """Weighted majority vote: each LF's vote counts by the log-odds of its accuracy.

    A vote for class ``c`` by an LF of accuracy ``a`` adds ``log(a (k-1) / (1-a))`` to class ``c``
    (the one-coin model: an LF is right with probability ``a`` and otherwise picks any other class);
    ``predict_proba`` is the softmax of the summed weights plus the log class balance. Accuracies
    come from, in order: the ``accuracies`` setting (a mapping of LF name to accuracy, or one value
    per LF); the gold labels given to ``fit`` (each LF's accuracy on the gold rows where it voted);
    else each LF's agreement with the majority vote of the *other* LFs on the rows where they vote
    too. All are shrunk toward ``prior_accuracy`` by ``prior_strength`` pseudo-votes and kept in
    ``[1/k + 0.01, 0.99]``, so no LF counts against the class it names. LFs joined by
    ``fit(..., dependencies=G)`` share their weight.

    Parameters
    ----------
    cardinality : int
    accuracies : mapping or sequence of float, optional
        Fixed LF accuracies.
    prior_accuracy : float
    prior_strength : float
    tie_break, random_state
        As for every model.

    Attributes
    ----------
    class_balance_ : ndarray of shape (k,)
    lf_accuracies_ : ndarray of shape (m,)
    lf_weights_ : ndarray of shape (m,)
        The log-odds weight of each LF's vote.

    Examples
    --------
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel.models import WeightedMajorityVote
    >>> votes = VoteMatrix.from_dense([[1, 0, 0], [1, 1, -1]], cardinality=2,
    ...                               lf_names=["a", "b", "c"])
    >>> wmv = WeightedMajorityVote(accuracies={"a": 0.95, "b": 0.6, "c": 0.6}).fit(votes)
    >>> wmv.predict(votes).tolist()
    [1, 1]
    """

    cli_name: ClassVar[str] = "weighted-majority-vote"
    _parameter_constraints: ClassVar[dict[str, list[Constraint]]] = {
        "accuracies": [Check("a mapping of LF name to accuracy, or one accuracy per LF", _any)],
        "prior_accuracy": [Interval(float, CHANCE, 1.0)],
        "prior_strength": [Interval(float, 0, None)],
    }
    _state: ClassVar[tuple[str, ...]] = ("class_balance_", "lf_accuracies_", "lf_weights_")

    def __init__(
        self,
        cardinality: int = 2,
        *,
        accuracies: Any = None,
        prior_accuracy: float = 0.7,
        prior_strength: float = 2.0,
        tie_break: str = "prior",
        random_state: int | None = None,
    ) -> None:
        super().__init__(cardinality, tie_break=tie_break, random_state=random_state)
        self.accuracies = accuracies
        self.prior_accuracy = prior_accuracy
        self.prior_strength = prior_strength

    def _fit(
        self,
        votes: VoteMatrix,
        gold: np.ndarray | None,
        balance: np.ndarray | None,
        dependencies: Any = None,
    ) -> None:
        accuracy = self._accuracies(votes, gold)
        self._set_weights(votes, accuracy, dependencies)
        if balance is None:
            mv = MajorityVote(self.cardinality).fit(votes, gold=None if gold is None else gold)
            balance = mv.class_balance_
        self.class_balance_ = balance

    def _fit_dask(
        self, votes: DaskVoteMatrix, balance: np.ndarray | None, dependencies: Any
    ) -> None:
        if self.accuracies is not None:
            accuracy = _fixed_accuracies(self.accuracies, votes, type(self).__name__)
        else:
            correct, total = votes.map_reduce(_agreement, _add, self.cardinality)
            accuracy = self._shrink(correct, total)
        self._set_weights(votes, accuracy, dependencies)
        if balance is None:
            balance = MajorityVote(self.cardinality).fit(votes).class_balance_
        self.class_balance_ = balance

    def _check_state(self, n_lfs: int) -> None:
        check_finite(self, ("lf_weights_", "lf_accuracies_"))
        check_shapes(self, {"lf_weights_": (n_lfs,), "lf_accuracies_": (n_lfs,)})

    def _set_weights(
        self, votes: VoteMatrix | DaskVoteMatrix, accuracy: np.ndarray, dependencies: Any
    ) -> None:
        k = self.cardinality
        accuracy = np.clip(accuracy, 1.0 / k + 0.01, 0.99)
        share = component_weights(votes, dependencies)
        self.lf_accuracies_ = accuracy
        self.lf_weights_ = share * np.log(accuracy * (k - 1) / (1 - accuracy))

    def _accuracies(self, votes: VoteMatrix, gold: np.ndarray | None) -> np.ndarray:
        m = votes.n_lfs
        if self.accuracies is not None:
            return _fixed_accuracies(self.accuracies, votes, type(self).__name__)
        if gold is not None and (gold != UNKNOWN).any():
            rows, lfs, labels = votes.rows(), np.asarray(votes.lfs, dtype=np.int64), votes.labels()
            truth = gold[rows]
            known = truth != UNKNOWN
            hits = (labels == truth) & known
            correct = np.bincount(lfs, weights=hits.astype(float), minlength=m)
            total = np.bincount(lfs, weights=known.astype(float), minlength=m)
        else:
            correct, total = _agreement(votes, self.cardinality)
        return self._shrink(correct, total)

    def _shrink(self, correct: np.ndarray, total: np.ndarray) -> np.ndarray:
        s, a0 = self.prior_strength, self.prior_accuracy
        return (correct + s * a0) / (total + s)

    def _proba(self, votes: VoteMatrix) -> np.ndarray:
        k = self.cardinality
        flat = votes.rows() * k + votes.labels()
        w = self.lf_weights_[np.asarray(votes.lfs)]
        logits = np.bincount(flat, weights=w, minlength=votes.n_rows * k).astype(np.float64)
        logits = logits.reshape(votes.n_rows, k)
        return softmax(logits + np.log(self.class_balance_), axis=1)


def _agreement(votes: VoteMatrix, k: int) -> np.ndarray:
    """``[correct, total]`` per LF: its agreement with the other LFs' majority, and its votes."""
    m = votes.n_lfs
    rows, lfs, labels = votes.rows(), np.asarray(votes.lfs, dtype=np.int64), votes.labels()
    counts = votes.class_counts()[:, :k].astype(np.float64)
    others = counts[rows]
    others[np.arange(len(rows)), np.minimum(labels, k - 1)] -= 1.0
    n_other = others.sum(axis=1)
    keep = n_other > 0
    agree = others[np.arange(len(rows)), np.minimum(labels, k - 1)] / np.maximum(n_other, 1)
    correct = np.bincount(lfs[keep], weights=agree[keep], minlength=m)
    total = np.bincount(lfs[keep], minlength=m).astype(np.float64)
    return np.stack([correct, total])


def component_weights(votes: VoteMatrix | DaskVoteMatrix, dependencies: Any) -> np.ndarray:
    """1 / (size of each LF's connected component in the dependency graph); ones without one."""
    weights = np.ones(votes.n_lfs)
    if dependencies is None:
        return weights
    from weaklabel.models._units import make_units

    units = make_units(votes, dependencies, cardinality=votes.cardinality, owner="the model")
    for members in units.members:
        weights[list(members)] = 1.0 / len(members)
    return weights


def _fixed_accuracies(
    accuracies: Any, votes: VoteMatrix | DaskVoteMatrix, owner: str
) -> np.ndarray:
    from collections.abc import Mapping

    if isinstance(accuracies, Mapping):
        unknown = [name for name in accuracies if name not in votes.lf_names]
        missing = [name for name in votes.lf_names if name not in accuracies]
        if unknown or missing:
            raise ParameterError(
                f"The 'accuracies' parameter of {owner} must give one accuracy per LF. Unknown "
                f"LFs: {unknown[:5]}; LFs without one: {missing[:5]}."
            )
        values = np.array([float(accuracies[name]) for name in votes.lf_names])
    else:
        values = np.asarray(accuracies, dtype=np.float64)
        if values.shape != (votes.n_lfs,):
            raise ParameterError(
                f"The 'accuracies' parameter of {owner} must hold one value per LF "
                f"({votes.n_lfs}). Got shape {values.shape} instead."
            )
    if not np.all((values > 0) & (values < 1)):
        raise ParameterError(
            f"The 'accuracies' parameter of {owner} must hold probabilities in (0, 1). Got "
            f"{values.tolist()[:5]} instead."
        )
    return values


def _add(*values: np.ndarray) -> np.ndarray:
    return np.sum(values, axis=0)
