"""How the votes on one row combine into its probabilities."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._core.params import parameter_error
from weaklabel._votes.encoding import ABSTAIN
from weaklabel._votes.matrix import VoteMatrix
from weaklabel._votes.names import class_names_or_default
from weaklabel.exceptions import DataError, ParameterError

__all__ = ["explain"]


def explain(
    model: Any, votes: VoteMatrix, row: int | None = None, *, row_id: Any = None
) -> pd.DataFrame:
    """How the votes on one row combine into its probabilities.

    For each LF that voted on the row: its vote, its learned accuracy (when the model has one),
    and how much each class's probability would change without that vote (the model refitted
    nothing; only the vote is removed). The frame's ``attrs`` hold the row's probabilities and
    the prior it starts from.

    Parameters
    ----------
    model : fitted label model
    votes : VoteMatrix
    row : int, optional
        The row's position in ``votes``.
    row_id : optional
        The row's id (``votes.row_ids``), instead of its position.

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
    >>> explain(model, votes, row_id=2).equals(explain(model, votes, 2))
    True
    """
    row = _position(votes, row, row_id)
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


def _position(votes: VoteMatrix, row: Any, row_id: Any) -> int:
    """The position of the row named by ``row`` (a position) or ``row_id`` (an id)."""
    if (row is None) == (row_id is None):
        raise ParameterError(
            "explain needs exactly one of 'row' (a row position) and 'row_id' (a row id)."
        )
    if row_id is not None:
        ids = votes.row_ids
        key = str(row_id) if ids.dtype.kind in "UO" else row_id
        comparable = ids.dtype.kind in "UO" or _is_int(key)
        found = np.flatnonzero(ids == key) if comparable else np.zeros(0, dtype=np.int64)
        if not len(found):
            sample = ", ".join(repr(x) for x in ids[:5].tolist())
            raise DataError(
                f"explain: no row has the id {row_id!r} (ids look like {sample}). Pass an id from "
                "votes.row_ids, or row=<position>."
            )
        return int(found[0])
    if not _is_int(row):
        raise parameter_error(
            "row",
            "explain",
            f"a row position, an int in 0..{votes.n_rows - 1}",
            row,
            f"To explain the row whose id is {row!r}, pass row_id={row!r}.",
        )
    if not 0 <= int(row) < votes.n_rows:
        raise DataError(
            f"explain: row {row} is not a row position of the votes (0..{votes.n_rows - 1}); "
            "to name a row by its id, pass row_id=..."
        )
    return int(row)


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
