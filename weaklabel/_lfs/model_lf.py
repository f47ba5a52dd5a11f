"""LFs backed by a trained model: :func:`model_lf` votes a classifier's top class, sure as its
probability.

The model is any callable that returns class probabilities, or an estimator with
``predict_proba`` (a scikit-learn pipeline fed the text column). Its output is checked on every
chunk: one row of ``k`` finite probabilities in [0, 1] summing to 1 per example.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._core.columns import missing_column
from weaklabel._core.params import check_float, parameter_error
from weaklabel._lfs.lf import LabelingFunction
from weaklabel._lfs.verbalizer import MIN_CONFIDENCE
from weaklabel._votes.encoding import ABSTAIN
from weaklabel.exceptions import LabelingFunctionError

__all__ = ["ModelRule", "model_lf"]

#: How far a row of probabilities may sum from 1.
SUM_TOLERANCE = 1e-3


@dataclass(frozen=True, eq=False)
class ModelRule:
    """What a model LF runs on a chunk of rows."""

    name: str
    model: Any  # a callable, or an object with predict_proba
    fields: tuple[str, ...]
    threshold: float
    classes: tuple[str, ...] | None

    def __call__(self, frame: pd.DataFrame) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        missing = [f for f in self.fields if f not in frame.columns]
        if missing:
            hint = "Pass fields= naming the columns the model takes."
            raise LabelingFunctionError(
                f"model_lf {self.name!r} cannot read its input: "
                + missing_column(missing[0], frame.columns, hint=hint),
                lf_name=self.name,
            )
        present = ~frame[list(self.fields)].isna().to_numpy().any(axis=1)
        rows = np.flatnonzero(present)
        votes = np.full(len(frame), ABSTAIN, dtype=np.int64)
        confidences = np.ones(len(frame), dtype=np.float64)
        if len(rows) == 0:
            return votes, confidences
        chunk = frame.iloc[rows]
        x = chunk[self.fields[0]] if len(self.fields) == 1 else chunk[list(self.fields)]
        proba = self._check(self._predict(x), len(rows), chunk.index)
        best = proba.argmax(axis=1)
        top = proba[np.arange(len(rows)), best]
        sure = top >= self.threshold
        votes[rows[sure]] = self._class_of_columns(proba.shape[1])[best[sure]]
        confidences[rows] = np.clip(top, MIN_CONFIDENCE, 1.0)
        return votes, confidences

    def _predict(self, x: Any) -> Any:
        predict = getattr(self.model, "predict_proba", None)
        return predict(x) if callable(predict) else self.model(x)

    def _class_of_columns(self, k: int) -> np.ndarray:
        """The class index each column of the probabilities stands for."""
        known = getattr(self.model, "classes_", None)
        if known is None or not callable(getattr(self.model, "predict_proba", None)):
            if self.classes is not None and k > len(self.classes):
                raise self._error(
                    f"it returned {k} columns of probabilities for the {len(self.classes)} "
                    f"classes {list(self.classes)}; return one column per class"
                )
            return np.arange(k)
        labels = np.asarray(known).tolist()
        if len(labels) != k:
            raise self._error(
                f"it returned {k} columns of probabilities but its classes_ list {len(labels)}"
            )
        if all(isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in labels):
            return np.array(labels, dtype=np.int64)  # trained on class indices
        if self.classes is None:
            raise self._error(
                f"the estimator's classes_ are {labels!r}, not class indices; pass classes=[...] "
                "naming the class of each index, or train it on class indices"
            )
        unknown = [c for c in labels if c not in self.classes]
        if unknown:
            raise self._error(
                f"the estimator's classes_ hold {unknown[0]!r}, which is not among classes="
                f"{list(self.classes)}; list every class the model was trained on"
            )
        return np.array([self.classes.index(c) for c in labels], dtype=np.int64)

    def _check(self, out: Any, n: int, index: pd.Index) -> np.ndarray:
        try:
            proba = np.asarray(out, dtype=np.float64)
        except (TypeError, ValueError):
            raise self._error(
                f"it returned a {type(out).__name__} that is not an array of numbers; return an "
                f"({n}, k) array of class probabilities, one row per example"
            ) from None
        if proba.ndim != 2 or proba.shape[0] != n or proba.shape[1] < 2:
            raise self._error(
                f"it returned an array of shape {proba.shape} for {n} rows, not ({n}, k) with "
                "k >= 2 classes; return one row of class probabilities per example "
                "(predict_proba, not predict)"
            )
        bad = ~np.isfinite(proba).all(axis=1)
        why = "not finite (NaN or infinite)"
        if not bad.any():
            bad = ((proba < 0) | (proba > 1)).any(axis=1)
            why = "outside [0, 1]"
        if not bad.any():
            bad = np.abs(proba.sum(axis=1) - 1.0) > SUM_TOLERANCE
            why = f"summing to more than {SUM_TOLERANCE} away from 1"
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            row = index[i].item() if isinstance(index[i], np.generic) else index[i]
            shown = np.array2string(proba[i], precision=4, separator=", ")
            raise self._error(
                f"it returned probabilities {why} for row {row!r}: {shown}; return class "
                "probabilities (scores through a softmax, not logits or decision_function)"
            )
        return proba

    def _error(self, why: str) -> LabelingFunctionError:
        message = f"The model of model_lf {self.name!r} fails: {why}."
        return LabelingFunctionError(message, lf_name=self.name)


def model_lf(
    name: str,
    predict_proba: Callable[[Any], Any] | Any,
    *,
    threshold: float = 0.5,
    fields: str | Sequence[str] = ("text",),
    classes: Sequence[str] | None = None,
) -> LabelingFunction:
    """An LF that votes a model's most likely class, with its probability as the confidence.

    Rows where the top probability is below ``threshold``, or where a field is missing (null),
    abstain. The model sees only the rows it votes on.

    Parameters
    ----------
    name : str
    predict_proba : callable or estimator
        A callable that takes the chunk's field (one field: a pandas Series of its values;
        several: a DataFrame of those columns) and returns an ``(n, k)`` array of class
        probabilities; or an estimator with a ``predict_proba`` method, such as a fitted
        scikit-learn pipeline ``TfidfVectorizer() + LogisticRegression()`` fed the text column.
        Column ``j`` of the probabilities is class ``j``; for an estimator, the class in
        ``classes_[j]``.
    threshold : float
        The least top probability, in [0, 1], that votes.
    fields : str or sequence of str
        The columns the model reads.
    classes : sequence of str, optional
        The class names, in class-index order: needed when the estimator's ``classes_`` are names
        (``["ham", "spam"]`` maps its ``"spam"`` column to class 1); given, the model must return
        at most this many columns.

    Notes
    -----
    ``apply_lfs(n_jobs=...)`` forks its workers, so any callable works there; Dask pickles LFs, so
    there the callable must pickle (a fitted estimator or a module-level function does, a lambda
    does not).

    Examples
    --------
    >>> import numpy as np
    >>> from weaklabel import model_lf
    >>> def scores(texts):  # spam probability from the number of "!"
    ...     p = np.clip(texts.str.count("!") / 3, 0, 1).to_numpy()
    ...     return np.column_stack([1 - p, p])
    >>> lf = model_lf("excited", scores, threshold=0.7)
    >>> lf({"text": "Win!!!"}), lf({"text": "ok!"}), lf({"text": "nice song"})
    (1, -1, 0)
    """
    owner = f"model_lf({name!r})"
    if not callable(predict_proba) and not callable(getattr(predict_proba, "predict_proba", None)):
        raise parameter_error(
            "predict_proba",
            owner,
            "a callable returning class probabilities, or an estimator with predict_proba",
            predict_proba,
        )
    threshold = check_float("threshold", threshold, owner=owner, minimum=0, maximum=1)
    names = (fields,) if isinstance(fields, str) else fields
    if (
        not isinstance(names, Sequence)
        or not names
        or not all(isinstance(f, str) and f for f in names)
        or len(set(names)) != len(names)
    ):
        raise parameter_error("fields", owner, "a column name or a list of distinct ones", fields)
    if classes is not None and (
        isinstance(classes, str)
        or not isinstance(classes, Sequence)
        or len(classes) < 2
        or not all(isinstance(c, str) for c in classes)
    ):
        wanted = "a list of at least two class names, or None"
        raise parameter_error("classes", owner, wanted, classes)
    known = None if classes is None else tuple(classes)
    rule = ModelRule(name, predict_proba, tuple(names), threshold, known)
    what = getattr(predict_proba, "__name__", type(predict_proba).__name__)
    return LabelingFunction(
        rule,
        name=name,
        vectorized=True,
        description=f"votes the top class of {what} on {', '.join(names)} when p >= {threshold:g}",
    )
