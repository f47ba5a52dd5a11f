"""Agreement statistics: published worked examples, and scikit-learn / statsmodels as oracles."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa
from strategies import annotation_tables

from weaklabel.annotations import (
    Annotations,
    class_agreement,
    cohen_kappa,
    cohen_kappa_matrix,
    fleiss_kappa,
    percent_agreement,
)
from weaklabel.exceptions import DataError, ParameterError

# Fleiss (1971) as worked on Wikipedia ("Fleiss' kappa"): 10 subjects, 14 raters, 5 categories.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def from_counts(table: list[list[int]]) -> Annotations:
    """Item u gets table[u][c] labels of class c, from raters r0, r1, ... in turn."""
    rows = []
    for u, counts in enumerate(table):
        labels = [c for c, n in enumerate(counts) for _ in range(n)]
        rows += [(u, f"r{r:02d}", f"c{c}") for r, c in enumerate(labels)]
    frame = pd.DataFrame(rows, columns=["item", "annotator", "label"])
    return Annotations.from_frame(frame, classes=[f"c{c}" for c in range(len(table[0]))])


def test_fleiss_worked_example():
    assert fleiss_kappa(from_counts(FLEISS_TABLE)) == pytest.approx(0.210, abs=5e-4)


def test_fleiss_matches_statsmodels_on_the_worked_example():
    expected = sm_fleiss_kappa(np.array(FLEISS_TABLE), method="fleiss")
    assert fleiss_kappa(from_counts(FLEISS_TABLE)) == pytest.approx(expected, abs=1e-12)


def test_cohen_worked_example():
    # Wikipedia ("Cohen's kappa"): 50 proposals; yes/yes 20, yes/no 5, no/yes 10, no/no 15:
    # p_o = 0.7, p_e = 0.5, kappa = 0.4
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10
    pairs += [("no", "no")] * 15
    rows = [
        (i, who, label) for i, p in enumerate(pairs) for who, label in zip("AB", p, strict=True)
    ]
    ann = Annotations.from_frame(pd.DataFrame(rows, columns=["item", "annotator", "label"]))
    assert cohen_kappa(ann, "A", "B") == pytest.approx(0.4, abs=1e-12)
    assert isinstance(cohen_kappa(ann, "A", "B"), float)


@settings(max_examples=60, deadline=None)
@given(annotation_tables())
def test_cohen_kappa_matches_scikit_learn(table):
    dense, classes, frame = table
    assume(len(frame) > 0)
    ann = Annotations.from_frame(frame, classes=classes)
    both = (dense[:, 0] >= 0) & (dense[:, 1] >= 0)
    assume(both.any())
    y1, y2 = dense[both, 0], dense[both, 1]
    if len(set(y1) | set(y2)) == 1:  # chance agreement 1: kappa is 0/0
        with pytest.raises(DataError, match="undefined"):
            cohen_kappa(ann, "a0", "a1")
        return
    expected = cohen_kappa_score(y1, y2, labels=list(range(len(classes))))
    assert cohen_kappa(ann, "a0", "a1") == pytest.approx(expected, abs=1e-10)


@settings(max_examples=40, deadline=None)
@given(annotation_tables())
def test_kappa_matrix_holds_every_pairwise_kappa(table):
    dense, classes, frame = table
    assume(len(frame) > 0 and (dense >= 0).sum(axis=1).max() >= 2)
    ann = Annotations.from_frame(frame, classes=classes)
    matrix = cohen_kappa_matrix(ann)
    assert list(matrix.index) == list(ann.annotators)
    assert np.allclose(np.diag(matrix), 1.0)
    for a, b in itertools.combinations(ann.annotators, 2):
        try:
            expected = cohen_kappa(ann, a, b)
        except DataError:
            expected = np.nan
        assert matrix.loc[a, b] == pytest.approx(expected, nan_ok=True, abs=1e-10)
        assert matrix.loc[b, a] == pytest.approx(expected, nan_ok=True, abs=1e-10)


@settings(max_examples=60, deadline=None)
@given(annotation_tables(max_annotators=6))
def test_fleiss_kappa_matches_statsmodels(table):
    dense, classes, _ = table
    full = np.where(dense < 0, 0, dense)  # every annotator labels every item
    k = len(classes)
    rows = [
        (u, f"a{j}", classes[full[u, j]]) for u in range(len(full)) for j in range(full.shape[1])
    ]
    ann = Annotations.from_frame(
        pd.DataFrame(rows, columns=["item", "annotator", "label"]), classes=classes
    )
    counts = np.stack([np.bincount(r, minlength=k) for r in full])
    shares = counts.sum(axis=0) / counts.sum()
    if np.isclose((shares**2).sum(), 1.0):
        with pytest.raises(DataError, match="undefined"):
            fleiss_kappa(ann)
        return
    expected = sm_fleiss_kappa(counts, method="fleiss")
    assert fleiss_kappa(ann) == pytest.approx(expected, abs=1e-10)


@settings(max_examples=60, deadline=None)
@given(annotation_tables())
def test_percent_agreement_is_the_mean_share_of_agreeing_pairs(table):
    dense, classes, frame = table
    per_item = []
    for row in dense:
        labels = row[row >= 0]
        if len(labels) >= 2:
            pairs = list(itertools.combinations(labels, 2))
            per_item.append(np.mean([x == y for x, y in pairs]))
    assume(per_item)
    ann = Annotations.from_frame(frame, classes=classes)
    assert percent_agreement(ann) == pytest.approx(np.mean(per_item), abs=1e-12)


def test_fleiss_refuses_items_with_different_numbers_of_raters():
    ann = Annotations.from_frame(
        pd.DataFrame({"item": [1, 1, 2, 2, 2], "annotator": list("ababc"), "label": list("xyxxy")})
    )
    with pytest.raises(DataError, match=r"same number of annotators.*2 to 3.*krippendorff_alpha"):
        fleiss_kappa(ann)


def test_one_annotator_only_is_refused_naming_the_function():
    ann = Annotations.from_frame(
        pd.DataFrame({"item": [1, 2], "annotator": ["ana", "ana"], "label": ["x", "y"]})
    )
    for function in (percent_agreement, fleiss_kappa, cohen_kappa_matrix, class_agreement):
        with pytest.raises(DataError, match=rf"{function.__name__}: .*at least two annotators"):
            function(ann)


def test_no_item_labeled_twice_is_refused():
    ann = Annotations.from_frame(
        pd.DataFrame({"item": [1, 2], "annotator": ["ana", "bo"], "label": ["x", "y"]})
    )
    with pytest.raises(DataError, match="no item was labeled by two annotators"):
        percent_agreement(ann)


def test_cohen_kappa_errors_name_the_annotators():
    ann = Annotations.from_frame(
        pd.DataFrame(
            {"item": [1, 1, 2, 3], "annotator": ["ana", "bo", "ana", "cy"], "label": list("xyxy")}
        )
    )
    with pytest.raises(ParameterError, match="Did you mean 'ana'"):
        cohen_kappa(ann, "anna", "bo")
    with pytest.raises(DataError, match="'bo' and 'cy' labeled no item in common"):
        cohen_kappa(ann, "bo", "cy")
    with pytest.raises(ParameterError, match="other than 'a'"):
        cohen_kappa(ann, "bo", "bo")


def test_class_agreement_by_hand():
    # item 1: x, x, y; item 2: y, y; item 3: x (alone, not pairable)
    ann = Annotations.from_frame(
        pd.DataFrame(
            {
                "item": [1, 1, 1, 2, 2, 3],
                "annotator": ["a", "b", "c", "a", "b", "a"],
                "label": ["x", "x", "y", "y", "y", "x"],
            }
        )
    )
    table = class_agreement(ann).set_index("class")
    # x: pairs with an x: 2 * (3 - 1) = 4, agreeing 2 * 1 = 2
    assert table.loc["x", "specific_agreement"] == pytest.approx(0.5)
    # y: 1 * 2 + 2 * 1 = 4 pairs with a y, agreeing 0 + 2 = 2
    assert table.loc["y", "specific_agreement"] == pytest.approx(0.5)
    assert table.loc["x", "n_labels"] == 2 and table.loc["y", "n_labels"] == 3
    # with two classes, each class against the rest is the whole table: alpha of both is alpha
    from weaklabel.annotations import krippendorff_alpha

    assert table["alpha"].tolist() == pytest.approx([krippendorff_alpha(ann)] * 2)


def test_statistics_return_python_floats():
    ann = from_counts(FLEISS_TABLE)
    for value in (percent_agreement(ann), fleiss_kappa(ann), cohen_kappa(ann, "r00", "r01")):
        assert type(value) is float
