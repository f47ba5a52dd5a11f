"""Filters count the rows they remove exactly; splits are stratified, seeded and keep one text on
one side; caps, balance and the gold modes."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from weaklabel import VoteMatrix
from weaklabel.cli import main
from weaklabel.export import export

SPLIT = {"train": 0.8, "validation": 0.1, "test": 0.1}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def exported(out: Path, splits=("train",)) -> dict[str, list[dict]]:
    return {s: read_jsonl(out / f"{s}.jsonl") for s in splits}


def test_min_confidence_removes_exactly_the_rows_below(demo_run, tmp_path):
    labels = read_jsonl(demo_run / "labels.jsonl")
    result = export(demo_run, tmp_path / "out", min_confidence=0.9, dedupe=False,
                    progress=False)  # fmt: skip
    below = sum(r["confidence"] < 0.9 for r in labels)
    assert 0 < below < len(labels)
    assert result.removed == {"min_confidence": below}
    rows = exported(tmp_path / "out")["train"]
    assert len(rows) == len(labels) - below and min(r["confidence"] for r in rows) >= 0.9


def test_drop_uncovered_uses_the_votes_and_keeps_other_sources(demo_run, copy_run, tmp_path):
    run = copy_run(demo_run)
    labels = read_jsonl(run / "labels.jsonl")
    counts = VoteMatrix.load(run / "votes.npz").votes_per_row()
    uncovered = np.flatnonzero(counts == 0)
    labels[int(uncovered[0])]["source"] = "end-model"  # an end model labels uncovered rows
    write_jsonl(run / "labels.jsonl", labels)
    result = export(run, tmp_path / "out", drop_uncovered=True, dedupe=False, progress=False)
    assert result.removed == {"uncovered": len(uncovered) - 1}
    kept = {r["id"] for r in exported(tmp_path / "out")["train"]}
    assert labels[int(uncovered[0])]["id"] in kept
    assert not any(labels[int(i)]["id"] in kept for i in uncovered[1:])


def test_dedupe_keeps_the_most_confident_of_each_normalised_text(csv_run, copy_run, tmp_path):
    run = copy_run(csv_run)
    labels = read_jsonl(run / "labels.jsonl")
    labels[3]["text"] = "  LOVE this   song "  # same as row 1 ("love this song") once normalised
    labels[1]["confidence"], labels[3]["confidence"] = 0.6, 0.7
    labels[5]["text"] = labels[4]["text"]  # an exact copy, equally confident: the first stays
    labels[5]["confidence"] = labels[4]["confidence"]
    write_jsonl(run / "labels.jsonl", labels)
    result = export(run, tmp_path / "out", progress=False)
    assert result.removed == {"dedupe": 2}
    ids = [r["id"] for r in exported(tmp_path / "out")["train"]]
    assert ids == ["c1", "c3", "c4", "c5", "c7", "c8"]
    assert export(run, tmp_path / "all", dedupe=False, progress=False).removed == {}


def test_max_per_class_and_balance(demo_run, tmp_path):
    capped = export(demo_run, tmp_path / "cap", max_per_class=300, progress=False)
    counts = Counter(r["label"] for r in exported(tmp_path / "cap")["train"])
    assert counts == {"ham": 300, "spam": 300}
    assert capped.removed["max_per_class"] == capped.n_input - capped.removed["dedupe"] - 600
    balanced = export(demo_run, tmp_path / "bal", balance=True, progress=False)
    counts = Counter(r["label"] for r in exported(tmp_path / "bal")["train"])
    share = json.loads((demo_run / "run.json").read_text())["label_model"]["class_balance"]
    total = counts["ham"] + counts["spam"]
    assert abs(counts["ham"] / total - share[0]) < 0.002 and balanced.removed["balance"] > 0
    assert balanced.rows["train"] == total


def test_gold_include_exclude_only(mixed_run, tmp_path):
    assert export(mixed_run, tmp_path / "a", progress=False).rows == {"train": 8}
    excluded = export(mixed_run, tmp_path / "b", gold="exclude", progress=False)
    assert excluded.removed == {"gold": 1, "dedupe": 0} and excluded.rows == {"train": 7}
    assert all(r["source"] != "gold" for r in exported(tmp_path / "b")["train"])
    only = export(mixed_run, tmp_path / "c", gold="only", progress=False)
    assert only.removed["gold"] == 7 and [r["id"] for r in exported(tmp_path / "c")["train"]] == [
        "c1"
    ]


def test_splits_are_stratified_and_seeded(demo_run, tmp_path):
    def split_ids(seed, name):
        export(demo_run, tmp_path / name, split=SPLIT, seed=seed, progress=False)
        return {s: [r["id"] for r in rows] for s, rows in
                exported(tmp_path / name, SPLIT).items()}  # fmt: skip

    first, again, other = split_ids(1, "a"), split_ids(1, "b"), split_ids(2, "c")
    assert first == again and first != other
    rows = exported(tmp_path / "a", SPLIT)
    total = sum(len(r) for r in rows.values())
    overall = sum(r["label"] == "spam" for part in rows.values() for r in part) / total
    for name, share in SPLIT.items():
        part = rows[name]
        assert abs(len(part) / total - share) < 0.01
        assert abs(sum(r["label"] == "spam" for r in part) / len(part) - overall) < 0.02


def test_one_normalised_text_never_on_two_sides(demo_run, copy_run, tmp_path):
    run = copy_run(demo_run)
    labels = read_jsonl(run / "labels.jsonl")
    for i in range(0, 600, 3):  # many texts repeated with other case and spaces
        labels[i + 1]["text"] = labels[i]["text"].upper() + "  "
    write_jsonl(run / "labels.jsonl", labels)
    export(run, tmp_path / "out", split=SPLIT, dedupe=False, seed=5, progress=False)
    rows = exported(tmp_path / "out", SPLIT)
    assert sum(len(r) for r in rows.values()) == len(labels)
    sides: dict[str, set[str]] = {}
    for name, part in rows.items():
        for r in part:
            sides.setdefault(norm(r["text"]), set()).add(name)
    assert max(len(s) for s in sides.values()) == 1


def test_the_cli_prints_what_each_filter_removed(demo_run, tmp_path, capsys):
    code = main(["export", str(demo_run), "--out", str(tmp_path / "out"), "--min-confidence",
                 "0.9", "--split", "train=0.9,test=0.1"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    result = export(demo_run, tmp_path / "again", min_confidence=0.9,
                    split={"train": 0.9, "test": 0.1}, progress=False)  # fmt: skip
    for name, n in result.removed.items():
        assert f"{name:<15} removed {n:>10,}" in out
    for name, n in result.rows.items():
        assert f"{name:<15} {n:>10,} rows" in out


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("split", {"train": 0.8, "test": 0.3}, "sum to 1.1"),
        ("split", {"train": 1.0, "bad name": 0.0}, "letters, digits"),
        ("split", {"train": -1, "test": 2}, "must be a number > 0"),
        ("min_confidence", 1.5, "'min_confidence' parameter of export must be a float"),
        ("max_per_class", 0, "'max_per_class' parameter of export must be an int >= 1"),
        ("gold", "some", "'gold' parameter of export must be one of"),
        ("format", "xml", "'format' parameter of export must be one of"),
        ("system", "Hi", "'system' parameter of export must be None unless format='chat'"),
    ],
)
def test_bad_options_name_the_parameter(csv_run, tmp_path, option, value, message):
    from weaklabel import ParameterError

    with pytest.raises(ParameterError, match=message):
        export(csv_run, tmp_path / "out", progress=False, **{option: value})
    assert not (tmp_path / "out").exists()
