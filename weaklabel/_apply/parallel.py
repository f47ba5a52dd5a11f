"""Running the chunks of an ``apply_lfs`` call: in this process or in forked worker processes.

Chunks stored in a checkpoint are reused; the others run, in this process (``n_jobs=1``) or in
``n_jobs`` forked workers (so LFs defined anywhere work and nothing is pickled but the votes), and
each is stored as it finishes.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from weaklabel._apply.chunks import ChunkApplier, ChunkVotes
from weaklabel.exceptions import ParameterError

__all__ = ["run_chunks"]


def run_chunks(
    applier: ChunkApplier,
    frame: pd.DataFrame,
    row_ids: np.ndarray,
    bounds: list[tuple[int, int]],
    n_jobs: int,
    store: Any,
    progress: bool,
) -> list[ChunkVotes]:
    results: list[ChunkVotes | None] = [None] * len(bounds)
    with tqdm(
        total=len(frame), desc="Applying LFs", unit="rows", disable=not progress, leave=False
    ) as bar:
        todo = []
        for i, (a, b) in enumerate(bounds):
            stored = store.load(i, frame.iloc[a:b]) if store is not None else None
            if stored is None:
                todo.append(i)
            else:
                results[i] = stored
                bar.update(b - a)

        def finished(i: int, votes: ChunkVotes) -> None:
            a, b = bounds[i]
            if store is not None:
                store.save(i, frame.iloc[a:b], votes)
            results[i] = votes
            bar.update(b - a)

        if n_jobs == 1 or len(todo) <= 1:
            for i in todo:
                a, b = bounds[i]
                finished(i, applier.apply(frame.iloc[a:b], row_ids[a:b].tolist()))
        else:
            _run_parallel(applier, frame, row_ids, bounds, todo, n_jobs, finished)
    return [r for r in results if r is not None]


# The job the worker processes run: set in the parent just before they fork.
_JOB: tuple[ChunkApplier, pd.DataFrame, np.ndarray, list[tuple[int, int]]] | None = None


def _work(i: int) -> tuple[int, ChunkVotes]:
    assert _JOB is not None
    applier, frame, row_ids, bounds = _JOB
    a, b = bounds[i]
    return i, applier.apply(frame.iloc[a:b], row_ids[a:b].tolist())


def _run_parallel(
    applier: ChunkApplier,
    frame: pd.DataFrame,
    row_ids: np.ndarray,
    bounds: list[tuple[int, int]],
    todo: list[int],
    n_jobs: int,
    finished: Any,
) -> None:
    global _JOB
    methods = multiprocessing.get_all_start_methods()
    if "fork" not in methods:  # pragma: no cover - Windows / macOS without fork
        raise ParameterError(
            "The 'n_jobs' parameter of apply_lfs needs the 'fork' start method, which this "
            f"platform lacks (it has {methods}). Use n_jobs=1."
        )
    _JOB = (applier, frame, row_ids, bounds)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=context) as pool:
            futures = [pool.submit(_work, i) for i in todo]
            for future in as_completed(futures):
                i, votes = future.result()
                finished(i, votes)
    finally:
        _JOB = None
