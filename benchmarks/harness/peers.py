"""The peers' environment: Snorkel, FlyingSquid, crowd-kit and the Hyper Label Model, apart from
weaklabel's.

``../shared/peers/install.sh`` builds it (default ``~/.cache/weaklabel-peers``; the environment
variable ``WEAKLABEL_PEERS`` names another one, as a virtualenv folder or its ``python``). The
benchmarks run the peers only through this module: a function under the peers' Python in a fresh
process (:func:`run_peer_function`, the protocol of ``harness.child``), or one label model of
``peers_runner.py`` on votes stored in an ``.npz`` file (:func:`run_label_model_peer`). When the
environment is missing they say so, with the command that builds it, and go on without peers.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from harness.isolation import BENCHMARKS, child_env, run_isolated

__all__ = [
    "INSTALL_COMMAND",
    "PeerRun",
    "csr_from_dense",
    "missing_peers",
    "peers_python",
    "run_label_model_peer",
    "run_peer_function",
    "write_runner_input",
]

INSTALL_COMMAND = "bash ../shared/peers/install.sh"
RUNNER = BENCHMARKS / "peers_runner.py"


def peers_python() -> Path:
    """``$WEAKLABEL_PEERS`` (a virtualenv, or its python), default ~/.cache/weaklabel-peers."""
    setting = os.environ.get("WEAKLABEL_PEERS")
    base = Path(setting) if setting else Path.home() / ".cache" / "weaklabel-peers"
    return base if base.is_file() else base / "bin" / "python"


def missing_peers() -> str | None:
    """Why the peers cannot run (their Python is missing, and how to build it), or None."""
    python = peers_python()
    if python.exists():
        return None
    return (
        f"the peers' environment is missing (no {python}); build it with `{INSTALL_COMMAND}` "
        "from the repository root, or point WEAKLABEL_PEERS at an existing one"
    )


def run_peer_function(
    target: str, config: Mapping[str, Any], workdir: Path, **options: Any
) -> dict[str, Any]:
    """``MODULE:FUNCTION(config)`` under the peers' Python, in a fresh process.

    ``{"unavailable": why}`` when the peers' environment is missing; otherwise as
    :func:`harness.isolation.run_isolated` (``options`` go to it).
    """
    missing = missing_peers()
    if missing:
        return {"unavailable": missing}
    return run_isolated(target, config, workdir, python=peers_python(), **options)


# -- the label-model runner (peers_runner.py) -----------------------------------------------------


def csr_from_dense(dense: np.ndarray) -> dict[str, np.ndarray]:
    """A dense vote matrix (-1 = abstain) as peers_runner.py's CSR arrays, row by row."""
    rows, cols = np.nonzero(dense >= 0)  # row-major: sorted by row, then LF
    counts = np.bincount(rows, minlength=dense.shape[0])
    return {
        "indptr": np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        "indices": cols.astype(np.int32),
        "labels": dense[rows, cols].astype(np.int8),
        "shape": np.array(dense.shape, dtype=np.int64),
    }


def write_runner_input(
    path: Path, fit: Mapping[str, np.ndarray], test: Mapping[str, np.ndarray] | None, k: int
) -> Path:
    """peers_runner.py's input file: the ``fit`` and ``test`` CSR votes (``test`` None: the same
    rows as ``fit``) and the number of classes."""
    arrays = {"cardinality": np.array(k, dtype=np.int64)}
    for prefix, parts in (("fit", fit), ("test", fit if test is None else test)):
        arrays.update({f"{prefix}_{key}": value for key, value in parts.items()})
    np.savez(path, **arrays)  # type: ignore[arg-type]  # mypy matches ** to allow_pickle
    return path


def _exception_name(stderr: str, returncode: int) -> str:
    """The exception type on the last line of a traceback, e.g. ``ValueError``."""
    lines = [line for line in stderr.strip().splitlines() if line and not line.startswith(" ")]
    found = re.match(r"([A-Za-z_][\w.]*)(:|$)", lines[-1]) if lines else None
    return found.group(1).rsplit(".", 1)[-1] if found else f"exit status {returncode}"


@dataclass(frozen=True)
class PeerRun:
    """One peers_runner.py run: the probabilities, or ``error`` (short, e.g. ``error
    (ValueError)`` or ``n/a (binary only)``) and ``message`` (the last line of its stderr)."""

    probs: np.ndarray | None
    error: str | None
    message: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def library(self) -> str:
        return f"{self.meta['library']} {self.meta['library_version']}" if self.meta else ""

    @property
    def hard_labels(self) -> bool:
        """The method gave one-hot answers only (no probabilities to calibrate)."""
        return bool(self.meta.get("hard_labels", False))

    @property
    def fit_seconds(self) -> float:
        return float(self.meta.get("fit_seconds", 0.0))

    @property
    def predict_seconds(self) -> float:
        return float(self.meta.get("predict_seconds", 0.0))

    @property
    def peak_mb(self) -> float:
        """The peer process's own peak (VmHWM), else its ru_maxrss."""
        hwm = self.meta.get("vm_hwm_mb")
        return float(hwm if hwm is not None else self.meta.get("peak_rss_mb", float("nan")))


def run_label_model_peer(
    source: Path, method: str, seed: int, *, timeout: float | None = None
) -> PeerRun:
    """Run ``peers_runner.py --method method --seed seed`` on ``source``, in a fresh process."""
    missing = missing_peers()
    if missing:
        return PeerRun(None, "n/a (no peers)", missing)
    output = source.with_name(f"{source.stem}.{method}.{seed}.out.npz")
    command = [str(peers_python()), str(RUNNER), "--input", str(source), "--method", method]
    command += ["--output", str(output), "--seed", str(seed)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False, env=child_env()
        )
    except subprocess.TimeoutExpired:
        return PeerRun(None, "error (TimeoutExpired)", f"timed out after {timeout} s")
    if done.returncode != 0 or not output.exists():
        lines = done.stderr.strip().splitlines()
        message = lines[-1] if lines else f"exit status {done.returncode}"
        return PeerRun(None, f"error ({_exception_name(done.stderr, done.returncode)})", message)
    with np.load(output, allow_pickle=False) as archive:
        meta = json.loads(archive["meta"].tobytes())
        probs = archive["probs"] if "probs" in archive.files else None
    output.unlink()
    if meta["error"] is not None or probs is None:
        return PeerRun(None, f"n/a ({meta['error']})", str(meta["error"]), meta)
    return PeerRun(probs, None, "", meta)
