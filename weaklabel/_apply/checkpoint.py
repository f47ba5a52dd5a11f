"""Checkpoints of ``apply_lfs``: every finished chunk on disk, so a killed run resumes.

A checkpoint folder holds ``manifest.json`` (what the run applies: the LFs, the data's shape, the
chunking) and one ``chunk-NNNNNN.npz`` per finished chunk with its votes and a hash of its rows.
Every file is written atomically, so a chunk file exists only when it is complete. On resume the
manifest must match exactly and every reused chunk's rows must hash the same as when it was
written; otherwise the checkpoint is refused, never mixed.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._apply.chunks import ChunkVotes
from weaklabel._io.atomic import atomic_write
from weaklabel._lfs.lf import LabelingFunction
from weaklabel.exceptions import DataError

__all__ = ["Checkpoint", "rows_hash"]

_FORMAT = "weaklabel.apply-checkpoint"
_VERSION = 1


class Checkpoint:
    """The chunks of one ``apply_lfs`` run stored in ``folder``."""

    def __init__(self, folder: str | Path, manifest: dict[str, Any]) -> None:
        self.folder = Path(folder)
        self.manifest = {"format": _FORMAT, "version": _VERSION, **manifest}
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / "manifest.json"
        if path.exists():
            self._check_manifest(path)
        else:
            with atomic_write(path) as handle:
                json.dump(self.manifest, handle, indent=1)

    def _check_manifest(self, path: Path) -> None:
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise DataError(f"{path}: not a weaklabel checkpoint manifest ({exc}).") from exc
        if stored == self.manifest:
            return
        changed = [key for key in self.manifest if stored.get(key) != self.manifest[key]]
        detail = _describe_change(stored, self.manifest, changed)
        raise DataError(
            f"The checkpoint in {self.folder} was made by a different run ({detail}); its chunks "
            "cannot be mixed with this one. Use a new checkpoint folder, or delete this one to "
            "start over."
        )

    def _path(self, index: int) -> Path:
        return self.folder / f"chunk-{index:06d}.npz"

    def load(self, index: int, rows: pd.DataFrame) -> ChunkVotes | None:
        """The stored votes of chunk ``index``, or None when it was not finished."""
        path = self._path(index)
        if not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as npz:
                stored = {key: npz[key] for key in npz.files}
        except (OSError, ValueError) as exc:
            raise DataError(f"{path}: unreadable checkpoint chunk ({exc}); delete it.") from exc
        if str(stored["rows_hash"]) != rows_hash(rows):
            raise DataError(
                f"The checkpoint in {self.folder} was made from other data: the rows of chunk "
                f"{index} differ from when it was written. Use a new checkpoint folder for this "
                "data, or delete this one to start over."
            )
        return ChunkVotes(
            counts=stored["counts"],
            lfs=stored["lfs"],
            labels=stored["labels"],
            failures=stored["failures"],
        )

    def save(self, index: int, rows: pd.DataFrame, votes: ChunkVotes) -> None:
        """Store chunk ``index`` atomically."""
        buffer = io.BytesIO()
        np.savez(
            buffer,
            counts=votes.counts,
            lfs=votes.lfs,
            labels=votes.labels.astype(np.int16),
            failures=votes.failures,
            rows_hash=np.array(rows_hash(rows)),
        )
        with atomic_write(self._path(index), "wb") as handle:
            handle.write(buffer.getvalue())


def rows_hash(rows: pd.DataFrame) -> str:
    """A hash of a chunk's values (columns and row order included)."""
    digest = hashlib.sha1()
    digest.update("\x1f".join(map(str, rows.columns)).encode("utf-8"))
    values = pd.util.hash_pandas_object(rows, index=False).to_numpy()
    digest.update(values.tobytes())
    return digest.hexdigest()


def lf_fingerprint(lf: LabelingFunction) -> dict[str, Any]:
    """What identifies an LF across runs: its name, its code, its resources and preprocessors."""
    return {
        "name": lf.name,
        "vectorized": lf.vectorized,
        "code": _code_hash(lf.func),
        "resources": {key: _stable_repr(value) for key, value in sorted(lf.resources.items())},
        "pre": [[p.name, p.batch, _code_hash(p.func)] for p in lf.pre],
    }


def _code_hash(func: Any) -> str:
    code = getattr(func, "__code__", None)
    if code is None:
        return hashlib.sha1(_stable_repr(func).encode("utf-8")).hexdigest()
    digest = hashlib.sha1(code.co_code)
    digest.update(repr((code.co_consts, code.co_names, code.co_varnames)).encode("utf-8"))
    return digest.hexdigest()


def _stable_repr(value: Any) -> str:
    """repr without memory addresses, which change from run to run."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


def _describe_change(stored: dict[str, Any], now: dict[str, Any], changed: list[str]) -> str:
    if "lfs" in changed:
        before = {lf["name"]: lf for lf in stored.get("lfs", [])}
        after = {lf["name"]: lf for lf in now.get("lfs", [])}
        differ = [name for name in after if before.get(name) != after[name]]
        gone = [name for name in before if name not in after]
        parts = []
        if differ:
            parts.append(f"LFs added or changed: {', '.join(differ[:5])}")
        if gone:
            parts.append(f"LFs removed: {', '.join(gone[:5])}")
        return "; ".join(parts) or "the LFs differ"
    return "different " + ", ".join(changed)
