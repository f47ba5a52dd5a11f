"""EndModel: a text classifier trained on the label model's probabilities.

``EndModel(*, ...)`` only stores settings; ``fit(texts, probs)`` validates them against
``_parameter_constraints``, learns attributes ending in ``_`` and returns ``self``;
``predict_proba(texts)`` gives an n x k array whose rows sum to 1. ``cross_fit_predict_proba``
gives every row probabilities from a model that never saw its text, then fits on all rows.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

from weaklabel._core.params import (
    Boolean,
    Check,
    Constraint,
    Interval,
    Options,
    parameter_error,
    validate_params,
)
from weaklabel._core.random import RANDOM_STATE, check_random_state
from weaklabel.endmodel._checks import check_probs, check_sample_weight, check_texts
from weaklabel.endmodel._crossfit import cross_fit, cv_figures, fit_temperature, temper
from weaklabel.endmodel._estimator import is_classifier
from weaklabel.endmodel._learn import Fitted, learn, learn_chunks
from weaklabel.endmodel._persistence import load_end_model, save_end_model
from weaklabel.endmodel._stream import Chunk
from weaklabel.endmodel._weights import WEIGHTINGS
from weaklabel.exceptions import NotFittedError

__all__ = ["EndModel"]


def _is_ngram_range(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and 1 <= value[0] <= value[1] <= 10
    )


_NGRAMS: list[Constraint] = [
    Check("a tuple (low, high) of ints with 1 <= low <= high <= 10", _is_ngram_range),
    None,
]
_CLASSIFIER = Check("a scikit-learn classifier instance with fit and predict_proba", is_classifier)
#: the learned state: what ``fit`` sets and ``save`` writes (cross-fit figures apart)
STATE = (
    "features_",
    "coef_",
    "intercept_",
    "link_",
    "solver_",
    "n_classes_",
    "n_rows_",
    "temperature_",
)
CV_STATE = ("cv_log_loss_", "cv_agreement_")


class EndModel:
    """A linear text classifier trained on soft labels; it labels rows no LF covered.

    Parameters
    ----------
    estimator : scikit-learn classifier, optional
        A classifier fitted on the end model's features instead of the built-in soft-label
        logistic regression (see :mod:`weaklabel.endmodel._estimator`). Cloned and refitted;
        never saved.
    n_folds : int, default 5
        Folds of :meth:`cross_fit_predict_proba`; copies of a text share a fold.
    C : float, default 1.0
        Inverse strength of the L2 penalty of the in-memory fit (scikit-learn's convention).
    weighting : {"entropy", "confidence", "none"}, default "entropy"
        How much a row counts, by how far its probabilities are from uniform
        (:mod:`weaklabel.endmodel._weights`); ``sample_weight`` multiplies it.
    word_ngrams, char_ngrams : tuple (low, high) or None, default (1, 2) and (2, 5)
        Word and ``char_wb`` n-gram orders; None leaves that kind out.
    min_df : int, default 2
        The in-memory fit learns an n-gram found in at least this many texts.
    max_iter : int, default 1000
        L-BFGS iterations of the in-memory fit.
    streaming_rows : int or None, default 200_000
        ``fit`` on more rows than this streams (hashed features, SGD, bounded memory); None
        never does. :meth:`fit_chunks` always streams. The in-memory fit needs about 12 KB a
        row at its peak (2.4 GB at 200,000 short texts) and 0.3 s per 1,000 rows.
    chunk_size : int, default 20_000
        Rows per chunk when streaming and when predicting.
    streaming_char_ngrams : tuple (low, high) or None, default None
        The ``char_wb`` n-grams of the streaming path: none by default, since hashing them is
        about 6 times slower than words (16,000 against 100,000 texts a second on one core).
    n_features : int, default 2**20
        Hash buckets per n-gram kind when streaming.
    alpha : float, default 1e-6
        L2 penalty of the streaming SGD (scikit-learn's ``alpha``, per row).
    epochs : int, default 1
        Passes of the streaming fit over the data.
    progress : bool, default True
        Show progress bars.
    random_state : int, numpy Generator or None
        Seeds the folds and the SGD; None means 0.

    Examples
    --------
    >>> from weaklabel.endmodel import EndModel
    >>> texts = ["win a free prize now", "see you at lunch", "free prize inside", "lunch at noon?"]
    >>> probs = [[0.1, 0.9], [0.9, 0.1], [0.5, 0.5], [0.8, 0.2]]  # row 2: no vote (uniform)
    >>> model = EndModel(min_df=1, progress=False).fit(texts, probs)
    >>> model.predict(["a free prize", "lunch today"]).tolist()
    [1, 0]
    """

    _parameter_constraints: ClassVar[dict[str, list[Constraint]]] = {
        "estimator": [_CLASSIFIER, None],
        "n_folds": [Interval(int, 2, None)],
        "C": [Interval(float, 0, None, closed="neither")],
        "weighting": [Options(WEIGHTINGS)],
        "word_ngrams": _NGRAMS,
        "char_ngrams": _NGRAMS,
        "min_df": [Interval(int, 1, None)],
        "max_iter": [Interval(int, 1, None)],
        "streaming_rows": [Interval(int, 1, None), None],
        "chunk_size": [Interval(int, 1, None)],
        "streaming_char_ngrams": _NGRAMS,
        "n_features": [Interval(int, 16, 2**26)],
        "alpha": [Interval(float, 0, None, closed="neither")],
        "epochs": [Interval(int, 1, None)],
        "progress": [Boolean()],
        "random_state": RANDOM_STATE,
    }
    # learned state, set by fit (declared for type checkers; absent until then)
    features_: Any
    coef_: np.ndarray | None
    intercept_: np.ndarray | None
    link_: str
    solver_: str
    n_classes_: int
    n_rows_: int
    temperature_: float
    estimator_: Any
    cv_log_loss_: float
    cv_agreement_: float

    def __init__(
        self,
        *,
        estimator: Any = None,
        n_folds: int = 5,
        C: float = 1.0,
        weighting: str = "entropy",
        word_ngrams: tuple[int, int] | None = (1, 2),
        char_ngrams: tuple[int, int] | None = (2, 5),
        min_df: int = 2,
        max_iter: int = 1000,
        streaming_rows: int | None = 200_000,
        chunk_size: int = 20_000,
        streaming_char_ngrams: tuple[int, int] | None = None,
        n_features: int = 2**20,
        alpha: float = 1e-6,
        epochs: int = 1,
        progress: bool = True,
        random_state: Any = None,
    ) -> None:
        self.estimator = estimator
        self.n_folds = n_folds
        self.C = C
        self.weighting = weighting
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_iter = max_iter
        self.streaming_rows = streaming_rows
        self.chunk_size = chunk_size
        self.streaming_char_ngrams = streaming_char_ngrams
        self.n_features = n_features
        self.alpha = alpha
        self.epochs = epochs
        self.progress = progress
        self.random_state = random_state

    # -- parameters -----------------------------------------------------------------------------

    @classmethod
    def _param_names(cls) -> list[str]:
        return [p for p in inspect.signature(cls.__init__).parameters if p != "self"]

    def get_params(self) -> dict[str, Any]:
        """The settings passed to ``__init__``, by name."""
        return {name: getattr(self, name) for name in self._param_names()}

    def _validate_params(self) -> None:
        validate_params(self.get_params(), self._parameter_constraints, owner="EndModel")
        if self.word_ngrams is None and self.char_ngrams is None:
            raise parameter_error(
                "char_ngrams",
                "EndModel",
                "a tuple (low, high) when word_ngrams is None (the model needs some features)",
                None,
                "Keep the default char_ngrams=(2, 5) or word_ngrams=(1, 2).",
            )

    def __repr__(self) -> str:
        defaults = inspect.signature(type(self).__init__).parameters
        shown = [f"{k}={v!r}" for k, v in self.get_params().items() if v != defaults[k].default]
        return f"EndModel({', '.join(shown)})"

    # -- fit / predict --------------------------------------------------------------------------

    def fit(self, texts: Any, probs: Any, *, sample_weight: Any = None) -> Self:
        """Learn to predict ``probs`` (n x k, e.g. the label model's) from ``texts``.

        Gold labels train it too: pass them as one-hot rows of ``probs``. ``sample_weight``
        multiplies each row's weight (0 leaves a row out, e.g. rows without votes).

        Returns
        -------
        self
        """
        texts, targets, weights = self._check_fit(texts, probs, sample_weight, "fit")
        self._forget()
        seed = int(self._rng().integers(2**31 - 1))
        self._keep(learn(self, texts, targets, weights, seed=seed, progress=self.progress))
        return self

    def fit_chunks(self, chunks: Iterable[Chunk], *, n_rows: int | None = None) -> Self:
        """Learn from chunks of rows that need not fit in memory together (the streaming path).

        ``chunks`` yields ``(texts, probs)`` or ``(texts, probs, sample_weight)`` tuples, e.g.
        read batch by batch from a Parquet file. The features are hashed and SGD passes over
        the chunks ``epochs`` times (a list, or any iterable that starts over, for more than
        one). ``n_rows``, when known, gives the progress bar its end.

        Returns
        -------
        self
        """
        self._validate_params()
        if self.estimator is not None:
            raise parameter_error(
                "estimator",
                "EndModel.fit_chunks",
                "None (the streaming path fits SGD on hashed features)",
                self.estimator,
                "Fit a custom estimator in memory with fit(texts, probs).",
            )
        self._forget()
        seed = int(self._rng().integers(2**31 - 1))
        fitted = learn_chunks(self, chunks, seed=seed, progress=self.progress, total=n_rows)
        self._keep(fitted)
        return self

    def predict_proba(self, texts: Any) -> np.ndarray:
        """Class probabilities, one row per text; each row sums to 1."""
        self._check_fitted()
        texts = check_texts(texts, owner="EndModel.predict_proba")
        return temper(self._fitted().predict_proba(texts, self.chunk_size), self.temperature_)

    def predict(self, texts: Any) -> np.ndarray:
        """The most probable class of each text (the lowest index among ties)."""
        return np.asarray(self.predict_proba(texts).argmax(axis=1), dtype=np.int64)

    def cross_fit_predict_proba(
        self, texts: Any, probs: Any, *, sample_weight: Any = None
    ) -> np.ndarray:
        """Out-of-fold probabilities: each row's come from a model fitted on the other folds.

        The rows are dealt to ``n_folds`` folds (seeded by ``random_state``), copies of one text
        (ignoring case and whitespace) always in the same fold, so no row is predicted by a
        model that saw its text. Then the model is fitted on all rows, as :meth:`fit` does, and
        two cross-validated figures are kept, over the rows weighted as in training:
        ``cv_log_loss_`` (the soft cross-entropy of the out-of-fold probabilities against
        ``probs``) and ``cv_agreement_`` (the share of rows whose most probable class is the one
        ``probs`` gives). The out-of-fold probabilities also set ``temperature_``, the one
        that brings them closest to ``probs`` (soft cross-entropy; :mod:`._crossfit`): a
        penalized model trained on soft labels is less sure than they are, and ``fit`` alone,
        with nothing held out, keeps ``temperature_ = 1``. The probabilities returned, the
        figures and every later ``predict_proba`` are tempered by it.

        Returns
        -------
        numpy.ndarray
            n x k out-of-fold probabilities.
        """
        texts, targets, weights = self._check_fit(
            texts, probs, sample_weight, "cross_fit_predict_proba"
        )
        self._forget()
        rng = self._rng()
        out = cross_fit(self, texts, targets, weights, rng=rng)
        seed = int(rng.integers(2**31 - 1))
        self._keep(learn(self, texts, targets, weights, seed=seed, progress=self.progress))
        self.temperature_ = fit_temperature(targets, out, weights, self.weighting)
        out = temper(out, self.temperature_)
        figures = cv_figures(targets, out, weights, self.weighting)
        if figures is not None:
            self.cv_log_loss_, self.cv_agreement_ = figures
        return out

    # -- state ----------------------------------------------------------------------------------

    def _check_fit(
        self, texts: Any, probs: Any, sample_weight: Any, method: str
    ) -> tuple[list[str], np.ndarray, np.ndarray]:
        self._validate_params()
        owner = f"EndModel.{method}"
        texts = check_texts(texts, owner=owner)
        targets = check_probs(probs, len(texts), owner=owner)
        weights = check_sample_weight(sample_weight, len(texts), owner=owner)
        return texts, targets, weights

    def _rng(self) -> np.random.Generator:
        return check_random_state(self.random_state, owner="EndModel")

    def _forget(self) -> None:
        """Drop what an earlier fit learned, so a failed re-fit leaves no half-fitted model."""
        for name in (*STATE, *CV_STATE, "estimator_"):
            self.__dict__.pop(name, None)

    def _keep(self, fitted: Fitted) -> None:
        self.features_ = fitted.features
        self.coef_, self.intercept_ = fitted.coef, fitted.intercept
        self.link_, self.solver_, self.n_classes_ = fitted.link, fitted.solver, fitted.n_classes
        self.estimator_ = fitted.estimator
        self.n_rows_ = fitted.n_rows
        self.temperature_ = 1.0  # cross_fit_predict_proba learns it from held-out rows

    def _fitted(self) -> Fitted:
        return Fitted(
            self.features_,
            self.n_classes_,
            self.solver_,
            self.link_,
            self.coef_,
            self.intercept_,
            self.estimator_,
        )

    def _check_fitted(self) -> None:
        if not all(name in self.__dict__ for name in STATE):
            raise NotFittedError(
                "This EndModel is not fitted yet; call fit(texts, probs) or "
                "cross_fit_predict_proba(texts, probs) before using it."
            )

    # -- persistence ----------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the model to one ``.npz`` file, atomically (format: ``_persistence``).

        A model with a custom ``estimator`` is not saved (that would need pickle): refit it.
        """
        self._check_fitted()
        save_end_model(self, path)

    @classmethod
    def load(cls, path: str | Path) -> EndModel:
        """Read a model written by :meth:`save`, validating every setting and array."""
        return load_end_model(cls, path)
