"""The human loop on the command line: run -> select -> annotate -> run --annotations, rounds."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from weaklabel.cli import main


def run_cli(*args: object) -> int:
    return main([str(a) for a in args])


@pytest.fixture
def first_round(fixtures, tmp_path):
    out = tmp_path / "out"
    code = run_cli("-q", "run", "--data", fixtures / "comments.csv", "--lfs",
                   fixtures / "tiny_lfs.py", "--out", out, "--text-column", "body",
                   "--id-column", "comment_id")  # fmt: skip
    assert code == 0
    return out


def annotate(batch: pd.DataFrame, path, truth: dict[str, str], *, flip: str | None = None) -> None:
    """Two annotators label every row of the batch; annotator 'bo' flips one answer."""
    rows = []
    for item in batch["id"]:
        rows.append({"item": item, "annotator": "ann", "label": truth[item]})
        other = "ham" if truth[item] == "spam" else "spam"
        rows.append(
            {"item": item, "annotator": "bo", "label": other if item == flip else truth[item]}
        )
    pd.DataFrame(rows).to_csv(path, index=False)


def test_the_loop_round_after_round(fixtures, tmp_path, first_round, capsys):
    out = first_round
    rounds = [json.loads(line) for line in (out / "rounds.jsonl").read_text().splitlines()]
    assert [r["round"] for r in rounds] == [1] and rounds[0]["gold_labels"] == 0
    batch_path = tmp_path / "batch.csv"
    tasks_path = tmp_path / "tasks.json"
    code = run_cli("-q", "select", "--votes", out / "votes.npz", "--model", out / "model.json",
                   "--n", 3, "--out", batch_path, "--data", fixtures / "comments.csv",
                   "--id-column", "comment_id", "--text-column", "body",
                   "--tasks", tasks_path)  # fmt: skip
    assert code == 0
    batch = pd.read_csv(batch_path)
    assert len(batch) == 3 and {"row", "id", "score", "strategy", "text"} <= set(batch.columns)
    tasks = json.loads(tasks_path.read_text())
    assert [t["data"]["row_id"] for t in tasks] == batch["id"].tolist()  # best first
    assert [t["data"]["text"] for t in tasks] == batch["text"].tolist()
    assert all(t["predictions"][0]["result"][0]["value"]["choices"] for t in tasks)
    data = pd.read_csv(fixtures / "comments.csv")
    truth = dict(zip(data["comment_id"], data["truth"], strict=True))
    annotations = tmp_path / "annotations.csv"
    annotate(batch, annotations, truth, flip=batch["id"].iloc[0])
    code = run_cli("-q", "run", "--data", fixtures / "comments.csv", "--lfs",
                   fixtures / "tiny_lfs.py", "--out", out, "--text-column", "body",
                   "--id-column", "comment_id", "--annotations", annotations)  # fmt: skip
    assert code == 0
    labels = {r["id"]: r for r in map(json.loads, (out / "labels.jsonl").read_text().splitlines())}
    for item in batch["id"].iloc[1:]:  # both annotators agree: the row keeps their label
        assert labels[item]["source"] == "gold" and labels[item]["label"] == truth[item]
        assert labels[item]["confidence"] == 1.0
    assert sum(r["source"] == "gold" for r in labels.values()) == 3
    rounds = [json.loads(line) for line in (out / "rounds.jsonl").read_text().splitlines()]
    assert [r["round"] for r in rounds] == [1, 2]
    assert rounds[1]["gold_labels"] == 3 and rounds[1]["annotators"] == 2
    assert rounds[1]["annotated_items"] == 3
    assert 0.0 <= rounds[1]["percent_agreement"] <= 1.0
    assert "Annotations</h2>" in (out / "report.html").read_text()
    info = json.loads((out / "run.json").read_text())
    assert info["annotations"]["path"] == str(annotations.resolve())
    assert info["annotations"]["annotators"] == 2 and info["annotations"]["gold_labels"] == 3
    assert info["annotations"]["percent_agreement"] == rounds[1]["percent_agreement"]
    gold_row = labels[batch["id"].iloc[1]]  # the model's own probabilities are kept beside
    assert gold_row["label_model_probs"] != gold_row["probs"] or gold_row["confidence"] == 1.0
    # the next batch leaves out what is labeled; blind tasks carry no suggestion
    code = run_cli("-q", "select", "--votes", out / "votes.npz", "--model", out / "model.json",
                   "--n", 5, "--out", batch_path, "--annotations", annotations,
                   "--data", fixtures / "comments.csv", "--id-column", "comment_id",
                   "--text-column", "body", "--tasks", tasks_path, "--blind")  # fmt: skip
    assert code == 0
    assert not set(pd.read_csv(batch_path)["id"]) & set(batch["id"])
    assert all("predictions" not in t for t in json.loads(tasks_path.read_text()))


def test_agreement_prints_the_tables(tmp_path, capsys):
    path = tmp_path / "ann.csv"
    pd.DataFrame(
        {
            "item": [1, 1, 2, 2, 3, 3, 4, 4],
            "annotator": ["a", "b"] * 4,
            "label": ["x", "x", "y", "y", "x", "y", "y", "y"],
        }
    ).to_csv(path, index=False)
    assert run_cli("agreement", "--annotations", path, "--out", tmp_path / "a.csv") == 0
    text = capsys.readouterr().out
    assert "percent agreement    0.750" in text
    assert "Krippendorff's alpha" in text and "Cohen's kappa" in text
    assert "Items to adjudicate" in text
    assert pd.read_csv(tmp_path / "a.csv")["annotator"].tolist() == ["a", "b"]


def test_a_hand_edited_rounds_log_is_refused(fixtures, first_round, capsys):
    with (first_round / "rounds.jsonl").open("a") as handle:
        handle.write("{not json\n")
    code = run_cli("run", "--data", fixtures / "comments.csv", "--lfs", fixtures / "tiny_lfs.py",
                   "--out", first_round, "--text-column", "body")  # fmt: skip
    assert code == 1
    assert "rounds.jsonl, line 2: not valid JSON" in capsys.readouterr().err


def test_annotations_of_unknown_rows_or_classes_are_refused(fixtures, tmp_path, capsys):
    path = tmp_path / "ann.csv"
    pd.DataFrame({"item": ["zz"], "annotator": ["a"], "label": ["spam"]}).to_csv(path, index=False)
    code = run_cli("run", "--data", fixtures / "comments.csv", "--lfs", fixtures / "tiny_lfs.py",
                   "--out", tmp_path / "o", "--text-column", "body", "--id-column", "comment_id",
                   "--annotations", path)  # fmt: skip
    assert code == 1 and "zz" in capsys.readouterr().err
    pd.DataFrame({"item": ["c1"], "annotator": ["a"], "label": ["eggs"]}).to_csv(path, index=False)
    code = run_cli("run", "--data", fixtures / "comments.csv", "--lfs", fixtures / "tiny_lfs.py",
                   "--out", tmp_path / "o", "--text-column", "body", "--id-column", "comment_id",
                   "--annotations", path)  # fmt: skip
    assert code == 1 and "eggs" in capsys.readouterr().err


def test_select_with_the_run_s_labels_ranks_rows_by_the_end_model(fixtures, tmp_path, capsys):
    out = tmp_path / "out"
    assert run_cli("-q", "run", "--data", fixtures / "comments.csv", "--lfs",
                   fixtures / "tiny_lfs.py", "--out", out, "--text-column", "body",
                   "--id-column", "comment_id") == 0  # fmt: skip
    batch_path, tasks_path = tmp_path / "batch.csv", tmp_path / "tasks.json"
    code = run_cli("-q", "select", "--votes", out / "votes.npz", "--model", out / "model.json",
                   "--labels", out / "labels.jsonl", "--n", 3, "--out", batch_path,
                   "--data", fixtures / "comments.csv", "--id-column", "comment_id",
                   "--text-column", "body", "--tasks", tasks_path)  # fmt: skip
    assert code == 0
    batch = pd.read_csv(batch_path)
    assert set(batch["strategy"]) == {"end_model"}
    labels = [json.loads(line) for line in (out / "labels.jsonl").read_text().splitlines()]
    margins = {r["id"]: abs(r["end_model_probs"]["spam"] - r["end_model_probs"]["ham"])
               for r in labels}  # fmt: skip
    least_sure = sorted(margins.values())[:3]
    assert sorted(margins[i] for i in batch["id"]) == pytest.approx(least_sure)
    # the tasks suggest the end model's label: the one the run wrote
    final = {r["id"]: r["label"] for r in labels}
    for task in json.loads(tasks_path.read_text()):
        choice = task["predictions"][0]["result"][0]["value"]["choices"]
        assert choice == [final[task["data"]["row_id"]]]


def test_select_labels_must_be_the_run_s_and_hold_end_model_probs(fixtures, tmp_path, capsys):
    out = tmp_path / "out"
    assert run_cli("-q", "run", "--data", fixtures / "comments.csv", "--lfs",
                   fixtures / "tiny_lfs.py", "--out", out, "--text-column", "body",
                   "--id-column", "comment_id", "--no-end-model") == 0  # fmt: skip
    args = ("select", "--votes", out / "votes.npz", "--model", out / "model.json",
            "--out", tmp_path / "b.csv")  # fmt: skip
    assert run_cli(*args, "--labels", out / "labels.jsonl") == 1
    assert "holds no end_model_probs" in capsys.readouterr().err
    lines = (out / "labels.jsonl").read_text().splitlines()
    swapped = tmp_path / "swapped.jsonl"
    swapped.write_text("\n".join([lines[1], lines[0], *lines[2:]]) + "\n")
    assert run_cli(*args, "--labels", swapped) == 1
    err = capsys.readouterr().err
    assert f"{swapped}, line 1: the row id is 'c2'; the votes' row 0 is 'c1'" in err


def test_select_labels_with_a_bad_probability_name_the_line(fixtures, tmp_path, capsys):
    out = tmp_path / "out"
    assert run_cli("-q", "run", "--data", fixtures / "comments.csv", "--lfs",
                   fixtures / "tiny_lfs.py", "--out", out, "--text-column", "body",
                   "--id-column", "comment_id") == 0  # fmt: skip
    lines = (out / "labels.jsonl").read_text().splitlines()
    record = json.loads(lines[2])
    record["end_model_probs"]["spam"] = "high"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([*lines[:2], json.dumps(record), *lines[3:]]) + "\n")
    code = run_cli("select", "--votes", out / "votes.npz", "--model", out / "model.json",
                   "--out", tmp_path / "b.csv", "--labels", bad)  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert f"{bad}, line 3: end_model_probs must map each of ham, spam to a probability" in err
    assert "Traceback" not in err
