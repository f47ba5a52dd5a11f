"""Saving and loading vote matrices: one ``.npz`` of arrays and a JSON header, never pickle.

Files are written atomically and read defensively: a missing, empty, truncated or tampered file
raises a :class:`~weaklabel.DataError` that names it, never a traceback from numpy or zipfile.
The arrays themselves are checked by :func:`weaklabel._votes.construct.csr_from_parts`.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from weaklabel._core.formats import check_version
from weaklabel._io.atomic import atomic_write
from weaklabel._votes.encoding import check_cardinality
from weaklabel._votes.names import check_class_names, resolve_lf_names
from weaklabel.exceptions import DataError, ParameterError

if TYPE_CHECKING:
    from weaklabel._votes.matrix import VoteMatrix

__all__ = ["read_vote_arrays", "read_votes_per_row", "save_votes", "write_vote_arrays"]

_FORMAT: Final = "weaklabel.VoteMatrix"
_FORMAT_VERSION: Final = 1
_ARRAYS: Final = ("indptr", "lfs", "labels", "row_ids", "lf_failures")
#: arrays a file may hold or not: confidences only when an LF stated them
_OPTIONAL: Final = ("confidences",)


def save_votes(votes: VoteMatrix, path: str | Path) -> None:
    """Write ``votes`` to ``path`` (see :meth:`weaklabel.VoteMatrix.save`)."""
    header = {
        "shape": list(votes.shape),
        "cardinality": votes.cardinality,
        "lf_names": list(votes.lf_names),
        "class_names": None if votes.class_names is None else list(votes.class_names),
    }
    arrays = {
        "indptr": votes.indptr,
        "lfs": votes.lfs,
        "labels": votes.labels(),
        "row_ids": votes.row_ids,
        "lf_failures": votes.lf_failures,
    }
    if votes.has_confidences:
        arrays["confidences"] = votes.confidences().astype(np.float32)
    write_vote_arrays(path, header, arrays)


def write_vote_arrays(path: str | Path, header: dict[str, Any], arrays: dict[str, Any]) -> None:
    """Write ``header`` (JSON) and ``arrays`` to ``path`` atomically as a compressed ``.npz``."""
    meta = {"format": _FORMAT, "version": _FORMAT_VERSION, **header}
    labels = np.asarray(arrays["labels"])
    out = {
        "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
        "indptr": np.asarray(arrays["indptr"]),
        "lfs": np.asarray(arrays["lfs"]),
        "labels": labels.astype(np.int16 if header["cardinality"] > 127 else np.int8),
        "row_ids": _row_ids_for_npz(np.asarray(arrays["row_ids"])),
        "lf_failures": np.asarray(arrays["lf_failures"]),
        **{name: np.asarray(arrays[name]) for name in _OPTIONAL if name in arrays},
    }
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **out)  # type: ignore[arg-type]
    with atomic_write(path, "wb") as handle:
        handle.write(buffer.getvalue())


def read_vote_arrays(path: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The header and arrays of a file written by :func:`write_vote_arrays`, checked for shape."""
    path = Path(path)
    if not path.exists():
        raise DataError(
            f"{path}: no such file; write one with `weaklabel apply` or VoteMatrix.save()."
        )
    if not path.is_file():
        raise DataError(f"{path}: not a regular file; pass the .npz written by `weaklabel apply`.")
    not_ours = f"{path}: not a vote matrix saved by weaklabel (`weaklabel apply`, VoteMatrix.save)"
    arrays = _read_npz(path, not_ours)
    try:
        header = json.loads(arrays["meta"].tobytes().decode("utf-8"))
        if not isinstance(header, dict) or header.get("format") != _FORMAT:
            raise KeyError("format")
    except (KeyError, ValueError, UnicodeDecodeError):
        raise DataError(f"{not_ours}: it has no '{_FORMAT}' header.") from None
    check_version(
        header.get("version"),
        current=_FORMAT_VERSION,
        what="vote matrix",
        source=str(path),
        redo="write it again with `weaklabel apply` or VoteMatrix.save()",
    )
    missing = [name for name in _ARRAYS if name not in arrays]
    if missing:
        raise DataError(f"{path}: corrupt vote matrix: the array(s) {missing} are missing.")
    _check_header(path, header, arrays)
    kept = (*_ARRAYS, *(name for name in _OPTIONAL if name in arrays))
    return header, {name: arrays[name] for name in kept}


def read_votes_per_row(path: str | Path) -> np.ndarray:
    """The number of votes of each row of the vote matrix saved at ``path``, reading only its
    header and row pointers (not the votes): what ``weaklabel export --drop-uncovered`` needs."""
    path = Path(path)
    if not path.is_file():
        raise DataError(
            f"{path}: no such file; it is written by `weaklabel run` (votes.npz). Run it again."
        )
    not_ours = f"{path}: not a vote matrix saved by weaklabel (`weaklabel apply`, VoteMatrix.save)"
    try:
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as npz:
            header = json.loads(npz["meta"].tobytes().decode("utf-8"))
            indptr = npz["indptr"]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError, zlib.error,
            UnicodeDecodeError, AttributeError, TypeError) as exc:  # fmt: skip
        raise DataError(f"{not_ours}: {exc}. Write it again.") from None
    shape = header.get("shape") if isinstance(header, dict) else None
    if (
        not isinstance(shape, list)
        or len(shape) != 2
        or indptr.ndim != 1
        or indptr.shape[0] != shape[0] + 1
        or (len(indptr) and indptr[0] != 0)
        or bool(np.any(np.diff(indptr) < 0))
    ):
        raise DataError(f"{path}: corrupt vote matrix header or row pointers; write it again.")
    return np.diff(indptr)


def _read_npz(path: Path, not_ours: str) -> dict[str, np.ndarray]:
    """Every array of the ``.npz`` at ``path``; a damaged or foreign file is a DataError."""
    try:
        # np.load leaves its own file handle open when the zip is damaged: hand it ours
        with path.open("rb") as handle:
            loaded = np.load(handle, allow_pickle=False)
            if isinstance(loaded, np.ndarray):  # a single .npy array, not an archive
                found = f"a single {loaded.dtype} array of shape {loaded.shape} (.npy)"
            else:
                with loaded as npz:
                    return {key: npz[key] for key in npz.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError, zlib.error) as exc:
        found = f"the file is empty, truncated or not an .npz ({exc})"
    raise DataError(f"{not_ours}: {found}. Write it again.")


def _check_header(path: Path, header: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    shape = header.get("shape")
    names = header.get("lf_names")
    ok = (
        isinstance(shape, list)
        and len(shape) == 2
        and all(isinstance(v, int) and v >= 0 for v in shape)
        and isinstance(names, list)
        and len(names) == shape[1]
        and isinstance(header.get("cardinality"), int)
        and (header.get("class_names") is None or isinstance(header["class_names"], list))
    )
    if not ok:
        raise DataError(
            f"{path}: corrupt vote matrix header (shape, cardinality, LF or class names); write "
            "the file again."
        )
    try:
        check_cardinality(header["cardinality"])
        resolve_lf_names(names, None)
        check_class_names(header.setdefault("class_names", None), header["cardinality"])
    except ParameterError as exc:
        raise DataError(
            f"{path}: corrupt vote matrix header: {exc} Write the file again."
        ) from None
    n_rows, n_lfs = shape  # type: ignore[misc]
    expected = {"indptr": n_rows + 1, "row_ids": n_rows, "lf_failures": n_lfs}
    for name, length in expected.items():
        if arrays[name].shape != (length,):
            raise DataError(
                f"{path}: corrupt vote matrix: {name} has shape {arrays[name].shape}, but the "
                f"header says {n_rows} rows x {n_lfs} LFs."
            )
    if arrays["lf_failures"].dtype.kind not in "iu":
        raise DataError(f"{path}: corrupt vote matrix: lf_failures must hold integer counts.")
    if arrays["row_ids"].dtype.kind not in "iuU":
        raise DataError(
            f"{path}: corrupt vote matrix: row_ids must hold integers or strings; they have dtype "
            f"{arrays['row_ids'].dtype}."
        )


def _row_ids_for_npz(row_ids: np.ndarray) -> np.ndarray:
    """Row ids as an int or unicode array, which ``np.load`` reads back without pickle."""
    if row_ids.dtype.kind in "iuU":
        return row_ids
    return row_ids.astype(str)
