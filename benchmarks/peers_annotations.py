"""crowd-kit's side of the annotations benchmark (``benchmarks/annotations.py``).

This file runs with the peers' Python from ``../shared/peers/install.sh`` (default
``~/.cache/weaklabel-peers``), in a fresh process started by ``harness.isolation``; it imports the
standard library, numpy, pandas and crowd-kit, never weaklabel. Each function takes the config
dict of ``harness.child`` and reads the annotations from an ``.npz`` file of three int arrays
(``task``, ``worker``, ``label``), so both sides see the very same annotations; loading is not
timed.
"""

from __future__ import annotations

import harness.single_thread  # noqa: F401 - one BLAS thread per process, before numpy loads

# isort: split
import time
from typing import Any

import numpy as np
import pandas as pd
from harness.results import versions

__all__ = ["agreement", "consensus"]


def _answers(path: str) -> pd.DataFrame:
    with np.load(path) as arrays:
        return pd.DataFrame({key: arrays[key] for key in ("task", "worker", "label")})


def agreement(config: dict[str, Any]) -> dict[str, Any]:
    """``crowdkit.metrics.data.alpha_krippendorff`` (nominal distance), timed."""
    from crowdkit.metrics.data import alpha_krippendorff

    answers = _answers(config["path"])
    start = time.perf_counter()
    alpha = alpha_krippendorff(answers)
    seconds = time.perf_counter() - start
    return {"alpha": float(alpha), "alpha_s": seconds, "versions": versions("crowd-kit")}


def consensus(config: dict[str, Any]) -> dict[str, Any]:
    """crowd-kit's ``MajorityVote`` and ``DawidSkene`` labels per task, timed."""
    from crowdkit.aggregation import DawidSkene, MajorityVote

    answers = _answers(config["path"])
    out: dict[str, Any] = {"versions": versions("crowd-kit")}
    for name, model in (
        ("MajorityVote", MajorityVote()),
        ("DawidSkene", DawidSkene(n_iter=config.get("n_iter", 100))),
    ):
        start = time.perf_counter()
        labels = model.fit_predict(answers)
        out[name] = {
            "seconds": time.perf_counter() - start,
            "tasks": [int(t) for t in labels.index],
            "labels": [int(v) for v in labels.to_numpy()],
        }
    return out
