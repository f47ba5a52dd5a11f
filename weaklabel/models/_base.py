"""The contract every label model keeps, and what they share: parameters, checks, prediction.

``Model(cardinality=k, *, ...)`` only stores settings; ``fit(votes, *, gold=None,
class_balance=None)`` validates them against the model's ``_parameter_constraints`` (declared
once per class, merged along the class hierarchy), learns attributes ending in ``_`` and returns
``self``; ``predict_proba(votes)`` returns an n x k array whose rows sum to 1; ``predict(votes)``
picks one class per row with the tie policy of :mod:`weaklabel.models._ties`. A row where every
LF abstained gets ``_unvoted_proba()`` (``class_balance_`` unless a model learns better, as
``LabelModel.unvoted_proba_``): that rule lives here, once, for every model.

Votes on a Dask cluster (:class:`~weaklabel.DaskVoteMatrix`): every fitted model predicts on them
partition by partition through the matrix's public seam, and the result is a Dask DataFrame
(Series for ``predict``) indexed by row id; the models that override ``_fit_dask`` also fit on them.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self, overload

import numpy as np

from weaklabel._core.memory import check_memory
from weaklabel._core.params import Constraint, Interval, Options, validate_params
from weaklabel._core.random import RANDOM_STATE
from weaklabel._votes.distributed import DaskVoteMatrix
from weaklabel._votes.encoding import MAX_CARDINALITY
from weaklabel._votes.gold import UNKNOWN, as_gold
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import NotFittedError, ParameterError
from weaklabel.models._checks import VoteChecks
from weaklabel.models._confidence import (
    confidence_counts,
    cuts_of,
    expand,
    expand_graph,
    learn_cuts,
    level_names,
    merge_counts,
)
from weaklabel.models._gold import PatternGold
from weaklabel.models._persistence import (
    GOLD_STATE,
    as_class_balance,
    check_finite,
    from_dict,
    load_model_file,
    save_model_file,
    to_dict,
)
from weaklabel.models._ties import TIE_POLICIES, predicted_labels

if TYPE_CHECKING:
    import dask.dataframe as dd

__all__ = ["CHANCE", "BaseLabelModel"]

_PREDICT_CHUNK = 1 << 16
_MEMORY_HINT = (
    "Use as few classes as the task needs (cardinality, 2..32766), fewer rows, or a machine with "
    "more memory."
)

#: The lower bound of an accuracy: better than chance, ``1 / cardinality``.
CHANCE = ("1/cardinality", lambda params: 1.0 / params["cardinality"])


class BaseLabelModel(VoteChecks):
    """Base class of weaklabel's label models; subclasses implement ``_fit`` and ``_proba``.

    Subclasses declare ``_parameter_constraints`` for the settings they add and list their
    learned attributes in ``_state``, so that validation, ``save`` / ``load`` and the fitted check
    know them.
    """

    _parameter_constraints: ClassVar[dict[str, list[Constraint]]] = {
        "cardinality": [Interval(int, 2, MAX_CARDINALITY)],
        "tie_break": [Options(TIE_POLICIES)],
        "random_state": RANDOM_STATE,
    }
    #: settings that change how a fit runs (progress bars), not what it learns: never saved
    _transient_params: ClassVar[tuple[str, ...]] = ("progress",)
    _state: ClassVar[tuple[str, ...]] = ("class_balance_",)
    #: whether the model splits LFs into confidence levels (:mod:`weaklabel.models._confidence`)
    _splits_confidences: ClassVar[bool] = False
    _anchors_one_sided: ClassVar[bool] = False  # never reads a one-sided LF against its class
    # learned state, set by fit (declared for type checkers; absent until then)
    class_balance_: np.ndarray
    lf_names_: tuple[str, ...]
    class_names_: tuple[str, ...] | None
    registry: ClassVar[dict[str, type[BaseLabelModel]]] = {}
    cli_name: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.cli_name:
            BaseLabelModel.registry[cls.cli_name] = cls

    def __init__(
        self, cardinality: int = 2, *, tie_break: str = "prior", random_state: int | None = None
    ) -> None:
        self.cardinality = cardinality
        self.tie_break = tie_break
        self.random_state = random_state

    # -- parameters -----------------------------------------------------------------------------

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [p for p in signature.parameters if p != "self"]

    @classmethod
    def _constraints(cls) -> dict[str, list[Constraint]]:
        """Every parameter's constraints, the subclass's overriding its bases'."""
        merged: dict[str, list[Constraint]] = {}
        for klass in reversed(cls.__mro__):
            merged.update(getattr(klass, "_parameter_constraints", None) or {})
        return {name: merged[name] for name in cls._param_names() if name in merged}

    def get_params(self) -> dict[str, Any]:
        """The settings passed to ``__init__``, by name."""
        return {name: getattr(self, name) for name in self._param_names()}

    def _validate_params(self) -> None:
        validate_params(self.get_params(), self._constraints(), owner=type(self).__name__)

    def __repr__(self) -> str:
        signature = inspect.signature(type(self).__init__)
        shown = [
            f"{name}={value!r}"
            for name, value in self.get_params().items()
            if value != signature.parameters[name].default
        ]
        return f"{type(self).__name__}({', '.join(shown)})"

    # -- fit / predict --------------------------------------------------------------------------

    def fit(
        self,
        votes: Any,
        *,
        gold: Any = None,
        class_balance: Any = None,
        dependencies: Any = None,
    ) -> Self:
        """Learn from ``votes`` (a VoteMatrix, or a dense array with -1 for abstain).

        Parameters
        ----------
        votes : VoteMatrix, array-like or DaskVoteMatrix
            Dask votes are fitted from reductions over their partitions, by the models that
            support it (``LabelModel``, ``MajorityVote``, ``WeightedMajorityVote``).
        gold : array-like or mapping, optional
            Gold labels for some rows (-1 / None for unknown, or a row id -> label mapping). Not
            with Dask votes.
        class_balance : array-like of float, optional
            Fix the class prior instead of estimating it.
        dependencies : networkx.Graph, optional
            Edges between the names of LFs that are correlated beyond what the class explains
            (see :func:`weaklabel.models.learn_dependencies`); such LFs are not double-counted.

        Returns
        -------
        self
        """
        self._validate_params()
        if isinstance(votes, DaskVoteMatrix):
            self._check_dask_fit(votes, gold)
            gold_arr = None
        else:
            votes = self._check_votes(votes)
            gold_arr = None if gold is None else as_gold(gold, votes)
        balance = None if class_balance is None else self._check_balance(class_balance)
        in_memory_rows = votes.n_rows if isinstance(votes, VoteMatrix) else 0  # Dask: reduced
        check_memory(
            self._fit_bytes(in_memory_rows, votes.n_lfs),
            what=f"Fitting {type(self).__name__} on {votes.n_rows:,} rows x {votes.n_lfs} LFs "
            f"with {self.cardinality:,} classes",
            hint=_MEMORY_HINT,
        )
        for name in (*self._state, *GOLD_STATE):  # a failed re-fit leaves no half-fitted model
            self.__dict__.pop(name, None)
        self.confidence_cuts_: list[list[float]] = [[] for _ in range(votes.n_lfs)]
        if self._splits_confidences:
            self.confidence_cuts_ = (
                cuts_of(votes.map_reduce(confidence_counts, merge_counts))
                if isinstance(votes, DaskVoteMatrix)
                else learn_cuts(votes)
            )
        cuts = self.confidence_cuts_
        if dependencies is not None and any(cuts):
            dependencies = expand_graph(dependencies, votes.lf_names, cuts)
        if isinstance(votes, DaskVoteMatrix):
            levels = votes
            if any(cuts):
                names = tuple(level_names(votes.lf_names, cuts))
                levels = votes.map_votes(expand, cuts, lf_names=names)
            self._fit_dask(levels, balance, dependencies)
            self._set_gold(PatternGold.empty(self.cardinality))
        else:
            self._fit(expand(votes, cuts), gold_arr, balance, dependencies)
            self._set_gold(self._pattern_gold(votes, gold_arr))
        self.lf_names_ = votes.lf_names
        self.class_names_ = votes.class_names if votes.cardinality == self.cardinality else None
        return self

    @overload
    def predict_proba(self, votes: DaskVoteMatrix) -> dd.DataFrame: ...

    @overload
    def predict_proba(self, votes: Any) -> np.ndarray: ...

    def predict_proba(self, votes: Any) -> np.ndarray | dd.DataFrame:
        """Class probabilities, one row per row of ``votes``; each row sums to 1.

        The type follows the votes: an n x k array for a VoteMatrix (or dense array); for a
        DaskVoteMatrix a Dask DataFrame, computed per partition, with one float column per class
        (named after the classes, else ``"0"``, ``"1"``, ...) and the row ids as index. A row
        without votes gets ``_unvoted_proba()`` (see :meth:`prior_proba`).
        """
        if isinstance(votes, DaskVoteMatrix):
            self._check_dask_predict(votes)
            return votes.map_to_frame(_predict_proba, self)
        votes = self._check_fitted_votes(votes)
        check_memory(
            8.0 * votes.n_rows * self.cardinality * 2,
            what=f"Predicting {votes.n_rows:,} rows x {self.cardinality:,} classes",
            hint=_MEMORY_HINT,
        )
        out = np.empty((votes.n_rows, self.cardinality), dtype=np.float64)
        gold = self._gold()
        for start, chunk in self._chunks(votes):
            probs = self.prior_proba(chunk)
            if len(gold.patterns):
                probs = gold.apply(self.pattern_hashes(chunk), probs)
            out[start : start + chunk.n_rows] = probs
        return out

    def pattern_hashes(self, votes: VoteMatrix) -> np.ndarray:
        """A 64-bit hash of each row's votes as the model reads them: the same votes, and for an
        LF split into confidence levels the same level. Rows with one hash get the same
        probabilities, and a gold label on one of them speaks for all of them."""
        return expand(votes, self.confidence_cuts_).row_hashes()

    def prior_proba(self, votes: VoteMatrix) -> np.ndarray:
        """The model's own probabilities, before what gold labels say about each vote pattern.

        ``predict_proba`` takes them as the prior that the gold labels given to ``fit`` update
        (see :mod:`weaklabel.models._gold`); active learning weighs what one more label would
        change against them. Rows without votes get what ``_unvoted_proba`` says
        (``class_balance_``, or ``LabelModel.unvoted_proba_``). ``votes`` must be a VoteMatrix
        read with the model's number of classes.
        """
        probs = self._proba(expand(votes, self.confidence_cuts_))
        probs[votes.votes_per_row() == 0] = self._unvoted_proba()
        return probs

    def _unvoted_proba(self) -> np.ndarray:
        """What a row without votes gets: ``class_balance_``, unless a model learns better."""
        return self.class_balance_

    def _pattern_gold(self, votes: VoteMatrix, gold: np.ndarray | None) -> PatternGold:
        """What the gold labels say about each vote pattern (see :mod:`weaklabel.models._gold`)."""
        if gold is None or not (gold != UNKNOWN).any():
            return PatternGold.empty(self.cardinality)
        rows = np.flatnonzero(gold != UNKNOWN)
        labeled = votes[rows]
        return PatternGold.fit(self.pattern_hashes(labeled), gold[rows], self.prior_proba(labeled))

    def _set_gold(self, gold: PatternGold) -> None:
        self.gold_patterns_ = gold.patterns
        self.gold_counts_ = gold.counts
        self.gold_strength_ = gold.strength

    def _gold(self) -> PatternGold:
        return PatternGold(self.gold_patterns_, self.gold_counts_, float(self.gold_strength_))

    @overload
    def predict(self, votes: DaskVoteMatrix) -> dd.Series: ...

    @overload
    def predict(self, votes: Any) -> np.ndarray: ...

    def predict(self, votes: Any) -> np.ndarray | dd.Series:
        """One class index per row: the most probable class, ties broken by ``tie_break``.

        An int array for a VoteMatrix; for a DaskVoteMatrix a Dask Series named ``label``
        indexed by row id (with ``tie_break="random"`` each partition draws its own ties).
        """
        if isinstance(votes, DaskVoteMatrix):
            self._check_dask_predict(votes)
            return votes.map_to_series(_predict, self)
        return predicted_labels(self.predict_proba(votes), self)

    def _fit(
        self,
        votes: VoteMatrix,
        gold: np.ndarray | None,
        balance: np.ndarray | None,
        dependencies: Any,
    ) -> None:
        raise NotImplementedError

    def _proba(self, votes: VoteMatrix) -> np.ndarray:
        """Probabilities of the rows; rows without votes are overwritten with the prior after."""
        raise NotImplementedError

    def _fit_dask(
        self, votes: DaskVoteMatrix, balance: np.ndarray | None, dependencies: Any
    ) -> None:
        """Fit on votes spread over a Dask cluster; models that can override this."""
        raise AssertionError("unreachable: _check_dask_fit refuses this model")

    def _fit_bytes(self, n_rows: int, n_lfs: int) -> float:
        """About how much memory ``fit`` needs: a few rows x classes arrays and the per-LF
        class x class tables (emission rates). Models that fit on a sample override it."""
        k = float(self.cardinality)
        return 8.0 * (4 * n_rows * k + 3 * n_lfs * k * k)

    @classmethod
    def _fits_dask(cls) -> bool:
        return cls._fit_dask is not BaseLabelModel._fit_dask

    # -- checks ---------------------------------------------------------------------------------

    def _chunks(self, votes: VoteMatrix) -> Iterator[tuple[int, VoteMatrix]]:
        if votes.n_rows <= _PREDICT_CHUNK:
            yield 0, votes
            return
        yield from votes.chunks(_PREDICT_CHUNK)

    def _check_fitted(self) -> None:
        fitted = (*self._state, *GOLD_STATE, "lf_names_", "confidence_cuts_")
        if not all(name in self.__dict__ for name in fitted):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet; call fit(votes) before using it."
            )

    def _check_balance(self, class_balance: Any) -> np.ndarray:
        k = self.cardinality
        balance = as_class_balance(class_balance, k)
        if balance is None:
            raise ParameterError(
                f"The 'class_balance' parameter of {type(self).__name__}.fit must hold {k} "
                f"positive probabilities summing to 1. Got {class_balance!r} instead."
            )
        return balance

    # -- persistence ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the model: settings and learned state."""
        self._check_fitted()
        return to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "model") -> BaseLabelModel:
        """Rebuild a model from :meth:`to_dict` output (any registered model class), validated."""
        return from_dict(cls, data, source=source)

    def _state_to_json(self) -> dict[str, Any]:
        """The learned state as JSON-ready values (arrays become nested lists; a list, such as
        ``units_``, may hold lists of different lengths)."""
        return {name: _to_json(getattr(self, name)) for name in self._state}

    def _state_from_json(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`_state_to_json` wrote (float arrays by default)."""
        for name in self._state:
            setattr(self, name, np.asarray(state[name], dtype=np.float64))

    def _check_state(self, n_lfs: int) -> None:
        """Refuse a learned state that is inconsistent (a tampered or truncated file)."""
        check_finite(self, ("class_balance_",))

    def save(self, path: str | Path) -> None:
        """Write the model to ``path`` as JSON (atomically)."""
        save_model_file(self, path)

    @classmethod
    def load(cls, path: str | Path) -> Any:
        """Read a model written by :meth:`save`, validating every setting and learned array."""
        return load_model_file(cls, path)


def _predict_proba(votes: VoteMatrix, model: BaseLabelModel) -> np.ndarray:
    return model.predict_proba(votes)


def _predict(votes: VoteMatrix, model: BaseLabelModel) -> np.ndarray:
    return model.predict(votes)


def _to_json(value: Any) -> Any:
    """Arrays and (ragged) lists of them as nested lists of Python numbers."""
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    return np.asarray(value).tolist()
