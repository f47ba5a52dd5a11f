"""Every format reads back to the labels it was written from: jsonl, chat, csv, parquet, hf."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pandas as pd
import pytest

from weaklabel.cli import main
from weaklabel.export import export

KEYS = ("id", "text", "label", "probs", "confidence", "source")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def by_id(run: Path) -> dict:
    return {r["id"]: r for r in read_jsonl(run / "labels.jsonl")}


def test_jsonl_round_trip(mixed_run, tmp_path):
    result = export(mixed_run, tmp_path / "out", progress=False)
    rows = read_jsonl(tmp_path / "out" / "train.jsonl")
    labels = read_jsonl(mixed_run / "labels.jsonl")
    assert rows == [{k: r[k] for k in KEYS} for r in labels]
    assert result.rows == {"train": 8} and result.n_input == 8
    assert result.sources == {"lf": 5, "end-model": 2, "both": 0, "gold": 1}
    assert {p.name for p in result.files} == {"train.jsonl", "README.md"}


def test_chat_round_trip_through_the_verbalizer_with_a_data_column(mixed_run, tmp_path, capsys):
    verbalizer = tmp_path / "answers.json"
    verbalizer.write_text(json.dumps({"ham": "Not spam", "spam": "Spam"}))
    code = main(["export", str(mixed_run), "--format", "chat", "--out", str(tmp_path / "out"),
                 "--system", "Is this comment spam?", "--user-template",
                 "{author} wrote: {text}", "--verbalizer", str(verbalizer), "-q"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    answers = {"Not spam": "ham", "Spam": "spam"}
    data = pd.read_csv(Path(__file__).parent.parent / "fixtures" / "comments.csv")
    authors = dict(zip(data["body"], data["author"], strict=True))
    labels = {r["text"]: r["label"] for r in read_jsonl(mixed_run / "labels.jsonl")}
    lines = (tmp_path / "out" / "train.jsonl").read_text().splitlines()
    assert len(lines) == len(labels) == 8
    for line in lines:
        record = json.loads(line)
        assert list(record) == ["messages"]
        system, user, assistant = record["messages"]
        assert [m["role"] for m in record["messages"]] == ["system", "user", "assistant"]
        assert system["content"] == "Is this comment spam?"
        author, _, text = user["content"].partition(" wrote: ")
        assert authors[text] == author
        assert answers[assistant["content"]] == labels[text]


def test_chat_without_a_system_prompt_has_two_messages_and_class_names(csv_run, tmp_path):
    export(csv_run, tmp_path / "out", format="chat", progress=False)
    labels = read_jsonl(csv_run / "labels.jsonl")
    for line, label in zip(read_jsonl(tmp_path / "out" / "train.jsonl"), labels, strict=True):
        user, assistant = line["messages"]
        assert (user["content"], assistant["content"]) == (label["text"], label["label"])


@pytest.mark.parametrize("format", ["csv", "parquet"])
def test_tables_read_back_with_pandas(mixed_run, tmp_path, format):
    export(mixed_run, tmp_path / "out", format=format, split={"train": 0.5, "test": 0.5},
           progress=False)  # fmt: skip
    read = pd.read_csv if format == "csv" else pd.read_parquet
    frame = pd.concat([read(tmp_path / "out" / f"{s}.{format}") for s in ("train", "test")])
    assert list(frame.columns) == ["id", "text", "label", "confidence", "source", "prob_ham",
                                   "prob_spam"]  # fmt: skip
    labels = by_id(mixed_run)
    assert sorted(frame["id"]) == sorted(labels)
    for row in frame.to_dict("records"):
        expected = labels[row["id"]]
        assert (row["text"], row["label"], row["source"]) == (
            expected["text"], expected["label"], expected["source"])  # fmt: skip
        assert row["confidence"] == expected["confidence"]
        assert [row["prob_ham"], row["prob_spam"]] == [
            expected["probs"][c] for c in ("ham", "spam")
        ]


def test_hf_folder_loads_with_class_labels_and_probs(demo_run, tmp_path):
    split = {"train": 0.8, "validation": 0.1, "test": 0.1}
    result = export(demo_run, tmp_path / "out", format="hf", split=split, progress=False)
    loaded = datasets.load_from_disk(str(tmp_path / "out"))
    assert list(loaded) == ["train", "validation", "test"]
    labels = by_id(demo_run)
    for name, part in loaded.items():
        assert part.features["label"].names == ["ham", "spam"]
        assert part.features["probs"].feature.dtype == "float32"
        assert part.num_rows == result.rows[name] > 0
        for row in part.select(range(0, part.num_rows, 37)):
            expected = labels[row["id"]]
            assert part.features["label"].int2str(row["label"]) == expected["label"]
            assert row["probs"] == pytest.approx([expected["probs"]["ham"],
                                                  expected["probs"]["spam"]], rel=1e-6)  # fmt: skip
            assert row["text"] == expected["text"]
    assert sum(result.rows.values()) == sum(p.num_rows for p in loaded.values())


def test_integer_ids_stay_integers(demo_run, tmp_path, copy_run):
    run = copy_run(demo_run)
    records = read_jsonl(run / "labels.jsonl")[:50]
    for i, record in enumerate(records):
        record["id"] = i * 10
    (run / "labels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    export(run, tmp_path / "pq", format="parquet", dedupe=False, progress=False)
    assert pd.read_parquet(tmp_path / "pq" / "train.parquet")["id"].tolist() == list(
        range(0, 500, 10)
    )
    export(run, tmp_path / "hf", format="hf", dedupe=False, progress=False)
    assert datasets.load_from_disk(str(tmp_path / "hf"))["train"]["id"][:3] == [0, 10, 20]
