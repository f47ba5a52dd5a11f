"""Each row's final label in a run: the label model's, the end model's, or people's.

:func:`final_labels` trains the end model (:class:`weaklabel.endmodel.EndModel`) on the label
model's probabilities, with the annotated rows as one-hot targets (people's labels train it
too), cross-fitted so that no row's probabilities come from a model that saw its own target.
Rows that no LF voted on and no one annotated are left out of training (their target is one
distribution for all of them, which says nothing about their text; with it, the more honest the
label model's probabilities elsewhere, the more it pulled every text toward one class); the end
model labels them.
:func:`weaklabel.endmodel.combine` then picks each row's probabilities by its policy, and the
annotated rows keep people's label (``source: gold``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from weaklabel._votes.gold import UNKNOWN
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.endmodel import EndModel, combine, training_targets
from weaklabel.endmodel._folds import text_groups
from weaklabel.exceptions import DataError
from weaklabel.models import BaseLabelModel
from weaklabel.models._ties import predicted_labels

__all__ = ["Final", "as_text", "final_labels"]

DEFAULT_FOLDS = 5


@dataclass(frozen=True)
class Final:
    """A run's final labels and what made them.

    Attributes
    ----------
    probs, labels, sources
        n x k final probabilities, class indices, and ``labels.jsonl``'s source per row.
    end_model
        The end model fitted on every row (saved as ``end_model.npz``), or None.
    end_probs
        Its cross-fitted n x k probabilities, or None.
    info
        What ``run.json`` says of the end model, or None.
    """

    probs: np.ndarray
    labels: np.ndarray
    sources: np.ndarray
    end_model: EndModel | None
    end_probs: np.ndarray | None
    info: dict[str, Any] | None


def final_labels(
    votes: VoteMatrix,
    model: BaseLabelModel,
    model_probs: np.ndarray,
    *,
    texts: Sequence[Any] | None,
    people: np.ndarray | None,
    policy: str,
    random_state: int | None,
    progress: bool,
) -> Final:
    """The final label of every row; the end model is trained when ``texts`` is given."""
    k = votes.cardinality
    known = np.zeros(votes.n_rows, dtype=bool) if people is None else people != UNKNOWN
    end = end_probs = info = None
    probs = model_probs.copy()
    sources = np.full(votes.n_rows, "lf", dtype=object)
    if texts is not None:
        targets, evidence = training_targets(model, votes, gold=people)
        strings = as_text(texts)
        end = EndModel(n_folds=_folds(strings), random_state=random_state, progress=progress)
        covered = votes.votes_per_row() > 0
        end_probs = end.cross_fit_predict_proba(strings, targets, sample_weight=evidence)
        probs, sources = combine(model_probs, end_probs, covered, policy=policy)
        missing = sum(1 for t in strings if not t.strip())
        info = _info(end, end_probs, model_probs, covered, known, policy, missing)
    labels = predicted_labels(probs, model)
    if known.any():  # annotated rows keep people's label
        assert people is not None
        probs[known] = np.eye(k)[people[known]]
        labels = np.where(known, people, labels)
        sources[known] = "gold"
    return Final(probs, labels, sources, end, end_probs, info)


def _folds(texts: list[str]) -> int:
    """Five folds, or fewer on data with fewer distinct texts (copies of a text share a fold)."""
    distinct = int(text_groups(texts).max()) + 1
    if distinct < 2:
        raise DataError(
            f"The end model needs at least two different texts to cross-fit; the text column "
            f"holds {distinct}. Check --text-column, or pass --no-end-model."
        )
    return min(DEFAULT_FOLDS, distinct)


def as_text(texts: Sequence[Any]) -> list[str]:
    """Texts as strings; a missing text (None, NaN) is the empty string, read as no words.

    ``run.json`` counts the rows with an empty or missing text (``rows_without_text``); the end
    model gives them what it learned of rows without words.
    """
    return ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts]


def _info(
    end: EndModel,
    end_probs: np.ndarray,
    model_probs: np.ndarray,
    covered: np.ndarray,
    known: np.ndarray,
    policy: str,
    missing: int,
) -> dict[str, Any]:
    agree = end_probs.argmax(axis=1) == model_probs.argmax(axis=1)
    return {
        "name": "EndModel",
        "params": {
            key: (list(value) if isinstance(value, tuple) else value)
            for key, value in end.get_params().items()
            if key not in ("estimator", "progress")
        },
        "policy": policy,
        "n_rows": len(end_probs),
        "trained_on": int((covered | known).sum()),  # rows with a vote or people's label
        "gold_rows": int(known.sum()),
        "cv_log_loss": _float(getattr(end, "cv_log_loss_", None)),
        "cv_agreement": _float(getattr(end, "cv_agreement_", None)),
        "temperature": _float(getattr(end, "temperature_", None)),
        # on the rows an LF voted on (elsewhere the label model has one guess for all rows)
        "agreement_with_label_model": _float(agree[covered].mean() if covered.any() else None),
        "rows_without_text": int(missing),
    }


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
