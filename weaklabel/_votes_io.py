"""Saving and loading vote matrices: one ``.npz`` of arrays and a JSON header, never pickle."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Final

import numpy as np

from weaklabel._atomic import atomic_write
from weaklabel._votes import VoteMatrix
from weaklabel.exceptions import DataError

__all__ = ["load_votes", "save_votes"]

_FORMAT: Final = "weaklabel.VoteMatrix"
_FORMAT_VERSION: Final = 1


def save_votes(votes: VoteMatrix, path: str | Path) -> None:
    """Write ``votes`` to ``path`` atomically (see :meth:`VoteMatrix.save`)."""
    meta = {
        "format": _FORMAT,
        "version": _FORMAT_VERSION,
        "shape": list(votes.shape),
        "cardinality": votes.cardinality,
        "lf_names": list(votes.lf_names),
        "class_names": None if votes.class_names is None else list(votes.class_names),
    }
    labels = votes.labels()
    arrays = {
        "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
        "indptr": np.asarray(votes.indptr),
        "lfs": np.asarray(votes.lfs),
        "labels": labels.astype(np.int16 if votes.cardinality > 127 else np.int8),
        "row_ids": _row_ids_for_npz(votes.row_ids),
        "lf_failures": np.asarray(votes.lf_failures),
    }
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    with atomic_write(path, "wb") as handle:
        handle.write(buffer.getvalue())


def load_votes(path: str | Path) -> VoteMatrix:
    """Read a vote matrix written by :func:`save_votes`."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except FileNotFoundError:
        raise DataError(f"{path}: no such file; write one with VoteMatrix.save().") from None
    except (OSError, ValueError) as exc:
        raise DataError(
            f"{path}: not a vote matrix saved by weaklabel (VoteMatrix.save): {exc}"
        ) from exc
    try:
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
        if meta.get("format") != _FORMAT:
            raise KeyError("format")
    except (KeyError, ValueError):
        raise DataError(
            f"{path}: not a vote matrix saved by weaklabel (no '{_FORMAT}' header)."
        ) from None
    if meta["version"] > _FORMAT_VERSION:
        raise DataError(
            f"{path}: written by a newer weaklabel (format version {meta['version']}); "
            "upgrade weaklabel to read it."
        )
    indptr = arrays["indptr"]
    if len(indptr) != meta["shape"][0] + 1:
        raise DataError(f"{path}: corrupt vote matrix (row pointer does not match the shape).")
    return VoteMatrix._from_csr_parts(
        indptr,
        arrays["lfs"],
        arrays["labels"],
        cardinality=meta["cardinality"],
        lf_names=meta["lf_names"],
        class_names=meta["class_names"],
        row_ids=arrays["row_ids"],
        lf_failures=arrays["lf_failures"],
    )


def _row_ids_for_npz(row_ids: np.ndarray) -> np.ndarray:
    """Row ids as an int or unicode array, which ``np.load`` reads back without pickle."""
    if row_ids.dtype.kind in "iuU":
        return row_ids
    return row_ids.astype(str)
