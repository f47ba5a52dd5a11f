"""Per-LF statistics: polarity, coverage, overlaps, conflicts, failures and, with gold, accuracy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._analysis.lf_calibration import confidence_ece
from weaklabel._analysis.metrics import wilson_interval
from weaklabel._votes.gold import UNKNOWN, as_gold
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import DataError
from weaklabel.models._confidence import level_owners

__all__ = ["lf_summary", "summary_table"]


def lf_summary(
    votes: VoteMatrix, *, gold: Any = None, model: Any = None, dependencies: Any = None
) -> pd.DataFrame:
    """One row per labeling function with what it did on ``votes``.

    Everything is computed from the sparse votes; no dense rows x LFs array is built.

    Parameters
    ----------
    votes : VoteMatrix
    gold : array-like or mapping, optional
        Gold labels for some or all rows (see :func:`weaklabel.apply_lfs` for the accepted forms:
        an array with ``-1``/None for unknown, or a row id -> label mapping).
    model : fitted label model, optional
        Adds what the model learned about each LF.
    dependencies : networkx.Graph, optional
        Dependencies between LFs (declared, or from :func:`weaklabel.models.learn_dependencies`);
        by default the ones the model was fitted with.

    Returns
    -------
    pandas.DataFrame
        Indexed by LF name, with columns

        - ``polarity``: sorted list of the class indices the LF voted for;
        - ``coverage``: fraction of rows where it voted;
        - ``overlaps``: fraction of rows where it and at least one other LF voted;
        - ``conflicts``: fraction of rows where it and another LF voted for different classes;
        - ``n_votes``: number of rows where it voted;
        - ``failures``: rows where it raised and was counted as abstaining;

        and with ``gold``, over the rows that have a gold label:

        - ``correct`` / ``incorrect``: its votes that match / miss the gold label;
        - ``empirical_accuracy``: ``correct / (correct + incorrect)``, the accuracy on the rows
          where it voted (NaN when it voted on no gold row);
        - ``accuracy_low`` / ``accuracy_high``: its 95% Wilson interval;

        when LFs stated confidences (``votes.has_confidences``), ``mean_confidence``: the mean
        confidence of its votes, and with ``gold`` ``confidence_ece``: how far its stated
        confidences are from how often it was right, on the gold rows where it voted (expected
        calibration error over 15 confidence bins; 0 is perfectly calibrated, NaN without such
        rows); with a model as well, ``model_confidence_ece``: the same against the model's
        probability of the class the LF voted, on all its votes (no gold needed; see
        :func:`weaklabel.analysis.lf_reliability`);

        with a model that learned per-LF accuracies:

        - ``learned_accuracy``: the model's estimate of the same accuracy, without gold;
        - ``weight``: the log-odds a vote of the LF adds for the class it votes against the
          model's class prior: ``log(a (1 - p) / ((1 - a) p))`` for learned accuracy ``a``, with
          ``p`` the model's ``class_balance_`` of the LF's class for a one-sided LF (it votes one
          class) and ``1 / k`` otherwise, which gives ``log(a (k - 1) / (1 - a))``; 0 for a
          one-sided LF right less often than its class's share when the model never reads an
          LF against its own class (``LabelModel``: such an LF carries no evidence);

        and with dependencies, ``dependencies``: the LFs it is joined to.

    Examples
    --------
    >>> from weaklabel import VoteMatrix, lf_summary
    >>> votes = VoteMatrix.from_dense([[0, 0], [1, 0], [-1, 1], [-1, -1]], cardinality=2)
    >>> lf_summary(votes, gold=[0, 1, 1, -1])[["coverage", "conflicts", "empirical_accuracy"]]
          coverage  conflicts  empirical_accuracy
    lf
    lf_0      0.50       0.25                 1.0
    lf_1      0.75       0.25                 0.666667
    """
    if not isinstance(votes, VoteMatrix):
        raise DataError(
            f"lf_summary expects a VoteMatrix (from apply_lfs or VoteMatrix.from_dense); got "
            f"{type(votes).__name__}."
        )
    n, m, k = votes.n_rows, votes.n_lfs, votes.cardinality
    rows, lfs, labels = votes.rows(), np.asarray(votes.lfs, dtype=np.int64), votes.labels()
    per_row = votes.votes_per_row()[rows]
    same_class = votes.class_counts()[rows, labels]
    n_votes = votes.votes_per_lf()
    pairs = np.unique(lfs * k + labels)
    polarity: list[list[int]] = [[] for _ in range(m)]
    for pair in pairs.tolist():
        polarity[pair // k].append(pair % k)

    def per_lf(mask: np.ndarray) -> np.ndarray:
        return np.bincount(lfs[mask], minlength=m)

    frame = pd.DataFrame(
        {
            "polarity": polarity,
            "coverage": n_votes / n if n else np.zeros(m),
            "overlaps": per_lf(per_row > 1) / n if n else np.zeros(m),
            "conflicts": per_lf(per_row > same_class) / n if n else np.zeros(m),
            "n_votes": n_votes,
            "failures": np.asarray(votes.lf_failures, dtype=np.int64),
        },
        index=pd.Index(votes.lf_names, name="lf"),
    )
    if gold is not None:
        truth = as_gold(gold, votes)[rows]
        known = truth != UNKNOWN
        correct = per_lf(known & (labels == truth))
        incorrect = per_lf(known & (labels != truth))
        total = correct + incorrect
        frame["correct"] = correct
        frame["incorrect"] = incorrect
        with np.errstate(invalid="ignore", divide="ignore"):
            frame["empirical_accuracy"] = np.where(
                total > 0, correct / np.maximum(total, 1), np.nan
            )
        low, high = wilson_interval(correct, total)
        frame["accuracy_low"] = low
        frame["accuracy_high"] = high
    if model is not None and tuple(getattr(model, "lf_names_", votes.lf_names)) != votes.lf_names:
        raise DataError(
            "lf_summary: the model was fitted on other LFs than these votes; pass the model "
            "fitted on them."
        )
    if votes.has_confidences:
        sure = votes.confidences()
        with np.errstate(invalid="ignore", divide="ignore"):
            frame["mean_confidence"] = np.bincount(lfs, weights=sure, minlength=m) / n_votes
        if gold is not None:
            right = (labels[known] == truth[known]).astype(np.float64)
            frame["confidence_ece"] = confidence_ece(lfs[known], sure[known], right, m)
        if model is not None and hasattr(model, "predict_proba"):
            believed = model.predict_proba(votes)[rows, labels]
            frame["model_confidence_ece"] = confidence_ece(lfs, sure, believed, m)
    learned = getattr(model, "lf_accuracies_", None) if model is not None else None
    if learned is not None:
        acc = np.clip(np.asarray(learned, dtype=np.float64), 1e-6, 1 - 1e-6)
        frame["learned_accuracy"] = acc
        frame["weight"] = _vote_weights(acc, polarity, model, k)
    graph = dependencies if dependencies is not None else _model_graph(model, votes)
    if graph is not None:
        frame["dependencies"] = [
            sorted((str(n) for n in graph.neighbors(name)), key=votes.lf_names.index)
            if name in graph
            else []
            for name in votes.lf_names
        ]
    return frame


def _vote_weights(acc: np.ndarray, polarity: list[list[int]], model: Any, k: int) -> np.ndarray:
    """Each LF's ``weight`` column (see :func:`lf_summary`)."""
    balance = getattr(model, "class_balance_", None)
    share = np.full(len(acc), 1.0 / k)
    one_sided = np.array([len(p) == 1 for p in polarity], dtype=bool)
    if balance is not None and one_sided.any():
        poles = np.array([p[0] for p in polarity if len(p) == 1])
        share[one_sided] = np.clip(np.asarray(balance, dtype=np.float64)[poles], 1e-6, 1 - 1e-6)
    weight = np.log(acc * (1 - share) / ((1 - acc) * share))
    if getattr(model, "_anchors_one_sided", False):
        weight[one_sided] = np.maximum(weight[one_sided], 0.0)
    return weight


def summary_table(summary: pd.DataFrame, class_names: Sequence[str] | None) -> pd.DataFrame:
    """:func:`lf_summary`'s frame for a file: list cells as ``;``-joined text, classes by name.

    ``polarity`` holds class names (indices when the classes have no names), ``dependencies``
    LF names, each joined with ``;`` so that a CSV cell reads back with ``.str.split(";")``.

    Examples
    --------
    >>> from weaklabel import VoteMatrix, lf_summary
    >>> from weaklabel._analysis.summary import summary_table
    >>> votes = VoteMatrix.from_dense([[0, 1], [1, 1]], cardinality=2, class_names=["ham", "spam"])
    >>> summary_table(lf_summary(votes), votes.class_names)["polarity"].tolist()
    ['ham;spam', 'spam']
    """
    names = tuple(class_names or ())
    table = summary.copy()
    table["polarity"] = [
        ";".join(names[c] if c < len(names) else str(c) for c in pol) for pol in table["polarity"]
    ]
    if "dependencies" in table.columns:
        table["dependencies"] = [";".join(map(str, deps)) for deps in table["dependencies"]]
    return table


def _model_graph(model: Any, votes: VoteMatrix) -> Any:
    """The dependencies a model was fitted with (its joint units), as a graph; None if none."""
    units = getattr(model, "units_", None) if model is not None else None
    if not units or all(len(u) == 1 for u in units):
        return None
    import networkx as nx

    # units join LFs, or the confidence levels of LFs (weaklabel.models._confidence)
    owner = level_owners(getattr(model, "confidence_cuts_", [[] for _ in votes.lf_names]))
    graph = nx.Graph()
    graph.add_nodes_from(votes.lf_names)
    for unit in units:
        names = sorted({votes.lf_names[owner[j]] for j in unit}, key=votes.lf_names.index)
        graph.add_edges_from((a, b) for i, a in enumerate(names) for b in names[i + 1 :])
    return graph
