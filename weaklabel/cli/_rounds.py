"""``rounds.jsonl``: one line per run in an output folder, so the human loop can be followed.

Each ``weaklabel run`` copies the lines of the folder's ``rounds.jsonl`` (if any) and appends one:
the round number, the time, the model, the gold labels used so far, the model's accuracy on them
estimated by cross-validation (each fold's labels predicted by a model fitted without them), and
the annotators' agreement.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np

from weaklabel._core.random import check_random_state
from weaklabel._io.atomic import atomic_write
from weaklabel._votes.gold import UNKNOWN
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import DataError, WeaklabelError

__all__ = [
    "ROUNDS_FILE",
    "cross_validated_accuracy",
    "previous_rounds",
    "round_record",
    "write_rounds",
]

ROUNDS_FILE = "rounds.jsonl"
_FOLDS = 5


def previous_rounds(out_dir: str | Path) -> list[dict[str, Any]]:
    """The rounds logged in ``out_dir`` so far (none when it has no log)."""
    path = Path(out_dir) / ROUNDS_FILE
    if not path.is_file():
        return []
    rounds = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(
                f"{path}, line {number}: not valid JSON ({exc.msg}); the rounds log was changed "
                "by hand. Fix or delete the line to go on."
            ) from None
        if not isinstance(record, dict) or not isinstance(record.get("round"), int):
            raise DataError(
                f"{path}, line {number}: not a round of weaklabel's log; fix or delete it."
            )
        rounds.append(record)
    return rounds


def cross_validated_accuracy(
    make_model: Any, votes: VoteMatrix, gold: np.ndarray, random_state: Any
) -> float | None:
    """Accuracy on the gold rows, each fold predicted by a model fitted without its labels."""
    rows = np.flatnonzero(gold != UNKNOWN)
    if len(rows) < _FOLDS:
        return None
    folds = np.array_split(check_random_state(random_state).permutation(rows), _FOLDS)
    right = 0
    for fold in folds:
        kept = gold.copy()
        kept[fold] = UNKNOWN
        model = make_model().fit(votes, gold=kept)
        right += int((model.predict(votes[fold]) == gold[fold]).sum())
    return right / len(rows)


def round_record(
    previous: list[dict[str, Any]],
    *,
    model: str,
    gold: np.ndarray | None,
    cv_accuracy: float | None,
    annotations: Any,
) -> dict[str, Any]:
    """The log line of this run."""
    record: dict[str, Any] = {
        "round": (max(r["round"] for r in previous) + 1) if previous else 1,
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "model": model,
        "gold_labels": 0 if gold is None else int((gold != UNKNOWN).sum()),
        "cv_accuracy": cv_accuracy,
        "annotated_items": None,
        "annotators": None,
        "percent_agreement": None,
        "krippendorff_alpha": None,
    }
    if annotations is not None:
        from weaklabel.annotations import krippendorff_alpha, percent_agreement

        record["annotated_items"] = annotations.n_items
        record["annotators"] = annotations.n_annotators
        for name, statistic in (
            ("percent_agreement", percent_agreement),
            ("krippendorff_alpha", krippendorff_alpha),
        ):
            try:
                record[name] = statistic(annotations)
            except WeaklabelError:  # undefined: one annotator, no item labeled twice
                record[name] = None
    return record


def write_rounds(path: Path, rounds: list[dict[str, Any]]) -> None:
    """Write the log, atomically."""
    with atomic_write(path) as handle:
        for record in rounds:
            handle.write(json.dumps(record, allow_nan=False) + "\n")
