"""Damaged or tampered files, read through the library and through the command line.

Every case must raise a DataError naming the file (library) and, on the command line, exit 1 with
one paragraph on stderr and no traceback (docs/cli.md, "Bad input").
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from tampering import MODEL_CASES, MODEL_CLASS_CASES, write_tampered

from weaklabel import DataError, VoteMatrix
from weaklabel.cli import main
from weaklabel.datasets import make_votes
from weaklabel.models import BaseLabelModel


@pytest.fixture
def votes_path(tmp_path, small_votes):
    path = tmp_path / "good.npz"
    VoteMatrix.from_dense(
        small_votes.to_dense(), cardinality=2, lf_names=["a", "b", "c", "d"]
    ).save(path)
    return path


def _tampered(good, out, **changes):
    """A copy of the saved vote matrix ``good`` with some arrays replaced (meta kept)."""
    with np.load(good, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    arrays.update(changes)
    np.savez(out, **arrays)
    return out


def _arrays(path):
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}


def _bad_votes(name, good, out):
    """Write the damaged file ``name`` to ``out``; return the message it must raise."""
    arrays = _arrays(good)
    indptr, lfs, labels = arrays["indptr"], arrays["lfs"], arrays["labels"]
    if name == "empty":
        out.write_bytes(b"")
        return "empty, truncated or not an .npz"
    if name == "truncated":
        data = good.read_bytes()
        out.write_bytes(data[: len(data) // 2])
        return "empty, truncated or not an .npz"
    if name == "random-bytes":
        out.write_bytes(np.random.default_rng(0).bytes(2000))
        return "empty, truncated or not an .npz"
    if name == "no-header":
        np.savez(out, indptr=indptr, lfs=lfs, labels=labels)
        return "has no 'weaklabel.VoteMatrix' header"
    if name == "indptr-decreasing":
        bad = indptr.copy()
        bad[2], bad[3] = bad[3], bad[2]
        assert (np.diff(bad) < 0).any()
        _tampered(good, out, indptr=bad)
        return "row pointer must start at 0 and never decrease"
    if name == "indptr-wrong-end":
        bad = indptr.copy()
        bad[-1] -= 1
        _tampered(good, out, indptr=bad)
        return "the row pointer ends at"
    if name == "lf-out-of-range":
        bad = lfs.copy()
        bad[-1] = 9
        _tampered(good, out, lfs=bad)
        return "names LF position 9, but there are 4 LFs"
    if name == "label-out-of-range":
        bad = labels.copy()
        bad[0] = 5
        _tampered(good, out, labels=bad)
        return "vote 0 is 5, but with cardinality 2"
    if name == "negative-label":
        bad = labels.copy()
        bad[1] = -1
        _tampered(good, out, labels=bad)
        return "vote 1 is -1"
    if name == "two-votes-one-lf":
        bad = lfs.copy()
        bad[1] = bad[0]  # row 0 holds votes of LFs a, b, d: make the second one 'a' again
        _tampered(good, out, lfs=bad)
        return "repeats or reorders the LFs of its row"
    if name == "float-labels":
        _tampered(good, out, labels=labels.astype(np.float64) + 0.5)
        return "labels must be a 1-d integer array"
    if name == "float-lfs":
        _tampered(good, out, lfs=lfs.astype(np.float64))
        return "lfs must be a 1-d integer array"
    if name == "row-ids-short":
        _tampered(good, out, row_ids=arrays["row_ids"][:-1])
        return "row_ids has shape"
    if name == "npy-not-npz":
        out.write_bytes(b"")
        with out.open("wb") as handle:
            np.save(handle, np.arange(3))
        return "a single int64 array of shape (3,) (.npy)"
    if name == "corrupt-compressed-data":
        data = bytearray(good.read_bytes())
        data[100:108] = b"\xff" * 8
        out.write_bytes(bytes(data))
        return "empty, truncated or not an .npz"
    header_cases = {
        "cardinality-1": ({"cardinality": 1}, "'cardinality' parameter"),
        "cardinality-huge": ({"cardinality": 40000}, "2..32766"),
        "class-names-too-few": ({"class_names": ["a"]}, "'class_names'"),
        "lf-names-repeated": ({"lf_names": ["a", "a", "c", "d"]}, "'a' appear(s) more than once"),
        "version-0": ({"version": 0}, "format version 0"),
        "version-bool": ({"version": True}, "format version True"),
        "version-newer": ({"version": 99}, "written by a newer weaklabel"),
    }
    if name in header_cases:
        changes, message = header_cases[name]
        meta = json.loads(arrays["meta"].tobytes())
        meta.update(changes)
        encoded = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        _tampered(good, out, meta=encoded)
        return message
    if name == "float-row-ids":
        _tampered(good, out, row_ids=arrays["row_ids"].astype(np.float64))
        return "row_ids must hold integers or strings"
    raise AssertionError(name)


BAD_VOTES = [
    "empty",
    "truncated",
    "random-bytes",
    "no-header",
    "indptr-decreasing",
    "indptr-wrong-end",
    "lf-out-of-range",
    "label-out-of-range",
    "negative-label",
    "two-votes-one-lf",
    "float-labels",
    "float-lfs",
    "row-ids-short",
    "npy-not-npz",
    "corrupt-compressed-data",
    "cardinality-1",
    "cardinality-huge",
    "class-names-too-few",
    "lf-names-repeated",
    "version-0",
    "version-bool",
    "version-newer",
    "float-row-ids",
]


@pytest.mark.parametrize("name", BAD_VOTES)
def test_bad_votes_file_raises_a_data_error_naming_it(votes_path, tmp_path, name):
    bad = tmp_path / f"{name}.npz"
    message = _bad_votes(name, votes_path, bad)
    with pytest.raises(DataError, match=f"{name}.npz") as caught:
        VoteMatrix.load(bad)
    assert message in str(caught.value)


def assert_one_paragraph(captured, *fragments):
    """The CLI reported one error paragraph on stderr, with no traceback."""
    assert "Traceback" not in captured.err
    assert captured.err.startswith("weaklabel: error: ")
    assert captured.err.count("\n") == 1, captured.err
    for fragment in fragments:
        assert fragment in captured.err


@pytest.mark.parametrize("name", BAD_VOTES)
def test_bad_votes_file_on_the_command_line(votes_path, tmp_path, capsys, name):
    bad = tmp_path / f"{name}.npz"
    message = _bad_votes(name, votes_path, bad)
    out = tmp_path / "m.json"
    code = main(["fit", "--votes", str(bad), "--out", str(out), "-q"])
    captured = capsys.readouterr()
    assert code == 1
    assert_one_paragraph(captured, f"{name}.npz", message)
    assert not out.exists()


def test_tampered_votes_never_load_silently(votes_path, tmp_path):
    """Float labels used to be truncated to int: 0.5 + 0 read as class 0."""
    arrays = _arrays(votes_path)
    whole = arrays["labels"].astype(np.float64)  # integral floats are still not integers
    path = _tampered(votes_path, tmp_path / "whole.npz", labels=whole)
    with pytest.raises(DataError, match="integer array"):
        VoteMatrix.load(path)


def test_header_says_more_lfs_than_the_arrays(votes_path, tmp_path):
    arrays = _arrays(votes_path)
    meta = json.loads(arrays["meta"].tobytes())
    meta["lf_names"].append("e")
    meta["shape"][1] += 1
    encoded = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    path = _tampered(votes_path, tmp_path / "wide.npz", meta=encoded)
    with pytest.raises(DataError, match=r"wide\.npz: corrupt vote matrix: lf_failures"):
        VoteMatrix.load(path)


# -- model files ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """Saved votes (3 LFs, 3 classes) and a saved model of every class fitted on them."""
    folder = tmp_path_factory.mktemp("fitted")
    votes, _ = make_votes(300, [0.9, 0.8, 0.7], [0.6, 0.5, 0.4], cardinality=3, random_state=2)
    votes.save(folder / "votes.npz")
    paths = {}
    for cls in BaseLabelModel.registry.values():
        params = {"progress": False} if "progress" in cls._param_names() else {}
        cls(cardinality=3, **params).fit(votes).save(folder / f"{cls.__name__}.json")
        paths[cls.__name__] = folder / f"{cls.__name__}.json"
    return folder / "votes.npz", paths


def _report_with(model_path, votes_path, out, capsys):
    code = main(
        ["report", "--votes", str(votes_path), "--model", str(model_path), "--out", str(out)]
    )
    return code, capsys.readouterr()


@pytest.mark.parametrize("case", [*sorted(MODEL_CASES), *sorted(MODEL_CLASS_CASES)])
def test_bad_model_file_on_the_command_line(fitted, tmp_path, capsys, case):
    votes_path, paths = fitted
    if case in MODEL_CASES:
        name, (change, message) = "LabelModel", MODEL_CASES[case]
    else:
        name, change, message = MODEL_CLASS_CASES[case]
    cls = next(c for c in BaseLabelModel.registry.values() if c.__name__ == name)
    bad = write_tampered(paths[name], tmp_path / "bad.json", change, cls)
    out = tmp_path / "report.html"
    code, captured = _report_with(bad, votes_path, out, capsys)
    assert code == 1
    assert_one_paragraph(captured, "bad.json", message)
    assert not out.exists()


def test_good_model_file_on_the_command_line(fitted, tmp_path, capsys):
    votes_path, paths = fitted
    code, captured = _report_with(paths["LabelModel"], votes_path, tmp_path / "r.html", capsys)
    assert code == 0, captured.err
