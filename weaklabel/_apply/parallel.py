"""Running the chunks of an ``apply_lfs`` call: in this process or in forked worker processes.

Chunks stored in a checkpoint are reused; the others run, in this process (``n_jobs=1``) or in
``n_jobs`` forked workers (so LFs defined anywhere work and nothing is pickled but the votes), and
each is stored as it finishes. The workers (:mod:`~weaklabel._apply.workers`) stop on Ctrl-C, with
their parent, or when one of them dies, and leave no process behind.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from weaklabel._apply.chunks import ChunkApplier, ChunkVotes
from weaklabel._apply.workers import run_in_workers
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


def _run_parallel(
    applier: ChunkApplier,
    frame: pd.DataFrame,
    row_ids: np.ndarray,
    bounds: list[tuple[int, int]],
    todo: list[int],
    n_jobs: int,
    finished: Callable[[int, ChunkVotes], None],
) -> None:
    methods = multiprocessing.get_all_start_methods()
    if "fork" not in methods:  # pragma: no cover - Windows / macOS without fork
        raise ParameterError(
            "The 'n_jobs' parameter of apply_lfs needs the 'fork' start method, which this "
            f"platform lacks (it has {methods}). Use n_jobs=1."
        )

    def work(i: int) -> ChunkVotes:  # runs in a forked worker: nothing here is pickled
        a, b = bounds[i]
        return applier.apply(frame.iloc[a:b], row_ids[a:b].tolist())

    def describe(i: int) -> str:
        a, b = bounds[i]
        return f"chunk {i} (rows {a} to {b - 1})"

    run_in_workers(work, todo, n_jobs, finished, describe)
