"""End-to-end tests of the command line on small fixtures (in-process, plus a few subprocesses)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from weaklabel import VoteMatrix
from weaklabel.cli import main
from weaklabel.models import load_model


def run_cli(*args: str) -> int:
    return main([str(a) for a in args])


def test_run_on_a_csv_writes_all_outputs(fixtures, tmp_path, capsys):
    out = tmp_path / "out"
    code = run_cli(
        "run",
        "--data",
        fixtures / "comments.csv",
        "--lfs",
        fixtures / "tiny_lfs.py",
        "--out",
        out,
        "--text-column",
        "body",
        "--id-column",
        "comment_id",
        "--gold-column",
        "truth",
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert sorted(p.name for p in out.iterdir()) == [
        ".weaklabel-run.json",
        "end_model.npz",
        "labels.jsonl",
        "lf_summary.csv",
        "model.json",
        "report.html",
        "rounds.jsonl",
        "run.json",
        "votes.npz",
    ]
    assert "weaklabel report" in (out / "report.html").read_text()
    lines = [json.loads(line) for line in (out / "labels.jsonl").read_text().splitlines()]
    assert len(lines) == 8
    first = lines[0]
    assert set(first) == {
        "id", "label", "probs", "confidence", "source", "text", "label_model_probs",
        "end_model_probs",
    }  # fmt: skip
    assert first["source"] == "end-model"  # the final label: the end model's (a text column)
    assert first["end_model_probs"] == pytest.approx(first["probs"], abs=1e-15)
    assert first["id"] == "c1" and first["text"].startswith("Check out my channel")
    assert first["label"] in {"ham", "spam"}
    assert abs(sum(first["probs"].values()) - 1) < 1e-9
    assert first["confidence"] == max(first["probs"].values())
    votes = VoteMatrix.load(out / "votes.npz")
    assert votes.lf_names == ("link", "channel", "short", "song")
    assert votes.class_names == ("ham", "spam")
    assert load_model(out / "model.json").lf_names_ == votes.lf_names
    # the report names the scores and the tie policy
    assert "label-model" in captured.out and "majority-vote" in captured.out
    assert "ties go to" in captured.out
    assert "empirical_accuracy" in captured.out


def test_gold_column_is_hidden_from_lfs(fixtures, tmp_path):
    lf_file = tmp_path / "cheat.py"
    lf_file.write_text(
        "from weaklabel import labeling_function\n"
        "@labeling_function\ndef cheat(x): return 1 if x.truth == 'spam' else 0\n"
    )
    code = run_cli(
        "run",
        "--data",
        fixtures / "comments.csv",
        "--lfs",
        lf_file,
        "--out",
        tmp_path / "o",
        "--gold-column",
        "truth",
        "--text-column",
        "body",
        "--quiet",
    )
    assert code == 1
    assert not (tmp_path / "o").exists()


def test_quiet_prints_nothing(fixtures, tmp_path, capsys):
    code = run_cli(
        "--quiet",
        "run",
        "--data",
        fixtures / "comments.csv",
        "--lfs",
        fixtures / "tiny_lfs.py",
        "--out",
        tmp_path / "o",
        "--text-column",
        "body",
    )
    assert code == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_apply_fit_summary_steps(fixtures, tmp_path, capsys):
    votes_path, model_path = tmp_path / "votes.npz", tmp_path / "model.json"
    assert (
        run_cli(
            "apply",
            "--data",
            fixtures / "comments.csv",
            "--lfs",
            fixtures / "tiny_lfs.py",
            "--out",
            votes_path,
            "--text-column",
            "body",
            "--id-column",
            "comment_id",
            "-q",
        )
        == 0
    )
    assert (
        run_cli("fit", "--votes", votes_path, "--out", model_path, "--model", "majority-vote", "-q")
        == 0
    )
    assert load_model(model_path).__class__.__name__ == "MajorityVote"
    capsys.readouterr()
    assert (
        run_cli(
            "summary",
            "--votes",
            votes_path,
            "--data",
            fixtures / "comments.csv",
            "--gold-column",
            "truth",
            "--id-column",
            "comment_id",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "coverage" in out and "empirical_accuracy" in out
    assert out.count("\n") >= 5  # header + 4 LFs


def test_fit_with_gold_by_position(fixtures, tmp_path):
    votes_path = tmp_path / "votes.npz"
    run_cli(
        "apply",
        "--data",
        fixtures / "comments.csv",
        "--lfs",
        fixtures / "tiny_lfs.py",
        "--out",
        votes_path,
        "--text-column",
        "body",
        "-q",
    )
    assert (
        run_cli(
            "fit",
            "--votes",
            votes_path,
            "--out",
            tmp_path / "m.json",
            "--data",
            fixtures / "comments.csv",
            "--gold-column",
            "truth",
            "-q",
        )
        == 0
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lfs", "{fx}/missing_lfs.py"], "no such LF file"),
        (["--lfs", "{fx}/broken_import_lfs.py"], "broken_import_lfs.py, line 3"),
        (["--lfs", "{fx}/no_lfs.py"], "defines no labeling functions"),
        (
            ["--lfs", "{fx}/tiny_lfs.py", "--text-column", "content"],
            "text column 'content' is not in the data",
        ),
        (["--lfs", "{fx}/tiny_lfs.py", "--data", "{fx}/malformed.csv"], "malformed.csv, line 3"),
        (["--lfs", "{fx}/tiny_lfs.py", "--data", "{fx}/nothing.csv"], "no such file"),
        (["--lfs", "{fx}/raising_lfs.py", "--text-column", "body"], "'fragile' failed on row 4"),
    ],
)
def test_user_errors_exit_1_with_a_message_and_no_output(fixtures, tmp_path, capsys, args, message):
    argv = ["run", "--data", str(fixtures / "comments.csv"), "--out", str(tmp_path / "o")]
    argv += [a.format(fx=fixtures) for a in args]
    # a later --data wins in argparse, which lets a case swap the data file
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 1
    assert message in captured.err
    last = captured.err.rsplit("\r", 1)[-1]  # after any progress bar
    assert last.startswith("weaklabel: error: ") and last.count("\n") == 1
    assert "Traceback" not in captured.err
    assert not (tmp_path / "o").exists()


def test_on_error_abstain_warns_and_finishes(fixtures, tmp_path, capsys):
    code = run_cli(
        "run",
        "--data",
        fixtures / "comments.csv",
        "--lfs",
        fixtures / "raising_lfs.py",
        "--text-column",
        "body",
        "--out",
        tmp_path / "o",
        "--on-error",
        "abstain",
        "-q",
    )
    assert code == 0
    assert "fragile (1 rows)" in capsys.readouterr().err
    votes = VoteMatrix.load(tmp_path / "o" / "votes.npz")
    assert votes.lf_failures.tolist() == [1, 0]


def test_debug_shows_the_traceback(fixtures, tmp_path, capsys):
    code = run_cli(
        "--debug",
        "run",
        "--data",
        fixtures / "comments.csv",
        "--lfs",
        fixtures / "raising_lfs.py",
        "--text-column",
        "body",
        "--out",
        tmp_path / "o",
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "text too short to judge" in err


def test_classes_flag_overrides_the_lf_file(fixtures, tmp_path):
    assert (
        run_cli(
            "apply",
            "--data",
            fixtures / "comments.csv",
            "--lfs",
            fixtures / "tiny_lfs.py",
            "--out",
            tmp_path / "v.npz",
            "--text-column",
            "body",
            "--classes",
            "good,bad",
            "-q",
        )
        == 0
    )
    assert VoteMatrix.load(tmp_path / "v.npz").class_names == ("good", "bad")


def test_lf_vote_beyond_classes_is_an_error(fixtures, tmp_path, capsys):
    lf_file = tmp_path / "three.py"
    lf_file.write_text(
        "from weaklabel import labeling_function\n@labeling_function\ndef two(x): return 2\n"
    )
    code = run_cli(
        "apply",
        "--data",
        fixtures / "comments.csv",
        "--lfs",
        lf_file,
        "--out",
        tmp_path / "v.npz",
        "--cardinality",
        "2",
        "-q",
    )
    assert code == 1
    assert "'two' returned 2" in capsys.readouterr().err
    assert not (tmp_path / "v.npz").exists()


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["run", "--model", "nope"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: weaklabel" in capsys.readouterr().err


@pytest.mark.parametrize("command", [[], ["run"], ["apply"], ["fit"], ["summary"], ["report"]])
def test_help_everywhere(command):
    result = subprocess.run(
        [sys.executable, "-m", "weaklabel", *command, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("usage: weaklabel")


def test_demo_runs_from_python_m(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "weaklabel", "run", "--out", str(tmp_path), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    labels = (tmp_path / "labels.jsonl").read_text().splitlines()
    assert len(labels) == 1956
    probs = np.array([list(json.loads(line)["probs"].values()) for line in labels])
    assert np.allclose(probs.sum(axis=1), 1)


def test_report_command(fixtures, tmp_path, capsys):
    votes_path, model_path = tmp_path / "votes.npz", tmp_path / "model.json"
    run_cli(
        "apply",
        "--data",
        fixtures / "comments.csv",
        "--lfs",
        fixtures / "tiny_lfs.py",
        "--out",
        votes_path,
        "--text-column",
        "body",
        "-q",
    )
    run_cli("fit", "--votes", votes_path, "--out", model_path, "-q")
    out = tmp_path / "report.html"
    code = run_cli(
        "report",
        "--votes",
        votes_path,
        "--model",
        model_path,
        "--out",
        out,
        "--data",
        fixtures / "comments.csv",
        "--text-column",
        "body",
        "--gold-column",
        "truth",
        "--title",
        "tiny",
    )
    assert code == 0, capsys.readouterr().err
    page = out.read_text()
    assert "tiny" in page and "example.com" in page  # texts shown beside example rows
    assert "accuracy on 8 gold rows" in page


def test_report_refuses_data_of_another_size(fixtures, tmp_path, capsys):
    votes_path, model_path = tmp_path / "votes.npz", tmp_path / "model.json"
    run_cli(
        "apply",
        "--data",
        fixtures / "comments.csv",
        "--lfs",
        fixtures / "tiny_lfs.py",
        "--out",
        votes_path,
        "--text-column",
        "body",
        "-q",
    )
    run_cli("fit", "--votes", votes_path, "--out", model_path, "-q")
    code = run_cli(
        "report",
        "--votes",
        votes_path,
        "--model",
        model_path,
        "--data",
        fixtures / "comments.jsonl",
        "--out",
        tmp_path / "r.html",
    )
    assert code == 1
    assert "has 2 rows but" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_run_warns_of_a_class_no_lf_votes_for(fixtures, tmp_path, capsys):
    lfs = tmp_path / "three_classes.py"
    lfs.write_text(
        "from weaklabel import ABSTAIN, labeling_function\n"
        "CLASSES = ('ham', 'spam', 'other')\n"
        "@labeling_function()\n"
        "def link(x):\n"
        "    return 1 if 'http' in x.text else ABSTAIN\n"
        "@labeling_function()\n"
        "def song(x):\n"
        "    return 0 if 'song' in x.text else ABSTAIN\n",
        encoding="utf-8",
    )
    code = run_cli(
        "run",
        "--data",
        fixtures / "comments.csv",
        "--lfs",
        lfs,
        "--text-column",
        "body",
        "--out",
        tmp_path / "o",
        "-q",
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "weaklabel: warning: No LF votes for class 'other'" in err
    assert "'ham'" not in err and "'spam'" not in err
    assert "Things to check" in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
