"""``votes=True`` (``--votes``): every row carries the LF votes cast on it, confidences included,
in each format; the votes must be the run's, and chat refuses them."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import datasets
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from weaklabel import DataError, ParameterError, VoteMatrix
from weaklabel.cli import main
from weaklabel.export import export

FIXTURES = Path(__file__).parent.parent / "fixtures"
SPLIT = {"train": 0.5, "test": 0.5}
TABLE_FORMATS = ("jsonl", "csv", "parquet", "hf")

# LFs that state their confidence (a row LF as a pair, a vectorized LF as two arrays) beside one
# that states none (1.0)
CONFIDENT_LFS = """
import numpy as np
from weaklabel import ABSTAIN, labeling_function

CLASSES = ("ham", "spam")


@labeling_function()
def link(x):
    return (1, 0.7) if "http" in x.text or "www." in x.text else ABSTAIN


@labeling_function()
def channel(x):
    return 1 if "channel" in x.text.lower() else ABSTAIN


@labeling_function()
def short(x):
    return (0, 0.25) if len(x.text.split()) <= 4 else ABSTAIN


@labeling_function(vectorized=True)
def song(frame):
    hit = frame["text"].str.lower().str.contains("song|listening").to_numpy()
    return np.where(hit, 0, ABSTAIN), np.where(hit, 0.9, 1.0)
"""

# tests/fixtures/comments.csv under CONFIDENT_LFS, worked out by hand: LF column order
# (link, channel, short, song); c7 has no vote
EXPECTED = {
    "c1": [("channel", "spam", 1.0)],
    "c2": [("short", "ham", 0.25), ("song", "ham", 0.9)],
    "c3": [("link", "spam", 0.7), ("short", "ham", 0.25)],
    "c4": [("song", "ham", 0.9)],
    "c5": [("short", "ham", 0.25)],
    "c6": [("link", "spam", 0.7)],
    "c7": [],
    "c8": [("channel", "spam", 1.0)],
}


def as_dicts(votes: list[tuple[str, str, float]]) -> list[dict]:
    return [{"lf": lf, "label": label, "confidence": c} for lf, label, c in votes]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def confident_run(tmp_path_factory) -> Path:
    """A run on tests/fixtures/comments.csv whose LFs vote with confidences (EXPECTED)."""
    folder = tmp_path_factory.mktemp("confident")
    lfs = folder / "confident_lfs.py"
    lfs.write_text(CONFIDENT_LFS, encoding="utf-8")
    out = folder / "run"
    code = main(["-q", "run", "--data", str(FIXTURES / "comments.csv"), "--lfs", str(lfs),
                 "--out", str(out), "--text-column", "body", "--id-column", "comment_id",
                 "--no-end-model"])  # fmt: skip
    assert code == 0
    assert VoteMatrix.load(out / "votes.npz").has_confidences
    return out


def read_votes(out: Path, format: str, splits=("train",)) -> dict:
    """The ``votes`` of every exported row, by id, read back with each format's own reader."""
    found: dict = {}
    if format == "hf":
        loaded = datasets.load_from_disk(str(out))
        assert list(loaded) == list(splits)
        for part in loaded.values():
            found |= {row["id"]: row["votes"] for row in part}
        return found
    for split in splits:
        path = out / f"{split}.{format}"
        if format == "jsonl":
            found |= {r["id"]: r["votes"] for r in read_jsonl(path)}
        elif format == "csv":
            with path.open(encoding="utf-8", newline="") as handle:
                found |= {r["id"]: json.loads(r["votes"]) for r in csv.DictReader(handle)}
        else:
            found |= {r["id"]: r["votes"] for r in pq.read_table(path).to_pylist()}
    return found


def run_votes(run: Path) -> dict:
    """Each row's votes as VoteMatrix says, by the id labels.jsonl gives that row."""
    matrix = VoteMatrix.load(run / "votes.npz")
    ids = [r["id"] for r in read_jsonl(run / "labels.jsonl")]
    assert matrix.class_names is not None and len(ids) == matrix.n_rows
    names, classes = matrix.lf_names, matrix.class_names
    lfs, labels, conf = matrix.lfs.tolist(), matrix.labels().tolist(), matrix.confidences()
    indptr = matrix.indptr.tolist()
    return {
        ids[i]: [
            (names[lfs[j]], classes[labels[j]], float(conf[j]))
            for j in range(indptr[i], indptr[i + 1])
        ]
        for i in range(len(ids))
    }


def assert_votes(found: list[dict], expected: list[tuple[str, str, float]], *, single: bool):
    """``found`` holds ``expected`` in order; confidences equal (as float32 for ``hf``, and
    against VoteMatrix's float32-widened values when ``single``)."""
    assert [(v["lf"], v["label"]) for v in found] == [(lf, label) for lf, label, _ in expected]
    assert all(set(v) == {"lf", "label", "confidence"} for v in found)
    got = [v["confidence"] for v in found]
    want = [c for _, _, c in expected]
    if single:
        assert np.array_equal(np.float32(got), np.float32(want))
    else:
        assert got == want


@pytest.mark.parametrize("format", TABLE_FORMATS)
def test_each_format_carries_the_runs_votes_row_by_row(confident_run, tmp_path, format):
    out = tmp_path / "out"
    result = export(confident_run, out, format=format, votes=True, split=SPLIT, dedupe=False,
                    seed=3, progress=False)  # fmt: skip
    assert result.rows["train"] > 0 and result.rows["test"] > 0
    found = read_votes(out, format, splits=("train", "test"))
    assert sorted(found) == sorted(EXPECTED)
    for row_id, expected in EXPECTED.items():
        # hf stores float32; the text formats the shortest decimal of the stored float32: 0.7
        assert_votes(found[row_id], expected, single=format == "hf")
    assert found["c7"] == []
    assert run_votes(confident_run).keys() == EXPECTED.keys()
    for row_id, expected in run_votes(confident_run).items():  # EXPECTED is what the run says
        assert_votes(found[row_id], expected, single=True)


def test_jsonl_keeps_every_other_field_and_writes_tidy_confidences(confident_run, tmp_path):
    export(confident_run, tmp_path / "plain", dedupe=False, progress=False)
    export(confident_run, tmp_path / "votes", votes=True, dedupe=False, progress=False)
    plain = read_jsonl(tmp_path / "plain" / "train.jsonl")
    with_votes = read_jsonl(tmp_path / "votes" / "train.jsonl")
    assert [list(r) for r in with_votes] == [[*r, "votes"] for r in plain]
    assert [{k: v for k, v in r.items() if k != "votes"} for r in with_votes] == plain
    assert {r["id"]: r["votes"] for r in with_votes} == {
        k: as_dicts(v) for k, v in EXPECTED.items()
    }
    line = (tmp_path / "votes" / "train.jsonl").read_text().splitlines()[2]  # c3
    assert '"votes": [{"lf": "link", "label": "spam", "confidence": 0.7}, ' in line


def test_csv_has_a_last_votes_column_of_compact_json(confident_run, tmp_path):
    export(confident_run, tmp_path / "out", format="csv", votes=True, dedupe=False,
           progress=False)  # fmt: skip
    with (tmp_path / "out" / "train.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["id", "text", "label", "confidence", "source", "prob_ham", "prob_spam",
                       "votes"]  # fmt: skip
    cells = {row[0]: row[-1] for row in rows[1:]}
    assert cells["c7"] == "[]"
    assert cells["c6"] == '[{"lf":"link","label":"spam","confidence":0.7}]'
    assert {k: json.loads(v) for k, v in cells.items()} == {
        k: as_dicts(v) for k, v in EXPECTED.items()
    }


def test_parquet_votes_are_a_list_of_structs(confident_run, tmp_path):
    export(confident_run, tmp_path / "out", format="parquet", votes=True, dedupe=False,
           progress=False)  # fmt: skip
    table = pq.read_table(tmp_path / "out" / "train.parquet")
    assert table.schema.names[-1] == "votes"
    assert table.schema.field("votes").type == pa.list_(
        pa.struct([("lf", pa.string()), ("label", pa.string()), ("confidence", pa.float64())])
    )
    assert dict(zip(table["id"].to_pylist(), table["votes"].to_pylist(), strict=True)) == {
        k: as_dicts(v) for k, v in EXPECTED.items()
    }


def test_hf_votes_load_as_a_list_of_dicts(confident_run, tmp_path):
    export(confident_run, tmp_path / "out", format="hf", votes=True, dedupe=False,
           progress=False)  # fmt: skip
    part = datasets.load_from_disk(str(tmp_path / "out"))["train"]
    assert part.features.arrow_schema.field("votes").type == pa.list_(
        pa.struct([("lf", pa.string()), ("label", pa.string()), ("confidence", pa.float32())])
    )
    rows = {row["id"]: row["votes"] for row in part}
    assert rows["c7"] == []
    assert isinstance(rows["c2"], list) and all(isinstance(v, dict) for v in rows["c2"])
    for row_id, expected in EXPECTED.items():
        assert_votes(rows[row_id], expected, single=True)
    assert part[2]["votes"][0]["confidence"] == pytest.approx(0.7, rel=1e-7)


def test_filters_and_splits_keep_each_row_with_its_own_votes(demo_run, tmp_path):
    split = {"train": 0.8, "validation": 0.1, "test": 0.1}
    result = export(demo_run, tmp_path / "out", votes=True, split=split, min_confidence=0.6,
                    drop_uncovered=True, max_per_class=500, seed=7, progress=False)  # fmt: skip
    assert set(result.removed) == {"uncovered", "min_confidence", "dedupe", "max_per_class"}
    found = read_votes(tmp_path / "out", "jsonl", splits=tuple(split))
    assert len(found) == sum(result.rows.values())
    expected = run_votes(demo_run)
    sources = {r["id"]: r["source"] for r in read_jsonl(demo_run / "labels.jsonl")}
    for row_id, votes in found.items():
        assert_votes(votes, expected[row_id], single=False)
        assert votes or sources[row_id] != "lf"  # drop_uncovered used the same votes
    assert max(len(v) for v in found.values()) > 1
    plain = export(demo_run, tmp_path / "plain", split=split, min_confidence=0.6,
                   drop_uncovered=True, max_per_class=500, seed=7, progress=False)  # fmt: skip
    assert (plain.rows, plain.removed) == (result.rows, result.removed)
    for name in split:  # the same rows in the same order, with or without the votes
        ids = [r["id"] for r in read_jsonl(tmp_path / "plain" / f"{name}.jsonl")]
        assert ids == [r["id"] for r in read_jsonl(tmp_path / "out" / f"{name}.jsonl")]


def test_uncovered_rows_get_an_empty_list(demo_run, tmp_path):
    export(demo_run, tmp_path / "out", format="parquet", votes=True, dedupe=False,
           progress=False)  # fmt: skip
    found = read_votes(tmp_path / "out", "parquet")
    counts = VoteMatrix.load(demo_run / "votes.npz").votes_per_row()
    assert sum(v == [] for v in found.values()) == int(np.sum(counts == 0)) > 0


def test_without_votes_no_row_has_them(confident_run, tmp_path):
    export(confident_run, tmp_path / "out", format="parquet", progress=False)
    assert "votes" not in pq.read_table(tmp_path / "out" / "train.parquet").schema.names
    assert "`votes`" not in (tmp_path / "out" / "README.md").read_text()


def test_the_card_says_the_rows_carry_their_votes(confident_run, tmp_path):
    export(confident_run, tmp_path / "out", format="csv", votes=True, progress=False)
    card = (tmp_path / "out" / "README.md").read_text()
    assert "Each row also has `votes`: the votes the labeling functions cast on it" in card
    assert "as compact JSON in one cell" in card


def test_chat_refuses_votes(confident_run, tmp_path, capsys):
    with pytest.raises(ParameterError) as error:
        export(confident_run, tmp_path / "o", format="chat", votes=True, progress=False)
    message = str(error.value)
    assert "The 'votes' parameter of export must be False with format='chat'" in message
    assert "Chat lines carry messages only" in message and "jsonl" in message
    code = main(["export", str(confident_run), "--out", str(tmp_path / "o"), "--format", "chat",
                 "--votes"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "'votes' parameter" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_votes_must_be_a_bool(confident_run, tmp_path):
    with pytest.raises(ParameterError, match="'votes' parameter of export must be True or False"):
        export(confident_run, tmp_path / "o", votes="yes", progress=False)  # type: ignore[arg-type]


def test_a_missing_votes_file_is_named(confident_run, copy_run, tmp_path):
    run = copy_run(confident_run)
    (run / "votes.npz").unlink()
    with pytest.raises(DataError) as error:
        export(run, tmp_path / "o", votes=True, progress=False)
    assert f"{run / 'votes.npz'}: no such file" in str(error.value)
    assert "Run `weaklabel run` again" in str(error.value)
    assert not (tmp_path / "o").exists()
    export(run, tmp_path / "o", progress=False)  # without the votes, the file is not needed


def test_votes_with_another_row_count_are_refused(confident_run, copy_run, tmp_path):
    run = copy_run(confident_run)
    VoteMatrix.load(run / "votes.npz")[:5].save(run / "votes.npz")
    for drop_uncovered in (False, True):
        with pytest.raises(DataError) as error:
            export(run, tmp_path / "o", votes=True, drop_uncovered=drop_uncovered,
                   progress=False)  # fmt: skip
        assert str(error.value) == (
            f"{run / 'votes.npz'} has 5 rows but {run / 'labels.jsonl'} has 8: they are not "
            "from the same run. Run `weaklabel run` again."
        )
    assert not (tmp_path / "o").exists()


def test_votes_of_another_run_are_refused(confident_run, demo_run, copy_run, tmp_path):
    run = copy_run(confident_run)
    shutil.copy(demo_run / "votes.npz", run / "votes.npz")
    with pytest.raises(DataError) as error:
        export(run, tmp_path / "o", format="hf", votes=True, progress=False)
    assert str(error.value).startswith(f"{run / 'votes.npz'} has the LFs has_link, ")
    assert "they are not from the same run. Run `weaklabel run` again." in str(error.value)
    assert not (tmp_path / "o").exists()


def test_a_truncated_labels_file_is_refused(confident_run, copy_run, tmp_path):
    run = copy_run(confident_run)
    lines = (run / "labels.jsonl").read_text().splitlines(keepends=True)
    (run / "labels.jsonl").write_text("".join(lines[:-1]))
    with pytest.raises(DataError, match=r"has 8 rows but .* has 7: they are not from the same run"):
        export(run, tmp_path / "o", format="csv", votes=True, progress=False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lf_names": ["a", "b", "c", "d"]}, "has the LFs a, b, c, d but"),
        ({"class_names": ["no", "yes"]}, "has the classes no, yes but"),
    ],
)
def test_votes_with_other_lfs_or_classes_are_refused(confident_run, copy_run, tmp_path, change,
                                                     message):  # fmt: skip
    run = copy_run(confident_run)
    matrix = VoteMatrix.load(run / "votes.npz")
    parts = {"lf_names": matrix.lf_names, "class_names": matrix.class_names} | change
    VoteMatrix.from_csr_parts(matrix.indptr, matrix.lfs, matrix.labels(),
                              cardinality=matrix.cardinality, row_ids=matrix.row_ids,
                              confidences=matrix.confidences(), **parts).save(
        run / "votes.npz"
    )  # fmt: skip
    with pytest.raises(DataError, match=message) as error:
        export(run, tmp_path / "o", votes=True, progress=False)
    assert "they are not from the same run. Run `weaklabel run` again." in str(error.value)


def test_the_cli_flag(confident_run, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "--votes" in capsys.readouterr().out
    out = tmp_path / "out"
    assert main(["-q", "export", str(confident_run), "--out", str(out), "--votes",
                 "--no-dedupe"]) == 0  # fmt: skip
    assert {r["id"]: r["votes"] for r in read_jsonl(out / "train.jsonl")} == {
        k: as_dicts(v) for k, v in EXPECTED.items()
    }
    assert main(["-q", "export", str(confident_run), "--out", str(tmp_path / "plain")]) == 0
    assert "votes" not in read_jsonl(tmp_path / "plain" / "train.jsonl")[0]
