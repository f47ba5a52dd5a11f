"""What to look at first: the classes and LFs a label model cannot use as they stand.

Two things the per-LF table does not make obvious:

- **A class no LF votes for.** The model can give it rows only through the silence of the other
  classes' LFs, so its share and its rows are a guess (an "other" class with no LF is the usual
  case). Some LFs for it, or gold labels, fix that.
- **An LF the model gives no weight.** ``LabelModel`` never reads a one-sided LF (one that votes a
  single class) as evidence against the class it names; one that the model reckons right less
  often than that class turns up among the rows would be such evidence, so its votes count for
  nothing (``weight`` 0 in :func:`~weaklabel.analysis.lf_summary`). Either the LF is too broad,
  or the model misjudges it: on trec, an LF right on all its test rows was reckoned right 6% of
  the time, its rows taken by a broad LF of a larger class it fires with; gold labels on five of
  its rows give it weight again (learned accuracy 0.33, trec's test accuracy 0.644 -> 0.654).
  Only LFs with at least :data:`MIN_VOTES` votes are named: below that the
  learned accuracy is mostly the prior's (sms: 8 of its 10 such LFs have 1-15 votes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MIN_VOTES", "lf_advice"]

#: Fewest votes an LF needs before a weight of 0 is worth a line.
MIN_VOTES = 20


def lf_advice(summary: pd.DataFrame, model: Any, class_names: Sequence[str]) -> list[str]:
    """One sentence per class no LF votes for, then per LF ``model`` gives no weight (with at
    least :data:`MIN_VOTES` votes).

    ``summary`` is :func:`~weaklabel.analysis.lf_summary` of the votes with ``model``;
    ``class_names`` names every class.
    """
    voted = {c for polarity in summary["polarity"] for c in polarity}
    advice = [
        f"No LF votes for class {name!r}: the model can give it rows only through the silence "
        "of the other classes' LFs. Write LFs for it, or give gold labels for some of its rows."
        for c, name in enumerate(class_names)
        if c not in voted
    ]
    if not getattr(model, "_anchors_one_sided", False) or "weight" not in summary.columns:
        return advice
    balance = np.asarray(model.class_balance_, dtype=np.float64)
    for lf, row in summary.iterrows():
        if len(row["polarity"]) != 1 or row["weight"] > 0 or row["n_votes"] < MIN_VOTES:
            continue
        c = row["polarity"][0]
        advice.append(
            f"{type(model).__name__} gives the {row['n_votes']:,} votes of LF {lf!r} (for "
            f"{class_names[c]!r}) no weight: it reckons the LF right "
            f"{row['learned_accuracy']:.0%} of the time, no more often than {class_names[c]!r} "
            f"turns up among the rows ({balance[c]:.0%}). If the LF is usually right, give gold "
            "labels for a few of its rows so the model sees it; if not, make it more precise or "
            "drop it."
        )
    return advice
