"""Consensus over annotators: Dawid-Skene and majority vote, with a confidence per item."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from weaklabel.annotations import CONSENSUS_METHODS, Annotations
from weaklabel.exceptions import ParameterError

CLASSES = np.array(["ham", "spam"])


def crowd(seed: int = 0, n: int = 300) -> tuple[Annotations, np.ndarray]:
    """Two careful annotators and three careless ones who outvote them."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, n)
    accuracy = {"good1": 0.95, "good2": 0.9, "noisy1": 0.55, "noisy2": 0.55, "noisy3": 0.55}
    rows = []
    for u in range(n):
        for who, p in accuracy.items():
            y = truth[u] if rng.random() < p else 1 - truth[u]
            rows.append((f"item{u}", who, CLASSES[y]))
    frame = pd.DataFrame(rows, columns=["item", "annotator", "label"])
    return Annotations.from_frame(frame), CLASSES[truth]


def test_dawid_skene_beats_majority_on_a_small_crowd():
    ann, truth = crowd()
    majority = (ann.consensus(method="majority").to_numpy() == truth).mean()
    dawid_skene = (ann.consensus().to_numpy() == truth).mean()
    assert dawid_skene >= majority + 0.04, (dawid_skene, majority)
    assert dawid_skene >= 0.93


def test_consensus_is_a_series_of_class_names_indexed_by_item():
    ann, _ = crowd(n=20)
    result = ann.consensus()
    assert isinstance(result, pd.Series)
    assert list(result.index) == list(ann.items)
    assert set(result) <= {"ham", "spam"}


def test_consensus_table_columns_and_majority_confidence():
    ann = Annotations.from_frame(
        pd.DataFrame(
            {
                "item": [1, 1, 1, 2, 2, 3],
                "annotator": ["a", "b", "c", "a", "b", "a"],
                "label": ["x", "x", "y", "y", "y", "x"],
            }
        )
    )
    table = ann.consensus_table(method="majority")
    assert list(table.columns) == [
        "item",
        "label",
        "confidence",
        "n_annotators",
        "n_agree",
        "adjudicated",
    ]
    assert table["label"].tolist() == ["x", "y", "x"]
    assert table["confidence"].tolist() == pytest.approx([2 / 3, 1.0, 1.0])
    assert table["n_annotators"].tolist() == [3, 2, 1]
    assert table["n_agree"].tolist() == [2, 2, 1]
    assert not table["adjudicated"].any()


def test_methods_are_checked():
    ann, _ = crowd(n=5)
    assert CONSENSUS_METHODS == ("dawid-skene", "majority")
    with pytest.raises(ParameterError, match=r"'method' parameter .*Did you mean 'majority'"):
        ann.consensus(method="majorty")
