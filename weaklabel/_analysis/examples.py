"""Example rows for each LF: where it disagrees with the labels, and where it is wrong."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from weaklabel._core.random import RandomState, check_random_state
from weaklabel._votes.gold import UNKNOWN, as_gold
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.models._ties import predicted_labels

__all__ = ["conflict_examples"]


def conflict_examples(
    votes: VoteMatrix,
    probs: np.ndarray,
    *,
    gold: Any = None,
    model: Any = None,
    per_lf: int = 5,
    random_state: RandomState = None,
) -> pd.DataFrame:
    """For each LF, a sample of rows where it disagrees with the labels, and where it is wrong.

    The labels are those ``model.predict`` gives (ties broken by the model's ``tie_break``);
    without a model, ties go to the lowest tied class index.

    Returns
    -------
    pandas.DataFrame
        Columns ``lf``, ``kind`` (``"conflicts_with_model"`` or ``"wrong_against_gold"``), ``row``
        (position), ``row_id``, ``vote``, ``label`` (the model's), ``confidence`` and, with gold,
        ``gold``. At most ``per_lf`` rows per LF and kind, drawn with ``random_state``.
    """
    rng = check_random_state(random_state, owner="conflict_examples")
    probs = np.asarray(probs)
    pred = predicted_labels(probs, model)
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
