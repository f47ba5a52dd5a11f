"""Krippendorff's alpha: the author's worked example, a brute-force oracle, the bootstrap."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from strategies import annotation_tables

from weaklabel.annotations import (
    AlphaInterval,
    Annotations,
    krippendorff_alpha,
    krippendorff_alpha_interval,
)
from weaklabel.exceptions import DataError, ParameterError

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: nominal data,
# 4 observers, 12 units, missing values; alpha = 0.743.
RELIABILITY_DATA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def reliability_annotations() -> Annotations:
    rows = [
        (unit, observer, value)
        for observer, line in zip("ABCD", RELIABILITY_DATA, strict=True)
        for unit, value in enumerate(line, start=1)
        if value is not None
    ]
    return Annotations.from_frame(pd.DataFrame(rows, columns=["item", "annotator", "label"]))


def test_krippendorffs_worked_example():
    alpha = krippendorff_alpha(reliability_annotations())
    assert alpha == pytest.approx(0.743, abs=5e-4)
    assert type(alpha) is float


def brute_force_alpha(dense: np.ndarray, k: int) -> float:
    """Nominal alpha from the coincidence matrix, built pair by pair as in the paper."""
    o = np.zeros((k, k))
    for row in dense:
        values = row[row >= 0]
        m = len(values)
        if m < 2:
            continue
        for i, j in itertools.permutations(range(m), 2):
            o[values[i], values[j]] += 1.0 / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    observed = o.sum() - np.trace(o)
    expected = (n * n - (n_c**2).sum()) / (n - 1)
    return 1.0 - observed / expected


@settings(max_examples=80, deadline=None)
@given(annotation_tables())
def test_alpha_equals_the_coincidence_matrix_definition(table):
    dense, classes, frame = table
    labels = [row[row >= 0] for row in dense]
    pairable = np.concatenate([v for v in labels if len(v) >= 2] or [np.zeros(0, int)])
    assume(len(pairable) >= 2)
    ann = Annotations.from_frame(frame, classes=classes)
    if len(set(pairable.tolist())) == 1:
        with pytest.raises(DataError, match="undefined"):
            krippendorff_alpha(ann)
        return
    assert krippendorff_alpha(ann) == pytest.approx(brute_force_alpha(dense, len(classes)))


def test_items_with_one_label_change_nothing():
    base = reliability_annotations()
    frame = pd.concat(
        [base.to_frame(), pd.DataFrame({"item": [99], "annotator": ["A"], "label": ["1"]})]
    )
    assert krippendorff_alpha(Annotations.from_frame(frame)) == krippendorff_alpha(base)


def test_interval_is_seeded_and_holds_alpha():
    ann = reliability_annotations()
    first = krippendorff_alpha_interval(ann, n_boot=300, random_state=7)
    again = krippendorff_alpha_interval(ann, n_boot=300, random_state=7)
    other = krippendorff_alpha_interval(ann, n_boot=300, random_state=8)
    assert isinstance(first, AlphaInterval)
    assert first == again
    assert (first.low, first.high) != (other.low, other.high)
    assert first.low < first.alpha < first.high
    assert first.alpha == krippendorff_alpha(ann)
    assert (first.level, first.n_boot) == (0.95, 300)
    narrow = krippendorff_alpha_interval(ann, n_boot=300, level=0.5, random_state=7)
    assert first.low <= narrow.low <= narrow.high <= first.high


def test_interval_narrows_with_more_items():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 3, size=2000)
    rows = []
    for u, y in enumerate(truth):
        for a in ("a", "b", "c"):
            label = y if rng.random() < 0.8 else rng.integers(0, 3)
            rows.append((u, a, int(label)))
    frame = pd.DataFrame(rows, columns=["item", "annotator", "label"])
    small = krippendorff_alpha_interval(Annotations.from_frame(frame[:300]), random_state=0)
    large = krippendorff_alpha_interval(Annotations.from_frame(frame), random_state=0)
    assert large.high - large.low < small.high - small.low


def test_interval_parameters_are_checked():
    ann = reliability_annotations()
    with pytest.raises(ParameterError, match="'n_boot' parameter"):
        krippendorff_alpha_interval(ann, n_boot=0)
    with pytest.raises(ParameterError, match="'level' parameter"):
        krippendorff_alpha_interval(ann, level=1.5)
    with pytest.raises(ParameterError, match="'random_state' parameter"):
        krippendorff_alpha_interval(ann, random_state=-1)
    with pytest.raises(ParameterError, match=r"'level' parameter .* must be a float > 0 and < 1"):
        krippendorff_alpha_interval(ann, level=1.0)


def test_interval_matches_a_plain_bootstrap_over_items():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 3, size=400)
    dense = np.where(rng.random((400, 3)) < 0.7, truth[:, None], rng.integers(0, 3, (400, 3)))
    dense[rng.random((400, 3)) < 0.2] = -1  # missing labels
    rows = [
        (u, f"a{j}", int(dense[u, j])) for u in range(400) for j in range(3) if dense[u, j] >= 0
    ]
    ann = Annotations.from_frame(pd.DataFrame(rows, columns=["item", "annotator", "label"]))
    pairable = dense[(dense >= 0).sum(axis=1) >= 2]
    plain = []
    for _ in range(2000):  # the textbook bootstrap: draw items with replacement
        sample = pairable[rng.integers(0, len(pairable), len(pairable))]
        plain.append(brute_force_alpha(sample, 3) if len(sample) else np.nan)
    low, high = np.quantile(plain, [0.025, 0.975])
    ours = krippendorff_alpha_interval(ann, n_boot=2000, random_state=0)
    assert ours.low == pytest.approx(low, abs=0.015)
    assert ours.high == pytest.approx(high, abs=0.015)
