from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given
from strategies import dense_votes, vote_matrices

from weaklabel import ABSTAIN, DataError, ParameterError, VoteMatrix


def test_from_dense_keeps_only_votes(small_votes):
    assert small_votes.shape == (6, 4)
    assert small_votes.n_votes == 14
    assert small_votes.lf_names == ("a", "b", "c", "d")
    assert small_votes.votes_per_row().tolist() == [3, 3, 1, 0, 3, 4]
    assert small_votes.votes_per_lf().tolist() == [5, 3, 3, 3]


@given(dense_votes())
def test_dense_round_trip(case):
    dense, k = case
    votes = VoteMatrix.from_dense(dense, cardinality=k)
    assert np.array_equal(votes.to_dense(), dense)
    assert votes.n_votes == int((dense != ABSTAIN).sum())


@given(vote_matrices())
def test_long_round_trip(votes):
    again = VoteMatrix.from_long(
        votes.to_long(), n_rows=votes.n_rows, cardinality=votes.cardinality, lf_names=votes.lf_names
    )
    assert again == votes


@given(vote_matrices())
def test_class_counts_and_one_hot_agree_with_dense(votes):
    dense = votes.to_dense()
    k = votes.cardinality
    counts = np.stack([(dense == c).sum(axis=1) for c in range(k)], axis=1)
    assert np.array_equal(votes.class_counts(), counts)
    one_hot = votes.one_hot()
    assert sp.issparse(one_hot) and one_hot.shape == (votes.n_rows, votes.n_lfs * k)
    expected = np.zeros((votes.n_rows, votes.n_lfs * k))
    rows, lfs = np.nonzero(dense != ABSTAIN)
    expected[rows, lfs * k + dense[rows, lfs]] = 1
    assert np.array_equal(one_hot.toarray(), expected)
    voted = votes.voted()
    assert sp.issparse(voted) and voted.shape == votes.shape
    assert np.array_equal(voted.toarray(), (dense != ABSTAIN).astype(float))


def test_class_zero_votes_are_stored_not_mistaken_for_abstains():
    votes = VoteMatrix.from_dense([[0, -1], [0, 0]], cardinality=2)
    assert votes.n_votes == 3
    assert votes.labels().tolist() == [0, 0, 0]


@pytest.mark.parametrize("value", [2, -2, 7])
def test_from_dense_rejects_out_of_range_votes_with_position(value):
    with pytest.raises(DataError, match=rf"\[1, 0\] is {value}.*cardinality 2"):
        VoteMatrix.from_dense([[0, 1], [value, 0]], cardinality=2)


def test_from_dense_rejects_fractional_votes():
    with pytest.raises(DataError, match="integers"):
        VoteMatrix.from_dense([[0.5, 1.0]], cardinality=2)


def test_from_dense_accepts_integral_floats():
    assert VoteMatrix.from_dense([[1.0, -1.0]], cardinality=2).to_dense().tolist() == [[1, -1]]


def test_from_dense_needs_two_dimensions():
    with pytest.raises(DataError, match="2-d"):
        VoteMatrix.from_dense([0, 1], cardinality=2)


@pytest.mark.parametrize("k", [1, 0, "2", 2.5, True])
def test_cardinality_must_be_an_int_of_at_least_two(k):
    with pytest.raises(ParameterError, match="'cardinality'"):
        VoteMatrix.from_dense([[0]], cardinality=k)


def test_duplicate_lf_names_are_refused():
    with pytest.raises(ParameterError, match=r"'a'.*more than once"):
        VoteMatrix.from_dense([[0, 1]], cardinality=2, lf_names=["a", "a"])


def test_two_votes_of_one_lf_on_one_row_are_refused():
    with pytest.raises(DataError, match="two votes on row 0"):
        VoteMatrix([0, 0], [0, 0], [1, 0], n_rows=1, cardinality=2, n_lfs=1)


def test_class_names_must_match_cardinality():
    with pytest.raises(ParameterError, match="class_names"):
        VoteMatrix.from_dense([[0]], cardinality=2, class_names=["only"])


def test_row_selection_keeps_metadata(small_votes):
    part = small_votes[[4, 0]]
    assert part.row_ids.tolist() == [4, 0]
    assert np.array_equal(part.to_dense(), small_votes.to_dense()[[4, 0]])
    mask = small_votes.votes_per_row() > 2
    assert small_votes[mask].n_rows == 4
    assert small_votes[1:3].row_ids.tolist() == [1, 2]


def test_select_lfs_by_name_and_reorder(small_votes):
    part = small_votes.select_lfs(["c", "a"])
    assert part.lf_names == ("c", "a")
    assert np.array_equal(part.to_dense(), small_votes.to_dense()[:, [2, 0]])


def test_unknown_lf_name_lists_the_known_ones(small_votes):
    with pytest.raises(DataError, match=r"No labeling function named 'e'. Known: a, b, c, d"):
        small_votes.lf_index("e")


def test_concat_stacks_rows(small_votes):
    both = VoteMatrix.concat([small_votes[:2], small_votes[2:]])
    assert both == small_votes


def test_concat_refuses_different_lfs(small_votes):
    with pytest.raises(DataError, match="same LFs"):
        VoteMatrix.concat([small_votes, small_votes.select_lfs(["a"])])


def test_arrays_are_read_only(small_votes):
    with pytest.raises(ValueError, match="read-only"):
        small_votes.row_ids[0] = 5
    with pytest.raises(ValueError, match="read-only"):
        small_votes.lfs[0] = 1


@pytest.mark.parametrize(
    "row_ids",
    [None, ["x", "y", "z", "w", "v", "u"], np.arange(10, 16)],
    ids=["default", "str", "int"],
)
def test_save_load_round_trip(tmp_path, small_votes, row_ids):
    votes = VoteMatrix.from_dense(
        small_votes.to_dense(),
        cardinality=2,
        lf_names=["a", "b", "c", "d"],
        class_names=["ham", "spam"],
        row_ids=row_ids,
    )
    path = tmp_path / "votes.npz"
    votes.save(path)
    loaded = VoteMatrix.load(path)
    assert loaded == votes
    assert loaded.class_names == ("ham", "spam")
    assert [p.name for p in tmp_path.iterdir()] == ["votes.npz"]  # no temporary file left


def test_save_never_pickles(tmp_path, small_votes):
    path = tmp_path / "votes.npz"
    small_votes.save(path)
    with np.load(path, allow_pickle=False) as npz:
        assert all(npz[key].dtype != object for key in npz.files)


def test_load_rejects_other_files(tmp_path):
    other = tmp_path / "other.npz"
    np.savez(other, x=np.arange(3))
    with pytest.raises(DataError, match="not a vote matrix"):
        VoteMatrix.load(other)
    text = tmp_path / "text.npz"
    text.write_text("hello")
    with pytest.raises(DataError, match="not a vote matrix"):
        VoteMatrix.load(text)
    with pytest.raises(DataError, match="no such file"):
        VoteMatrix.load(tmp_path / "missing.npz")


def test_to_long_names_the_lfs(small_votes):
    long = small_votes.to_long()
    assert list(long.columns) == ["row", "lf", "label"]
    assert isinstance(long, pd.DataFrame)
    assert long.iloc[0].tolist() == [0, "a", 1]


def test_large_cardinality_uses_wider_storage():
    votes = VoteMatrix.from_dense([[199, -1]], cardinality=200)
    assert votes.to_dense().tolist() == [[199, -1]]


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint32, np.uint16])
def test_out_of_order_lf_positions_are_refused_whatever_their_dtype(dtype):
    from weaklabel import DataError

    indptr = np.array([0, 3, 5])
    lfs = np.array([0, 2, 1, 0, 1], dtype=dtype)  # row 0 lists LF 2 before LF 1
    with pytest.raises(DataError, match=r"vote 2 repeats or reorders"):
        VoteMatrix.from_csr_parts(indptr, lfs, np.zeros(5, dtype=np.int8), cardinality=2,
                                  lf_names=["a", "b", "c"])  # fmt: skip
    lfs = np.array([0, 1, 2, 0, 1], dtype=dtype)
    votes = VoteMatrix.from_csr_parts(indptr, lfs, np.zeros(5, dtype=np.int8), cardinality=2,
                                      lf_names=["a", "b", "c"])  # fmt: skip
    assert votes.n_votes == 5


def test_the_order_check_spans_blocks(monkeypatch):
    import weaklabel._votes.construct as construct
    from weaklabel import DataError

    monkeypatch.setattr(construct, "_BLOCK", 3)
    indptr = np.array([0, 2, 4, 7])
    good = np.array([0, 1, 0, 1, 0, 1, 2])
    labels = np.zeros(7, dtype=np.int8)
    VoteMatrix.from_csr_parts(indptr, good, labels, cardinality=2, lf_names=["a", "b", "c"])
    bad = np.array([0, 1, 0, 1, 0, 2, 2])  # the last row repeats LF 2, across a block boundary
    with pytest.raises(DataError, match=r"vote 6 repeats or reorders"):
        VoteMatrix.from_csr_parts(indptr, bad, labels, cardinality=2, lf_names=["a", "b", "c"])
