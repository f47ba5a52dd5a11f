"""Choosing the rows people should label next: :func:`query`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._core.params import check_choice, check_int
from weaklabel._core.probs import check_probs
from weaklabel._core.random import RandomState, check_random_state
from weaklabel._votes.matrix import VoteMatrix
from weaklabel._votes.names import class_names_or_default
from weaklabel.active._patterns import Patterns, group_patterns
from weaklabel.active._strategies import (
    PATTERN_SCORES,
    GoldPrior,
    lf_disagreement,
    margin_score,
)
from weaklabel.exceptions import DataError, ParameterError
from weaklabel.models._ties import predicted_labels

__all__ = ["AUTO", "AUTO_END_MODEL", "STRATEGIES", "query"]

#: Every strategy :func:`query` knows; ``auto`` is the default.
STRATEGIES = (
    "auto",
    "expected_gain",
    "least_confidence",
    "margin",
    "entropy",
    "lf_disagreement",
    "uncovered",
    "end_model",
    "random",
)
#: The strategy ``auto`` stands for: the best of the benchmark (docs/benchmarks.md#active-learning)
#: on the label model alone; with the end model's probabilities, :data:`AUTO_END_MODEL`.
AUTO = "margin"
AUTO_END_MODEL = "end_model"


def query(
    votes: VoteMatrix,
    model: Any,
    n: int,
    *,
    strategy: str = "auto",
    labeled: Any = None,
    random_state: RandomState = None,
    texts: Sequence[Any] | None = None,
    end_model_probs: Any = None,
) -> pd.DataFrame:
    """The ``n`` rows whose gold labels would help most, best first.

    Parameters
    ----------
    votes : VoteMatrix
        The votes of every row that may be chosen.
    model : fitted label model
        Fitted on these votes (with the gold labels known so far, if any).
    n : int
        How many rows to choose (fewer when fewer are left).
    strategy : str
        ``"auto"`` (default: the best in the benchmark of ``docs/benchmarks.md``: :data:`AUTO`,
        or :data:`AUTO_END_MODEL` when ``end_model_probs`` is given), ``"expected_gain"``
        (LF-aware), ``"least_confidence"``, ``"margin"``, ``"entropy"``, ``"lf_disagreement"``,
        ``"uncovered"``, ``"end_model"`` (needs ``end_model_probs``) or ``"random"``; see
        :mod:`weaklabel.active._strategies`.
    labeled : array-like of int, optional
        Positions already labeled: never returned again.
    random_state : int, optional
        Seeds the choice among equally good rows; the result is the same for the same seed.
    texts : sequence of str, optional
        One text per row: a batch never holds two rows with the same text (case and spacing
        aside), nor a row whose text a labeled row already has.
    end_model_probs : array-like, n x k, optional
        The end model's probabilities of every row (cross-fitted: ``labels.jsonl``'s
        ``end_model_probs``, or :meth:`weaklabel.endmodel.EndModel.cross_fit_predict_proba`), with
        the gold labels known so far among its targets. ``auto`` then ranks the rows by them,
        and ``label`` and ``confidence`` are the end model's.

    Returns
    -------
    pandas.DataFrame
        One row per chosen example, best first: ``row`` (position in ``votes``), ``id`` (its row
        id), ``score`` (the strategy's value, higher is better), ``strategy`` (which chose it),
        ``label`` and ``confidence`` (the model's current class and its probability) and
        ``n_similar`` (rows with the same votes, which one label informs).

    Examples
    --------
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel.active import query
    >>> from weaklabel.models import LabelModel
    >>> votes = VoteMatrix.from_dense([[1, -1], [1, 0], [0, -1], [-1, -1]] * 25, cardinality=2)
    >>> model = LabelModel(progress=False).fit(votes)
    >>> chosen = query(votes, model, 3, random_state=0)
    >>> chosen[["row", "strategy", "n_similar"]].values.tolist()
    [[10, 'margin', 25], [75, 'margin', 25], [25, 'margin', 25]]
    >>> again = query(votes, model, 2, labeled=chosen["row"], random_state=0)
    >>> bool(again["row"].isin(chosen["row"]).any())  # labeled rows are never chosen again
    False
    """
    if not isinstance(votes, VoteMatrix):
        raise DataError(
            f"query expects the VoteMatrix the model was fitted on; got {type(votes).__name__}."
        )
    n = check_int("n", n, owner="query", minimum=0)
    strategy = check_choice("strategy", strategy, STRATEGIES, owner="query")
    rng = check_random_state(random_state, owner="query")
    done = _labeled_mask(labeled, votes.n_rows)
    keys = _text_keys(texts, votes.n_rows)
    end = _end_model_probs(end_model_probs, votes.n_rows, model.cardinality)
    patterns = group_patterns(votes.with_cardinality(model.cardinality), model, done)
    picker = _Picker(patterns, done, keys, rng)
    name = strategy if strategy != "auto" else AUTO if end is None else AUTO_END_MODEL
    if name == "end_model":
        if end is None:
            raise ParameterError(
                "The 'end_model' strategy of query ranks rows by the end model's probabilities; "
                "pass them as end_model_probs= (n x k, e.g. labels.jsonl's end_model_probs)."
            )
        rows, scores = picker.by_row(n, margin_score(end))
    elif name == "random":
        rows, scores = picker.random(n)
    elif name == "expected_gain":
        rows, scores = picker.greedy(n, GoldPrior(patterns, model))
    else:
        if name == "lf_disagreement":
            score = patterns.per_pattern(lambda v: lf_disagreement(v, model))
        else:
            score = PATTERN_SCORES[name](patterns)
        rows, scores = picker.ranked(n, score, keep_zero=name != "uncovered")
    return _frame(votes, patterns, rows, scores, name, model, end)


class _Picker:
    """Rows from patterns: at random among a pattern's free rows, never a text twice.

    The rows of a pattern are found for the candidate patterns only, in one pass over the rows
    for a whole block of them, so that 10M rows cost a few passes, not a sort.
    """

    def __init__(
        self,
        patterns: Patterns,
        done: np.ndarray,
        keys: np.ndarray | None,
        rng: np.random.Generator,
    ) -> None:
        self.patterns, self.done, self.keys, self.rng = patterns, done, keys, rng
        self.rows_of: dict[int, np.ndarray] = {}
        self.taken: set[int] = set()
        self.seen = set() if keys is None else set(keys[done].tolist())
        self.left = patterns.n_free.copy()

    def prepare(self, candidates: np.ndarray) -> None:
        """Find the rows of the candidate patterns not looked up yet, in one pass."""
        missing = np.setdiff1d(candidates, np.fromiter(self.rows_of, np.int64), assume_unique=True)
        if not len(missing):
            return
        rows = np.flatnonzero(np.isin(self.patterns.of_row, missing))
        of = self.patterns.of_row[rows]
        order = np.argsort(of, kind="stable")
        rows, of = rows[order], of[order]
        bounds = np.searchsorted(of, missing, side="left"), np.searchsorted(of, missing, "right")
        for pattern, a, b in zip(missing.tolist(), *bounds, strict=True):
            self.rows_of[pattern] = rows[a:b]

    def take(self, pattern: int) -> int | None:
        """A free row of ``pattern`` not taken yet and not a text seen before, or None."""
        if pattern not in self.rows_of:
            self.prepare(np.array([pattern]))
        candidates = self.rows_of[pattern]
        for row in candidates[self.rng.permutation(len(candidates))].tolist():
            if self.done[row] or row in self.taken:
                continue
            if self.keys is not None and self.keys[row] in self.seen:
                continue
            self.taken.add(row)
            if self.keys is not None:
                self.seen.add(self.keys[row])
            self.left[pattern] -= 1
            return row
        self.left[pattern] = 0  # every free row left duplicates a text already chosen
        return None

    def ranked(
        self, n: int, score: np.ndarray, *, keep_zero: bool
    ) -> tuple[list[int], list[float]]:
        """Patterns by score (ties at random), one row each per pass, best passes first."""
        usable = (self.left > 0) & (score > 0 if not keep_zero else True)
        pool = np.flatnonzero(usable)
        size = max(4 * n, 64)
        while True:
            top = pool if len(pool) <= size else pool[np.argpartition(-score[pool], size)[:size]]
            tiebreak = self.rng.random(len(top))
            order = top[np.lexsort((tiebreak, -score[top]))]
            self.prepare(order)
            rows, scores = self._passes(n, order, score)
            if len(rows) >= n or len(top) == len(pool):
                return rows, scores
            size *= 4  # rows of the first candidates were duplicates: look further

    def _passes(
        self, n: int, order: np.ndarray, score: np.ndarray
    ) -> tuple[list[int], list[float]]:
        rows: list[int] = []
        scores: list[float] = []
        while len(rows) < n:
            added = False
            for pattern in order.tolist():
                if len(rows) >= n:
                    break
                if self.left[pattern] <= 0:
                    continue
                row = self.take(pattern)
                if row is not None:
                    rows.append(row)
                    scores.append(float(score[pattern]))
                    added = True
            if not added:
                break
        return rows, scores

    def greedy(self, n: int, prior: GoldPrior) -> tuple[list[int], list[float]]:
        """Expected gain, pick by pick; a pick counts its expected label in its pattern."""
        gains = prior.gains()
        gains[self.left <= 0] = -np.inf
        gains += self.rng.random(len(gains)) * 1e-12  # ties broken at random, reproducibly
        rows: list[int] = []
        scores: list[float] = []
        while len(rows) < n and len(gains) and np.isfinite(gains.max()):
            best = int(np.argmax(gains))
            row = self.take(best)
            if row is not None:
                rows.append(row)
                scores.append(float(gains[best]))
                prior.expect_label(best)
            prior.n_free[best] = self.left[best]
            gains[best] = prior.gains_of([best])[0] if self.left[best] > 0 else -np.inf
        return rows, scores

    def by_row(self, n: int, score: np.ndarray) -> tuple[list[int], list[float]]:
        """Rows by their own score (ties at random), best first, never a text twice."""
        free = np.flatnonzero(~self.done)
        key, tiebreak = -score[free], self.rng.random(len(free))
        seen = set(self.seen)
        size = max(4 * n, 1024)
        while True:
            top = np.arange(len(free))
            if len(free) > size:  # the best rows and every row tied with the last of them
                top = np.flatnonzero(key <= np.partition(key, size)[size])
            rows: list[int] = []
            self.seen = set(seen)
            for row in free[top[np.lexsort((tiebreak[top], key[top]))]].tolist():
                if len(rows) >= n:
                    break
                if self.keys is not None:
                    if self.keys[row] in self.seen:
                        continue
                    self.seen.add(self.keys[row])
                rows.append(row)
            if len(rows) >= n or len(top) == len(free):
                return rows, [float(score[r]) for r in rows]
            size *= 4  # copies of texts chosen already: look further

    def random(self, n: int) -> tuple[list[int], list[float]]:
        """Rows drawn uniformly among the free ones (texts still never twice)."""
        rows: list[int] = []
        order = self.rng.permutation(len(self.done))
        for a in range(0, len(order), max(4 * n, 1024)):
            for row in order[a : a + max(4 * n, 1024)].tolist():
                if len(rows) >= n:
                    return rows, [0.0] * len(rows)
                if self.done[row]:
                    continue
                if self.keys is not None and self.keys[row] in self.seen:
                    continue
                rows.append(row)
                if self.keys is not None:
                    self.seen.add(self.keys[row])
        return rows, [0.0] * len(rows)


def _labeled_mask(labeled: Any, n_rows: int) -> np.ndarray:
    done = np.zeros(n_rows, dtype=bool)
    if labeled is None:
        return done
    positions = np.asarray(labeled)
    if positions.size == 0:
        return done
    if positions.dtype == bool:
        if positions.shape != (n_rows,):
            raise ParameterError(
                f"The 'labeled' parameter of query must be row positions, or a mask of {n_rows} "
                f"booleans. Got a mask of shape {positions.shape} instead."
            )
        return positions.copy()
    if positions.dtype.kind not in "iu" or positions.ndim != 1:
        raise ParameterError(
            "The 'labeled' parameter of query must be row positions (ints). Got "
            f"{positions.dtype} values instead; pass positions, e.g. from the 'row' column."
        )
    bad = (positions < 0) | (positions >= n_rows)
    if bad.any():
        raise ParameterError(
            f"The 'labeled' parameter of query holds {int(positions[bad][0])}, which is not a row "
            f"position of the votes (0..{n_rows - 1})."
        )
    done[positions] = True
    return done


def _end_model_probs(values: Any, n_rows: int, k: int) -> np.ndarray | None:
    if values is None:
        return None
    return check_probs(values, owner="query", name="end_model_probs", n_rows=n_rows,
                       n_classes=k, rows_are="row of the votes")  # fmt: skip


def _text_keys(texts: Sequence[Any] | None, n_rows: int) -> np.ndarray | None:
    if texts is None:
        return None
    values = list(texts)
    if len(values) != n_rows:
        raise DataError(f"query: texts has {len(values)} entries but the votes have {n_rows} rows.")
    return np.array([re.sub(r"\s+", " ", str(t)).strip().casefold() for t in values], dtype=object)


def _frame(
    votes: VoteMatrix,
    patterns: Patterns,
    rows: list[int],
    scores: list[float],
    strategy: str,
    model: Any,
    end: np.ndarray | None,
) -> pd.DataFrame:
    positions = np.asarray(rows, dtype=np.int64)
    of = patterns.of_row[positions]
    probs = patterns.probs[of] if end is None else end[positions]
    names = class_names_or_default(
        getattr(model, "class_names_", None) or votes.class_names, probs.shape[1]
    )
    return pd.DataFrame(
        {
            "row": positions,
            "id": votes.row_ids[positions],
            "score": np.asarray(scores, dtype=np.float64),
            "strategy": strategy,
            "label": np.asarray(names, dtype=object)[predicted_labels(probs, model)],
            "confidence": probs.max(axis=1),
            "n_similar": patterns.n_rows[of],
        }
    )
