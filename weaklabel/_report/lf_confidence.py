"""The report's block on LFs that state a confidence: how often they are right at each stated
confidence, against gold and against the label model (:mod:`weaklabel._analysis.lf_calibration`).

Shown only when some LF stated a confidence below 1; one table row per such LF and a small
reliability figure for the ``MAX_FIGURES`` of them with the most votes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from weaklabel._analysis.lf_calibration import lf_reliability
from weaklabel._report import svg
from weaklabel._report.figures import image
from weaklabel._votes.matrix import VoteMatrix

__all__ = ["MAX_FIGURES", "N_BINS", "lf_confidence_section"]

#: reliability figures drawn at most (the LFs with the most votes)
MAX_FIGURES = 12
#: equal-width bins of stated confidence
N_BINS = 10


def lf_confidence_section(
    votes: VoteMatrix, probs: np.ndarray | None, gold: Any, summary: pd.DataFrame
) -> dict[str, Any]:
    """The template's ``lf_confidence`` block: ``shown`` (False when no LF stated a confidence
    below 1), ``columns`` and ``rows`` of the table, ``figures`` and a ``note``.

    ``probs`` are the label model's probabilities on ``votes``; ``summary`` is
    :func:`weaklabel.lf_summary` of the same votes, gold and model.
    """
    if not votes.has_confidences:
        return {"shown": False}
    lfs = np.asarray(votes.lfs, dtype=np.int64)
    below = np.bincount(lfs, weights=votes.confidences() < 1, minlength=votes.n_lfs) > 0
    stating = [name for name, flag in zip(votes.lf_names, below, strict=True) if flag]
    if not stating:
        return {"shown": False}
    columns = ["LF", "votes", "mean stated confidence"]
    measures = [("confidence_ece", "ECE vs gold"), ("model_confidence_ece", "ECE vs model")]
    measures = [(key, label) for key, label in measures if key in summary.columns]
    columns += [label for _, label in measures]
    counts = dict(zip(votes.lf_names, votes.votes_per_lf().tolist(), strict=True))
    figures_of = {key: summary[key].astype(float).to_dict() for key, _ in measures}
    stated_mean = summary["mean_confidence"].astype(float).to_dict()
    rows = [
        [
            name,
            f"{counts[name]:,}",
            f"{stated_mean[name]:.3f}",
            *(_number(figures_of[key][name]) for key, _ in measures),
        ]
        for name in stating
    ]
    table = lf_reliability(votes, gold=gold, probs=probs, n_bins=N_BINS)
    drawn = sorted(stating, key=lambda name: -counts[name])[:MAX_FIGURES]
    figures = []
    for name in drawn:
        mine = table[table["lf"] == name]
        figures.append(
            image(
                svg.confidence_curves(
                    mine["confidence"].tolist(),
                    mine["n_votes"].tolist(),
                    mine["accuracy"].tolist(),
                    mine["model_accuracy"].tolist(),
                    title=name,
                ),
                f"Reliability of {name}: how often its votes were right at each stated "
                "confidence, against gold and against the label model",
            )
        )
    note = ""
    if len(stating) > len(drawn):
        note = f"Figures for the {len(drawn)} of {len(stating)} LFs with the most votes."
    return {"shown": True, "columns": columns, "rows": rows, "figures": figures, "note": note}


def _number(value: float) -> str:
    return "-" if value != value else f"{value:.3f}"
