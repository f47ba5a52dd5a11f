"""What the end model learns from: each row's target and weight, in one place.

``weaklabel run``, the benchmarks and users' own code train the end model on
:func:`training_targets`:

- the label model's probabilities of every row with a vote, before its ``label_noise`` (the
  uniform share :class:`~weaklabel.models.LabelModel` mixes in for the rows whose class no vote
  shows): the end model reads the text, and sets its own confidence out of fold (its
  ``temperature_``). Trained on the mixed probabilities it came out less well calibrated on all
  five sets of ``benchmarks/endmodel.py`` (ECE demo 0.055 against 0.017, WRENCH youtube 0.095
  against 0.053), and with a noisy oracle in ``benchmarks/active.py`` WRENCH sms fell below no
  gold (0.976 -> 0.961): the mixed rows weigh less against people's labels;
- with gold labels, the label model's *own* probabilities (``prior_proba``), not its
  per-pattern gold update: the end model gets each labeled row itself, and spreading the label
  over the row's vote pattern too would count it twice and assume the labeled rows are a random
  sample of their pattern (rows picked by ``query``'s ``end_model`` strategy are the unusual
  texts of their pattern);
- each labeled row one-hot;
- weight 0 for the rows no LF voted on and no one labeled: their target is the class prior,
  which says nothing about their text (kept in, it pulled every text toward the majority class,
  the harder the less sharp the label model was elsewhere; docs/endmodel.md has the figures).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from weaklabel._votes.gold import UNKNOWN
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import DataError

__all__ = ["training_targets"]


def training_targets(
    label_model: Any, votes: VoteMatrix, *, gold: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """The end model's targets (n x k) and ``sample_weight`` (n) for the rows of ``votes``.

    Parameters
    ----------
    label_model : fitted label model
        Fitted on ``votes`` (with ``gold``, when given).
    votes : VoteMatrix
    gold : array-like of int, optional
        A class index per row, -1 where unknown (``Annotations.to_gold(votes)``).

    Examples
    --------
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel.endmodel import training_targets
    >>> from weaklabel.models import MajorityVote
    >>> votes = VoteMatrix.from_dense([[1, -1], [-1, -1], [0, 0]], cardinality=2)
    >>> model = MajorityVote().fit(votes)
    >>> targets, weight = training_targets(model, votes, gold=[-1, 1, -1])
    >>> targets.tolist(), weight.tolist()
    ([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]], [1.0, 1.0, 1.0])
    >>> training_targets(model, votes)[1].tolist()  # row 1: no vote, no label
    [1.0, 0.0, 1.0]
    """
    k = label_model.cardinality
    votes = votes.with_cardinality(k)
    known = np.zeros(votes.n_rows, dtype=bool)
    labels = None
    if gold is not None:
        labels = np.asarray(gold, dtype=np.int64)
        if labels.shape != (votes.n_rows,) or (labels < UNKNOWN).any() or (labels >= k).any():
            raise DataError(
                f"training_targets: gold must hold one class index (0..{k - 1}) or -1 per row "
                f"of the votes ({votes.n_rows:,}); got shape {labels.shape}. Use "
                "Annotations.to_gold(votes)."
            )
        known = labels != UNKNOWN
    if getattr(label_model, "label_noise", 0.0):  # its probabilities before the label noise
        label_model = copy.copy(label_model)
        label_model.label_noise = 0.0
    if known.any():
        targets = np.array(label_model.prior_proba(votes), dtype=np.float64)
        targets[known] = np.eye(k)[labels[known]]  # type: ignore[index]
    else:
        targets = np.array(label_model.predict_proba(votes), dtype=np.float64)
    weight = ((votes.votes_per_row() > 0) | known).astype(np.float64)
    return targets, weight
