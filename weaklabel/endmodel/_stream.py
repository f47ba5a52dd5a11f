"""The streaming fit: hashed features and SGD over chunks of rows, in bounded memory.

For data too large for the in-memory fit (ten million texts), no vocabulary is learned and no
feature matrix of all rows exists: each chunk's texts are hashed (scikit-learn's
HashingVectorizer, no idf), its rows repeated once per class with weight ``w_i * P[i, c]`` (the
soft cross-entropy, see :mod:`weaklabel.endmodel._soft`) and passed to
``SGDClassifier(loss="log_loss").partial_fit``. Memory is one chunk's features plus the weights
(``n_classes x n_features``), whatever the number of rows.

With two classes SGD fits one logistic model, which is the softmax model exactly; with more it
fits one per class (one-vs-rest), whose probabilities are each class's sigmoid over their sum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from weaklabel._core.params import parameter_error
from weaklabel.endmodel._checks import check_probs, check_sample_weight, check_texts
from weaklabel.endmodel._features import TextFeatures, sklearn
from weaklabel.endmodel._soft import repeat_rows
from weaklabel.exceptions import DataError

__all__ = ["Chunk", "fit_streaming", "slices"]

#: One chunk: ``(texts, probs)`` or ``(texts, probs, sample_weight)``.
Chunk = tuple[Any, ...]


def slices(texts: list[str], probs: np.ndarray, weights: np.ndarray, size: int) -> Iterator[Chunk]:
    """Rows in memory, in chunks of ``size`` (the streaming fit of a very large ``fit``)."""
    for start in range(0, len(texts), size):
        stop = start + size
        yield texts[start:stop], probs[start:stop], weights[start:stop]


def fit_streaming(
    chunks: Iterable[Chunk],
    *,
    features: TextFeatures,
    row_weights: Callable[[np.ndarray], np.ndarray],
    alpha: float,
    epochs: int,
    seed: int,
    progress: bool,
    total: int | None,
    owner: str,
) -> tuple[np.ndarray, np.ndarray, str, int]:
    """Fit SGD on every chunk, ``epochs`` times; ``(coef, intercept, link, rows per epoch)``."""
    if epochs > 1 and iter(chunks) is chunks:
        raise parameter_error(
            "epochs",
            owner,
            "1 when the chunks come from a one-shot iterator (a generator)",
            epochs,
            "Pass the chunks as a list, or an object whose iter() starts over, or use epochs=1.",
        )
    model = sklearn("linear_model").SGDClassifier(loss="log_loss", alpha=alpha, random_state=seed)
    n_classes: int | None = None
    rows = 0
    with tqdm(
        total=None if total is None else total * epochs,
        desc="Fitting EndModel (streaming)",
        unit=" rows",
        unit_scale=True,
        disable=not progress,
        leave=False,
    ) as bar:
        for epoch in range(epochs):
            rows = 0
            for number, chunk in enumerate(chunks):
                texts, probs, weights = _check_chunk(chunk, number, n_classes, owner)
                n_classes = probs.shape[1]
                rows += len(texts)
                pairs, labels, pair_weights = repeat_rows(probs, weights * row_weights(probs))
                if len(pairs):
                    matrix = features.transform(texts)[pairs]
                    model.partial_fit(
                        matrix, labels, classes=np.arange(n_classes), sample_weight=pair_weights
                    )
                bar.update(len(texts))
            if epoch == 0 and rows == 0:
                raise DataError(
                    f"{owner} got no chunks (or only empty ones); pass an iterable of "
                    "(texts, probs) chunks."
                )
    if not hasattr(model, "coef_"):
        raise DataError(
            f"{owner}: every row had weight 0 (uniform probabilities or sample_weight 0), so "
            "there is nothing to learn; pass rows the label model has an opinion on."
        )
    coef = np.asarray(model.coef_, dtype=np.float64)
    intercept = np.asarray(model.intercept_, dtype=np.float64)
    if coef.shape[0] == 1:  # binary: one logistic model, the softmax of (-z/2, z/2)
        return (
            np.vstack([-coef / 2, coef / 2]),
            np.array([-1, 1]) * intercept[0] / 2,
            "softmax",
            rows,
        )
    return coef, intercept, "ovr", rows


def _check_chunk(
    chunk: Any, number: int, n_classes: int | None, owner: str
) -> tuple[list[str], np.ndarray, np.ndarray]:
    where = f"{owner} (chunk {number})"
    if not isinstance(chunk, tuple | list) or len(chunk) not in (2, 3):
        raise DataError(
            f"{where}: each chunk must be a pair (texts, probs) or a triple (texts, probs, "
            f"sample_weight); got {type(chunk).__name__}."
        )
    texts = check_texts(chunk[0], owner=where)
    probs = check_probs(chunk[1], len(texts), owner=where)
    weights = check_sample_weight(chunk[2] if len(chunk) == 3 else None, len(texts), owner=where)
    if n_classes is not None and probs.shape[1] != n_classes:
        raise DataError(
            f"{where}: the probabilities have {probs.shape[1]} classes, but the first chunk had "
            f"{n_classes}; every chunk must have the same classes, in the same order."
        )
    return texts, probs, weights
