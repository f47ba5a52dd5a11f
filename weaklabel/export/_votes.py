"""The LF votes of each exported row (``export(votes=True)``), read once from the run's votes.

``votes.npz`` holds the run's sparse vote matrix, its rows in the order of ``labels.jsonl``. It
is read and checked against ``run.json`` once (:func:`read_row_votes`: the LF names and the
classes), before the export reads ``labels.jsonl``, and its row count against that file's after
the first pass (:func:`check_vote_rows`); a row's votes become Python objects only when the row
is written (:meth:`RowVotes.row`), so memory grows with the votes' arrays, not with dicts for
every row. A row's votes are ``{"lf", "label", "confidence"}`` objects in LF
column order, empty when no LF voted; the confidence is always there (1.0 when the LF stated
none), so the schema of an export never depends on the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from weaklabel._io.runinfo import RUN_INFO
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import DataError

__all__ = ["VOTES_FILE", "RowVotes", "check_vote_rows", "read_row_votes"]

#: The vote matrix of a run, in its output folder.
VOTES_FILE = "votes.npz"
_BLOCK = 1 << 20  # votes whose confidences are tidied at a time (bounds the temporaries)


def check_vote_rows(path: Path, n_votes: int, labels_path: Path, n_labels: int) -> None:
    """Refuse a vote matrix whose row count is not that of ``labels.jsonl``."""
    if n_votes != n_labels:
        raise DataError(
            f"{path} has {n_votes:,} rows but {labels_path} has {n_labels:,}: they are not "
            "from the same run. Run `weaklabel run` again."
        )


class RowVotes:
    """The votes of a run's rows, by row position, as an export writes them.

    Parameters
    ----------
    votes : VoteMatrix
        The run's vote matrix, with its LF names.
    classes : sequence of str
        The run's class names, one per class index.

    Examples
    --------
    >>> from weaklabel import ABSTAIN, VoteMatrix
    >>> from weaklabel.export._votes import RowVotes
    >>> matrix = VoteMatrix.from_dense([[1, 0], [ABSTAIN, ABSTAIN]], cardinality=2,
    ...                                lf_names=["link", "short"],
    ...                                confidences=[[0.7, 1.0], [1.0, 1.0]])
    >>> votes = RowVotes(matrix, ["ham", "spam"])
    >>> votes.row(0)[0]
    {'lf': 'link', 'label': 'spam', 'confidence': 0.7}
    >>> [vote["lf"] for vote in votes.row(0)], votes.row(1)
    (['link', 'short'], [])
    """

    def __init__(self, votes: VoteMatrix, classes: Sequence[str]) -> None:
        self.indptr = np.asarray(votes.indptr, dtype=np.int64)
        self.lfs = np.asarray(votes.lfs)
        self.labels = votes.labels()
        self.confidences = (
            _tidy(votes.confidences()) if votes.has_confidences else np.ones(len(self.lfs))
        )
        self.lf_names = list(votes.lf_names)
        self.classes = list(classes)

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return len(self.indptr) - 1

    def per_row(self) -> np.ndarray:
        """How many LFs voted on each row."""
        return np.diff(self.indptr)

    def row(self, i: int) -> list[dict[str, Any]]:
        """The votes on row ``i``: ``{"lf", "label", "confidence"}`` in LF column order."""
        start, stop = int(self.indptr[i]), int(self.indptr[i + 1])
        if start == stop:
            return []
        names, classes = self.lf_names, self.classes
        return [
            {"lf": names[lf], "label": classes[label], "confidence": confidence}
            for lf, label, confidence in zip(
                self.lfs[start:stop].tolist(),
                self.labels[start:stop].tolist(),
                self.confidences[start:stop].tolist(),
                strict=True,
            )
        ]


def read_row_votes(run_dir: Path, info: dict[str, Any]) -> RowVotes:
    """The votes of the run at ``run_dir``, checked against its ``run.json`` (``info``: the LF
    names and the classes); the caller checks the row count (:func:`check_vote_rows`)."""
    path = run_dir / VOTES_FILE
    if not path.is_file():
        raise DataError(
            f"{path}: no such file; `weaklabel run` writes it beside labels.jsonl and the export "
            "reads each row's LF votes from it (votes=True, --votes). Run `weaklabel run` "
            "again, or export without the votes."
        )
    votes = VoteMatrix.load(path)
    classes: list[str] = info["classes"]
    lf_names = info["lfs"].get("names")
    stored = votes.class_names
    if (stored is not None and list(stored) != classes) or votes.cardinality != len(classes):
        shown = ", ".join(stored) if stored is not None else f"{votes.cardinality} classes"
        raise DataError(
            f"{path} has the classes {shown} but {run_dir / RUN_INFO} has "
            f"{', '.join(classes)}: they are not from the same run. Run `weaklabel run` again."
        )
    if isinstance(lf_names, list) and lf_names != list(votes.lf_names):
        raise DataError(
            f"{path} has the LFs {', '.join(votes.lf_names)} but {run_dir / RUN_INFO} names "
            f"{', '.join(map(str, lf_names))}: they are not from the same run. Run `weaklabel "
            "run` again."
        )
    return RowVotes(votes, classes)


def _tidy(confidences: np.ndarray) -> np.ndarray:
    """Each confidence as the shortest decimal (of at most 9 significant digits) that reads back
    as the same float32, which is how ``votes.npz`` stores them: an LF's 0.7 is written 0.7, not
    0.699999988079071. Block by block, so the temporaries stay small."""
    out = confidences.astype(np.float32).astype(np.float64)
    for start in range(0, len(out), _BLOCK):
        block = out[start : start + _BLOCK]  # a view: tidied in place
        single = block.astype(np.float32)
        todo = np.ones(len(block), dtype=bool)
        exponent = np.floor(np.log10(block))  # confidences are > 0
        for digits in range(1, 10):  # 9 significant digits always read back as the float32
            scale = 10.0 ** (digits - 1 - exponent)
            candidate = np.round(block * scale) / scale
            hit = todo & (candidate.astype(np.float32) == single)
            block[hit] = candidate[hit]
            todo &= ~hit
            if not todo.any():
                break
    return out
