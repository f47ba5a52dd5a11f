"""`weaklabel run` with the end model: final labels, sources, scores, run.json, predict, export."""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest

from weaklabel import VoteMatrix
from weaklabel.cli import main
from weaklabel.endmodel import EndModel
from weaklabel.export import export

pytest.importorskip("sklearn")  # the endmodel extra: `make test` installs it, so this never skips


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def youtube_csv(tmp_path_factory):
    """The bundled YouTube comments as a CSV, with gold in `label` (scored, never trained on)."""
    from weaklabel.datasets import load_youtube_spam

    path = tmp_path_factory.mktemp("yt") / "comments.csv"
    load_youtube_spam().sample(600, random_state=0).to_csv(path, index=False)
    return path


def run(youtube_csv, out, *extra):
    argv = ["run", "--data", str(youtube_csv), "--lfs", "labeling_functions/spam.py",
            "--out", str(out), "--id-column", "id", "--gold-column", "label",
            *map(str, extra)]  # fmt: skip
    return main(argv)


@pytest.fixture(scope="module")
def end_run(youtube_csv, tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "out"
    assert run(youtube_csv, out, "-q") == 0
    return out


def test_the_end_model_labels_every_row_and_both_models_probabilities_are_kept(end_run):
    records = read_jsonl(end_run / "labels.jsonl")
    assert {r["source"] for r in records} == {"end-model"}
    end = EndModel.load(end_run / "end_model.npz")
    assert end.n_classes_ == 2 and end.n_rows_ == len(records)
    for r in records:
        assert r["probs"] == pytest.approx(r["end_model_probs"], abs=1e-15)
        assert r["label_model_probs"] is not None
        assert r["label"] == max(r["probs"], key=r["probs"].get)
    # the end model is not the label model: on rows no LF voted for, the label model only has
    # one distribution for all of them, and the end model reads each text
    votes = VoteMatrix.load(end_run / "votes.npz")
    uncovered = np.flatnonzero(votes.votes_per_row() == 0)
    assert len(uncovered) > 10
    lm = {round(records[i]["label_model_probs"]["spam"], 9) for i in uncovered}
    em = {round(records[i]["end_model_probs"]["spam"], 9) for i in uncovered}
    assert len(lm) == 1 and len(em) > len(uncovered) // 2


def test_the_scores_put_the_end_model_on_its_own_line_and_run_json_describes_it(
    youtube_csv, tmp_path, capsys
):
    assert run(youtube_csv, tmp_path / "out") == 0
    printed = capsys.readouterr().out
    lines = {line.split()[0]: float(line.split()[1]) for line in printed.splitlines()
             if line.startswith("  ") and line.split()[0] in ("label-model", "majority-vote",
                                                               "end-model")}  # fmt: skip
    assert set(lines) == {"label-model", "majority-vote", "end-model"}
    info = json.loads((tmp_path / "out" / "run.json").read_text())
    assert info["scores"]["end-model"]["accuracy"] == pytest.approx(lines["end-model"], abs=1e-4)
    # the line is the accuracy of the final labels: they are the end model's by default
    gold = pd.read_csv(youtube_csv).set_index("id")["label"]
    records = read_jsonl(tmp_path / "out" / "labels.jsonl")
    final = np.mean([gold[r["id"]] == r["label"] for r in records])
    assert final == pytest.approx(lines["end-model"], abs=1e-4)
    block = info["end_model"]
    assert block["policy"] == "end-model" and block["n_rows"] == 600 and block["gold_rows"] == 0
    covered = VoteMatrix.load(tmp_path / "out" / "votes.npz").votes_per_row() > 0
    assert block["trained_on"] == covered.sum() < 600  # rows without a vote: the prior, left out
    assert block["params"]["n_folds"] == 5 and block["params"]["random_state"] == 0
    assert block["cv_log_loss"] > 0 and 0.5 < block["cv_agreement"] <= 1
    assert 0.05 <= block["temperature"] <= 20 and block["temperature"] != 1.0  # learned out of fold
    assert 0.5 < block["agreement_with_label_model"] <= 1


def test_no_end_model_leaves_the_label_model_s_labels(youtube_csv, end_run, tmp_path, capsys):
    out = tmp_path / "plain"
    assert run(youtube_csv, out, "--no-end-model") == 0
    assert "end-model" not in capsys.readouterr().out
    assert not (out / "end_model.npz").exists()
    assert json.loads((out / "run.json").read_text())["end_model"] is None
    plain, with_end = read_jsonl(out / "labels.jsonl"), read_jsonl(end_run / "labels.jsonl")
    for a, b in zip(plain, with_end, strict=True):
        assert a["source"] == "lf" and a["end_model_probs"] is None
        assert a["probs"] == a["label_model_probs"] == b["label_model_probs"]


def test_lf_first_keeps_the_label_model_where_an_lf_voted(youtube_csv, end_run, tmp_path, capsys):
    out = tmp_path / "lf-first"
    assert run(youtube_csv, out, "--final-label", "lf-first") == 0
    assert "  final (lf-first) " in capsys.readouterr().out
    covered = VoteMatrix.load(out / "votes.npz").votes_per_row() > 0
    for r, c in zip(read_jsonl(out / "labels.jsonl"), covered, strict=True):
        assert r["source"] == ("lf" if c else "end-model")
        expected = r["label_model_probs"] if c else r["end_model_probs"]
        assert r["probs"] == pytest.approx(expected, abs=1e-15)


def test_annotations_train_the_end_model_and_keep_their_label(youtube_csv, tmp_path):
    data = pd.read_csv(youtube_csv)
    flipped = {"spam": "ham", "ham": "spam"}
    annotated = data.head(40)  # people who label these rows the opposite of the truth
    table = pd.DataFrame({"item": annotated["id"], "annotator": "ann",
                          "label": annotated["label"].map(flipped)})  # fmt: skip
    table.to_csv(tmp_path / "a.csv", index=False)
    out = tmp_path / "out"
    assert run(youtube_csv, out, "-q", "--annotations", tmp_path / "a.csv") == 0
    records = {r["id"]: r for r in read_jsonl(out / "labels.jsonl")}
    for row in annotated.itertuples():
        r = records[row.id]
        assert r["source"] == "gold" and r["label"] == flipped[row.label] and r["confidence"] == 1
    assert json.loads((out / "run.json").read_text())["end_model"]["gold_rows"] == 40


def test_predict_with_the_end_model_gives_the_saved_model_s_labels(youtube_csv, end_run, tmp_path):
    out = tmp_path / "pred.jsonl"
    code = main(["-q", "predict", "--votes", str(end_run / "votes.npz"), "--model",
                 str(end_run / "model.json"), "--data", str(youtube_csv), "--id-column", "id",
                 "--end-model", str(end_run / "end_model.npz"), "--out", str(out)])  # fmt: skip
    assert code == 0
    texts = pd.read_csv(youtube_csv)["text"].tolist()
    expected = EndModel.load(end_run / "end_model.npz").predict_proba(texts)
    records = read_jsonl(out)
    got = np.array([[r["probs"]["ham"], r["probs"]["spam"]] for r in records])
    np.testing.assert_allclose(got, expected, atol=1e-12)
    assert {r["source"] for r in records} == {"end-model"}
    # the run's own labels are cross-fitted: close to the full model's, not equal
    run_labels = [r["label"] for r in read_jsonl(end_run / "labels.jsonl")]
    same = np.mean([a["label"] == b for a, b in zip(records, run_labels, strict=True)])
    assert same > 0.9


def test_predict_with_the_end_model_needs_the_texts(end_run, tmp_path, capsys):
    code = main(["predict", "--votes", str(end_run / "votes.npz"), "--model",
                 str(end_run / "model.json"), "--end-model", str(end_run / "end_model.npz"),
                 "--out", str(tmp_path / "p.jsonl")])  # fmt: skip
    assert code != 0
    err = capsys.readouterr().err
    assert "--end-model needs the texts: give --data" in err and "Traceback" not in err


def test_a_text_column_with_one_distinct_text_asks_for_no_end_model(tmp_path, capsys):
    path = tmp_path / "same.csv"
    pd.DataFrame({"text": ["subscribe to my channel"] * 6}).to_csv(path, index=False)
    code = main(["run", "--data", str(path), "--lfs", "labeling_functions/spam.py",
                 "--out", str(tmp_path / "out")])  # fmt: skip
    assert code != 0
    err = capsys.readouterr().err
    assert "at least two different texts" in err and "--no-end-model" in err
    assert not (tmp_path / "out" / "labels.jsonl").exists()


def test_small_data_cross_fits_on_fewer_folds(fixtures, tmp_path):
    out = tmp_path / "out"
    code = main(["-q", "run", "--data", str(fixtures / "empty_text.csv"), "--lfs",
                 str(fixtures / "tiny_lfs.py"), "--out", str(out),
                 "--id-column", "id"])  # fmt: skip
    assert code == 0
    info = json.loads((out / "run.json").read_text())["end_model"]
    texts = pd.read_csv(fixtures / "empty_text.csv")["text"].fillna("")
    distinct = len({" ".join(str(t).casefold().split()) for t in texts})
    assert info["params"]["n_folds"] == min(5, distinct) < 5
    assert info["rows_without_text"] == 1  # an empty cell


def test_without_scikit_learn_the_run_names_the_extra_and_the_way_around(
    youtube_csv, tmp_path, capsys, monkeypatch
):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    assert run(youtube_csv, tmp_path / "out") != 0
    err = capsys.readouterr().err
    assert "pip install 'weaklabel[endmodel]'" in err and "--no-end-model" in err
    assert run(youtube_csv, tmp_path / "out2", "-q", "--no-end-model") == 0


def test_a_real_end_model_run_exports_its_sources(end_run, tmp_path):
    result = export(end_run, tmp_path / "ds", drop_uncovered=True, progress=False)
    # drop_uncovered removes only rows labeled without votes: the end model read them
    assert result.removed.get("uncovered", 0) == 0
    assert result.sources["end-model"] == sum(result.rows.values())
    card = (tmp_path / "ds" / "README.md").read_text()
    assert "an end model relabeled rows" in card and "### End model" in card
