"""Checkpoints of ``apply_lfs``: every finished chunk on disk, so a killed run resumes.

A checkpoint folder holds ``manifest.json`` (what the run applies: the fingerprint of every LF
from :mod:`weaklabel._apply.fingerprint`, the weaklabel version, the data's shape, the chunking)
and one ``chunk-NNNNNN.npz`` per finished chunk with its votes and a digest of its rows. Every
file is written atomically, so a chunk file exists only when it is complete. On resume the
manifest must match exactly, no LF may reach a value that cannot be fingerprinted, and every
reused chunk must be whole and its rows must hash as when it was written; otherwise the
checkpoint is refused, never mixed.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._apply.chunks import ChunkVotes
from weaklabel._apply.fingerprint import describe_change, describe_unstable
from weaklabel._core.digest import new_digest
from weaklabel._io.atomic import atomic_write
from weaklabel.exceptions import DataError

__all__ = ["Checkpoint", "rows_hash"]

_FORMAT = "weaklabel.apply-checkpoint"
#: 2: LFs keyed on everything they reach (globals, closures, defaults, their file), BLAKE2b
_VERSION = 2
#: the arrays of a chunk file, and the dtype kind each must have
_ARRAYS = {"counts": "iu", "lfs": "iu", "labels": "iu", "failures": "iu", "rows_hash": "U"}
_UNREADABLE = (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zlib.error)


class Checkpoint:
    """The chunks of one ``apply_lfs`` run stored in ``folder``.

    ``manifest`` holds ``lfs`` (fingerprints), ``unfingerprintable`` (their parts that cannot be
    fingerprinted) and ``cardinality``, among what identifies the run.
    """

    def __init__(self, folder: str | Path, manifest: dict[str, Any]) -> None:
        self.folder = Path(folder)
        self.manifest = {"format": _FORMAT, "version": _VERSION, **manifest}
        self.n_lfs = len(manifest["lfs"])
        self.cardinality = manifest["cardinality"]
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / "manifest.json"
        resuming = any(self.folder.glob("chunk-*.npz"))
        if path.exists():
            self._check_manifest(path, resuming)
        elif resuming:
            raise DataError(
                f"The checkpoint folder {self.folder} holds chunk files but no manifest.json, so "
                "what made them cannot be checked; delete the checkpoint folder (or use a new "
                "one) to start over."
            )
        else:
            with atomic_write(path) as handle:
                json.dump(self.manifest, handle, indent=1)

    def _check_manifest(self, path: Path, resuming: bool) -> None:
        start_over = f"delete the checkpoint folder {self.folder} (or use a new one) to start over"
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            reason = " ".join(str(exc).split())
            raise DataError(
                f"{path} is not a readable checkpoint manifest ({reason}); {start_over}."
            ) from None
        if not isinstance(stored, dict) or stored.get("format") != _FORMAT:
            raise DataError(f"{path} is not a weaklabel checkpoint manifest; {start_over}.")
        version = stored.get("version")
        if version != _VERSION:
            older = isinstance(version, int) and version < _VERSION
            raise DataError(
                f"The checkpoint in {self.folder} was written by "
                f"{'an older' if older else 'another'} version of weaklabel (checkpoint format "
                f"{version}; this version reads format {_VERSION}), whose manifest {path} does "
                f"not record everything the votes depend on; {start_over}."
            )
        unstable = self.manifest["unfingerprintable"]
        if resuming and unstable:
            more = f" (and {len(unstable) - 1} more such values)" if len(unstable) > 1 else ""
            raise DataError(
                f"Cannot resume from the checkpoint in {self.folder}, because whether its stored "
                f"votes still hold cannot be checked: {describe_unstable(unstable[0])}{more}. "
                "Delete the checkpoint folder (or pass a new one) to run from "
                "the start, or make the value plain data (a string, number, list, dict, set, "
                "compiled regex, numpy array, ...). A run with a new, empty checkpoint folder "
                "works; it just cannot be resumed."
            )
        if stored == self.manifest:
            return
        raise DataError(
            f"The checkpoint in {self.folder} was made by a different run "
            f"({self._describe(stored)}); its chunks cannot be mixed with this one. Use a new "
            "checkpoint folder, or delete this one to start over."
        )

    def _describe(self, stored: dict[str, Any]) -> str:
        if stored.get("lfs") != self.manifest["lfs"]:
            return describe_change(stored.get("lfs"), self.manifest["lfs"])
        changed = [key for key in self.manifest if stored.get(key) != self.manifest[key]]
        changed += [key for key in stored if key not in self.manifest]
        return "; ".join(
            f"{key}: {_short(stored.get(key))} before, {_short(self.manifest.get(key))} now"
            for key in changed
        )

    def _path(self, index: int) -> Path:
        return self.folder / f"chunk-{index:06d}.npz"

    def load(self, index: int, rows: pd.DataFrame) -> ChunkVotes | None:
        """The stored votes of chunk ``index``, or None when it was not finished."""
        path = self._path(index)
        if not path.exists():
            return None
        stored = _read(path)
        problem = _check(stored, len(rows), self.n_lfs, self.cardinality)
        if problem is not None:
            raise _damaged(path, problem)
        if str(stored["rows_hash"]) != rows_hash(rows):
            raise DataError(
                f"The checkpoint in {self.folder} was made from other data: the rows of chunk "
                f"{index} differ from when it was written. Use a new checkpoint folder for this "
                "data, or delete this one to start over."
            )
        return ChunkVotes(
            counts=stored["counts"].astype(np.int64),
            lfs=stored["lfs"].astype(np.int32),
            labels=stored["labels"].astype(np.int64),
            failures=stored["failures"].astype(np.int64),
            confidences=stored.get("confidences"),
        )

    def save(self, index: int, rows: pd.DataFrame, votes: ChunkVotes) -> None:
        """Store chunk ``index`` atomically."""
        arrays = {
            "counts": votes.counts,
            "lfs": votes.lfs,
            "labels": votes.labels.astype(np.int16),
            "failures": votes.failures,
            "rows_hash": np.array(rows_hash(rows)),
        }
        if votes.confidences is not None:
            arrays["confidences"] = votes.confidences
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)  # type: ignore[arg-type]
        with atomic_write(self._path(index), "wb") as handle:
            handle.write(buffer.getvalue())


def rows_hash(rows: pd.DataFrame) -> str:
    """A digest of a chunk's values (columns and row order included)."""
    digest = new_digest()
    digest.update("\x1f".join(map(str, rows.columns)).encode("utf-8"))
    values = pd.util.hash_pandas_object(rows, index=False).to_numpy()
    digest.update(values.tobytes())
    return str(digest.hexdigest())


def _read(path: Path) -> dict[str, np.ndarray]:
    """The arrays of a chunk file; a one-paragraph DataError when it cannot be read."""
    try:  # read whole, so that no failure leaves the file open
        loaded = np.load(io.BytesIO(path.read_bytes()), allow_pickle=False)
    except _UNREADABLE as exc:
        raise _damaged(path, _reason(exc)) from None
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise _damaged(path, "it is not an .npz archive")
    with loaded as npz:
        missing = [name for name in _ARRAYS if name not in npz.files]
        if missing:
            raise _damaged(path, f"the array {missing[0]!r} is missing")
        try:
            names = (*_ARRAYS, *(["confidences"] if "confidences" in npz.files else []))
            return {name: npz[name] for name in names}
        except _UNREADABLE as exc:
            raise _damaged(path, _reason(exc)) from None


def _check(stored: dict[str, np.ndarray], n_rows: int, n_lfs: int, k: int | None) -> str | None:
    """What is wrong with a chunk's arrays, or None."""
    for name, kinds in _ARRAYS.items():
        array = stored[name]
        if array.dtype.kind not in kinds:
            return f"the array {name!r} holds {array.dtype}"
        if array.ndim != (0 if name == "rows_hash" else 1):
            return f"the array {name!r} has the shape {array.shape}"
    counts, lfs, labels = stored["counts"], stored["lfs"], stored["labels"]
    if len(counts) != n_rows:
        return f"it counts the votes of {len(counts)} rows, but the chunk has {n_rows}"
    if (counts < 0).any() or int(counts.sum()) != len(lfs) or len(labels) != len(lfs):
        return f"its {len(lfs)} votes do not match its counts per row"
    if len(stored["failures"]) != n_lfs or (stored["failures"] < 0).any():
        return f"it counts the failures of {len(stored['failures'])} LFs, but the run has {n_lfs}"
    sure = stored.get("confidences")
    if sure is not None and (
        sure.dtype.kind != "f" or sure.shape != labels.shape or not ((sure > 0) & (sure <= 1)).all()
    ):
        return "its confidences are not one number in (0, 1] per vote"
    if len(lfs) and (lfs.min() < 0 or lfs.max() >= n_lfs):
        return f"it holds votes of LF {int(lfs.max())}, but the run has {n_lfs} LFs"
    if len(labels) and (labels.min() < 0 or (k is not None and labels.max() >= k)):
        return f"it holds the vote {int(labels.min() if labels.min() < 0 else labels.max())}"
    starts = np.zeros(len(lfs), dtype=bool)
    starts[np.cumsum(counts)[:-1][np.cumsum(counts)[:-1] < len(lfs)]] = True
    if len(lfs) > 1 and ((np.diff(lfs.astype(np.int64)) <= 0) & ~starts[1:]).any():
        return "the LFs of a row are not in order"
    return None


def _damaged(path: Path, problem: str) -> DataError:
    return DataError(
        f"{path}: a damaged checkpoint chunk ({problem}); delete it and run again, and the "
        "chunk is computed afresh."
    )


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."
