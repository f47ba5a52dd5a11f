"""What to look at first: the classes and LFs a label model cannot use as they stand.

Two things the per-LF table does not make obvious:

- **A class no LF votes for.** The model can give it rows only through the silence of the other
  classes' LFs, so its share and its rows are a guess (an "other" class with no LF is the usual
  case). Some LFs for it, or gold labels, fix that.
- **An LF the model gives no weight.** ``LabelModel`` never reads a one-sided LF (one that votes a
  single class) as evidence against the class it names; one that the model reckons right less
  often than that class turns up among the rows would be such evidence, so its votes count for
  nothing (``weight`` 0 in :func:`~weaklabel.analysis.lf_summary`). It is usually too broad.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["lf_advice"]


def lf_advice(summary: pd.DataFrame, model: Any, class_names: Sequence[str]) -> list[str]:
    """One sentence per class no LF votes for, then per LF ``model`` gives no weight.

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
        if len(row["polarity"]) != 1 or row["weight"] > 0:
            continue
        c = row["polarity"][0]
        advice.append(
            f"LF {lf!r} votes {class_names[c]!r}, but the model reckons it right "
            f"{row['learned_accuracy']:.0%} of the time, no more often than {class_names[c]!r} "
            f"turns up among the rows ({balance[c]:.0%}): {type(model).__name__} gives its votes "
            "no weight. Make it more precise, or drop it."
        )
    return advice
