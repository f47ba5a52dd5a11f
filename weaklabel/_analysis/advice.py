"""What to look at first: the classes and LFs a label model cannot use as they stand.

What the per-LF table does not make obvious:

- **A class no LF votes for.** The model can give it rows only through the silence of the other
  classes' LFs, so its share and its rows are a guess (an "other" class with no LF is the usual
  case). Some LFs for it, or gold labels, fix that.
- **An LF the model gives no weight.** ``LabelModel`` never reads a one-sided LF (one that votes a
  single class) as evidence against the class it names; one that the model reckons right less
  often than that class turns up among the rows would be such evidence, so its votes count for
  nothing (``weight`` 0 in :func:`~weaklabel.analysis.lf_summary`). Either the LF is too broad
  (trec's LF 35, wrong on its test rows), or the model misjudges it, which gold labels on a few
  of its rows mend (trec's LF 67, right on all its rows, was reckoned right 6% of the time
  before nested LFs were read as below; five gold labels gave it weight). Only LFs with at least
  :data:`MIN_VOTES` votes are named: below that the learned accuracy is mostly the prior's (sms:
  8 of its 10 such LFs have 1-15 votes).
- **LFs voting several classes that the model reckons no better than chance.** Either they are
  noise, or EM has settled on a wrong reading of the classes: a minority class read as the
  majority, the LFs that vote on every row as coin flips, and its labels then worse than majority
  vote (seen on random stress inputs: 0.05 against 0.79). A few gold labels settle which.
- **An LF whose votes are set aside.** Where every vote of a narrow one-sided LF falls on rows
  that a broad one of another class votes on, ``LabelModel`` reads the narrow one as the
  exception and drops the broad one's vote there (:mod:`weaklabel.models._nesting`); if the
  narrow LF is the one in the wrong, ``drop_nested=False`` keeps those votes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaklabel.models._confidence import level_owners

__all__ = ["MIN_VOTES", "lf_advice"]

#: Fewest votes an LF needs before a weight of 0 is worth a line.
MIN_VOTES = 20
#: Most LFs named in the line on LFs no better than chance (the rest are counted).
NAMED = 5


def lf_advice(summary: pd.DataFrame, model: Any, class_names: Sequence[str]) -> list[str]:
    """One sentence per class no LF votes for, then per LF ``model`` gives no weight (with at
    least :data:`MIN_VOTES` votes), then one naming the LFs voting several classes it reckons no
    better than chance, then one per LF whose votes it sets aside (nested LFs).

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
    if getattr(model, "_anchors_one_sided", False) and "weight" in summary.columns:
        advice += _weightless(summary, model, class_names)
    if "learned_accuracy" in summary.columns:
        advice += _chance(summary, model)
    return advice + _set_aside(model, list(summary.index))


def _weightless(summary: pd.DataFrame, model: Any, class_names: Sequence[str]) -> list[str]:
    """One sentence per one-sided LF (with at least :data:`MIN_VOTES` votes) that ``model``, which
    never reads such an LF against its class, gives no weight."""
    advice = []
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


def _chance(summary: pd.DataFrame, model: Any) -> list[str]:
    """One sentence naming the LFs voting several classes reckoned right at most 1/k of the time
    (with at least :data:`MIN_VOTES` votes)."""
    chance = 1.0 / int(model.cardinality)
    several = summary["polarity"].map(len) > 1
    low = summary[several & (summary["n_votes"] >= MIN_VOTES)]
    low = low[low["learned_accuracy"] <= chance].sort_values("n_votes", ascending=False)
    if low.empty:
        return []
    shown = ", ".join(
        f"{lf!r} ({acc:.0%})" for lf, acc in low["learned_accuracy"].head(NAMED).items()
    )
    more = f" and {len(low) - NAMED} more" if len(low) > NAMED else ""
    return [
        f"{type(model).__name__} reckons {len(low)} LF{'s' if len(low) > 1 else ''} voting several "
        f"classes right no more often than chance ({chance:.0%}): {shown}{more}. Either they are "
        "wrong that often (noise, a spammer, a misread instruction), or the model has settled on "
        "a wrong reading of the classes and its labels are worse than majority vote's. Check a "
        "few of their rows, or give gold labels for some rows."
    ]


def _set_aside(model: Any, lfs: Sequence[str]) -> list[str]:
    """One sentence per broad LF whose votes the model drops where narrower LFs vote."""
    nested = np.asarray(getattr(model, "nested_", np.zeros((0, 2))), dtype=np.int64)
    if not len(nested):
        return []
    owner = level_owners(model.confidence_cuts_)  # the LF of each column the model reads
    narrow_of: dict[int, list[int]] = {}
    for narrow, broad in owner[nested]:
        narrow_of.setdefault(int(broad), []).append(int(narrow))
    out = []
    for broad, narrow in sorted(narrow_of.items()):
        names = ", ".join(repr(lfs[j]) for j in sorted(set(narrow)))
        one = len(set(narrow)) == 1
        out.append(
            f"{type(model).__name__} sets the votes of LF {lfs[broad]!r} aside on the rows where "
            f"{names} vote{'s' if one else ''}: each of {'its' if one else 'their'} votes falls "
            f"on a row {lfs[broad]!r} votes on, for another class, so "
            f"{'it reads' if one else 'they read'} as an exception to it. If {lfs[broad]!r} is "
            "right there, fit with drop_nested=False."
        )
    return out
