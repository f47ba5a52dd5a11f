"""Hypothesis strategies shared by the tests (the one place they are defined)."""

from __future__ import annotations

import numpy as np
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
