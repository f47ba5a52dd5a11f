"""How the votes on one row combine into its probabilities."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from weaklabel._votes.encoding import ABSTAIN
from weaklabel._votes.matrix import VoteMatrix
from weaklabel._votes.names import class_names_or_default
from weaklabel.exceptions import DataError

__all__ = ["explain"]


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
    >>> from weaklabel.analysis import explain
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
    voted = np.flatnonzero(dense != ABSTAIN)
    accuracies = getattr(model, "lf_accuracies_", None)
    names = class_names_or_default(votes.class_names, votes.cardinality)
    records = []
    for j in voted:
        without = dense.copy()
        without[j] = ABSTAIN
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
