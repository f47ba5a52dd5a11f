"""The synthetic sets of the label-model failure patterns of issue 12, drawn with weaklabel's own
generators (``weaklabel.datasets``) with ``random_state=0``.

Each stands for a kind of real set where the default ``LabelModel`` was seen to trail majority
vote or a peer, or to be overconfident:

* ``synthetic-keywords``: 9 skewed classes, 160 one-sided keyword LFs, every row covered, broad
  co-firing keywords of the two largest classes (``make_keyword_votes``); fitted on 2,000 rows
  (a small set, like the real one) and scored on ``--synthetic-rows`` others;
* ``synthetic-one-sided``: 2 classes (0.6 / 0.4), 10 weak one-sided LFs, 1.7 votes per row
  (``make_one_sided_votes``);
* ``synthetic-crowd-skewed``: 1,000 items, 3 classes of which one holds 92%, 300 workers, 5
  answers per item (``make_crowd_votes``);
* ``synthetic-crowd-461``: 300 items, 5 classes, 461 workers, 5 answers per item;
* ``synthetic-crowd-78``: 800 items, 2 classes, 78 workers, 3 answers per item;
* ``synthetic-redundant``: 6 two-sided LFs and 3 near-copies of the weakest
  (``make_redundant_votes``);
* ``synthetic-random-lf``: 6 good one-sided LFs and one firing at random on 20% of the rows
  (``make_random_lf_votes``); its focus rows are the test rows where only that LF voted.

The crowd sets are fitted and scored on the same items, like the real crowd sets, and keep their
sizes whatever ``--synthetic-rows`` says; the others are fitted on one part and scored on
``--synthetic-rows`` other rows. No oracle: the generators do not give the Bayes posterior.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from harness.datasets import Dataset, Split

from weaklabel.datasets import (
    make_crowd_votes,
    make_keyword_votes,
    make_one_sided_votes,
    make_random_lf_votes,
    make_redundant_votes,
)

__all__ = ["PATTERNS", "Pattern", "PatternSet", "split_votes"]

KEYWORD_FIT_ROWS = 2000
SEED = 0


@dataclass(frozen=True)
class Pattern:
    """How to draw one set: ``draw(test_rows)`` gives ``(votes, truth, fit_rows)``, the first
    ``fit_rows`` rows to fit on (None: fit and score on all the rows)."""

    draw: Callable[[int], tuple[Any, np.ndarray, int | None]]
    focus_label: str = ""  # what the focus rows are, when the set has some


@dataclass(frozen=True)
class PatternSet:
    data: Dataset
    focus: np.ndarray | None
    focus_label: str


def _keywords(rows: int) -> tuple[Any, np.ndarray, int | None]:
    votes, truth = make_keyword_votes(KEYWORD_FIT_ROWS + rows, random_state=SEED)
    return votes, truth, KEYWORD_FIT_ROWS


def _halves(make: Callable[..., tuple[Any, np.ndarray]]) -> Callable[[int], Any]:
    def draw(rows: int) -> tuple[Any, np.ndarray, int | None]:
        votes, truth = make(2 * rows, random_state=SEED)
        return votes, truth, rows

    return draw


def _crowd(n_rows: int, n_workers: int, **settings: Any) -> Callable[[int], Any]:
    def draw(rows: int) -> tuple[Any, np.ndarray, int | None]:
        votes, truth = make_crowd_votes(n_rows, n_workers, **settings, random_state=SEED)
        return votes, truth, None

    return draw


PATTERNS: dict[str, Pattern] = {
    "synthetic-keywords": Pattern(_keywords),
    "synthetic-one-sided": Pattern(_halves(make_one_sided_votes)),
    "synthetic-crowd-skewed": Pattern(
        _crowd(
            1000,
            300,
            cardinality=3,
            labels_per_row=5,
            accuracy=(0.4, 0.9),
            class_balance=[0.92, 0.05, 0.03],
        )
    ),
    "synthetic-crowd-461": Pattern(
        _crowd(
            300,
            461,
            cardinality=5,
            labels_per_row=5,
            accuracy=(0.3, 0.8),
            class_balance=[0.4, 0.25, 0.15, 0.12, 0.08],
        )
    ),
    "synthetic-crowd-78": Pattern(
        _crowd(800, 78, cardinality=2, labels_per_row=3, accuracy=(0.5, 0.85))
    ),
    "synthetic-redundant": Pattern(_halves(make_redundant_votes)),
    "synthetic-random-lf": Pattern(
        _halves(make_random_lf_votes), focus_label="test rows where only the random LF voted"
    ),
}


def only_last_lf(dense: np.ndarray) -> np.ndarray:
    """Rows where the last LF voted and no other did."""
    return (dense[:, -1] >= 0) & (dense[:, :-1] < 0).all(axis=1)


def split_votes(name: str, pattern: Pattern, test_rows: int) -> PatternSet:
    """Draw the set and split it into the rows to fit on and the rows to score."""
    votes, truth, fit_rows = pattern.draw(test_rows)
    dense = votes.to_dense()
    classes = tuple(f"class_{c}" for c in range(votes.cardinality))
    if fit_rows is None:
        fit = test = Split(dense, truth, classes)
    else:
        fit = Split(dense[:fit_rows], truth[:fit_rows], classes)
        test = Split(dense[fit_rows:], truth[fit_rows:], classes)
    focus = only_last_lf(test.votes) if pattern.focus_label else None
    return PatternSet(Dataset(name, fit, test, None), focus, pattern.focus_label)
