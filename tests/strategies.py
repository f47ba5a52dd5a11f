"""Hypothesis strategies shared by the tests (the one place they are defined)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from weaklabel import VoteMatrix


@st.composite
def dense_votes(
    draw: st.DrawFn, *, max_rows: int = 30, max_lfs: int = 6, max_classes: int = 4
) -> tuple[np.ndarray, int]:
    """A dense rows x LFs vote array (-1 = abstain) and its cardinality."""
    k = draw(st.integers(2, max_classes))
    n = draw(st.integers(1, max_rows))
    m = draw(st.integers(1, max_lfs))
    dense = draw(arrays(np.int64, (n, m), elements=st.integers(-1, k - 1)))
    return dense, k


@st.composite
def vote_matrices(draw: st.DrawFn, **kwargs: int) -> VoteMatrix:
    dense, k = draw(dense_votes(**kwargs))
    return VoteMatrix.from_dense(dense, cardinality=k)


@st.composite
def annotation_tables(
    draw: st.DrawFn, *, max_items: int = 25, max_annotators: int = 5, max_classes: int = 4
) -> tuple[np.ndarray, list[str], pd.DataFrame]:
    """A dense items x annotators label array (-1 = not labeled), the class names, and the same
    annotations as a long frame (item, annotator, label)."""
    k = draw(st.integers(2, max_classes))
    n = draw(st.integers(1, max_items))
    m = draw(st.integers(2, max_annotators))
    dense = draw(arrays(np.int64, (n, m), elements=st.integers(-1, k - 1)))
    classes = [f"c{c}" for c in range(k)]
    rows = [
        (u, f"a{j}", classes[dense[u, j]]) for u in range(n) for j in range(m) if dense[u, j] >= 0
    ]
    return dense, classes, pd.DataFrame(rows, columns=["item", "annotator", "label"])


@st.composite
def scored_probabilities(
    draw: st.DrawFn, *, max_rows: int = 40, max_classes: int = 4
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of class probabilities (each summing to 1) and gold labels (-1 = unknown)."""
    k = draw(st.integers(2, max_classes))
    n = draw(st.integers(1, max_rows))
    weights = draw(arrays(np.int64, (n, k), elements=st.integers(0, 20)))
    weights[weights.sum(axis=1) == 0, 0] = 1
    probs = weights / weights.sum(axis=1, keepdims=True)
    gold = draw(arrays(np.int64, n, elements=st.integers(-1, k - 1)))
    return probs, gold
