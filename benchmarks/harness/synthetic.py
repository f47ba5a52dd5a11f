"""Synthetic data with fixed seeds: votes with known truth, and texts spliced from real ones.

* :func:`binary_votes`: ``weaklabel.datasets.make_votes`` with the benchmarks' settings (LFs
  independent given the class, accuracies drawn from 0.55-0.9, a coverage that gives each row
  ``votes_per_row`` votes on average): the label-model scale and report benchmarks.
* :func:`two_sided_85_15` and :func:`unipolar`: the label-model accuracy benchmark's synthetic
  sets, drawn here (not with the library's sampler) so that they do not change when it does,
  with the Bayes posterior under the true parameters.
* :func:`write_texts`: short texts resampled from the real YouTube comments and SMS messages,
  written once to a Parquet file: the LF-application benchmark.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import softmax

__all__ = ["binary_votes", "spliced_texts", "two_sided_85_15", "unipolar", "write_texts"]


def binary_votes(
    n_rows: int, n_lfs: int, votes_per_row: float = 30.0, *, seed: int = 0
) -> tuple[Any, np.ndarray]:
    """``(VoteMatrix, truth)``: binary votes of ``n_lfs`` LFs of accuracy 0.55-0.9 (drawn with
    ``default_rng(seed)``), each voting with probability ``votes_per_row / n_lfs`` (at most 1)."""
    from weaklabel.datasets import make_votes

    rng = np.random.default_rng(seed)
    accuracies = rng.uniform(0.55, 0.9, n_lfs)
    coverages = np.full(n_lfs, min(votes_per_row / n_lfs, 1.0))
    return make_votes(n_rows, accuracies, coverages, random_state=seed)


def two_sided_85_15(n_rows: int, seed: int = 8515) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """10 two-sided LFs of accuracy 0.55-0.75 and coverage 0.3-0.9; classes 0.85 / 0.15.

    Returns the dense votes (-1 = abstain), the true classes and the Bayes posterior under the
    generating parameters, for ``n_rows`` rows.
    """
    rng = np.random.default_rng(seed)
    accuracy, coverage = rng.uniform(0.55, 0.75, 10), rng.uniform(0.3, 0.9, 10)
    balance = np.array([0.85, 0.15])
    truth = rng.choice(2, size=n_rows, p=balance)
    fires = rng.random((len(truth), 10)) < coverage
    right = rng.random((len(truth), 10)) < accuracy
    dense = np.where(fires, np.where(right, truth[:, None], 1 - truth[:, None]), -1)
    # Coverage does not depend on the class, so only the votes cast carry evidence.
    log_right, log_wrong = np.log(accuracy), np.log(1.0 - accuracy)
    logits = np.tile(np.log(balance), (len(truth), 1))
    for y in range(2):
        logits[:, y] += np.where(dense == y, log_right, np.where(dense >= 0, log_wrong, 0.0)).sum(1)
    return dense, truth, softmax(logits, axis=1)


def unipolar(n_rows: int, seed: int = 2003) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """20 one-sided LFs over classes 0.6 / 0.3 / 0.1; LF j votes only class j % 3.

    LF j fires on rows of its class with rate ``on[j]`` (0.15-0.5) and on other rows with rate
    ``off[j]``, 5-30 % of ``on[j]``. Returns the dense votes, the truth and the Bayes posterior.
    """
    rng = np.random.default_rng(seed)
    k, m, n = 3, 20, n_rows
    balance = np.array([0.6, 0.3, 0.1])
    pole = np.arange(m) % k
    on = rng.uniform(0.15, 0.5, m)
    off = on * rng.uniform(0.05, 0.3, m)
    truth = rng.choice(k, size=n, p=balance)
    fires = rng.random((n, m)) < np.where(pole[None, :] == truth[:, None], on, off)
    dense = np.where(fires, pole[None, :], -1)
    logits = np.empty((n, k))
    for y in range(k):
        rate = np.where(pole == y, on, off)
        logits[:, y] = np.log(balance[y]) + fires @ np.log(rate) + ~fires @ np.log1p(-rate)
    return dense, truth, softmax(logits, axis=1)


def spliced_texts(words: list[list[str]], n: int, rng: np.random.Generator) -> list[str]:
    """``n`` texts, each the first words of one real text and the last words of another."""
    sizes = np.array([len(w) for w in words])
    first = rng.integers(0, len(words), n)
    second = rng.integers(0, len(words), n)
    keep_first = (rng.random(n) * sizes[first]).astype(np.int64) + 1  # 1..len
    drop_second = (rng.random(n) * sizes[second]).astype(np.int64)  # 0..len-1
    return [
        " ".join(words[a][:k] + words[b][d:])
        for a, b, k, d in zip(
            first.tolist(), second.tolist(), keep_first.tolist(), drop_second.tolist(), strict=True
        )
    ]


def write_texts(path: Path, n: int, seed: int, *, unique: bool = False) -> Path:
    """Write ``n`` spliced texts (column ``text``) to a Parquet file, once; 1M rows a row group.

    Both source texts and the cut points are drawn with ``default_rng(seed)``, so the texts read
    like the real ones but are nearly all distinct (all distinct with ``unique``).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from harness.datasets import real_texts

    if path.exists():
        return path
    start = time.perf_counter()
    words = [t.split(" ") for t in real_texts()]
    rng = np.random.default_rng(seed)
    tmp = path.with_suffix(".tmp")
    seen: set[str] = set()
    with pq.ParquetWriter(tmp, pa.schema([("text", pa.string())])) as writer:
        done = 0
        while done < n:
            batch = spliced_texts(words, min(1_000_000, n - done), rng)
            if unique:
                batch = [t for t in dict.fromkeys(batch) if t not in seen][: n - done]
                seen.update(batch)
            writer.write_table(pa.table({"text": batch}), row_group_size=1_000_000)
            done += len(batch)
    os.replace(tmp, path)
    print(
        f"  wrote {n:,} texts to {path} in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
        flush=True,
    )
    return path
