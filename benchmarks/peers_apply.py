"""Snorkel's side of the LF-application benchmark (``benchmarks/apply.py``).

This file runs with the peers' Python from ``../shared/peers/install.sh`` (default
``~/.cache/weaklabel-peers``): it imports only the standard library, numpy, pandas, the
stdlib-only parts of ``benchmarks/`` (the LFs of ``apply_bench.spec``, ``harness.cpu``,
``harness.memory``, ``harness.results``) and, inside the tasks, Snorkel, Dask and spaCy; never
weaklabel. The LFs are those of ``apply_bench.spec``: the very functions weaklabel's row LFs run.

Usage::

    PEERS/bin/python benchmarks/peers_apply.py TASK --data FILE.parquet --rows N
        --out-json OUT.json [--out-votes OUT.npy] [--workers 2] [--partitions 8]
        [--spacy-model DIR] [--no-memoize]

Tasks: ``pandas`` (``PandasLFApplier``), ``dask`` (``DaskLFApplier`` on a ``LocalCluster`` of
``--workers`` single-threaded worker processes started in this process), ``spacy``
(``nlp_labeling_function`` LFs, i.e. Snorkel's ``SpacyPreprocessor``, loading the pipeline saved
in ``--spacy-model``; applied twice, cold then warm from its memo cache). ``apply.py`` calls
:func:`run_task` with the same settings as a dict, in a fresh process (``harness.child``).

The JSON holds the seconds per stage, the rows timed, versions and ``vm_hwm_mb`` (this process's
peak RSS); the ``.npy`` holds the dense int8 vote matrix (-1 = abstain) of the timed rows.
"""

from __future__ import annotations

import harness.single_thread  # noqa: F401 - one BLAS thread per process, before numpy loads

# isort: split
import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from apply_bench.spec import row_rules, spacy_rules
from harness.cpu import CpuWatch
from harness.memory import vm_hwm_mb
from harness.results import versions


def read_rows(path: str, rows: int) -> pd.DataFrame:
    frame = pd.read_parquet(path, columns=["text"])
    return frame.iloc[:rows].reset_index(drop=True)


def save_votes(config: dict[str, Any], votes: np.ndarray) -> None:
    if config.get("out_votes"):
        np.save(config["out_votes"], np.asarray(votes).astype(np.int8))


def snorkel_lfs() -> list[Any]:
    from snorkel.labeling import labeling_function

    return [labeling_function(name=name)(rule) for name, rule in row_rules()]


def task_pandas(config: dict[str, Any]) -> dict[str, Any]:
    from snorkel.labeling import PandasLFApplier

    frame = read_rows(config["data"], config["rows"])
    applier = PandasLFApplier(snorkel_lfs())
    start = time.perf_counter()
    with CpuWatch() as cpu:
        votes = applier.apply(frame, progress_bar=False)
    seconds = time.perf_counter() - start
    save_votes(config, votes)
    return {"rows": len(frame), "apply_s": seconds, "others_cores": cpu.others_cores}


def task_dask(config: dict[str, Any]) -> dict[str, Any]:
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster
    from snorkel.labeling.apply.dask import DaskLFApplier

    frame = read_rows(config["data"], config["rows"])
    start = time.perf_counter()
    cluster = LocalCluster(
        n_workers=config["workers"], threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    startup = time.perf_counter() - start
    try:
        applier = DaskLFApplier(snorkel_lfs())
        start = time.perf_counter()
        ddf = dd.from_pandas(frame, npartitions=config["partitions"])
        # Snorkel 0.10 passes no meta= to map_partitions, so Dask infers the output type by running
        # the LFs on a dummy row whose text is a placeholder object, not a string, and re.search
        # raises. fault_tolerant=True (Snorkel's own option: an LF that raises votes -1) lets that
        # dry run through; on the real rows no LF raises (the votes equal PandasLFApplier's).
        votes = applier.apply(ddf, scheduler=client, fault_tolerant=True)
        seconds = time.perf_counter() - start
    finally:
        client.close()
        cluster.close()
    save_votes(config, votes)
    return {
        "rows": len(frame),
        "apply_s": seconds,
        "cluster_start_s": startup,
        "workers": config["workers"],
        "partitions": config["partitions"],
    }


def task_spacy(config: dict[str, Any]) -> dict[str, Any]:
    import spacy
    from snorkel.labeling import PandasLFApplier
    from snorkel.labeling.lf.nlp import nlp_labeling_function

    frame = read_rows(config["data"], config["rows"])
    model, memoize = config["spacy_model"], config.get("memoize", True)
    nlp = spacy.load(model)  # only to tokenize the phrases, as the LFs' author would
    lfs = [
        nlp_labeling_function(name=name, language=model, memoize=memoize)(rule)
        for name, rule in spacy_rules(nlp)
    ]
    applier = PandasLFApplier(lfs)
    start = time.perf_counter()
    with CpuWatch() as cpu:
        votes = applier.apply(frame, progress_bar=False)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    with CpuWatch() as cpu_warm:
        again = applier.apply(frame, progress_bar=False)
    warm = time.perf_counter() - start
    if not np.array_equal(votes, again):
        raise RuntimeError("Snorkel's second (memoized) run gave other votes than the first")
    save_votes(config, votes)
    return {
        "rows": len(frame),
        "apply_s": cold,
        "warm_s": warm,
        "memoize": memoize,
        "others_cores": cpu.others_cores,
        "warm_others_cores": cpu_warm.others_cores,
    }


TASKS = {"pandas": task_pandas, "dask": task_dask, "spacy": task_spacy}


def run_task(config: dict[str, Any]) -> dict[str, Any]:
    """The task ``config["task"]`` with these settings; its figures and the peers' versions."""
    result = TASKS[config["task"]](config)
    result["versions"] = versions("snorkel", "pandas", "numpy", "dask", "distributed", "spacy")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--data", required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out-json", required=True)
    parser.add_argument("--out-votes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--spacy-model")
    parser.add_argument("--no-memoize", dest="memoize", action="store_false")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    result = run_task(vars(args))
    result["total_s"] = time.perf_counter() - start
    result["vm_hwm_mb"] = vm_hwm_mb()
    tmp = f"{args.out_json}.tmp"
    Path(tmp).write_text(json.dumps(result, indent=1))
    os.replace(tmp, args.out_json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
