"""The text LFs on Dask: weaklabel's ``apply_lfs`` on a Dask DataFrame, on a ``LocalCluster``
of 2 single-threaded worker processes and 8 partitions (Snorkel's ``DaskLFApplier`` runs on the
same, in ``peers_apply.py``).

``apply_lfs`` returns once every partition's votes are built (and kept) on the workers; the
time that counts adds ``to_local()``, which gathers them here, as Snorkel's DaskLFApplier returns
its (dense) votes here too. Starting the cluster is not timed. Peak MB is the client process's.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from typing import Any

from apply_bench.lfs import lf_set, read_rows, save_votes
from apply_bench.run import Run

__all__ = ["dask_worker", "measure"]

WORKERS, PARTITIONS = 2, 8


def dask_worker(config: dict[str, Any]) -> dict[str, Any]:
    """weaklabel ``apply_lfs`` on a Dask DataFrame, on a LocalCluster made here."""
    if importlib.util.find_spec("dask") is None or importlib.util.find_spec("distributed") is None:
        return {"unavailable": "dask / distributed not installed (pip install 'weaklabel[dask]')"}
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    from weaklabel import apply_lfs

    lfs = lf_set(config["lfs"])
    frame = read_rows(Path(config["data"]), config["rows"])
    start = time.perf_counter()
    cluster = LocalCluster(
        n_workers=config["workers"], threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    startup = time.perf_counter() - start
    try:
        start = time.perf_counter()
        ddf = dd.from_pandas(frame, npartitions=config["partitions"])
        distributed_votes = apply_lfs(lfs, ddf, cardinality=2, progress=False)
        on_workers = time.perf_counter() - start
        votes = distributed_votes.to_local()
        seconds = time.perf_counter() - start
    finally:
        client.close()
        cluster.close()
    save_votes(votes, config.get("votes"))
    return {
        "rows": len(frame),
        "apply_s": seconds,
        "on_workers_s": on_workers,
        "cluster_start_s": startup,
        "n_votes": votes.n_votes,
    }


def measure(run: Run, base: dict[str, Any]) -> None:
    """The vectorized builders, then (when Dask is there) the row LFs, on Dask."""
    config = {**base, "workers": WORKERS, "partitions": PARTITIONS}
    target = "apply_bench.dask_lfs:dask_worker"
    for key, kind in (("dask-vectorized", "vectorized"), ("dask-row", "row")):
        result = run.ours(key, target, {**config, "lfs": kind, "votes": run.votes(key)})
        if "unavailable" in result:
            break
