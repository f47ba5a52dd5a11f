"""Scale: the 20 vectorized builders over ``--big-rows`` texts (10M) in one Parquet file.

Read whole with ``weaklabel.read_data`` and applied at once, and/or read ``--batch-rows`` at a
time (``pyarrow`` ``iter_batches``, one ``apply_lfs`` per batch, ``VoteMatrix.concat``): the
time from the first read to the last vote, and the process's peak resident memory.
"""

from __future__ import annotations

import time
from typing import Any

import pandas as pd
from harness.cpu import CpuWatch
from harness.memory import vm_hwm_mb

from apply_bench.lfs import vectorized_lfs
from apply_bench.run import TARGETS, Run

__all__ = ["big_worker", "measure"]


def big_worker(config: dict[str, Any]) -> dict[str, Any]:
    """The vectorized builders over a big Parquet file: read whole, or batch by batch."""
    from weaklabel import VoteMatrix, apply_lfs, read_data

    lfs = vectorized_lfs()
    with CpuWatch() as cpu:
        start = time.perf_counter()
        if config["mode"] == "whole":
            frame = read_data(config["data"])
            read = time.perf_counter() - start
            read_mb = vm_hwm_mb()
            votes = apply_lfs(lfs, frame, cardinality=2, progress=False)
        else:
            import pyarrow.parquet as pq

            parts, offset, read = [], 0, 0.0
            handle = pq.ParquetFile(config["data"])
            batches = handle.iter_batches(batch_size=config["batch_rows"], columns=["text"])
            while True:
                tick = time.perf_counter()
                batch = next(batches, None)
                if batch is None:
                    break
                frame = batch.to_pandas()
                frame.index = pd.RangeIndex(offset, offset + len(frame))
                offset += len(frame)
                read += time.perf_counter() - tick
                parts.append(apply_lfs(lfs, frame, cardinality=2, progress=False))
                del frame, batch
            read_mb = float("nan")
            votes = VoteMatrix.concat(parts)
        total = time.perf_counter() - start
    return {
        "others_cores": cpu.others_cores,
        "rows": votes.n_rows,
        "apply_s": total,
        "read_s": read,
        "read_peak_mb": read_mb,
        "n_votes": votes.n_votes,
        "votes_per_lf": votes.votes_per_lf().tolist(),
    }


def measure(run: Run) -> None:
    """``--big-mode``: whole, batches, both, or auto (whole; batches too when whole fails or
    passes the memory target)."""
    a = run.args
    config = {"data": str(run.data_path("big")), "batch_rows": a.batch_rows}
    target = "apply_bench.scale:big_worker"
    if a.big_mode in ("auto", "whole", "both"):
        run.ours("big-whole", target, {**config, "mode": "whole"})
    whole = run.results.get("big-whole", {})
    over = "error" in whole or whole.get("vm_hwm_mb", 0) > TARGETS["big_gb"] * 1024
    if a.big_mode in ("batches", "both") or (a.big_mode == "auto" and over):
        run.ours("big-batches", target, {**config, "mode": "batches"})
