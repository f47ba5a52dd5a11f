"""What :class:`~weaklabel.models.LabelModel` says about a row on which every LF abstained.

No vote is still evidence: a class whose LFs fire on most of its rows is unlikely on a row where
all of them stayed silent. For such a row the model gives

    P(y | no vote) ∝ π_y · Π_u (1 - s · P(unit u fires | y))

over the one-sided units ``u`` (a crowd worker's or classifier's abstention says nothing about
the class). ``P(unit fires | y)`` are the rates EM learned on the voted rows; over all rows a unit
fires ``s`` (the share of rows with a vote) times as often, when the rows without votes hold the
classes in the voted rows' proportions, the one assumption made here.

``π`` is the class balance of the voted rows re-estimated by maximum likelihood with the LFs'
rates held fixed (the EM of Saerens, Latinne & Decaestecker 2002 for a new class prior), not
``class_balance_``: EM pulls that one toward uniform so that a broad LF cannot pass for a large
class, which is what the rates need but which hands a rare class (trec's ABBR, 2% of the rows)
a sixth of them. With a ``class_balance`` given to ``fit``, ``π`` is that.

Measured on the rows without votes of the sets the model was fitted on (the rows a user labels),
this picks their majority class on the nine sets measured, three of them where the class balance
did not (the demo: 84% right instead of 16%), with a confidence below its accuracy (0.54 on the
demo's). It inherits EM's fit of the voted rows: where that is off (LFs for one class only, with
false fires on the other) the rows without votes are confidently wrong, see "Rows without votes"
in docs/label_models.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import softmax

from weaklabel.models._em import FLOOR, accelerated_fixed_point

if TYPE_CHECKING:
    from weaklabel.models._em import EM

__all__ = ["unvoted_proba", "voted_balance"]

#: Most steps of the class-prior EM (SQUAREM-accelerated); it stops once no share moves by ``_TOL``.
_MAX_ROUNDS = 500
_TOL = 1e-7


def unvoted_proba(
    em: EM, pattern_weights: np.ndarray, prior: np.ndarray, *, voted_share: float
) -> np.ndarray:
    """``(k,)``: the class probabilities of a row without votes (see the module docstring).

    ``em`` holds the fitted units, ``pattern_weights`` the learned log-probability of each vote
    pattern given each class, ``prior`` the voted rows' class balance; ``voted_share`` is the
    share of the unlabeled rows that carry a vote.
    """
    one = np.flatnonzero(em.units.pole >= 0)
    fire = em.fire_rates(pattern_weights)[one] * voted_share
    silent = np.log(np.clip(1.0 - fire, FLOOR, 1.0)).sum(axis=0)
    return softmax(np.log(np.maximum(prior, FLOOR)) + silent)


def voted_balance(logits: np.ndarray, weights: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The class prior that maximises the likelihood of the voted rows, their rates held fixed.

    ``logits`` (rows x k) are each row's log-likelihood of its votes given each class, without
    a class prior; ``weights`` how many rows each stands for; ``start`` the prior EM begins from.
    One smoothing row per class (as in ``class_balance_``) keeps every class possible.
    """

    def step(prior: np.ndarray) -> np.ndarray:
        posterior = softmax(logits + np.log(np.maximum(prior, FLOOR)), axis=1)
        mass = weights @ posterior + 1.0
        return (mass / mass.sum())[None, :]

    start = np.asarray(start, dtype=np.float64)[None, :]
    prior, _, _ = accelerated_fixed_point(
        step, start, max_iter=_MAX_ROUNDS, tol=_TOL, progress=False
    )
    return prior[0]
