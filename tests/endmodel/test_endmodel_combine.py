"""The final label of each row: combine()'s policies and checks."""

from __future__ import annotations

import numpy as np
import pytest

from weaklabel import DataError, ParameterError
from weaklabel.endmodel import DEFAULT_POLICY, POLICIES, SOURCES, combine

LM = np.array([[0.9, 0.1], [0.5, 0.5], [0.3, 0.7], [1.0, 0.0]])
END = np.array([[0.4, 0.6], [0.2, 0.8], [0.2, 0.8], [0.0, 1.0]])
COVERED = np.array([True, False, True, True])


def test_the_default_is_the_end_model_everywhere():
    assert DEFAULT_POLICY == POLICIES[0] == "end-model"
    probs, sources = combine(LM, END, COVERED)
    np.testing.assert_array_equal(probs, END)
    assert sources.tolist() == ["end-model"] * 4


def test_lf_first_takes_the_label_model_where_an_lf_voted():
    probs, sources = combine(LM, END, COVERED, policy="lf-first")
    np.testing.assert_array_equal(probs[COVERED], LM[COVERED])
    np.testing.assert_array_equal(probs[~COVERED], END[~COVERED])
    assert sources.tolist() == ["lf", "end-model", "lf", "lf"]


def test_product_multiplies_both_where_an_lf_voted():
    probs, sources = combine(LM, END, COVERED, policy="product")
    assert probs[0].tolist() == pytest.approx([0.36 / 0.42, 0.06 / 0.42])
    assert probs[2].tolist() == pytest.approx([0.06 / 0.62, 0.56 / 0.62])
    np.testing.assert_array_equal(probs[1], END[1])
    # row 3: the two models exclude each other's class; the end model decides
    np.testing.assert_array_equal(probs[3], END[3])
    assert sources.tolist() == ["both", "end-model", "both", "end-model"]
    assert set(sources.tolist()) <= set(SOURCES)
    assert np.allclose(probs.sum(axis=1), 1)


def test_bad_arguments_are_refused():
    with pytest.raises(ParameterError, match=r"'policy' parameter of combine .* Did you mean"):
        combine(LM, END, COVERED, policy="lf_first")
    with pytest.raises(DataError, match=r"'covered' argument of combine must be 4 booleans"):
        combine(LM, END, [1, 0, 1, 1])
    with pytest.raises(DataError, match=r"'label_model_probs' argument of combine has 3 rows"):
        combine(LM[:3], END, COVERED)
    with pytest.raises(DataError, match=r"same shape"):
        combine(np.full((4, 3), 1 / 3), END, COVERED)
    with pytest.raises(DataError, match=r"row 0 sums to 2"):
        combine(LM, END + 0.5, COVERED)
