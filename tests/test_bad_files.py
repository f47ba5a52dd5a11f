"""Damaged or tampered files, read through the library and through the command line.

Every case must raise a DataError naming the file (library) and, on the command line, exit 1 with
one paragraph on stderr and no traceback (docs/cli.md, "Bad input").
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
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


# -- data files, gold labels, memory ---------------------------------------------------------------


def _run(fixtures, tmp_path, capsys, *extra, data="comments.csv"):
    argv = ["run", "--data", str(fixtures / data), "--lfs", str(fixtures / "tiny_lfs.py")]
    argv += ["--out", str(tmp_path / "o"), "-q", *extra]
    code = main(argv)
    return code, capsys.readouterr()


def test_unclosed_quote_on_the_command_line(fixtures, tmp_path, capsys):
    code, captured = _run(fixtures, tmp_path, capsys, data="unclosed_quote.csv")
    assert code == 1
    assert_one_paragraph(captured, "unclosed_quote.csv, line 2: malformed quotes", "lines 2-4")
    assert not (tmp_path / "o").exists()


def test_unknown_encoding_on_the_command_line(fixtures, tmp_path, capsys):
    """It printed a LookupError traceback."""
    code, captured = _run(fixtures, tmp_path, capsys, "--encoding", "no-such")
    assert code == 1
    assert_one_paragraph(captured, "'encoding'", "'no-such'", "'utf-8'", "'latin-1'")


def test_missing_id_is_refused_not_written_as_nan(fixtures, tmp_path, capsys):
    """labels.jsonl used to get "id": NaN (invalid JSON) and ids 1.0, 3.0."""
    code, captured = _run(fixtures, tmp_path, capsys, "--id-column", "id", data="missing_id.csv")
    assert code == 1
    assert_one_paragraph(captured, "id column 'id' has no id at row 1 (<NA>)")
    assert not (tmp_path / "o").exists()


def test_integer_ids_stay_integers_in_labels(fixtures, tmp_path, capsys):
    code, captured = _run(fixtures, tmp_path, capsys, "--id-column", "id", data="empty_text.csv")
    assert code == 0, captured.err
    lines = (tmp_path / "o" / "labels.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [1, 2, 3, 4]
    assert records[1]["text"] == ""  # the empty text cell reached the LFs (x.text.lower()) as ""


def test_labels_jsonl_is_strict_json(tmp_path):
    from weaklabel._io.labels import write_labels_jsonl

    path = tmp_path / "labels.jsonl"
    probs, labels = np.array([[0.25, 0.75], [0.5, 0.5]]), np.array([1, 0])
    write_labels_jsonl(path, probs, labels, row_ids=np.array([1.0, 2.5]), class_names=["a", "b"])
    assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == [1, 2.5]
    for bad_ids in (np.array([1.0, np.nan]), [1, None], [1, pd.NA]):
        with pytest.raises(DataError, match="row 1 has no"):
            write_labels_jsonl(path, probs, labels, row_ids=bad_ids, class_names=["a", "b"])
    with pytest.raises(DataError, match=r"probabilities of row 0 .* not finite"):
        write_labels_jsonl(
            path, np.array([[np.nan, 1.0], [0.5, 0.5]]), labels, row_ids=[1, 2], class_names="ab"
        )
    assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == [1, 2.5]


@pytest.mark.parametrize(
    ("ids", "shown"),
    [
        ([1.0, np.nan, 3.0], "nan"),
        (pd.array([1, None, 3], dtype="Int64"), "<NA>"),
        (["a", None, "c"], "None"),
        (["a", "", "c"], "an empty string"),
        (["a", "  ", "c"], "'  '"),
    ],
)
def test_apply_lfs_refuses_a_missing_id(ids, shown):
    from weaklabel import ABSTAIN, apply_lfs, labeling_function

    @labeling_function()
    def anything(x):
        return ABSTAIN

    data = pd.DataFrame({"key": pd.Series(ids, dtype=object if None in ids else None), "t": 1})
    with pytest.raises(DataError, match=rf"id column 'key' has no id at row 1 \({shown}\)"):
        apply_lfs([anything], data, cardinality=2, id_column="key")


def test_malformed_gold_on_the_command_line(fixtures, tmp_path, capsys):
    gold = tmp_path / "gold.csv"
    gold.write_text("comment_id,truth\n" + "".join(f"c{i},--1\n" for i in range(1, 9)))
    votes_path = tmp_path / "votes.npz"
    argv = [
        "apply",
        "--data",
        str(fixtures / "comments.csv"),
        "--lfs",
        str(fixtures / "tiny_lfs.py"),
    ]
    assert main([*argv, "--out", str(votes_path), "--text-column", "body", "-q"]) == 0
    out = tmp_path / "m.json"
    fit = ["fit", "--votes", str(votes_path), "--out", str(out), "--data", str(gold)]
    code = main([*fit, "--gold-column", "truth", "-q"])
    captured = capsys.readouterr()
    assert code == 1
    assert_one_paragraph(captured, "row 0 is '--1', which is not a class", "Valid forms")
    assert not out.exists()


def test_running_out_of_memory_is_one_paragraph(votes_path, tmp_path, capsys, monkeypatch):
    """A huge --cardinality allocates rows x classes (or LFs x classes x classes) floats."""
    from weaklabel.models import DawidSkene

    def huge(self, *args, **kwargs):
        raise MemoryError("Unable to allocate 7.63 GiB for an array with shape (32000, 32000)")

    monkeypatch.setattr(DawidSkene, "fit", huge)
    out = tmp_path / "m.json"
    code = main(["fit", "--votes", str(votes_path), "--out", str(out), "--model", "dawid-skene"])
    captured = capsys.readouterr()
    assert code == 1
    assert_one_paragraph(
        captured,
        "weaklabel ran out of memory while running `weaklabel fit` (Unable to allocate 7.63 GiB",
        "--cardinality K, K in 2..32766",
    )
    assert not out.exists()
