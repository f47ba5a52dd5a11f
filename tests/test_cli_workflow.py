"""The split workflow (apply -> fit -> predict / report / summary) and what it must not lose."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from weaklabel import apply_lfs, load_lfs, read_data
from weaklabel.cli import main


def run_cli(*args: object) -> int:
    return main([str(a) for a in args])


@pytest.fixture
def split(fixtures, tmp_path):
    """``weaklabel apply`` then ``weaklabel fit`` on the comments fixture, ids from comment_id."""
    votes, model = tmp_path / "votes.npz", tmp_path / "model.json"
    data = ["--data", fixtures / "comments.csv", "--id-column", "comment_id"]
    assert run_cli("-q", "apply", *data, "--lfs", fixtures / "tiny_lfs.py", "--out", votes,
                   "--text-column", "body") == 0  # fmt: skip
    assert run_cli("-q", "fit", "--votes", votes, "--out", model) == 0
    return votes, model


def test_predict_writes_the_labels_run_writes(fixtures, tmp_path, split):
    votes, model = split
    labels = tmp_path / "labels.jsonl"
    code = run_cli("-q", "predict", "--votes", votes, "--model", model, "--out", labels,
                   "--data", fixtures / "comments.csv", "--id-column", "comment_id",
                   "--text-column", "body")  # fmt: skip
    assert code == 0
    out = tmp_path / "run"
    assert run_cli("-q", "run", "--data", fixtures / "comments.csv", "--lfs",
                   fixtures / "tiny_lfs.py", "--out", out, "--text-column", "body",
                   "--id-column", "comment_id", "--no-end-model") == 0  # fmt: skip
    assert labels.read_text() == (out / "labels.jsonl").read_text()
    first = json.loads(labels.read_text().splitlines()[0])
    assert first["id"] == "c1" and first["text"].startswith("Check out my channel")


def test_report_matches_rows_by_id_not_position(fixtures, tmp_path, split):
    votes, model = split
    shuffled = tmp_path / "shuffled.csv"
    data = pd.read_csv(fixtures / "comments.csv")
    data.iloc[::-1].to_csv(shuffled, index=False)
    report = tmp_path / "report.html"
    code = run_cli("-q", "report", "--votes", votes, "--model", model, "--out", report,
                   "--data", shuffled, "--id-column", "comment_id",
                   "--text-column", "body")  # fmt: skip
    assert code == 0
    html = report.read_text()
    # every example row shows its own comment: the row id cell is followed by that id's text
    checked = 0
    for row_id, text in zip(data["comment_id"], data["body"], strict=True):
        for chunk in html.split(f"<td>{row_id}</td>")[1:]:
            assert text[:20] in chunk.split("</tr>", 1)[0], row_id
            checked += 1
    assert checked >= 1


def test_report_without_id_column_refuses_data_of_another_size(fixtures, tmp_path, split, capsys):
    votes, model = split
    short = tmp_path / "short.csv"
    pd.read_csv(fixtures / "comments.csv").head(3).to_csv(short, index=False)
    code = run_cli("report", "--votes", votes, "--model", model, "--out", tmp_path / "r.html",
                   "--data", short)  # fmt: skip
    assert code == 1
    assert "has 3 rows but the votes have 8" in capsys.readouterr().err


def test_report_with_ids_the_data_lacks_is_refused(fixtures, tmp_path, split, capsys):
    votes, model = split
    partial = tmp_path / "partial.csv"
    pd.read_csv(fixtures / "comments.csv").iloc[2:].to_csv(partial, index=False)
    code = run_cli("report", "--votes", votes, "--model", model, "--out", tmp_path / "r.html",
                   "--data", partial, "--id-column", "comment_id")  # fmt: skip
    assert code == 1
    assert "2 row(s) of the votes have no row in" in capsys.readouterr().err


def test_summary_csv_names_the_classes(fixtures, tmp_path, split):
    votes, _ = split
    csv = tmp_path / "summary.csv"
    assert run_cli("-q", "summary", "--votes", votes, "--out", csv) == 0
    table = pd.read_csv(csv, index_col="lf")
    assert table.loc["link", "polarity"] == "spam"
    assert table.loc["short", "polarity"] == "ham"


def test_run_writes_class_names_in_the_summary_csv(fixtures, tmp_path):
    out = tmp_path / "out"
    code = run_cli("-q", "run", "--data", fixtures / "comments.csv", "--lfs",
                   fixtures / "tiny_lfs.py", "--out", out, "--text-column", "body")  # fmt: skip
    assert code == 0
    table = pd.read_csv(out / "lf_summary.csv", index_col="lf")
    assert set(table["polarity"]) == {"ham", "spam"}


def test_model_json_does_not_depend_on_quiet(fixtures, tmp_path, split):
    votes, _ = split
    loud, quiet = tmp_path / "loud.json", tmp_path / "quiet.json"
    assert run_cli("fit", "--votes", votes, "--out", loud) == 0
    assert run_cli("--quiet", "fit", "--votes", votes, "--out", quiet) == 0
    assert loud.read_text() == quiet.read_text()
    assert "progress" not in json.loads(loud.read_text())["params"]


@pytest.mark.parametrize("classes", ["a,,b", "ham,ham", "spam", " ,x"])
def test_bad_class_lists_are_refused(fixtures, tmp_path, capsys, classes):
    code = run_cli("apply", "--data", fixtures / "comments.csv", "--lfs",
                   fixtures / "tiny_lfs.py", "--out", tmp_path / "v.npz", "--text-column", "body",
                   "--classes", classes)  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert "'classes' parameter" in err and "distinct" in err
    assert not (tmp_path / "v.npz").exists()


def test_an_lf_defined_twice_under_one_name_is_refused(tmp_path):
    lf_file = tmp_path / "twice.py"
    lf_file.write_text(
        "from weaklabel import ABSTAIN, labeling_function\n"
        "@labeling_function()\n"
        "def spam_words(x):\n"
        "    return 1 if 'free' in x.text else ABSTAIN\n"
        "\n"
        "@labeling_function()\n"
        "def spam_words(x):\n"
        "    return 1 if 'win' in x.text else ABSTAIN\n"
    )
    with pytest.raises(Exception, match=r"twice.py, lines 3, 7: the name 'spam_words' is bound 2"):
        load_lfs(lf_file)


def test_lf_replaced_by_another_value_is_refused(tmp_path):
    lf_file = tmp_path / "replaced.py"
    lf_file.write_text(
        "from weaklabel import keyword_lf\n"
        "promo = keyword_lf('promo', ['free'], 1)\n"
        "promo = keyword_lf('promo2', ['win'], 1)\n"
    )
    with pytest.raises(Exception, match=r"lines 2, 3: the name 'promo'"):
        load_lfs(lf_file)


def test_python_quickstart_reads_another_text_column(fixtures):
    """docs/quickstart.md step 4: LFs read x.text, the data's text is in 'body'."""
    data = read_data(fixtures / "comments.csv")
    suite = load_lfs(fixtures / "tiny_lfs.py")
    votes = apply_lfs(suite.lfs, data, classes=suite.classes, id_column="comment_id",
                      text_column="body", progress=False)  # fmt: skip
    assert votes.n_rows == 8 and votes.n_votes > 0
    assert votes.row_ids[0] == "c1"


def test_text_column_beside_a_text_column_is_ambiguous():
    from weaklabel import ParameterError, keyword_lf

    data = pd.DataFrame({"text": ["a"], "body": ["free"]})
    with pytest.raises(ParameterError, match=r"already has a 'text' column"):
        apply_lfs([keyword_lf("k", ["free"], 1)], data, text_column="body", progress=False)
