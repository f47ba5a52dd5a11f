"""Confidences: LFs that say how sure they are, kept beside the votes from the LF to the file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from weaklabel import (
    ABSTAIN,
    DataError,
    LabelingFunctionError,
    VoteMatrix,
    apply_lfs,
    labeling_function,
)

DENSE = np.array([[0, -1, 1], [1, 1, -1], [-1, -1, -1], [0, 0, 0]])
SURE = np.array([[0.9, 0.0, 0.6], [0.7, 1.0, np.nan], [0.5, 0.5, 0.5], [0.2, 0.3, 0.4]])


def _votes() -> VoteMatrix:
    return VoteMatrix.from_dense(DENSE, cardinality=2, confidences=SURE)


def _dense_confidences(votes: VoteMatrix) -> np.ndarray:
    out = np.zeros(votes.shape)
    out[votes.rows(), votes.lfs] = votes.confidences()
    return out


# -- the vote matrix ------------------------------------------------------------------------------


def test_votes_without_confidences_count_as_sure():
    votes = VoteMatrix.from_dense(DENSE, cardinality=2)
    assert not votes.has_confidences
    assert votes.confidences().tolist() == [1.0] * votes.n_votes
    assert "confidence" not in votes.to_long().columns


def test_confidences_are_read_where_there_is_a_vote():
    votes = _votes()
    assert votes.has_confidences
    expected = np.where(DENSE >= 0, SURE, 0.0)
    assert np.allclose(_dense_confidences(votes), expected)


def test_triples_are_sorted_with_their_confidences():
    votes = VoteMatrix([1, 0, 0], [0, 1, 0], [1, 0, 1], n_rows=2, cardinality=2, n_lfs=2,
                       confidences=[0.3, 0.2, 0.1])  # fmt: skip
    assert votes.to_dense().tolist() == [[1, 0], [1, -1]]
    assert np.allclose(_dense_confidences(votes), [[0.1, 0.2], [0.3, 0.0]])


@pytest.mark.parametrize("bad", [0.0, 1.5, np.nan, -0.2])
def test_a_confidence_outside_zero_one_is_refused_naming_the_vote(bad):
    sure = SURE.copy()
    sure[3, 1] = bad
    with pytest.raises(
        DataError, match=r"confidence of the vote of LF 'lf_1' on row 3 is"
    ) as caught:
        VoteMatrix.from_dense(DENSE, cardinality=2, confidences=sure)
    assert "(0, 1]" in str(caught.value) or "NaN" in str(caught.value)


def test_confidences_of_another_shape_are_refused():
    with pytest.raises(DataError, match="confidences must be a numeric array of the votes' shape"):
        VoteMatrix.from_dense(DENSE, cardinality=2, confidences=SURE[:2])


def test_every_selection_keeps_each_vote_with_its_confidence():
    votes = _votes()
    full = _dense_confidences(votes)
    assert np.allclose(_dense_confidences(votes[[3, 0]]), full[[3, 0]])
    assert np.allclose(
        _dense_confidences(votes[np.array([True, False, True, True])]), full[[0, 2, 3]]
    )
    assert np.allclose(_dense_confidences(votes[1:]), full[1:])
    assert np.allclose(_dense_confidences(votes.select_lfs([2, 0])), full[:, [2, 0]])
    assert np.allclose(_dense_confidences(votes.with_cardinality(3)), full)
    both = VoteMatrix.concat([votes[:2], VoteMatrix.from_dense(DENSE[2:], cardinality=2)])
    assert np.allclose(
        _dense_confidences(both), np.vstack([full[:2], np.where(DENSE[2:] >= 0, 1.0, 0)])
    )


def test_equality_sees_the_confidences():
    assert _votes() == _votes()
    assert _votes() != VoteMatrix.from_dense(DENSE, cardinality=2)
    assert VoteMatrix.from_dense(DENSE, cardinality=2, confidences=np.ones(DENSE.shape)) == (
        VoteMatrix.from_dense(DENSE, cardinality=2)
    )


def test_long_table_round_trip_keeps_confidences():
    votes = _votes()
    table = votes.to_long()
    assert list(table.columns) == ["row", "lf", "label", "confidence"]
    again = VoteMatrix.from_long(table, n_rows=4, cardinality=2, lf_names=votes.lf_names)
    assert again == votes


def test_saved_and_loaded_with_the_votes(tmp_path):
    votes = _votes()
    votes.save(tmp_path / "votes.npz")
    loaded = VoteMatrix.load(tmp_path / "votes.npz")
    assert loaded == votes and loaded.has_confidences
    plain = VoteMatrix.from_dense(DENSE, cardinality=2)
    plain.save(tmp_path / "plain.npz")
    assert not VoteMatrix.load(tmp_path / "plain.npz").has_confidences


@pytest.mark.parametrize("stored", [np.full(6, 1.5, np.float32), np.ones(3, np.float32)])
def test_a_file_with_bad_confidences_is_refused_naming_it(tmp_path, stored):
    path = tmp_path / "votes.npz"
    _votes().save(path)
    with np.load(path) as npz:
        arrays = {name: npz[name] for name in npz.files}
    arrays["confidences"] = stored
    np.savez(path, **arrays)
    with pytest.raises(DataError, match=r"votes\.npz: .*confidence"):
        VoteMatrix.load(path)


# -- LFs that return them -------------------------------------------------------------------------

FRAME = pd.DataFrame({"text": ["win a prize now", "see you at noon", "free entry", "hello"]})


@labeling_function
def prize(x):
    return (1, 0.8) if "prize" in x.text or "free" in x.text else ABSTAIN


@labeling_function
def greeting(x):
    return (0, 0.6) if "hello" in x.text or "noon" in x.text else (ABSTAIN, 0.9)


@labeling_function
def plain(x):
    return 0 if "noon" in x.text else ABSTAIN


@labeling_function(vectorized=True)
def long_text(frame):
    long = frame["text"].str.len().to_numpy() > 12
    return np.where(long, 1, ABSTAIN), np.where(long, 0.55, np.nan)


def test_row_and_vectorized_lfs_give_confidences_beside_their_votes():
    votes = apply_lfs([prize, greeting, plain, long_text], FRAME, cardinality=2, progress=False)
    assert votes.to_dense().tolist() == [
        [1, -1, -1, 1],
        [-1, 0, 0, 1],
        [1, -1, -1, -1],
        [-1, 0, -1, -1],
    ]
    expected = [[0.8, 0, 0, 0.55], [0, 0.6, 1.0, 0.55], [0.8, 0, 0, 0], [0, 0.6, 0, 0]]
    assert np.allclose(_dense_confidences(votes), expected)


def test_lfs_without_confidences_build_a_matrix_without_them():
    assert not apply_lfs([plain], FRAME, cardinality=2, progress=False).has_confidences


def test_confidences_survive_processes_and_checkpoints(tmp_path):
    lfs = [prize, greeting, plain, long_text]
    one = apply_lfs(lfs, FRAME, cardinality=2, progress=False)
    two = apply_lfs(lfs, FRAME, cardinality=2, progress=False, n_jobs=2, chunk_size=1)
    assert two == one
    first = apply_lfs(lfs, FRAME, cardinality=2, progress=False, chunk_size=2,
                      checkpoint_dir=tmp_path / "ckpt")  # fmt: skip
    resumed = apply_lfs(lfs, FRAME, cardinality=2, progress=False, chunk_size=2,
                        checkpoint_dir=tmp_path / "ckpt")  # fmt: skip
    assert first == one and resumed == one


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ((1, 1.2), "must lie in \\(0, 1\\]"),
        ((1, 0), "must lie in \\(0, 1\\]"),
        ((1, float("nan")), "cannot be NaN"),
        ((1, "high"), "a confidence is a number"),
        ((1, True), "not True/False"),
        ((1, 0.5, 2), "a pair \\(class, confidence\\)"),
        (("spam", 0.5), "return the class index 1 for 'spam'"),
    ],
)
def test_a_bad_pair_names_the_lf_the_row_and_the_fix(value, message):
    @labeling_function
    def sure_of_itself(x):
        return value if x.text == "free entry" else ABSTAIN

    with pytest.raises(LabelingFunctionError, match=message) as caught:
        apply_lfs([sure_of_itself], FRAME, classes=["ham", "spam"], progress=False)
    assert "'sure_of_itself'" in str(caught.value) and "row 2" in str(caught.value)


@pytest.mark.parametrize(
    ("confidences", "message"),
    [
        (np.array([0.5, 0.5, 2.0, 0.5]), "must lie in \\(0, 1\\]"),
        (np.array([0.5, 0.5]), "confidences of dtype float64 and shape \\(2,\\)"),
        (np.array(["a", "b", "c", "d"]), "confidences of dtype <U1"),
    ],
)
def test_bad_vectorized_confidences_name_the_lf(confidences, message):
    @labeling_function(vectorized=True)
    def scored(frame):
        return np.ones(len(frame), dtype=int), confidences

    with pytest.raises(LabelingFunctionError, match=message) as caught:
        apply_lfs([scored], FRAME, cardinality=2, progress=False)
    assert "'scored'" in str(caught.value)


def test_an_abstain_needs_no_valid_confidence():
    @labeling_function(vectorized=True)
    def unsure(frame):
        votes = np.where(frame["text"].str.contains("free"), 1, ABSTAIN)
        return votes, np.where(votes == 1, 0.7, 0.0)  # 0 where abstaining is ignored

    votes = apply_lfs([unsure], FRAME, cardinality=2, progress=False)
    assert votes.confidences().tolist() == pytest.approx([0.7])


# -- the LF summary -------------------------------------------------------------------------------


def test_the_lf_summary_shows_each_lfs_confidence_and_its_calibration_against_gold():
    from weaklabel import lf_summary

    rng = np.random.default_rng(0)
    n = 4000
    truth = rng.integers(0, 2, n)
    # lf_0 says 0.9 and is right 90% of the time; lf_1 says 0.99 and is right 60% of the time
    honest = np.where(rng.random(n) < 0.9, truth, 1 - truth)
    boastful = np.where(rng.random(n) < 0.6, truth, 1 - truth)
    dense = np.stack([honest, boastful], axis=1)
    sure = np.stack([np.full(n, 0.9), np.full(n, 0.99)], axis=1)
    votes = VoteMatrix.from_dense(dense, cardinality=2, confidences=sure)
    summary = lf_summary(votes, gold=truth)
    assert summary["mean_confidence"].tolist() == pytest.approx([0.9, 0.99], abs=1e-6)
    assert summary.loc["lf_0", "confidence_ece"] < 0.02
    assert summary.loc["lf_1", "confidence_ece"] == pytest.approx(0.39, abs=0.03)
    assert "mean_confidence" not in lf_summary(VoteMatrix.from_dense(dense, cardinality=2)).columns
