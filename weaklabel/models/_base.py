"""The contract every label model keeps, and what they share: checks, prediction, persistence.

``Model(cardinality=k, *, ...)`` only stores settings; ``fit(votes, *, gold=None,
class_balance=None)`` checks them, learns attributes ending in ``_`` and returns ``self``;
``predict_proba(votes)`` returns an n x k array whose rows sum to 1; ``predict(votes)`` picks one
class per row with the tie policy of :mod:`weaklabel.models._ties`. A row where every LF abstained
gets ``class_balance_``.

Votes on a Dask cluster (:class:`~weaklabel.DaskVoteMatrix`): every fitted model predicts on them
partition by partition, and the result is a Dask DataFrame (Series for ``predict``) indexed by row
id; the models that override ``_fit_dask`` also fit on them.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self, overload

import numpy as np

from weaklabel._atomic import atomic_write
from weaklabel._dask import DaskVoteMatrix
from weaklabel._gold import as_gold
from weaklabel._params import check_choice, check_float, check_int
from weaklabel._random import check_random_state
from weaklabel._votes import VoteMatrix
from weaklabel.exceptions import DataError, NotFittedError, ParameterError
from weaklabel.models._ties import TIE_POLICIES, break_ties

if TYPE_CHECKING:
    import dask.dataframe as dd

__all__ = ["BaseLabelModel", "MODEL_FORMAT"]

MODEL_FORMAT = "weaklabel.model"
_MODEL_VERSION = 1
_PREDICT_CHUNK = 1 << 16


class BaseLabelModel:
    """Base class of weaklabel's label models; subclasses implement ``_fit`` and ``_proba``.

    Subclasses list their learned array attributes in ``_state`` so that ``save`` / ``load`` and
    the fitted check know them.
    """

    _state: ClassVar[tuple[str, ...]] = ("class_balance_",)
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

    def get_params(self) -> dict[str, Any]:
        """The settings passed to ``__init__``, by name."""
        return {name: getattr(self, name) for name in self._param_names()}

    def _check_params(self) -> None:
        owner = type(self).__name__
        check_int("cardinality", self.cardinality, owner=owner, minimum=2)
        check_choice("tie_break", self.tie_break, TIE_POLICIES, owner=owner)
        check_random_state(self.random_state, owner=owner)
        if "prior_accuracy" in self._param_names():
            # an LF better than chance: above 1/k, at most 1
            check_float(
                "prior_accuracy",
                getattr(self, "prior_accuracy"),  # noqa: B009 (not every model has it)
                owner=owner,
                minimum=1.0 / self.cardinality,
                maximum=1.0,
            )

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
        self._check_params()
        if isinstance(votes, DaskVoteMatrix):
            self._check_dask_fit(votes, gold)
            gold_arr = None
        else:
            votes = self._check_votes(votes)
            gold_arr = None if gold is None else as_gold(gold, votes)
        balance = None if class_balance is None else self._check_balance(class_balance)
        for name in self._state:  # a failed re-fit must not leave a half-fitted model behind
            self.__dict__.pop(name, None)
        if isinstance(votes, DaskVoteMatrix):
            self._fit_dask(votes, balance, dependencies)
        else:
            self._fit(votes, gold_arr, balance, dependencies)
        self.lf_names_ = votes.lf_names
        self.class_names_ = votes.class_names
        return self

    @overload
    def predict_proba(self, votes: DaskVoteMatrix) -> dd.DataFrame: ...

    @overload
    def predict_proba(self, votes: Any) -> np.ndarray: ...

    def predict_proba(self, votes: Any) -> np.ndarray | dd.DataFrame:
        """Class probabilities, one row per row of ``votes``; each row sums to 1.

        The type follows the votes: an n x k array for a VoteMatrix (or dense array); for a
        DaskVoteMatrix a Dask DataFrame, computed per partition, with one float column per class
        (named after the classes, else ``"0"``, ``"1"``, ...) and the row ids as index.
        """
        if isinstance(votes, DaskVoteMatrix):
            return votes._frame(_predict_proba, self, self._check_dask_predict(votes))
        votes = self._check_fitted_votes(votes)
        out = np.empty((votes.n_rows, self.cardinality), dtype=np.float64)
        for start, chunk in self._chunks(votes):
            out[start : start + chunk.n_rows] = self._proba(chunk)
        return out

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
            return votes._frame(_predict, self, None)
        probs = self.predict_proba(votes)
        return break_ties(
            probs,
            policy=self.tie_break,
            prior=np.asarray(self.class_balance_),
            rng=check_random_state(self.random_state),
        )

    def _fit(
        self,
        votes: VoteMatrix,
        gold: np.ndarray | None,
        balance: np.ndarray | None,
        dependencies: Any,
    ) -> None:
        raise NotImplementedError

    def _proba(self, votes: VoteMatrix) -> np.ndarray:
        raise NotImplementedError

    def _fit_dask(
        self, votes: DaskVoteMatrix, balance: np.ndarray | None, dependencies: Any
    ) -> None:
        """Fit on votes spread over a Dask cluster; models that can override this."""
        raise AssertionError("unreachable: _check_dask_fit refuses this model")

    @classmethod
    def _fits_dask(cls) -> bool:
        return cls._fit_dask is not BaseLabelModel._fit_dask

    # -- checks ---------------------------------------------------------------------------------

    def _chunks(self, votes: VoteMatrix) -> Iterator[tuple[int, VoteMatrix]]:
        if votes.n_rows <= _PREDICT_CHUNK:
            yield 0, votes
            return
        yield from votes.chunks(_PREDICT_CHUNK)

    def _check_votes(self, votes: Any) -> VoteMatrix:
        k = self.cardinality
        if not isinstance(votes, VoteMatrix):
            if hasattr(votes, "ndim") or isinstance(votes, list | tuple):
                votes = VoteMatrix.from_dense(votes, cardinality=k)
            else:
                raise DataError(
                    f"{type(self).__name__} expects a VoteMatrix (from apply_lfs) or a dense array "
                    f"with -1 for abstain; got {type(votes).__name__}."
                )
        self._check_labels(votes)
        return votes

    def _check_labels(self, votes: VoteMatrix | DaskVoteMatrix) -> None:
        k = self.cardinality
        if votes.max_label() >= k:
            top = votes.max_label()
            lf = votes.lf_names[int(np.argmax(votes.polarity()[:, top]))]
            raise DataError(
                f"The votes hold class index {top} (from LF {lf!r}), but "
                f"{type(self).__name__} has cardinality={k}, so classes run 0..{k - 1}. Create "
                f"the model with cardinality={votes.cardinality} or more, or fix the LF."
            )

    def _check_dask_fit(self, votes: DaskVoteMatrix, gold: Any) -> None:
        name = type(self).__name__
        if not self._fits_dask():
            able = sorted(c.__name__ for c in BaseLabelModel.registry.values() if c._fits_dask())
            raise ParameterError(
                f"{name} cannot fit Dask votes (a DaskVoteMatrix); {', '.join(able)} can. "
                f"Fit {name} on votes that fit in memory (votes.to_local()) instead: every "
                "fitted model predicts on Dask votes."
            )
        if gold is not None:
            raise ParameterError(
                f"The 'gold' parameter of {name}.fit is not supported with Dask votes (a "
                "DaskVoteMatrix). Leave it out, or fit on votes that fit in memory "
                "(votes.to_local()) with the gold labels."
            )
        self._check_labels(votes)

    def _check_dask_predict(self, votes: DaskVoteMatrix) -> list[str]:
        """Check a fitted model can predict on Dask votes; the names of its class columns."""
        self._check_fitted()
        self._check_lf_alignment(votes)
        names = self.class_names_ or votes.class_names
        return list(names) if names else [str(c) for c in range(self.cardinality)]

    def _check_fitted_votes(self, votes: Any) -> VoteMatrix:
        self._check_fitted()
        votes = self._check_votes(votes)
        self._check_lf_alignment(votes)
        return votes

    def _check_lf_alignment(self, votes: VoteMatrix | DaskVoteMatrix) -> None:
        if votes.n_lfs != len(self.lf_names_):
            raise DataError(
                f"The votes have {votes.n_lfs} LFs, but {type(self).__name__} was fitted on "
                f"{len(self.lf_names_)}; predict with votes from the same LFs, in the same order."
            )
        if votes.lf_names != self.lf_names_ and not _default_names(votes.lf_names):
            missing = [n for n in self.lf_names_ if n not in votes.lf_names]
            extra = [n for n in votes.lf_names if n not in self.lf_names_]
            detail = (
                f"missing {missing}, unexpected {extra}" if missing or extra else "different order"
            )
            raise DataError(
                f"The votes' LFs differ from those {type(self).__name__} was fitted on "
                f"({detail}); use votes.select_lfs(model.lf_names_) to align them."
            )

    def _check_fitted(self) -> None:
        if not all(name in self.__dict__ for name in (*self._state, "lf_names_")):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet; call fit(votes) before using it."
            )

    def _check_balance(self, class_balance: Any) -> np.ndarray:
        balance = np.asarray(class_balance, dtype=np.float64)
        k = self.cardinality
        if (
            balance.shape != (k,)
            or not np.all(np.isfinite(balance))
            or (balance <= 0).any()
            or not np.isclose(balance.sum(), 1.0)
        ):
            raise ParameterError(
                f"The 'class_balance' parameter of {type(self).__name__}.fit must hold {k} "
                f"positive probabilities summing to 1. Got {class_balance!r} instead."
            )
        return balance

    # -- persistence ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the model: settings and learned state."""
        self._check_fitted()
        params = self.get_params()
        if not (params.get("random_state") is None or isinstance(params["random_state"], int)):
            params["random_state"] = None
        return {
            "format": MODEL_FORMAT,
            "version": _MODEL_VERSION,
            "model": type(self).__name__,
            "params": params,
            "lf_names": list(self.lf_names_),
            "class_names": None if self.class_names_ is None else list(self.class_names_),
            "state": self._state_to_json(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "model") -> BaseLabelModel:
        """Rebuild a model from :meth:`to_dict` output (any registered model class)."""
        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
            raise DataError(f"{source}: not a weaklabel model file (no '{MODEL_FORMAT}' header).")
        if data.get("version", 0) > _MODEL_VERSION:
            raise DataError(
                f"{source}: written by a newer weaklabel (model format {data['version']}); upgrade."
            )
        by_class = {c.__name__: c for c in BaseLabelModel.registry.values()}
        target = by_class.get(data.get("model", ""))
        if target is None:
            raise DataError(
                f"{source}: unknown model type {data.get('model')!r}; known: {sorted(by_class)}."
            )
        if cls is not BaseLabelModel and not issubclass(target, cls):
            raise DataError(
                f"{source}: holds a {target.__name__}, not a {cls.__name__}; load it with "
                f"{target.__name__}.load() or weaklabel.models.load_model()."
            )
        model = target(**data["params"])
        try:
            model._state_from_json(data["state"])
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"{source}: the model's learned state is incomplete: {exc}") from exc
        model.lf_names_ = tuple(data["lf_names"])
        names = data.get("class_names")
        model.class_names_ = None if names is None else tuple(names)
        return model

    def _state_to_json(self) -> dict[str, Any]:
        """The learned state as JSON-ready values (arrays become nested lists)."""
        return {name: np.asarray(getattr(self, name)).tolist() for name in self._state}

    def _state_from_json(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`_state_to_json` wrote (float arrays by default)."""
        for name in self._state:
            setattr(self, name, np.asarray(state[name], dtype=np.float64))

    def save(self, path: str | Path) -> None:
        """Write the model to ``path`` as JSON (atomically)."""
        text = json.dumps(self.to_dict(), indent=1)
        with atomic_write(path) as handle:
            handle.write(text + "\n")

    @classmethod
    def load(cls, path: str | Path) -> Any:
        """Read a model written by :meth:`save`."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataError(f"{path}: no such model file.") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataError(f"{path}: not a weaklabel model file (invalid JSON: {exc}).") from exc
        return cls.from_dict(data, source=str(path))


def _predict_proba(model: BaseLabelModel, votes: VoteMatrix) -> np.ndarray:
    return model.predict_proba(votes)


def _predict(model: BaseLabelModel, votes: VoteMatrix) -> np.ndarray:
    return model.predict(votes)


def _default_names(names: tuple[str, ...]) -> bool:
    return names == tuple(f"lf_{j}" for j in range(len(names)))
