"""The labels as a whole: coverage, class balance, confidence, and scores against gold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._votes.gold import UNKNOWN, as_gold
from weaklabel._votes.matrix import VoteMatrix
from weaklabel._votes.names import class_names_or_default
from weaklabel.exceptions import DataError
from weaklabel.models._ties import predicted_labels

__all__ = ["LabelSummary", "label_summary"]


@dataclass(frozen=True)
class LabelSummary:
    """The probabilistic labels as a whole (see :func:`label_summary`).

    Attributes
    ----------
    n_rows : int
    coverage : float
        Share of rows with at least one vote.
    class_names : tuple of str
    predicted_balance : pandas.Series
        Share of rows given each class.
    model_balance : pandas.Series or None
        The model's estimated class balance, when a model was given.
    gold_balance : pandas.Series or None
        Class shares among the rows with gold labels.
    confidence_histogram : pandas.DataFrame
        Columns ``low``, ``high``, ``rows``: rows whose top probability falls in each bin.
    accuracy, accuracy_covered : float or None
        Against gold, over all gold rows and over the gold rows with a vote.
    per_class : pandas.DataFrame or None
        Precision, recall, F1 and support per class, against gold.
    confusion : pandas.DataFrame or None
        Gold class (rows) x predicted class (columns) counts.
    """

    n_rows: int
    coverage: float
    class_names: tuple[str, ...]
    predicted_balance: pd.Series
    confidence_histogram: pd.DataFrame
    model_balance: pd.Series | None = None
    gold_balance: pd.Series | None = None
    n_gold: int = 0
    accuracy: float | None = None
    accuracy_covered: float | None = None
    per_class: pd.DataFrame | None = None
    confusion: pd.DataFrame | None = field(default=None)

    def _repr_html_(self) -> str:
        parts = [
            f"<p><b>{self.n_rows:,} rows</b>, {self.coverage:.1%} with a vote"
            + (
                f"; accuracy {self.accuracy:.3f} on {self.n_gold:,} gold rows"
                if self.accuracy is not None
                else ""
            )
            + "</p>"
        ]
        balance = pd.DataFrame({"predicted share": self.predicted_balance})
        if self.model_balance is not None:
            balance["model's class balance"] = self.model_balance
        if self.gold_balance is not None:
            balance["gold share"] = self.gold_balance
        parts.append(balance.to_html(float_format="{:.3f}".format))
        if self.per_class is not None:
            parts.append(self.per_class.to_html(float_format="{:.3f}".format))
        if self.confusion is not None:
            parts.append(self.confusion.to_html())
        return "<div>" + "".join(parts) + "</div>"  # to_html escapes every cell


def label_summary(
    votes: VoteMatrix,
    probs: np.ndarray,
    *,
    gold: Any = None,
    model: Any = None,
    bins: int = 10,
) -> LabelSummary:
    """Coverage, class balance, confidence and, with gold, accuracy / F1 / confusion of labels.

    Parameters
    ----------
    votes : VoteMatrix
    probs : ndarray of shape (n, k)
        The model's probabilities for the same rows.
    gold : array-like or mapping, optional
    model : fitted label model, optional
        Adds its estimated class balance, and breaks ties between classes as its ``predict``
        does (without a model, ties go to the lowest tied class index).
    bins : int
        Bins of the confidence histogram between 1/k and 1.
    """
    probs = np.asarray(probs, dtype=np.float64)
    k = votes.cardinality
    if probs.shape != (votes.n_rows, k):
        raise DataError(
            f"label_summary: probs must have one row per vote row and one column per class "
            f"({votes.n_rows} x {k}); got {probs.shape}."
        )
    names = class_names_or_default(votes.class_names, k)
    pred = predicted_labels(probs, model)
    covered = votes.votes_per_row() > 0
    confidence = probs.max(axis=1)
    edges = np.linspace(1.0 / k, 1.0, bins + 1)
    counts, _ = np.histogram(np.clip(confidence, edges[0], 1.0), bins=edges)
    histogram = pd.DataFrame({"low": edges[:-1], "high": edges[1:], "rows": counts})
    predicted = pd.Series(np.bincount(pred, minlength=k) / max(len(pred), 1), index=names)
    result: dict[str, Any] = {
        "n_rows": votes.n_rows,
        "coverage": float(covered.mean()) if votes.n_rows else 0.0,
        "class_names": names,
        "predicted_balance": predicted,
        "confidence_histogram": histogram,
    }
    if model is not None and hasattr(model, "class_balance_"):
        result["model_balance"] = pd.Series(np.asarray(model.class_balance_), index=names)
    if gold is not None:
        truth = as_gold(gold, votes)
        known = truth != UNKNOWN
        result["n_gold"] = int(known.sum())
        if known.any():
            t, p = truth[known], pred[known]
            result["gold_balance"] = pd.Series(np.bincount(t, minlength=k) / len(t), index=names)
            result["accuracy"] = float((t == p).mean())
            on_votes = known & covered
            result["accuracy_covered"] = (
                float((truth[on_votes] == pred[on_votes]).mean()) if on_votes.any() else None
            )
            confusion = np.zeros((k, k), dtype=np.int64)
            np.add.at(confusion, (t, p), 1)
            result["confusion"] = pd.DataFrame(
                confusion,
                index=pd.Index(names, name="gold"),
                columns=pd.Index(names, name="predicted"),
            )
            tp = np.diag(confusion).astype(np.float64)
            precision = tp / np.maximum(confusion.sum(axis=0), 1)
            recall = tp / np.maximum(confusion.sum(axis=1), 1)
            f1 = np.where(
                precision + recall > 0,
                2 * precision * recall / np.maximum(precision + recall, 1e-12),
                0.0,
            )
            result["per_class"] = pd.DataFrame(
                {
                    "precision": precision,
                    "recall": recall,
                    "f1": f1,
                    "support": confusion.sum(axis=1),
                },
                index=pd.Index(names, name="class"),
            )
    return LabelSummary(**result)
