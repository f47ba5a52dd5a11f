"""Looking at LFs and labels: pairwise rates, the label set as a whole, example rows, explanations.

Every function returns plain pandas objects (or a small frozen result) with machine-friendly
names; formatting belongs to the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaklabel._gold import UNKNOWN, as_gold
from weaklabel._random import RandomState, check_random_state
from weaklabel._votes import VoteMatrix
from weaklabel.exceptions import DataError

__all__ = ["LabelSummary", "conflict_examples", "explain", "label_summary", "lf_pairs"]


def lf_pairs(votes: VoteMatrix) -> pd.DataFrame:
    """Overlap, conflict and agreement rates for every pair of LFs that vote on a common row.

    Computed from one sparse product of the one-hot votes; pairs that never vote on the same row
    are left out.

    Returns
    -------
    pandas.DataFrame
        Columns ``lf_a``, ``lf_b`` (``lf_a`` before ``lf_b`` in column order), ``overlap`` (share of
        all rows where both vote), ``conflict`` (share of all rows where both vote and disagree),
        ``agreement`` (share of their common rows where they agree).

    Examples
    --------
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel._analysis import lf_pairs
    >>> votes = VoteMatrix.from_dense([[0, 0, -1], [0, 1, 1], [-1, 1, 1]], cardinality=2)
    >>> lf_pairs(votes).round(3).to_dict("records")[0]
    {'lf_a': 'lf_0', 'lf_b': 'lf_1', 'overlap': 0.667, 'conflict': 0.333, 'agreement': 0.5}
    """
    n = max(votes.n_rows, 1)
    together_m, agree_m = _pair_counts(votes)
    a, b = np.nonzero(np.triu(together_m, k=1))
    together = together_m[a, b].astype(np.float64)
    agreeing = agree_m[a, b].astype(np.float64)
    names = np.asarray(votes.lf_names, dtype=object)
    return pd.DataFrame(
        {
            "lf_a": names[a],
            "lf_b": names[b],
            "overlap": together / n,
            "conflict": (together - agreeing) / n,
            "agreement": agreeing / np.maximum(together, 1),
        }
    )


def _pair_counts(votes: VoteMatrix) -> tuple[np.ndarray, np.ndarray]:
    """``(m, m)`` counts of rows where two LFs both vote, and where they vote the same class."""
    k, m = votes.cardinality, votes.n_lfs
    voted = sp.csr_matrix(
        (np.ones(votes.n_votes), np.asarray(votes.lfs), np.asarray(votes.indptr)),
        shape=(votes.n_rows, m),
    )
    one_hot = votes.one_hot()
    same = (one_hot.T @ one_hot).tocoo()
    lf_of, cls_of = np.divmod(np.arange(m * k), k)
    keep = cls_of[same.row] == cls_of[same.col]
    agree = sp.coo_matrix(
        (same.data[keep], (lf_of[same.row[keep]], lf_of[same.col[keep]])), shape=(m, m)
    )
    return (voted.T @ voted).toarray(), agree.toarray()


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
        Adds its estimated class balance.
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
    names = votes.class_names or tuple(str(c) for c in range(k))
    pred = probs.argmax(axis=1)
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


def conflict_examples(
    votes: VoteMatrix,
    probs: np.ndarray,
    *,
    gold: Any = None,
    per_lf: int = 5,
    random_state: RandomState = None,
) -> pd.DataFrame:
    """For each LF, a sample of rows where it disagrees with the labels, and where it is wrong.

    Returns
    -------
    pandas.DataFrame
        Columns ``lf``, ``kind`` (``"conflicts_with_model"`` or ``"wrong_against_gold"``), ``row``
        (position), ``row_id``, ``vote``, ``label`` (the model's), ``confidence`` and, with gold,
        ``gold``. At most ``per_lf`` rows per LF and kind, drawn with ``random_state``.
    """
    rng = check_random_state(random_state, owner="conflict_examples")
    probs = np.asarray(probs)
    pred = probs.argmax(axis=1)
    rows, lfs, labels = votes.rows(), np.asarray(votes.lfs, dtype=np.int64), votes.labels()
    truth = None if gold is None else as_gold(gold, votes)
    kinds = [("conflicts_with_model", labels != pred[rows])]
    if truth is not None:
        kinds.append(("wrong_against_gold", (truth[rows] != UNKNOWN) & (labels != truth[rows])))
    parts = []
    for kind, mask in kinds:
        hits = np.flatnonzero(mask)
        order = np.argsort(lfs[hits], kind="stable")
        hits = hits[order]
        bounds = np.searchsorted(lfs[hits], np.arange(votes.n_lfs + 1))
        for j in range(votes.n_lfs):
            mine = hits[bounds[j] : bounds[j + 1]]
            if not len(mine):
                continue
            chosen = np.sort(rng.choice(mine, size=min(per_lf, len(mine)), replace=False))
            parts.append(
                pd.DataFrame(
                    {
                        "lf": votes.lf_names[j],
                        "kind": kind,
                        "row": rows[chosen],
                        "vote": labels[chosen],
                    }
                )
            )
    columns = ["lf", "kind", "row", "row_id", "vote", "label", "confidence"]
    if truth is not None:
        columns.append("gold")
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    out["row_id"] = votes.row_ids[out["row"].to_numpy()]
    out["label"] = pred[out["row"].to_numpy()]
    out["confidence"] = probs[out["row"].to_numpy()].max(axis=1)
    if truth is not None:
        out["gold"] = truth[out["row"].to_numpy()]
    return out[columns]


def explain(model: Any, votes: VoteMatrix, row: int) -> pd.DataFrame:
    """How the votes on one row combine into its probabilities.

    For each LF that voted on row ``row`` (a position): its vote, its learned accuracy (when the
    model has one), and how much each class's probability would change without that vote (the
    model refitted nothing; only the vote is removed). The frame's ``attrs`` hold the row's
    probabilities and the prior it starts from.

    Examples
    --------
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel.models import LabelModel
    >>> from weaklabel._analysis import explain
    >>> votes = VoteMatrix.from_dense([[1, 1, -1], [0, 0, 0], [1, -1, 0]] * 30, cardinality=2)
    >>> model = LabelModel(progress=False).fit(votes)
    >>> table = explain(model, votes, 0)
    >>> list(table.columns)
    ['lf', 'vote', 'learned_accuracy', 'effect_0', 'effect_1']
    >>> len(table)
    2
    """
    if not 0 <= row < votes.n_rows:
        raise DataError(
            f"explain: row {row} is not a row position of the votes (0..{votes.n_rows - 1})."
        )
    single = votes[row : row + 1]
    base = model.predict_proba(single)[0]
    dense = single.to_dense()[0]
    voted = np.flatnonzero(dense != -1)
    accuracies = getattr(model, "lf_accuracies_", None)
    names = votes.class_names or tuple(str(c) for c in range(votes.cardinality))
    records = []
    for j in voted:
        without = dense.copy()
        without[j] = -1
        alone = VoteMatrix.from_dense(
            without[None, :],
            cardinality=votes.cardinality,
            lf_names=votes.lf_names,
            class_names=votes.class_names,
        )
        delta = base - model.predict_proba(alone)[0]
        record: dict[str, Any] = {"lf": votes.lf_names[j], "vote": names[int(dense[j])]}
        record["learned_accuracy"] = None if accuracies is None else float(accuracies[j])
        record.update({f"effect_{c}": float(d) for c, d in zip(names, delta, strict=True)})
        records.append(record)
    table = pd.DataFrame(
        records, columns=["lf", "vote", "learned_accuracy", *[f"effect_{c}" for c in names]]
    )
    table.attrs["probs"] = dict(zip(names, base.tolist(), strict=True))
    prior = getattr(model, "class_balance_", None)
    table.attrs["prior"] = (
        None if prior is None else dict(zip(names, np.asarray(prior).tolist(), strict=True))
    )
    return table
