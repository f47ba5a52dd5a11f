"""The report's calibration block: ECE card, reliability diagram and bin table, against gold.

It scores the probabilities the report shows (``build_report``'s ``probs``, the ones its labels
and accuracy come from) on the gold rows that have at least one vote: rows without a vote all get
one distribution whatever their text, and would pile into one bin that says nothing about the
LFs. Labels break ties as the model's ``predict`` does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from weaklabel._analysis.calibration import expected_calibration_error, reliability_table
from weaklabel._report import svg
from weaklabel._report.figures import image
from weaklabel._votes.gold import UNKNOWN, as_gold
from weaklabel._votes.matrix import VoteMatrix

__all__ = ["N_BINS", "calibration_section"]

#: equal-width confidence bins on [0, 1]
N_BINS = 15


def calibration_section(
    votes: VoteMatrix, probs: np.ndarray, gold: Any, model: Any
) -> dict[str, Any]:
    """The template's ``calibration`` block and the cards it adds beside accuracy.

    Returns
    -------
    dict
        ``cards`` (a list, empty without a measure) and ``calibration``: ``note`` (one sentence
        when nothing can be measured, else empty), and with a measure ``ece``, ``n_rows``,
        ``figure`` (an image dict) and ``rows`` (one list of cell texts per non-empty bin).
    """
    if gold is None:
        return _nothing(
            "Calibration (expected calibration error and the reliability diagram) needs gold "
            "labels: pass gold= to build_report, or --gold-column on the command line."
        )
    truth = as_gold(gold, votes)
    voted = votes.votes_per_row() > 0
    scored = int(((truth != UNKNOWN) & voted).sum())
    if scored == 0:
        return _nothing(
            "Calibration is measured on the gold rows with a vote, and no gold row has a vote."
        )
    ece = expected_calibration_error(probs, truth, n_bins=N_BINS, rows=voted, model=model)
    table = reliability_table(probs, truth, n_bins=N_BINS, rows=voted, model=model)
    figure = image(
        svg.reliability_diagram(
            table["bin_low"].tolist(),
            table["bin_high"].tolist(),
            table["n_rows"].tolist(),
            table["confidence"].tolist(),
            table["accuracy"].tolist(),
            title=f"Reliability (ECE {ece:.3f})",
        ),
        "Reliability diagram: accuracy of the labels in each confidence bin against the "
        "diagonal of perfect calibration, with the rows per bin beneath",
    )
    rows = [  # the columns are bin_low, bin_high, n_rows, confidence, accuracy, gap
        [f"{low:.2f}-{high:.2f}", f"{n:,}", f"{conf:.3f}", f"{acc:.3f}", f"{gap:+.3f}"]
        for low, high, n, conf, acc, gap in zip(
            *(table[c].tolist() for c in table.columns), strict=True
        )
    ]
    return {
        "cards": [
            {"name": "calibration error (ECE) on gold rows with a vote", "value": f"{ece:.3f}"}
        ],
        "calibration": {
            "note": "",
            "ece": f"{ece:.3f}",
            "n_rows": f"{scored:,}",
            "n_bins": N_BINS,
            "figure": figure,
            "rows": rows,
        },
    }


def _nothing(note: str) -> dict[str, Any]:
    return {"cards": [], "calibration": {"note": note}}
