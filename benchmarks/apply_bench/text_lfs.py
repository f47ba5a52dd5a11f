"""20 text LFs over ``--rows`` short texts: weaklabel's row LFs and vectorized builders (with
``n_jobs`` 1 and 2) against Snorkel's ``PandasLFApplier`` and ``DaskLFApplier``.

The row LFs are the very same Python functions on both sides (``apply_bench.spec``). Snorkel is
timed on the first ``--snorkel-rows`` (``--dask-rows``) rows, its rows/s standing for the whole.
The row LFs, the vectorized builders and Snorkel's applier are each the fastest of ``--repeat``
fresh processes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from harness.cpu import CpuWatch

from apply_bench import dask_lfs
from apply_bench.lfs import lf_set, read_rows, save_votes
from apply_bench.run import Run

__all__ = ["apply_worker", "measure", "measure_snorkel", "rate"]

PROBE_ROWS = 50_000  # row LFs are timed on this many rows first, to cap the full run


def rate(result: dict[str, Any], key: str = "apply_s") -> float | None:
    """Rows per second of a measurement (``rows / result[key]``); None when it did not run."""
    if "error" in result or "unavailable" in result or key not in result:
        return None
    return float(result["rows"] / max(result[key], 1e-9))


def apply_worker(config: dict[str, Any]) -> dict[str, Any]:
    """weaklabel ``apply_lfs`` on the first ``rows`` texts, row or vectorized LFs, ``n_jobs``."""
    from weaklabel import apply_lfs

    start = time.perf_counter()
    frame = read_rows(Path(config["data"]), config["rows"])
    load = time.perf_counter() - start
    lfs = lf_set(config["lfs"])
    start = time.perf_counter()
    with CpuWatch() as cpu:
        votes = apply_lfs(lfs, frame, cardinality=2, n_jobs=config["n_jobs"], progress=False)
    seconds = time.perf_counter() - start
    save_votes(votes, config.get("votes"))
    return {
        "rows": len(frame),
        "apply_s": seconds,
        "load_s": load,
        "n_votes": votes.n_votes,
        "others_cores": cpu.others_cores,
    }


def measure(run: Run) -> None:
    """weaklabel's lines: vectorized, row LFs (capped at ``--row-max-s``), ``n_jobs=2``, Dask."""
    a = run.args
    base = {"data": str(run.data_path("texts")), "rows": a.rows}
    target = "apply_bench.text_lfs:apply_worker"
    vectorized = {**base, "lfs": "vectorized", "n_jobs": 1, "votes": run.votes("vectorized")}
    run.ours("vectorized", target, vectorized, repeat=a.repeat)
    # Row LFs on every row when that takes under --row-max-s (judged on a probe run).
    probe = {**base, "rows": min(PROBE_ROWS, a.rows), "lfs": "row", "n_jobs": 1}
    run.ours("row-probe", target, probe)
    row_rows = a.rows
    if (probe_rate := rate(run.results.pop("row-probe"))) and a.rows / probe_rate > a.row_max_s:
        row_rows = int(probe_rate * a.row_max_s) // 10_000 * 10_000
    row = {**base, "rows": row_rows, "lfs": "row"}
    run.ours("row", target, {**row, "n_jobs": 1, "votes": run.votes("row")}, repeat=a.repeat)
    run.ours("row-jobs2", target, {**row, "n_jobs": 2, "votes": run.votes("row-jobs2")})
    jobs2 = {**vectorized, "n_jobs": 2, "votes": run.votes("vectorized-jobs2")}
    run.ours("vectorized-jobs2", target, jobs2)
    dask_lfs.measure(run, base)


def measure_snorkel(run: Run) -> None:
    """Snorkel's ``PandasLFApplier`` (best of ``--repeat``) and ``DaskLFApplier``."""
    a = run.args
    data = str(run.data_path("texts"))
    pandas = {"task": "pandas", "data": data, "rows": min(a.snorkel_rows, a.rows)}
    run.snorkel("snorkel", pandas, repeat=a.repeat)
    dask = {"task": "dask", "data": data, "rows": min(a.dask_rows, a.rows)}
    run.snorkel("snorkel-dask", {**dask, "workers": 2, "partitions": 8})
