"""One fit of the end model, and its predictions: what ``fit`` keeps and what each fold learns.

Three ways to fit, chosen by the settings and the size of the data:

- ``"lbfgs"`` (in memory, the default): learned TF-IDF features and the exact soft cross-entropy
  minimized by L-BFGS (:mod:`weaklabel.endmodel._soft`);
- ``"sgd"`` (streaming, above ``streaming_rows`` rows and in ``fit_chunks``): hashed features and
  SGD over chunks (:mod:`weaklabel.endmodel._stream`);
- ``"estimator"``: a custom scikit-learn classifier on the learned features
  (:mod:`weaklabel.endmodel._estimator`).

Predictions are made ``chunk_size`` rows at a time, so their features never exist for all rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from weaklabel._core.memory import check_memory
from weaklabel._core.params import parameter_error
from weaklabel.endmodel._estimator import fit_estimator, predict_estimator
from weaklabel.endmodel._features import TextFeatures
from weaklabel.endmodel._soft import fit_soft_logistic, ovr_proba, softmax_proba
from weaklabel.endmodel._stream import Chunk, fit_streaming, slices
from weaklabel.endmodel._weights import row_weights
from weaklabel.exceptions import ConvergenceWarning, DataError

__all__ = ["SOLVERS", "Fitted", "learn", "learn_chunks"]

#: Memory the in-memory fit takes per row at its peak, about (short texts, word + char n-grams:
#: the n-gram counts and their vocabulary before pruning); measured 12 KB.
_BYTES_PER_ROW = 16_000
#: How a fit was made (``EndModel.solver_``).
SOLVERS = ("lbfgs", "sgd", "estimator")


@dataclass
class Fitted:
    """What one fit learned: the features and the classifier on them."""

    features: TextFeatures
    n_classes: int
    solver: str
    link: str  # "softmax" or "ovr" (one-vs-rest sigmoids); "estimator" for a custom one
    coef: np.ndarray | None = None
    intercept: np.ndarray | None = None
    estimator: Any = None
    n_rows: int = 0
    n_iter: int = 0

    def predict_proba(self, texts: list[str], chunk_size: int) -> np.ndarray:
        """n x k probabilities, computed ``chunk_size`` rows at a time."""
        out = np.empty((len(texts), self.n_classes))
        for start in range(0, len(texts), chunk_size):
            matrix = self.features.transform(texts[start : start + chunk_size])
            if self.link == "estimator":
                probs = predict_estimator(self.estimator, matrix, self.n_classes)
            else:
                link = softmax_proba if self.link == "softmax" else ovr_proba
                probs = link(matrix, np.asarray(self.coef), np.asarray(self.intercept))
            out[start : start + len(probs)] = probs
        return out


def learn(
    settings: Any,
    texts: list[str],
    probs: np.ndarray,
    weights: np.ndarray,
    *,
    seed: int,
    progress: bool,
) -> Fitted:
    """Fit on rows held in memory; ``settings`` is the EndModel (its parameters)."""
    k = probs.shape[1]
    limit = settings.streaming_rows
    if settings.estimator is None and limit is not None and len(texts) > limit:
        chunks = slices(texts, probs, weights, settings.chunk_size)
        return _stream(settings, list(chunks), seed=seed, progress=progress, total=len(texts))
    check_memory(
        _BYTES_PER_ROW * len(texts),
        what=f"Fitting EndModel in memory on {len(texts):,} texts",
        hint="Lower streaming_rows so that fit streams (hashed features, SGD), or use fit_chunks.",
    )
    features, matrix = TextFeatures.learn(
        texts,
        word_ngrams=settings.word_ngrams,
        char_ngrams=settings.char_ngrams,
        min_df=settings.min_df,
    )
    weights = weights * row_weights(probs, settings.weighting)
    keep = weights > 0
    if not keep.any():
        raise DataError(
            "EndModel: every row has weight 0 (uniform probabilities, or sample_weight 0), so "
            "there is nothing to learn; pass rows the label model has an opinion on, or gold "
            "labels as one-hot rows."
        )
    matrix = matrix[keep]
    if settings.estimator is not None:
        estimator = fit_estimator(settings.estimator, matrix, probs[keep], weights[keep])
        return Fitted(features, k, "estimator", "estimator", estimator=estimator, n_rows=len(texts))
    coef, intercept, n_iter, converged = fit_soft_logistic(
        matrix, probs[keep], weights[keep], C=settings.C, max_iter=settings.max_iter
    )
    if not converged:
        warnings.warn(
            f"EndModel's L-BFGS fit stopped after max_iter={settings.max_iter} iterations before "
            "it converged; raise max_iter, or lower C.",
            ConvergenceWarning,
            stacklevel=4,
        )
    return Fitted(
        features, k, "lbfgs", "softmax", coef, intercept, n_rows=len(texts), n_iter=n_iter
    )


def learn_chunks(
    settings: Any, chunks: Iterable[Chunk], *, seed: int, progress: bool, total: int | None
) -> Fitted:
    """Fit on chunks of rows by the streaming path."""
    return _stream(settings, chunks, seed=seed, progress=progress, total=total)


def _stream(
    settings: Any, chunks: Iterable[Chunk], *, seed: int, progress: bool, total: int | None
) -> Fitted:
    if settings.word_ngrams is None and settings.streaming_char_ngrams is None:
        raise parameter_error(
            "streaming_char_ngrams",
            "EndModel",
            "a tuple (low, high) when word_ngrams is None (the streaming fit needs some features)",
            None,
            "Keep word_ngrams=(1, 2), or set streaming_char_ngrams=(2, 5).",
        )
    features = TextFeatures.hashing(
        word_ngrams=settings.word_ngrams,
        char_ngrams=settings.streaming_char_ngrams,
        n_features=settings.n_features,
    )
    coef, intercept, link, n_rows = fit_streaming(
        chunks,
        features=features,
        row_weights=lambda probs: row_weights(probs, settings.weighting),
        alpha=settings.alpha,
        epochs=settings.epochs,
        seed=seed,
        progress=progress,
        total=total,
        owner="EndModel.fit_chunks",
    )
    return Fitted(features, coef.shape[0], "sgd", link, coef, intercept, n_rows=n_rows)
